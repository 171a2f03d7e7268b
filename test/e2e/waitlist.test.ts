import { randomUUID } from 'node:crypto';
import type { PublishServiceRequest } from '../../lib/timetable/service';
import { eventually } from '../helpers/eventually';
import { type LocalCloudProcess, startLocalCloudProcess } from '../helpers/local-cloud';
import { residentId } from '../helpers/resident-ids';
import { daysFromNow, nextTrainNo } from '../helpers/services';

/**
 * The waitlist (候补) on the local cloud (shared/API.md, "Waitlist"): sold out →
 * waitlisted → prepaid (WAITING) → a release → the oldest waiting order PAID and
 * ticketed; a deadline refunding in full once; a burst of releases; the fulfiller
 * down and up. One cloud for the file; schedules fire every 2 s (the deadline sweep);
 * alice's cancels are not limited here (the per-user limits are not under test).
 */
const FARE = 10_000;

let cloud: LocalCloudProcess;
let admin: string;
let alice: string;
let bob: string;
let passengerCounter = 6000;

type Body = Record<string, any>;

async function call(method: string, path: string, options: { token?: string; body?: unknown; key?: string } = {}): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.key ? { 'idempotency-key': options.key } : {}) },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Body };
}

/** A train of `seats` second-class seats in one coach, ten days ahead. */
async function train(seats: number): Promise<string> {
  const service: PublishServiceRequest = {
    trainNo: nextTrainNo(),
    date: daysFromNow(10),
    stops: [
      { station: 'VNP', name: 'Beijing South', departs: '09:00' },
      { station: 'AOH', name: 'Shanghai Hongqiao', arrives: '13:28' },
    ],
    coaches: [{ coach: '01', seatClass: 'second', rows: 1, letters: ['A', 'B', 'C', 'D', 'F'].slice(0, seats) }],
    fares: { second: FARE },
  };
  const { status, body } = await call('POST', '/admin/services', { token: admin, body: service });
  expect(status).toBe(201);
  return body.serviceId as string;
}

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

async function order(token: string, serviceId: string, waitlist?: { until: string }): Promise<Body> {
  const passengers = [{ name: `Traveller ${passengerCounter}`, idNumber: residentId(passengerCounter++) }];
  const { status, body } = await call('POST', '/orders', { token, key: randomUUID(), body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers, ...(waitlist ? { waitlist } : {}) } });
  expect({ status, body }).toMatchObject({ status: 201 });
  return body;
}

const pay = async (orderId: string): Promise<Body> => (await call('POST', '/_local/pay', { body: { orderId } })).body;

/** Sold out already: a waitlist request, prepaid → WAITING. */
async function waiting(token: string, serviceId: string, until = inAnHour()): Promise<Body> {
  const request = await order(token, serviceId, { until });
  expect(request).toMatchObject({ status: 'WAITLISTED', amount: FARE, expiresAt: expect.any(String) });
  expect(await pay(request.orderId)).toMatchObject({ status: 'WAITING' });
  return request;
}

const statusOf = async (token: string, orderId: string): Promise<string | undefined> => (await call('GET', `/orders/${orderId}`, { token })).body.status;

async function untilStatus(token: string, orderId: string, status: string, timeoutMs = 20_000): Promise<void> {
  await eventually(async () => expect(await statusOf(token, orderId)).toBe(status), timeoutMs, 200);
}

const cancel = (token: string, orderId: string) => call('POST', `/orders/${orderId}/cancel`, { token, key: randomUUID() });
const refundsOf = async (orderId: string) => ((await call('GET', '/_local/refunds')).body.refunds as Body[]).filter((r) => r.orderId === orderId);
const faults = async (body: unknown) => expect((await call('POST', '/_local/faults', { body })).status).toBe(204);

beforeAll(async () => {
  cloud = await startLocalCloudProcess({ LOCAL_SCHEDULE_SECONDS: '2', MAX_UNPAID_ORDERS: '20', MAX_CANCELLATIONS_PER_DAY: '20', LOCAL_QUEUE_VISIBILITY_SECONDS: '1' }, { seed: false });
  [admin, alice, bob] = await Promise.all([cloud.token('ops', true), cloud.token('alice'), cloud.token('bob')]);
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

describe('HTTP API: the waitlist (候补) on the local cloud', () => {
  it('gives a seat freed by a cancel to the oldest WAITING order, which is ticketed, and not to a younger one', async () => {
    const serviceId = await train(1);
    const held = await order(alice, serviceId, { until: inAnHour() });
    expect(held.status).toBe('RESERVED');
    const oldest = await waiting(bob, serviceId);
    const younger = await waiting(bob, serviceId);
    await untilStatus(bob, oldest.orderId, 'WAITING');

    expect(await cancel(alice, held.orderId)).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });

    await untilStatus(bob, oldest.orderId, 'TICKETED');
    const ticketed = (await call('GET', `/orders/${oldest.orderId}`, { token: bob })).body;
    expect(ticketed.tickets).toEqual([expect.objectContaining({ coach: '01', seat: '01A', status: 'ACTIVE' })]);
    expect(await statusOf(bob, younger.orderId)).toBe('WAITING');
  });

  it('refunds a WAITING order in full once its deadline passes, once', async () => {
    const serviceId = await train(1);
    const sold = await order(alice, serviceId);
    await pay(sold.orderId);
    const request = await waiting(bob, serviceId, new Date(Date.now() + 4000).toISOString());

    await untilStatus(bob, request.orderId, 'REFUNDED');
    await eventually(async () => expect(await refundsOf(request.orderId)).toEqual([expect.objectContaining({ amount: FARE })]), 15_000, 250);
    await new Promise((wake) => setTimeout(wake, 3000));
    expect(await refundsOf(request.orderId)).toHaveLength(1);
  });

  it('cancels an unpaid waitlist request, and refunds a WAITING one on its owner\'s cancel', async () => {
    const serviceId = await train(1);
    await order(alice, serviceId);
    const unpaid = await order(bob, serviceId, { until: inAnHour() });
    const prepaid = await waiting(bob, serviceId);

    expect(await cancel(bob, unpaid.orderId)).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
    expect(await cancel(bob, prepaid.orderId)).toMatchObject({ status: 200, body: { status: 'REFUNDED' } });
    await eventually(async () => expect(await refundsOf(prepaid.orderId)).toEqual([expect.objectContaining({ amount: FARE })]), 15_000, 250);
  });

  it('refuses a waitlist deadline after the ride departs', async () => {
    const serviceId = await train(1);
    const passengers = [{ name: 'Late', idNumber: residentId(passengerCounter++) }];
    const { status, body } = await call('POST', '/orders', { token: bob, key: randomUUID(), body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers, waitlist: { until: new Date(Date.now() + 30 * 86_400_000).toISOString() } } });
    expect({ status, type: body.type }).toEqual({ status: 400, type: '/problems/validation' });
  });

  it('serves each seat of a burst of cancels once, oldest first', async () => {
    const serviceId = await train(3);
    const held = [await order(alice, serviceId), await order(alice, serviceId), await order(alice, serviceId)];
    const queue = [await waiting(bob, serviceId), await waiting(bob, serviceId), await waiting(bob, serviceId), await waiting(bob, serviceId)];

    await Promise.all(held.map((h) => cancel(alice, h.orderId)));

    await Promise.all(queue.slice(0, 3).map((q) => untilStatus(bob, q.orderId, 'TICKETED', 30_000)));
    expect(await statusOf(bob, queue[3]?.orderId)).toBe('WAITING');
  });

  it('loses nothing while the fulfiller is down: the release is served once it is up again', async () => {
    const serviceId = await train(1);
    const held = await order(alice, serviceId);
    const request = await waiting(bob, serviceId);
    await faults({ waitlistFulfiller: 'down' });
    try {
      await cancel(alice, held.orderId);
      await new Promise((wake) => setTimeout(wake, 3000));
      expect(await statusOf(bob, request.orderId)).toBe('WAITING');
    } finally {
      await faults({ waitlistFulfiller: 'up' });
    }
    await untilStatus(bob, request.orderId, 'TICKETED', 30_000);
  });
});
