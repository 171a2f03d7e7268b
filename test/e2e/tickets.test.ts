import { randomUUID } from 'node:crypto';
import { type LocalCloudProcess, startLocalCloudProcess } from '../helpers/local-cloud';
import { residentId } from '../helpers/resident-ids';
import { smallService } from '../helpers/services';
import { eventually as retryUntil } from '../helpers/eventually';

let cloud: LocalCloudProcess;
let admin: string;
let alice: string;
let passengers = 5000;

beforeAll(async () => {
  cloud = await startLocalCloudProcess();
  [admin, alice] = await Promise.all([cloud.token('ops', true), cloud.token('alice')]);
});

afterAll(async () => {
  await cloud?.stop();
});

async function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

async function paidOrder(serviceId: string, travellers = 1): Promise<string> {
  const reserved = await call('POST', '/orders', {
    token: alice,
    headers: { 'idempotency-key': randomUUID() },
    body: { serviceId, from: 'VNP', to: 'NKH', seatClass: 'second', passengers: Array.from({ length: travellers }, () => ({ name: `T${++passengers}`, idNumber: residentId(passengers) })) },
  });
  expect(reserved.status).toBe(201);
  expect(await call('POST', '/_local/pay', { body: { orderId: reserved.body.orderId } })).toMatchObject({ status: 200, body: { status: 'PAID' } });
  return reserved.body.orderId as string;
}

const order = async (orderId: string) => (await call('GET', `/orders/${orderId}`, { token: alice })).body;
const faults = (body: Record<string, string>) => call('POST', '/_local/faults', { body });

const eventually = (check: () => Promise<void>, timeoutMs = 60_000) => retryUntil(check, timeoutMs, 300);

describe('HTTP API: ticket issuance on the local cloud', () => {
  let serviceId: string;

  beforeAll(async () => {
    serviceId = (await call('POST', '/admin/services', { token: admin, body: smallService({ rows: 8 }) })).body.serviceId;
  });

  it('tickets a paid order once, one ticket per passenger for the ride', async () => {
    const orderId = await paidOrder(serviceId, 2);

    await eventually(async () => expect((await order(orderId)).status).toBe('TICKETED'));

    const { tickets, seats } = await order(orderId);
    expect(tickets).toHaveLength(2);
    expect(new Set(tickets.map((t: { ticketNo: string }) => t.ticketNo)).size).toBe(2);
    expect(tickets.map((t: { seat: string }) => t.seat).sort()).toEqual(seats.map((s: { seat: string }) => s.seat).sort());
    expect(tickets.every((t: { from: string; to: string }) => t.from === 'VNP' && t.to === 'NKH')).toBe(true);
  });

  it('keeps jobs waiting in the outbox while the issuer is down, and tickets every order once when it is back', async () => {
    expect((await faults({ ticketIssuer: 'down' })).status).toBe(204);
    try {
      const orderIds = [await paidOrder(serviceId), await paidOrder(serviceId), await paidOrder(serviceId)];

      await eventually(async () => expect((await call('GET', '/_local/queues')).body['ticket-outbox']?.visible).toBe(3));
      // GET /orders/{id} reads the read model, which may lag the outbox by a moment (API.md).
      await eventually(async () => {
        for (const id of orderIds) expect((await order(id)).status).toBe('PAID');
      }, 10_000);

      expect((await faults({ ticketIssuer: 'up' })).status).toBe(204);
      await eventually(async () => {
        for (const id of orderIds) expect((await order(id)).status).toBe('TICKETED');
      });
      const numbers = (await Promise.all(orderIds.map(order))).flatMap((o) => o.tickets.map((t: { ticketNo: string }) => t.ticketNo));
      expect(new Set(numbers).size).toBe(3);
    } finally {
      await faults({ ticketIssuer: 'up' });
    }
  });

  it('loses nothing paid while the event stream is down', async () => {
    expect((await faults({ eventStream: 'down' })).status).toBe(204);
    let orderId: string;
    try {
      orderId = await paidOrder(serviceId);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect((await call('GET', '/_local/queues')).body['ticket-outbox']?.visible ?? 0).toBe(0);
    } finally {
      expect((await faults({ eventStream: 'up' })).status).toBe(204);
    }

    await eventually(async () => expect((await order(orderId)).status).toBe('TICKETED'));
  });

  it('refuses a faults body it does not understand', async () => {
    expect((await faults({ ticketIssuer: 'sideways' })).status).toBe(400);
  });
});
