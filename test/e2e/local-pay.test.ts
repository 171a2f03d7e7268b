import { randomUUID } from 'node:crypto';
import { useLocalCloud } from '../helpers/local-cloud';
import { residentId } from '../helpers/resident-ids';
import { smallService } from '../helpers/services';
import { eventually as retryUntil } from '../helpers/eventually';

/**
 * The local cloud's payment provider (POST /_local/pay) and its schedule
 * (LOCAL_SCHEDULE_SECONDS drives the expiry sweeper every second here).
 */
/** Long enough for the tests that pay to pay in time, short enough to watch one expire. */
const HOLD_TTL_SECONDS = 8;

interface Answer {
  status: number;
  contentType: string;
  body: Record<string, any>;
}

describe('Local cloud: POST /_local/pay and the schedule', () => {
  const cloud = useLocalCloud({ HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS), LOCAL_SCHEDULE_SECONDS: '1' });
  let alice: string;
  let serviceId: string;
  let passenger = 0;

  async function call(method: string, path: string, options: { token?: string; body?: unknown; raw?: string } = {}): Promise<Answer> {
    const response = await fetch(`${cloud().url}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      ...(options.raw !== undefined ? { body: options.raw } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : {} };
  }

  async function reserve(): Promise<{ orderId: string; amount: number }> {
    passenger += 1;
    const created = await call('POST', '/orders', {
      token: alice,
      body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [{ name: `Passenger ${passenger}`, idNumber: residentId(7_000 + passenger) }] },
    });
    expect(created).toMatchObject({ status: 201, body: { status: 'RESERVED' } });
    return { orderId: created.body.orderId as string, amount: created.body.amount as number };
  }

  async function statusOf(orderId: string): Promise<string | undefined> {
    const order = await call('GET', `/orders/${orderId}`, { token: alice });
    return order.status === 200 ? (order.body.status as string) : undefined;
  }

  const eventually = (check: () => Promise<void>, timeoutMs = 30_000) => retryUntil(check, timeoutMs, 250);

  beforeAll(async () => {
    const admin = await cloud().token('ops', true);
    alice = await cloud().token('alice');
    const published = await call('POST', '/admin/services', { token: admin, body: smallService({ rows: 4 }) });
    expect(published.status).toBe(201);
    serviceId = published.body.serviceId as string;
  });

  it("pays a reserved order its own amount, signed as the provider would, and answers the callback's 200 PAID", async () => {
    const { orderId } = await reserve();

    const paid = await call('POST', '/_local/pay', { body: { orderId } });

    expect(paid).toMatchObject({ status: 200, body: { orderId, status: 'PAID' } });
    // Orders are read from the read model, which follows the write within moments.
    await eventually(async () => expect(['PAID', 'TICKETED']).toContain(await statusOf(orderId)));
  });

  it("passes on the callback's 409 payment-mismatch for a wrong amount, leaving the order unpaid", async () => {
    const { orderId, amount } = await reserve();

    const paid = await call('POST', '/_local/pay', { body: { orderId, amount: amount + 1 } });

    expect(paid).toMatchObject({ status: 409, contentType: 'application/problem+json', body: { type: '/problems/payment-mismatch' } });
    await eventually(async () => expect(await statusOf(orderId)).toBe('RESERVED'));
  });

  it('answers 404 problem+json for an unknown order and 400 problem+json for a bad body', async () => {
    const unknown = await call('POST', '/_local/pay', { body: { orderId: randomUUID() } });
    const badJson = await call('POST', '/_local/pay', { raw: '{"orderId":' });
    const badOutcome = await call('POST', '/_local/pay', { body: { orderId: randomUUID(), outcome: 'LATER' } });

    expect(unknown).toMatchObject({ status: 404, contentType: 'application/problem+json', body: { status: 404 } });
    expect(badJson).toMatchObject({ status: 400, contentType: 'application/problem+json', body: { type: '/problems/validation' } });
    expect(badOutcome).toMatchObject({ status: 400, contentType: 'application/problem+json', body: { type: '/problems/validation' } });
  });

  it('expires an unpaid order through the scheduled sweeper, which LOCAL_SCHEDULE_SECONDS runs every second', async () => {
    const { orderId } = await reserve();

    await eventually(async () => expect(await statusOf(orderId)).toBe('EXPIRED'), (HOLD_TTL_SECONDS + 20) * 1000);

    const late = await call('POST', '/_local/pay', { body: { orderId } });
    expect(late).toMatchObject({ status: 200, body: { status: 'REFUND_REQUIRED' } });
  });
});
