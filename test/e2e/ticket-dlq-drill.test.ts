import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { type LocalCloudProcess, startLocalCloudProcess } from '../helpers/local-cloud';
import { residentId } from '../helpers/resident-ids';
import { smallService } from '../helpers/services';
import { eventually as retryUntil } from '../helpers/eventually';

/**
 * The DLQ drill, on the local cloud: with TICKET_ISSUER_FAIL=always every ticket
 * job fails; with a 1 s visibility timeout (instead of 180 s) the job is received
 * maxReceiveCount (5) times within seconds and then parked in ticket-outbox-dlq;
 * `npm run redrive` brings it back. The switch stays on, so it fails again.
 */
const PROJECT_ROOT = resolve(__dirname, '..', '..');

let cloud: LocalCloudProcess;
let admin: string;
let alice: string;

beforeAll(async () => {
  // No demo timetable: the drill publishes the one service it needs.
  cloud = await startLocalCloudProcess({ TICKET_ISSUER_FAIL: 'always', LOCAL_QUEUE_VISIBILITY_SECONDS: '1' }, { seed: false });
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

type QueueCounts = Record<string, { visible: number; inFlight: number } | undefined>;
const queues = async () => (await call('GET', '/_local/queues')).body as QueueCounts;
const orderStatus = async (orderId: string) => (await call('GET', `/orders/${orderId}`, { token: alice })).body.status as string | undefined;

const eventually = (check: () => Promise<void>, timeoutMs = 30_000) => retryUntil(check, timeoutMs, 250);

/** The whole job parked in the DLQ: nothing left in (or received from) the outbox. */
async function expectParkedInDlq(): Promise<void> {
  const counts = await queues();
  expect(counts['ticket-outbox-dlq']).toEqual({ visible: 1, inFlight: 0 });
  expect(counts['ticket-outbox']).toEqual({ visible: 0, inFlight: 0 });
}

/** `npm run redrive -- ticket-outbox` as a user runs it, pointed at the local cloud by the variables it printed. */
function runRedrive(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'npx',
      ['tsx', 'infra/ops/redrive.ts', 'ticket-outbox'],
      { cwd: PROJECT_ROOT, env: { ...process.env, ...cloud.env() }, timeout: 30_000 },
      (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('DLQ drill: a ticket issuer that always fails, on the local cloud', () => {
  it('retries the job, parks it in the DLQ after the bounded receives, and the redrive tool brings it back', async () => {
    expect(cloud.env()).toMatchObject({ AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_ENDPOINT_URL_SQS: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });

    const published = await call('POST', '/admin/services', { token: admin, body: smallService() });
    expect(published.status).toBe(201);
    const reserved = await call('POST', '/orders', {
      token: alice,
      headers: { 'idempotency-key': randomUUID() },
      body: { serviceId: published.body.serviceId, from: 'VNP', to: 'NKH', seatClass: 'second', passengers: [{ name: 'Drill Passenger', idNumber: residentId(7001) }] },
    });
    expect(reserved.status).toBe(201);
    const orderId = reserved.body.orderId as string;
    expect(await call('POST', '/_local/pay', { body: { orderId } })).toMatchObject({ status: 200, body: { status: 'PAID' } });

    // Five receives a second apart, each failing, then the queue's redrive policy moves the job.
    await eventually(expectParkedInDlq);
    // Paid, never ticketed (GET /orders/{id} reads the read model, which may lag).
    await eventually(async () => expect(await orderStatus(orderId)).toBe('PAID'));

    // Pausing the issuer makes the check of the redrive deterministic: the job
    // moved back waits in ticket-outbox (visible 1, the DLQ empty) for as long as
    // we look, rather than being retried into the DLQ again within seconds.
    expect((await call('POST', '/_local/faults', { body: { ticketIssuer: 'down' } })).status).toBe(204);
    try {
      const redrive = await runRedrive();
      expect(redrive).toMatchObject({ code: 0, stdout: expect.stringContaining('moved 1 message from ticket-outbox-dlq back to ticket-outbox') });

      // A receive in flight when the issuer was paused gives the job straight back (in flight for a moment).
      await eventually(async () => {
        const counts = await queues();
        expect(counts['ticket-outbox']).toEqual({ visible: 1, inFlight: 0 });
        expect(counts['ticket-outbox-dlq']).toEqual({ visible: 0, inFlight: 0 });
      }, 10_000);
    } finally {
      expect((await call('POST', '/_local/faults', { body: { ticketIssuer: 'up' } })).status).toBe(204);
    }

    // The switch is still on: the redriven job is retried and parked again, and the order is still only paid.
    await eventually(expectParkedInDlq);
    await eventually(async () => expect(await orderStatus(orderId)).toBe('PAID'));
  });
});
