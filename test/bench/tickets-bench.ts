import { randomUUID } from 'node:crypto';
import { type LocalCloudProcess, startLocalCloudProcess } from '../helpers/local-cloud';
import { residentId } from '../helpers/resident-ids';
import { smallService } from '../helpers/services';
import type { BenchRow } from './bench-row';

const SECTION = 'tickets (local cloud)';
const ORDERS = 200;
const RESERVE_CONCURRENCY = 10;
const POLL_CONCURRENCY = 8;
const POLL_INTERVAL_MS = 200;
const QUEUE_SAMPLE_MS = 200;
const GIVE_UP_MS = 180_000;
const PIPELINE = 'read model, so relay + Kinesis + dispatcher + SQS + issuer + projector on the local pollers';

interface BenchOrder {
  orderId: string;
  token: string;
  /** When the POST /_local/pay answer (the payment callback's) arrived. */
  paidAt?: number;
  /** When a GET /orders/{id} first answered TICKETED. */
  ticketedSeenAt?: number;
}

/**
 * 200 one-passenger orders paid at once on the local cloud (`npm start -- --memory`),
 * then how long each takes from its payment callback to TICKETED as GET /orders/{id}
 * reports it, and how deep the ticket-outbox queue gets meanwhile.
 */
export async function runTicketsBench(): Promise<BenchRow[]> {
  const started = Date.now();
  const cloud = await startLocalCloudProcess();
  try {
    const call = caller(cloud);
    const admin = await cloud.token('bench-ops', true);
    // A user per order: all are reserved before any is paid, and one user may hold only MAX_UNPAID_ORDERS unpaid orders.
    const tokens = await Promise.all(Array.from({ length: ORDERS }, (_, i) => cloud.token(`bench-user-${i}`)));

    // Five coaches of 10 rows × A B C D F: 250 second-class seats.
    const service = smallService({ rows: 10 });
    const coach = service.coaches[0] as (typeof service.coaches)[number];
    service.coaches = ['01', '02', '03', '04', '05'].map((id) => ({ ...coach, coach: id }));
    const published = await call('POST', '/admin/services', { token: admin, body: service });
    if (published.status !== 201 && published.status !== 200) throw new Error(`POST /admin/services answered ${published.status}: ${JSON.stringify(published.body)}`);
    const serviceId = published.body.serviceId as string;

    const orders: BenchOrder[] = new Array(ORDERS);
    await pool(ORDERS, RESERVE_CONCURRENCY, async (i) => {
      const token = tokens[i] as string;
      const reserved = await call('POST', '/orders', {
        token,
        headers: { 'idempotency-key': randomUUID() },
        body: { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [{ name: `B${i}`, idNumber: residentId(i) }] },
      });
      if (reserved.status !== 201) throw new Error(`POST /orders #${i} answered ${reserved.status}: ${JSON.stringify(reserved.body)}`);
      orders[i] = { orderId: reserved.body.orderId as string, token };
    });

    let peakOutbox = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const queues = await call('GET', '/_local/queues').catch(() => undefined);
        const outbox = queues?.body['ticket-outbox'] as { visible?: number; inFlight?: number } | undefined;
        if (outbox) peakOutbox = Math.max(peakOutbox, (outbox.visible ?? 0) + (outbox.inFlight ?? 0));
        await sleep(QUEUE_SAMPLE_MS);
      }
    })();

    const payStarted = Date.now();
    const payFailures: string[] = [];
    await Promise.all(
      orders.map(async (order) => {
        const paid = await call('POST', '/_local/pay', { body: { orderId: order.orderId } }).catch((error: unknown) => ({ status: 0, body: { error: String(error) } as Record<string, unknown> }));
        if (paid.status === 200 && paid.body.status === 'PAID') order.paidAt = Date.now();
        else payFailures.push(`${order.orderId}: ${paid.status} ${JSON.stringify(paid.body)}`);
      }),
    );
    const payWall = Date.now() - payStarted;
    if (payFailures.length > 0) process.stderr.write(`${payFailures.length} payment callback(s) failed, first: ${payFailures[0]}\n`);

    // Each paid order is polled at most every POLL_INTERVAL_MS, by POLL_CONCURRENCY workers at most.
    const deadline = Date.now() + GIVE_UP_MS;
    const pending = orders.filter((o) => o.paidAt !== undefined);
    const nextPoll = new Map(pending.map((o) => [o, 0]));
    await Promise.all(
      Array.from({ length: POLL_CONCURRENCY }, async () => {
        while (nextPoll.size > 0 && Date.now() < deadline) {
          let due: BenchOrder | undefined;
          let dueAt = Infinity;
          for (const [order, at] of nextPoll) if (at < dueAt) [due, dueAt] = [order, at];
          if (!due) return;
          if (dueAt > Date.now()) {
            await sleep(Math.min(dueAt - Date.now(), POLL_INTERVAL_MS));
            continue;
          }
          nextPoll.set(due, Infinity);
          const read = await call('GET', `/orders/${due.orderId}`, { token: due.token }).catch(() => undefined);
          if (read?.status === 200 && read.body.status === 'TICKETED') {
            due.ticketedSeenAt = Date.now();
            nextPoll.delete(due);
          } else {
            nextPoll.set(due, Date.now() + POLL_INTERVAL_MS);
          }
        }
      }),
    );
    sampling = false;
    await sampler;

    const ticketed = orders.filter((o) => o.paidAt !== undefined && o.ticketedSeenAt !== undefined);
    const seen = ticketed.map((o) => (o.ticketedSeenAt as number) - (o.paidAt as number)).sort((a, b) => a - b);
    const missing = ORDERS - ticketed.length;
    const ms = (n: number | undefined) => (n === undefined ? 'n/a' : `${Math.round(n)} ms`);

    return [
      { section: SECTION, metric: `payment callback → TICKETED in GET /orders/{id}, p50 (${PIPELINE}; polled every ${POLL_INTERVAL_MS} ms)`, value: ms(quantile(seen, 0.5)) },
      { section: SECTION, metric: 'payment callback → TICKETED in GET /orders/{id}, p99 (same path)', value: ms(quantile(seen, 0.99)) },
      { section: SECTION, metric: 'payment callback → TICKETED in GET /orders/{id}, max (same path)', value: ms(seen[seen.length - 1]) },
      {
        section: SECTION,
        metric: `orders ticketed (of ${ORDERS} paid at once; gave up after ${GIVE_UP_MS / 1000} s)`,
        value: `${ticketed.length} / ${ORDERS}${missing > 0 ? ` (${missing} not arrived${payFailures.length > 0 ? `, ${payFailures.length} payment callbacks failed` : ''})` : ''}`,
      },
      { section: SECTION, metric: `peak ticket-outbox depth, visible + inFlight (GET /_local/queues every ${QUEUE_SAMPLE_MS} ms)`, value: String(peakOutbox) },
      { section: SECTION, metric: `${ORDERS} payment callbacks at once (Promise.all of POST /_local/pay), wall time`, value: ms(payWall) },
      { section: SECTION, metric: 'total wall time (cloud start, publish, reserve, pay, ticketing)', value: ms(Date.now() - started) },
    ];
  } finally {
    await cloud.stop();
  }
}

export function caller(cloud: LocalCloudProcess) {
  return async (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${cloud.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      if (text) body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { text };
    }
    return { status: response.status, body };
  };
}

/** Runs task(0 … n-1), at most `concurrency` at a time. */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

/** Nearest-rank quantile of ascending `sorted`; undefined when empty. */
export function quantile(sorted: number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const sleep = (ms: number) => new Promise<void>((wake) => setTimeout(wake, ms));
