import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { PublishServiceRequest } from '../../lib/timetable/service';
import { eventually } from '../helpers/eventually';
import { type LocalCloudProcess, startLocalCloudProcess } from '../helpers/local-cloud';
import { residentId } from '../helpers/resident-ids';
import { nextTrainNo } from '../helpers/services';

/**
 * After-sale on the local cloud (shared/API.md, "After-sale"): refunds with their
 * fee tiers, changes both ways, the refusals, and the refund outbox reaching the
 * simulated payment provider once per refund, across its failures. One cloud for
 * the file: holds last HOLD_TTL_SECONDS (15 s, for the late payment) and a queue
 * message reappears after 1 s (so a failed refund is retried within seconds).
 */
const PROJECT_ROOT = resolve(__dirname, '..', '..');
const HOLD_TTL_SECONDS = 15;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FARE = 10_000;

let cloud: LocalCloudProcess;
let admin: string;
let alice: string;
let bob: string;
let passengerCounter = 4000;

type Body = Record<string, any>;

async function call(method: string, path: string, options: { token?: string; body?: unknown; key?: string } = {}): Promise<{ status: number; headers: Headers; body: Body }> {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.key ? { 'idempotency-key': options.key } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Body };
}

/** A train whose first stop is left `leavesInMs` from now (to the next whole minute), railway local time, VNP → JGK → AOH. */
function serviceLeavingIn(leavesInMs: number, options: { rows?: number; letters?: string[]; fares?: PublishServiceRequest['fares'] } = {}): PublishServiceRequest {
  const local = Math.ceil((Date.now() + leavesInMs) / MINUTE) * MINUTE + 8 * HOUR;
  const clock = (plusMinutes: number) => new Date(local + plusMinutes * MINUTE).toISOString().slice(11, 16);
  return {
    trainNo: nextTrainNo(),
    date: new Date(local).toISOString().slice(0, 10),
    stops: [
      { station: 'VNP', name: 'Beijing South', departs: clock(0) },
      { station: 'JGK', name: 'Jinan West', arrives: clock(30), departs: clock(32) },
      { station: 'AOH', name: 'Shanghai Hongqiao', arrives: clock(60) },
    ],
    coaches: [{ coach: '01', seatClass: 'second', rows: options.rows ?? 2, letters: options.letters ?? ['A', 'B', 'C', 'D', 'F'] }],
    fares: options.fares ?? { second: FARE },
  };
}

async function publish(service: PublishServiceRequest): Promise<string> {
  const { status, body } = await call('POST', '/admin/services', { token: admin, body: service });
  expect(status).toBe(201);
  return body.serviceId as string;
}

async function reserve(token: string, serviceId: string, passengers = 1): Promise<Body> {
  const people = Array.from({ length: passengers }, (_, i) => ({ name: `Passenger ${i + 1}`, idNumber: residentId(passengerCounter++) }));
  const { status, body } = await call('POST', '/orders', { token, key: randomUUID(), body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: people } });
  expect({ status, body }).toMatchObject({ status: 201 });
  return body;
}

const order = async (token: string, orderId: string): Promise<Body> => (await call('GET', `/orders/${orderId}`, { token })).body;

async function untilStatus(token: string, orderId: string, status: string, timeoutMs = 20_000): Promise<Body> {
  let last: Body = {};
  await eventually(async () => {
    last = await order(token, orderId);
    expect(last.status).toBe(status);
  }, timeoutMs, 200);
  return last;
}

/** An order of `passengers` on the service, paid and ticketed. */
async function ticketed(token: string, serviceId: string, passengers = 1): Promise<Body> {
  const { orderId } = await reserve(token, serviceId, passengers);
  expect((await call('POST', '/_local/pay', { body: { orderId } })).body).toMatchObject({ status: 'PAID' });
  return untilStatus(token, orderId, 'TICKETED');
}

const available = async (serviceId: string): Promise<number> => (await call('GET', `/services/${serviceId}/availability?from=VNP&to=AOH`)).body.classes?.second?.available as number;

async function untilAvailable(serviceId: string, seats: number): Promise<void> {
  await eventually(async () => expect(await available(serviceId)).toBe(seats), 10_000, 200);
}

const refund = (token: string, orderId: string, body: unknown = {}, key: string = randomUUID()) => call('POST', `/orders/${orderId}/refund`, { token, key, body });
const change = (token: string, orderId: string, body: unknown, key: string = randomUUID()) => call('POST', `/orders/${orderId}/change`, { token, key, body });

type Received = { refunds: Array<{ refundId: string; orderId: string; paymentId: string; amount: number }>; requests: number };
const received = async (): Promise<Received> => (await call('GET', '/_local/refunds')).body as Received;
const refundsOf = async (orderId: string) => (await received()).refunds.filter((r) => r.orderId === orderId);
const faults = async (body: unknown) => expect((await call('POST', '/_local/faults', { body })).status).toBe(204);

/** Started first, finished last: a ticket whose train leaves in a minute or two, and an order left unpaid past its hold. */
let leaving: { serviceId: string; orderId: string; departsAt: number };
let lapsed: { serviceId: string; orderId: string; reservedAt: number };

beforeAll(async () => {
  // Alice keeps a few orders unpaid on purpose (the late payment, the refusals): the per-user limit is not under test here.
  cloud = await startLocalCloudProcess({ HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS), LOCAL_QUEUE_VISIBILITY_SECONDS: '1', MAX_UNPAID_ORDERS: '20' }, { seed: false });
  [admin, alice, bob] = await Promise.all([cloud.token('ops', true), cloud.token('alice'), cloud.token('bob')]);

  // Far enough ahead to be ticketed first on a busy machine, near enough to leave while the other tests run.
  const soon = serviceLeavingIn(50_000);
  const soonId = await publish(soon);
  const soonOrder = await ticketed(alice, soonId);
  leaving = { serviceId: soonId, orderId: soonOrder.orderId, departsAt: Date.parse(`${soon.date}T${soon.stops[0]?.departs}:00+08:00`) };

  const single = await publish(serviceLeavingIn(10 * DAY, { rows: 1, letters: ['A'] }));
  lapsed = { serviceId: single, orderId: (await reserve(alice, single)).orderId, reservedAt: Date.now() };
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

describe('HTTP API: refunds (退票) on the local cloud', () => {
  it.each([
    ['9 days', 9 * DAY, 0],
    ['3 days', 3 * DAY, 500],
    ['30 hours', 30 * HOUR, 1_000],
    ['2 hours', 2 * HOUR, 2_000],
  ])('refunds a ticket %s before departure for its fare less the tier fee, frees its seat, and sends the rest to the provider', async (_label, leavesIn, fee) => {
    const serviceId = await publish(serviceLeavingIn(leavesIn));
    const { orderId, tickets } = await ticketed(alice, serviceId);
    await untilAvailable(serviceId, 9);

    const { status, body } = await refund(alice, orderId);

    expect(status).toBe(200);
    expect(body).toEqual({ orderId, status: 'REFUNDED', refunds: [{ ticketNo: tickets[0].ticketNo, fare: FARE, fee, amount: FARE - fee }] });
    await untilAvailable(serviceId, 10);
    const view = await untilStatus(alice, orderId, 'REFUNDED');
    expect(view.tickets).toEqual([expect.objectContaining({ ticketNo: tickets[0].ticketNo, status: 'REFUNDED' })]);
    await eventually(async () => expect(await refundsOf(orderId)).toEqual([expect.objectContaining({ amount: FARE - fee })]), 15_000, 250);
  });

  it('refunds one ticket of a party: the order stays TICKETED with the other ACTIVE, then the rest by default', async () => {
    const serviceId = await publish(serviceLeavingIn(10 * DAY));
    const { orderId, tickets } = await ticketed(alice, serviceId, 2);
    await untilAvailable(serviceId, 8);

    const first = await refund(alice, orderId, { tickets: [tickets[1].ticketNo] });

    expect(first).toMatchObject({ status: 200, body: { status: 'TICKETED', refunds: [{ ticketNo: tickets[1].ticketNo, fee: 0, amount: FARE }] } });
    await untilAvailable(serviceId, 9);
    await eventually(async () => {
      expect((await order(alice, orderId)).tickets.map((t: Body) => t.status)).toEqual(['ACTIVE', 'REFUNDED']);
    }, 10_000, 200);
    const rest = await refund(alice, orderId);
    expect(rest).toMatchObject({ status: 200, body: { status: 'REFUNDED', refunds: [{ ticketNo: tickets[0].ticketNo }] } });
    await untilAvailable(serviceId, 10);
  });

  it("refuses an unpaid order's refund, a second refund, and someone else's; answers a retry under the same key the same", async () => {
    const serviceId = await publish(serviceLeavingIn(10 * DAY));
    const unpaid = await reserve(alice, serviceId);
    expect(await refund(alice, unpaid.orderId)).toMatchObject({ status: 409, body: { type: '/problems/invalid-state' } });

    const { orderId } = await ticketed(alice, serviceId);
    expect(await refund(bob, orderId)).toMatchObject({ status: 404, body: { type: '/problems/not-found' } });
    const key = randomUUID();
    const first = await refund(alice, orderId, {}, key);
    expect(first.status).toBe(200);

    const retried = await refund(alice, orderId, {}, key);
    expect(retried).toMatchObject({ status: 200, body: first.body });
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(await refund(alice, orderId, { tickets: ['E0000000000X0'] }, key)).toMatchObject({ status: 422, body: { type: '/problems/idempotency-conflict' } });
    expect(await refund(alice, orderId)).toMatchObject({ status: 409, body: { type: '/problems/invalid-state' } });
  });
});

describe('HTTP API: changes (改签) on the local cloud', () => {
  it('changes to a cheaper train at once: the new order PAID and ticketed, the old ticket CHANGED and its seat free, the difference refunded', async () => {
    const from = await publish(serviceLeavingIn(5 * DAY));
    const to = await publish(serviceLeavingIn(6 * DAY, { fares: { second: 8_000 } }));
    const old = await ticketed(alice, from);
    await untilAvailable(from, 9);

    const { status, body } = await change(alice, old.orderId, { ticketNo: old.tickets[0].ticketNo, serviceId: to, seatClass: 'second' });

    expect(status).toBe(201);
    expect(body).toMatchObject({ status: 'PAID', amount: 0, changeOf: { orderId: old.orderId, ticketNo: old.tickets[0].ticketNo }, refund: { amount: 2_000 }, serviceId: to });
    await untilAvailable(from, 10);
    await untilAvailable(to, 9);
    const changed = await untilStatus(alice, body.orderId, 'TICKETED');
    expect(changed.tickets).toEqual([expect.objectContaining({ status: 'ACTIVE', fare: 8_000 })]);
    await eventually(async () => expect((await order(alice, old.orderId)).tickets).toEqual([expect.objectContaining({ status: 'CHANGED' })]), 10_000, 200);
    await eventually(async () => expect(await refundsOf(body.orderId)).toEqual([expect.objectContaining({ amount: 2_000, paymentId: expect.any(String) })]), 15_000, 250);
    // Once per ticket: the new ticket cannot be changed again, the old one neither.
    expect(await change(alice, body.orderId, { ticketNo: changed.tickets[0].ticketNo, serviceId: from, seatClass: 'second' })).toMatchObject({ status: 409, body: { type: '/problems/invalid-state' } });
    expect(await change(alice, old.orderId, { ticketNo: old.tickets[0].ticketNo, serviceId: to, seatClass: 'second' })).toMatchObject({ status: 409 });
  });

  it('changes to a dearer train only once the difference is paid and the new ticket issued; then the passenger may book the old train again', async () => {
    const from = await publish(serviceLeavingIn(5 * DAY));
    const to = await publish(serviceLeavingIn(6 * DAY, { fares: { second: 12_500 } }));
    const traveller = { name: 'Passenger 1', idNumber: residentId(passengerCounter) };
    const old = await ticketed(alice, from);

    const { status, body } = await change(alice, old.orderId, { ticketNo: old.tickets[0].ticketNo, serviceId: to, seatClass: 'second' });

    expect(status).toBe(201);
    expect(body).toMatchObject({ status: 'RESERVED', amount: 2_500, changeOf: { orderId: old.orderId } });
    await untilAvailable(to, 9);
    expect(await available(from)).toBe(9);
    expect((await order(alice, old.orderId)).tickets).toEqual([expect.objectContaining({ status: 'ACTIVE' })]);
    // While the change waits for its payment, the old ticket is neither refunded nor changed again.
    expect(await refund(alice, old.orderId)).toMatchObject({ status: 409, body: { type: '/problems/invalid-state' } });

    expect((await call('POST', '/_local/pay', { body: { orderId: body.orderId } })).body).toMatchObject({ status: 'PAID' });
    await untilStatus(alice, body.orderId, 'TICKETED');
    await eventually(async () => expect((await order(alice, old.orderId)).tickets).toEqual([expect.objectContaining({ status: 'CHANGED', changedTo: { orderId: body.orderId, ticketNo: expect.any(String) } })]), 10_000, 200);
    await untilAvailable(from, 10);
    expect(await available(to)).toBe(9);
    // Their ticket on the old train is gone, and so is their claim there.
    const again = await call('POST', '/orders', { token: alice, key: randomUUID(), body: { serviceId: from, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [traveller] } });
    expect(again).toMatchObject({ status: 201, body: { status: 'RESERVED' } });
  });

  it('changes nothing when the new train is full: 409 sold-out, the old ticket ACTIVE and its seat still taken', async () => {
    const from = await publish(serviceLeavingIn(5 * DAY));
    const full = await publish(serviceLeavingIn(6 * DAY, { rows: 1, letters: ['A'] }));
    const old = await ticketed(alice, from);
    await ticketed(bob, full);

    const { status, body } = await change(alice, old.orderId, { ticketNo: old.tickets[0].ticketNo, serviceId: full, seatClass: 'second' });

    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/sold-out' });
    expect((await order(alice, old.orderId)).tickets).toEqual([expect.objectContaining({ status: 'ACTIVE' })]);
    expect((await call('GET', '/orders', { token: alice })).body.orders.filter((o: Body) => o.changeOf?.orderId === old.orderId)).toEqual([]);
    await untilAvailable(from, 9);
  });
});

describe('The refund outbox on the local cloud', () => {
  it('sends a late payment (REFUND_REQUIRED) to the provider exactly once, though the provider lost its first answers, and the order ends REFUNDED', async () => {
    // Alice's hold has lapsed and Bob has taken the only seat: her payment comes too late.
    await new Promise((wake) => setTimeout(wake, Math.max(0, lapsed.reservedAt + HOLD_TTL_SECONDS * 1000 + 1000 - Date.now())));
    await ticketed(bob, lapsed.serviceId);
    await faults({ refundProvider: 'lose-answers' });
    const requestsBefore = (await received()).requests;

    expect((await call('POST', '/_local/pay', { body: { orderId: lapsed.orderId } })).body).toMatchObject({ status: 'REFUND_REQUIRED' });

    await eventually(async () => expect((await received()).requests).toBeGreaterThanOrEqual(requestsBefore + 2), 20_000, 250);
    await faults({ refundProvider: 'up' });
    await untilStatus(alice, lapsed.orderId, 'REFUNDED');
    expect(await refundsOf(lapsed.orderId)).toEqual([expect.objectContaining({ amount: FARE })]);
  });

  it('parks a refund in refund-outbox-dlq while the provider is down, and sends it once after the redrive', async () => {
    const serviceId = await publish(serviceLeavingIn(10 * DAY));
    const { orderId } = await ticketed(alice, serviceId);
    await faults({ refundProvider: 'down' });
    try {
      expect((await refund(alice, orderId)).status).toBe(200);
      await eventually(async () => expect((await call('GET', '/_local/queues')).body['refund-outbox-dlq']).toEqual({ visible: 1, inFlight: 0 }), 30_000, 250);
      expect(await refundsOf(orderId)).toEqual([]);
    } finally {
      await faults({ refundProvider: 'up' });
    }

    const redrive = await new Promise<{ code: number; stdout: string }>((done) =>
      execFile('npx', ['tsx', 'infra/ops/redrive.ts', 'refund-outbox'], { cwd: PROJECT_ROOT, env: { ...process.env, ...cloud.env() }, timeout: 30_000 }, (error, stdout) =>
        done({ code: error ? 1 : 0, stdout }),
      ),
    );
    expect(redrive).toMatchObject({ code: 0, stdout: expect.stringContaining('moved 1 message from refund-outbox-dlq back to refund-outbox') });
    await eventually(async () => expect(await refundsOf(orderId)).toEqual([expect.objectContaining({ amount: FARE })]), 15_000, 250);
  });

  it('lists each refund once, whatever the retries', async () => {
    const ids = (await received()).refunds.map((r) => r.refundId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('HTTP API: after departure', () => {
  it('refuses to refund or change a ticket whose train has left, and to sell seats on it (409 sales-closed)', async () => {
    await new Promise((wake) => setTimeout(wake, Math.max(0, leaving.departsAt + 1000 - Date.now())));
    const { tickets } = await order(alice, leaving.orderId);

    expect(await refund(alice, leaving.orderId)).toMatchObject({ status: 409, body: { type: '/problems/invalid-state' } });
    expect(await change(alice, leaving.orderId, { ticketNo: tickets[0].ticketNo, serviceId: lapsed.serviceId, seatClass: 'second' })).toMatchObject({ status: 409, body: { type: '/problems/invalid-state' } });
    const late = await call('POST', '/orders', { token: bob, key: randomUUID(), body: { serviceId: leaving.serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [{ name: 'Late', idNumber: residentId(9999) }] } });
    expect(late).toMatchObject({ status: 409, body: { type: '/problems/sales-closed' } });
  }, 180_000);
});
