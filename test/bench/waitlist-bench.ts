import { randomUUID } from 'node:crypto';
import { startLocalCloudProcess } from '../helpers/local-cloud';
import { residentId } from '../helpers/resident-ids';
import { smallService } from '../helpers/services';
import type { BenchRow } from './bench-row';
import { caller, pool, quantile } from './tickets-bench';

const SECTION = 'waitlist (local cloud)';
/** One coach of 4 rows × A B C D F: the train sold out by as many holds, with as many WAITING orders behind them. */
const SEATS = 20;
const CONCURRENCY = 10;
const POLL_INTERVAL_MS = 100;
const GIVE_UP_MS = 60_000;

/**
 * The waitlist (候补) on the local cloud: after a warm-up release on a train of its own,
 * a sold-out train with SEATS prepaid WAITING orders; one hold cancelled alone, then the rest at once. Release → TICKETED is from
 * the cancel's answer to GET /orders/{id} of the waiting order first answering
 * TICKETED (cancel → relay → Kinesis → fulfiller → relay → Kinesis → dispatcher → SQS →
 * issuer → projector), and whether each freed seat went to one order, oldest first.
 */
export async function runWaitlistBench(): Promise<BenchRow[]> {
  const cloud = await startLocalCloudProcess({}, { seed: false });
  try {
    const call = caller(cloud);
    const admin = await cloud.token('bench-ops', true);
    const holders = await Promise.all(Array.from({ length: SEATS }, (_, i) => cloud.token(`holder-${i}`)));
    const waiters = await Promise.all(Array.from({ length: SEATS }, (_, i) => cloud.token(`waiter-${i}`)));
    const publish = async (rows: number, letters?: string[]) => (await call('POST', '/admin/services', { token: admin, body: smallService({ rows, ...(letters ? { letters } : {}) }) })).body.serviceId as string;
    const order = async (serviceId: string, token: string, person: number, waitlist?: { until: string }) => {
      const body = { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [{ name: `P${person}`, idNumber: residentId(50_000 + person) }], ...(waitlist ? { waitlist } : {}) };
      const answer = await call('POST', '/orders', { token, headers: { 'idempotency-key': randomUUID() }, body });
      if (answer.status !== 201) throw new Error(`POST /orders answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return answer.body.orderId as string;
    };

    const until = new Date(Date.now() + 3600_000).toISOString();
    // Warm-up, not measured but reported: the first release goes through cold functions (fulfiller, dispatcher, issuer, projector).
    const warmTrain = await publish(1, ['A']);
    const warmHold = await order(warmTrain, holders[0] as string, 900);
    const warmWait = await order(warmTrain, waiters[0] as string, 901, { until });
    await call('POST', '/_local/pay', { body: { orderId: warmWait } });
    await call('POST', `/orders/${warmHold}/cancel`, { token: holders[0] as string });
    const warmFrom = Date.now();
    let warmAt: number | undefined;
    for (const deadline = Date.now() + GIVE_UP_MS; warmAt === undefined && Date.now() < deadline; await new Promise((wake) => setTimeout(wake, POLL_INTERVAL_MS))) {
      if ((await call('GET', `/orders/${warmWait}`, { token: waiters[0] as string })).body.status === 'TICKETED') warmAt = Date.now();
    }

    const serviceId = await publish(SEATS / 5);
    const held: string[] = new Array(SEATS);
    await pool(SEATS, CONCURRENCY, async (i) => {
      held[i] = await order(serviceId, holders[i] as string, i);
    });
    // One at a time: the queue's order is the order of payment.
    const waiting: string[] = [];
    for (let i = 0; i < SEATS; i++) {
      const orderId = await order(serviceId, waiters[i] as string, SEATS + i, { until });
      const paid = await call('POST', '/_local/pay', { body: { orderId } });
      if (paid.body.status !== 'WAITING') throw new Error(`prepayment of ${orderId} answered ${JSON.stringify(paid.body)}`);
      waiting.push(orderId);
    }

    const ticketedAt = async (i: number): Promise<{ at: number; seat: string } | undefined> => {
      const deadline = Date.now() + GIVE_UP_MS;
      while (Date.now() < deadline) {
        const read = await call('GET', `/orders/${waiting[i]}`, { token: waiters[i] as string });
        if (read.body.status === 'TICKETED') return { at: Date.now(), seat: String((read.body.tickets as Array<{ seat: string }>)[0]?.seat) };
        await new Promise((wake) => setTimeout(wake, POLL_INTERVAL_MS));
      }
      return undefined;
    };
    const cancel = async (i: number) => {
      const answer = await call('POST', `/orders/${held[i]}/cancel`, { token: holders[i] as string });
      if (answer.status !== 200) throw new Error(`cancel of ${held[i]} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return Date.now();
    };

    // The issuer's WaitlistReleaseToTicket figures (EMF in the cloud's log, well within its kept tail here) published before, during and after.
    const measuredBefore = releaseToTicketMeasured(cloud.output()).length;
    const single = await cancel(0);
    const first = await ticketedAt(0);
    const measuredSingle = releaseToTicketMeasured(cloud.output()).slice(measuredBefore);
    // First come first served: the one seat freed went to the oldest order, none to a younger one.
    const younger = await Promise.all(waiting.slice(1).map(async (orderId, i) => (await call('GET', `/orders/${orderId}`, { token: waiters[i + 1] as string })).body.status));
    const youngerServed = younger.filter((status) => status !== 'WAITING').length;

    const burst = Date.now();
    await Promise.all(Array.from({ length: SEATS - 1 }, (_, i) => cancel(i + 1)));
    const rest = await Promise.all(Array.from({ length: SEATS - 1 }, (_, i) => ticketedAt(i + 1)));
    const served = [first, ...rest];
    for (const [i, s] of served.entries()) {
      if (!s) process.stderr.write(`waiting order ${waiting[i]} (#${i} in the queue) not TICKETED after ${GIVE_UP_MS / 1000} s: ${JSON.stringify((await call('GET', `/orders/${waiting[i]}`, { token: waiters[i] as string })).body.status)}\n`);
    }
    const latencies = rest.flatMap((r) => (r ? [r.at - burst] : [])).sort((a, b) => a - b);
    const measuredBurst = releaseToTicketMeasured(cloud.output())
      .slice(measuredBefore + measuredSingle.length)
      .sort((a, b) => a - b);
    const seats = new Set(served.flatMap((s) => (s ? [s.seat] : [])));
    const ms = (n: number | undefined) => (n === undefined ? 'n/a' : `${Math.round(n)} ms`);
    return [
      { section: SECTION, metric: 'release → TICKETED, the first release of the cloud (cold functions; a warm-up, not in the rows below)', value: ms(warmAt && warmAt - warmFrom) },
      { section: SECTION, metric: `release → TICKETED of the oldest WAITING order, one cancel alone (GET /orders/{id} polled every ${POLL_INTERVAL_MS} ms)`, value: ms(first && first.at - single) },
      { section: SECTION, metric: 'one cancel alone: younger WAITING orders served instead of (or besides) the oldest', value: String(youngerServed), target: '0' },
      {
        section: SECTION,
        metric: 'release → ticket of that order as the ticket issuer measured it (WaitlistReleaseToTicket, the dashboard figure; no read model)',
        value: measuredSingle.length > 0 ? measuredSingle.map(ms).join(', ') : 'not measured',
      },
      { section: SECTION, metric: `release → TICKETED, ${SEATS - 1} cancels at once, p50 (from the burst's start)`, value: ms(quantile(latencies, 0.5)) },
      { section: SECTION, metric: `release → TICKETED, ${SEATS - 1} cancels at once, max`, value: ms(latencies[latencies.length - 1]) },
      {
        section: SECTION,
        metric: `WaitlistReleaseToTicket of the ${SEATS - 1}, p50 / max (each from the first release of the fulfiller batch that served it)`,
        value: `${ms(quantile(measuredBurst, 0.5))} / ${ms(measuredBurst[measuredBurst.length - 1])} (${measuredBurst.length} measured)`,
      },
      { section: SECTION, metric: `WAITING orders ticketed, each on its own seat (of ${SEATS} freed)`, value: `${served.filter(Boolean).length} / ${SEATS}, ${seats.size} distinct seats`, target: `${SEATS} / ${SEATS}, ${SEATS}` },
    ];
  } finally {
    await cloud.stop();
  }
}

/** The WaitlistReleaseToTicket values the ticket issuer wrote (EMF documents in the cloud's log), in order. */
function releaseToTicketMeasured(output: string): number[] {
  return [...output.matchAll(/"WaitlistReleaseToTicket":(\d+(?:\.\d+)?)/g)].map((match) => Number(match[1]));
}
