import { randomUUID } from 'node:crypto';
import { signPayment } from '../../lib/orders/payment-signature';
import { type LocalCloudProcess, startLocalCloudProcess } from '../helpers/local-cloud';
import { residentId } from '../helpers/resident-ids';
import { smallService } from '../helpers/services';
import { eventually as retryUntil } from '../helpers/eventually';

const SECRET = 'e2e-payment-webhook-secret';
const HOLD_TTL_SECONDS = 6;

let cloud: LocalCloudProcess;
let admin: string;
let alice: string;
let bob: string;
let passengers = 0;

beforeAll(async () => {
  cloud = await startLocalCloudProcess({ HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS), PAYMENT_WEBHOOK_SECRET: SECRET, LOCAL_SCHEDULE_SECONDS: '2' });
  admin = await cloud.token('ops', true);
});

// Users of each test alone: a user's unpaid orders and cancellations count across tests (2 and 3 a day at most).
beforeEach(async () => {
  const run = randomUUID();
  [alice, bob] = await Promise.all([cloud.token(`alice-${run}`), cloud.token(`bob-${run}`)]);
});

afterAll(async () => {
  await cloud?.stop();
});

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}

async function call(method: string, path: string, options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    ...(options.raw !== undefined ? { body: options.raw } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

async function publish(rows = 1, letters = ['A', 'B', 'C', 'D', 'F']): Promise<string> {
  return (await call('POST', '/admin/services', { token: admin, body: smallService({ rows, letters }) })).body.serviceId;
}

const passenger = () => ({ name: `Traveller ${++passengers}`, idNumber: residentId(passengers) });

function reserve(token: string, serviceId: string, options: { key?: string; travellers?: { name: string; idNumber: string }[] } = {}) {
  return call('POST', '/orders', {
    token,
    headers: { 'idempotency-key': options.key ?? randomUUID() },
    body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: options.travellers ?? [passenger()] },
  });
}

function pay(orderId: string, amount: number, options: { paymentId?: string; secret?: string; t?: number; status?: string; signature?: string | null } = {}) {
  const raw = JSON.stringify({ paymentId: options.paymentId ?? randomUUID(), orderId, amount, currency: 'CNY', status: options.status ?? 'SUCCEEDED' });
  const signature = options.signature === undefined ? signPayment(options.secret ?? SECRET, raw, options.t ?? Math.floor(Date.now() / 1000)) : options.signature;
  return call('POST', '/payments/callback', { raw, headers: signature === null ? {} : { 'x-payment-signature': signature } });
}

const free = async (serviceId: string) => (await call('GET', `/services/${serviceId}/availability?from=VNP&to=AOH`)).body.classes.second.available as number;
/** Availability is served from the occupancy snapshot, which follows the ledger within about a second. */
const eventuallyFree = (serviceId: string, seats: number) => retryUntil(async () => expect(await free(serviceId)).toBe(seats), 10_000, 100);
const statusOf = async (token: string, orderId: string) => (await call('GET', `/orders/${orderId}`, { token })).body.status as string | undefined;

/** Orders are read from the read model, which follows the writes through the stream within moments. */
const eventuallyStatus = (token: string, orderId: string, status: string) => eventually(async () => expect(await statusOf(token, orderId)).toBe(status), 20_000);

describe('HTTP API: orders and payments on the local cloud', () => {
  it('reserves, takes a signed payment once and shows the order PAID', async () => {
    const serviceId = await publish();
    const reserved = await reserve(alice, serviceId);
    expect(reserved).toMatchObject({ status: 201, body: { status: 'RESERVED', currency: 'CNY', amount: 55300, seats: [{ coach: '05' }] } });
    const { orderId, amount } = reserved.body;

    const paymentId = randomUUID();
    expect(await pay(orderId, amount, { paymentId })).toMatchObject({ status: 200, body: { orderId, status: 'PAID' } });
    expect(await pay(orderId, amount, { paymentId })).toMatchObject({ status: 200, body: { orderId, status: 'PAID' } });

    await eventuallyStatus(alice, orderId, 'PAID');
    await eventuallyFree(serviceId, 4);
  });

  it('refuses forged, unsigned and stale callbacks with 401 and a wrong amount with 409, changing nothing', async () => {
    const serviceId = await publish();
    const { orderId, amount } = (await reserve(alice, serviceId)).body;

    expect((await pay(orderId, amount, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await pay(orderId, amount, { signature: null })).status).toBe(401);
    expect((await pay(orderId, amount, { t: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    expect(await pay(orderId, amount + 1)).toMatchObject({ status: 409, body: { type: '/problems/payment-mismatch' } });
    expect(await pay(orderId, amount, { status: 'FAILED' })).toMatchObject({ status: 200, body: { status: 'RESERVED' } });

    await eventuallyStatus(alice, orderId, 'RESERVED');
  });

  it('cancels a reserved order at once, repeats the answer, refuses a payment for it, and hides it from other users', async () => {
    const serviceId = await publish();
    const { orderId, amount } = (await reserve(alice, serviceId)).body;

    await eventuallyStatus(alice, orderId, 'RESERVED');
    expect((await call('GET', `/orders/${orderId}`, { token: bob })).status).toBe(404);
    expect((await call('POST', `/orders/${orderId}/cancel`, { token: bob })).status).toBe(404);
    expect(await call('POST', `/orders/${orderId}/cancel`, { token: alice })).toMatchObject({ status: 200, body: { orderId, status: 'CANCELLED' } });
    expect(await call('POST', `/orders/${orderId}/cancel`, { token: alice })).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
    await eventuallyFree(serviceId, 5);
    expect(await pay(orderId, amount)).toMatchObject({ status: 409, body: { type: '/problems/invalid-state' } });
  });

  it('replays a request with the same Idempotency-Key and body, refuses another body under it, and needs a key', async () => {
    const serviceId = await publish();
    const key = randomUUID();
    const travellers = [passenger()];

    const [a, b] = await Promise.all([reserve(alice, serviceId, { key, travellers }), reserve(alice, serviceId, { key, travellers })]);
    const again = await reserve(alice, serviceId, { key, travellers });

    expect(a.body.orderId).toBe(b.body.orderId);
    expect(again).toMatchObject({ status: 201, body: { orderId: a.body.orderId } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await eventuallyFree(serviceId, 4);
    expect(await reserve(alice, serviceId, { key, travellers: [passenger()] })).toMatchObject({ status: 422, body: { type: '/problems/idempotency-conflict' } });
    const keyless = await call('POST', '/orders', { token: alice, body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [passenger()] } });
    expect(keyless).toMatchObject({ status: 400, body: { type: '/problems/validation' } });
  });

  it('refuses a passenger twice on one service, a bad ID number, an unknown service and six passengers', async () => {
    const serviceId = await publish(2);
    const traveller = passenger();
    await reserve(alice, serviceId, { travellers: [traveller] });

    expect(await reserve(bob, serviceId, { travellers: [passenger(), traveller] })).toMatchObject({ status: 409, body: { type: '/problems/duplicate-passenger' } });
    expect(await reserve(bob, serviceId, { travellers: [{ name: 'X', idNumber: '110101199003070012' }] })).toMatchObject({ status: 400, body: { type: '/problems/validation' } });
    expect(await reserve(bob, 'G9999_2026-12-01')).toMatchObject({ status: 400, body: { type: '/problems/validation' } });
    expect(await reserve(bob, serviceId, { travellers: Array.from({ length: 6 }, passenger) })).toMatchObject({ status: 400 });
    await eventuallyFree(serviceId, 9);
  });

  it('sells 4 seats to exactly 4 of 30 concurrent buyers', async () => {
    const serviceId = await publish(1, ['A', 'B', 'C', 'D']);
    const tokens = await Promise.all(Array.from({ length: 30 }, (_, i) => cloud.token(`buyer-${i}`)));

    const answers = await Promise.all(tokens.map((token) => reserve(token, serviceId)));

    // This suite's holds last 6 s: on a loaded machine the last buyers may be answered after the first holds lapsed,
    // and a lapsed hold's seat may be sold again. What must never happen is one seat held by two orders at once.
    const placed = answers.filter((a) => a.status === 201);
    expect(placed.length).toBeGreaterThanOrEqual(4);
    const bySeat = new Map<string, Array<{ createdAt: string; expiresAt: string }>>();
    for (const { body } of placed) bySeat.set(body.seats[0].seat, [...(bySeat.get(body.seats[0].seat) ?? []), { createdAt: body.createdAt, expiresAt: body.expiresAt }]);
    expect(bySeat.size).toBe(4);
    for (const holds of bySeat.values()) {
      holds.sort((x, y) => Date.parse(x.createdAt) - Date.parse(y.createdAt));
      holds.slice(1).forEach((hold, i) => expect(Date.parse(hold.createdAt)).toBeGreaterThanOrEqual(Date.parse(holds[i]?.expiresAt ?? '')));
    }
    expect(answers.filter((a) => a.status !== 201).every((a) => a.status === 409 && a.body.type === '/problems/sold-out')).toBe(true);
    await eventuallyFree(serviceId, 0);
  });

  it("lists the caller's orders newest first, a page at a time", async () => {
    const carol = await cloud.token(`carol-${randomUUID()}`);
    const serviceId = await publish();
    const made = [];
    for (let i = 0; i < 3; i++) {
      const { orderId, amount } = (await reserve(carol, serviceId)).body;
      // Paid, so the next order is not past the unpaid orders one user may keep.
      expect((await pay(orderId, amount)).status).toBe(200);
      made.push(orderId);
    }

    await eventually(async () => expect((await call('GET', '/orders?limit=3', { token: carol })).body.orders).toHaveLength(3), 20_000);
    const first = await call('GET', '/orders?limit=2', { token: carol });
    const second = await call('GET', `/orders?limit=2&cursor=${first.body.nextCursor}`, { token: carol });

    expect([...first.body.orders, ...second.body.orders].map((o: { orderId: string }) => o.orderId)).toEqual(made.reverse());
    expect(second.body.nextCursor).toBeUndefined();
  });

  it('answers 429 limit-reached past the unpaid orders a user may keep, takes orders again after a cancel, and none after the day\'s third cancel', async () => {
    const serviceId = await publish(2);
    const cancel = (orderId: string) => call('POST', `/orders/${orderId}/cancel`, { token: alice });
    const first = (await reserve(alice, serviceId)).body.orderId;
    const second = (await reserve(alice, serviceId)).body.orderId;

    const refused = await reserve(alice, serviceId);
    expect(refused).toMatchObject({ status: 429, body: { type: '/problems/limit-reached', status: 429, detail: expect.stringContaining('2 unpaid orders') } });
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await reserve(bob, serviceId)).toMatchObject({ status: 201 });

    expect((await cancel(first)).status).toBe(200);
    const third = await reserve(alice, serviceId);
    expect(third).toMatchObject({ status: 201 });
    expect((await cancel(second)).status).toBe(200);
    expect((await cancel(third.body.orderId)).status).toBe(200);

    const barred = await reserve(alice, serviceId);
    expect(barred).toMatchObject({ status: 429, body: { type: '/problems/limit-reached', detail: expect.stringContaining('cancelled 3 orders today') } });
    expect(barred.headers.get('content-type')).toBe('application/problem+json');
    // Nothing held for the refused orders: 10 seats, bob's one taken.
    await eventuallyFree(serviceId, 9);
  });

  it('frees the seats of an unpaid order at expiresAt, expires it in the sweep, and asks for a refund of a payment after resale', async () => {
    const serviceId = await publish(1, ['A']);
    const late = (await reserve(alice, serviceId)).body;
    await eventuallyFree(serviceId, 0);

    await sleepUntil(Date.parse(late.expiresAt) + 200);
    await eventuallyFree(serviceId, 1);
    const resale = await reserve(bob, serviceId);
    expect(resale.status).toBe(201);

    await eventuallyStatus(alice, late.orderId, 'EXPIRED');
    expect(await pay(late.orderId, late.amount)).toMatchObject({ status: 200, body: { status: 'REFUND_REQUIRED' } });
    expect(await pay(resale.body.orderId, resale.body.amount)).toMatchObject({ status: 200, body: { status: 'PAID' } });
  });
});

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

const eventually = (check: () => Promise<void>, timeoutMs: number) => retryUntil(check, timeoutMs, 250);
