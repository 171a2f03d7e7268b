import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { ledgerKeys } from '../../lib/ledger/ledger-keys';
import type { BenchRow } from './bench-row';
import { callsBetween, dateInDays, fixed, functionNamed, functionsBetween, percentile, progressLine, runInFlight, startCloudSession, total, type CloudSession } from './cloud-session';
import { ceilingPerSecond, cpuPerUnit, processCpu } from './process-cpu';
import { PassengerIds, placeOrder, randomRide, saleTrain, TEN_STOPS, type OrderOutcome } from './sale';

const SECTION = 'hot train (local cloud)';
const COACHES = 10;
/** BENCH_BUYERS replaces it on a machine too loaded to serve 2,000 within the time at hand (the figures say how many). */
const BUYERS = Number(process.env.BENCH_BUYERS ?? 2_000);
const IN_FLIGHT = 100;
const RAW_IN_FLIGHT = 50;
const RAW_TRANSACTIONS = 1_500;
/** Transactions first run and not timed, so that the JVM's compiler has warmed up as it has by the sale's end. */
const RAW_WARM_UP = 500;
const LAG_SAMPLES = 50;
const LAG_POLL_MS = 20;
const LAG_GIVE_UP_MS = 15_000;
const LOAD_SECONDS = 10;
const LOAD_CONNECTIONS = 100;
const CREATE_ORDER_FUNCTION = 'ApiCreateOrderFunction';

/**
 * `npm run bench -- hot-train`: a sale on the local cloud as a user starts it
 * (`--memory`, metered): a 1,000-seat, 10-stop train, 2,000 buyers of 1-2
 * passengers on random rides at 100 requests in flight, against DynamoDB
 * Local's own rate of 2-item transactions measured in the same run; then the
 * ledger read back for double sales, searches at 100 connections against
 * GET /healthz, and how long a hold takes to show in availability.
 */
export async function runHotTrainBench(): Promise<BenchRow[]> {
  const session = await startCloudSession();
  try {
    const rows: BenchRow[] = [];
    const group = session.cloud.processGroup;
    const rawCpuBefore = processCpu(group);
    const rawRate = await rawTransactionRate(session.db);
    const rawCpu = cpuPerUnit(rawCpuBefore, processCpu(group), RAW_WARM_UP + RAW_TRANSACTIONS);
    progressLine(`DynamoDB Local: ${fixed(rawRate)} 2-item transactions/s at ${RAW_IN_FLIGHT} in flight`);
    const date = dateInDays(2);
    const serviceId = await session.publish(saleTrain('G9100', date, COACHES));
    // Published now: after the search load the local cloud may still be serving the searches autocannon gave up on.
    const lagServiceId = await session.publish(saleTrain('G9101', dateInDays(3), 1));
    // Every buyer a user of their own, as at a real sale: one user may hold only MAX_UNPAID_ORDERS unpaid orders.
    const tokens: string[] = [];
    await runInFlight(BUYERS + LAG_SAMPLES, IN_FLIGHT, async (i) => {
      tokens[i] = await session.cloud.token(`buyer-${i}`);
    });

    const before = await session.metrics();
    const cpuBefore = processCpu(group);
    const ids = new PassengerIds();
    const outcomes: OrderOutcome[] = [];
    const started = performance.now();
    const latencies = await runInFlight(BUYERS, IN_FLIGHT, async (i) => {
      const passengers = Array.from({ length: 1 + Math.floor(Math.random() * 2) }, () => ids.take());
      outcomes[i] = await placeOrder(session.cloud.url, tokens[i] as string, serviceId, randomRide(), passengers);
    }, 'buyers answered');
    const seconds = (performance.now() - started) / 1000;
    const after = await session.metrics();
    // Per order placed; the work of the orders still flowing through the streams afterwards is not in it.
    const saleCpu = cpuPerUnit(cpuBefore, processCpu(group), outcomes.filter((o) => o.status === 201).length);

    const placed = outcomes.filter((o) => o.status === 201);
    const byStatus = countBy(outcomes.map((o) => (o.problem ? `${o.status} ${o.problem}` : String(o.status))));
    const ordersPerSecond = placed.length / seconds;
    const orderFunction = functionNamed(after, CREATE_ORDER_FUNCTION).name;
    const dynamodb = total(callsBetween(before, after, 'dynamodb'), (caller) => caller === orderFunction);
    const transactions = dynamodb.byOperation.TransactWriteItems ?? 0;
    const cancelled = dynamodb.errorTypes.TransactionCanceledException ?? 0;
    const runner = functionsBetween(before, after).find((fn) => fn.name === orderFunction);
    const per = (n: number) => fixed(n / BUYERS, 2);

    rows.push(
      row('POST /orders: orders placed per second (201)', `${fixed(ordersPerSecond)} (${placed.length} orders of ${BUYERS} buyers in ${fixed(seconds)} s, ${IN_FLIGHT} in flight)`),
      row('POST /orders: latency p50 / p99', `${fixed(percentile(latencies, 50) / 1000, 2)} s / ${fixed(percentile(latencies, 99) / 1000, 2)} s`),
      row('POST /orders: answers', Object.entries(byStatus).map(([status, n]) => `${status}: ${n}`).join(', ')),
      row('POST /orders: sold-out answers', String(byStatus['409 sold-out'] ?? 0)),
      row(
        'POST /orders: DynamoDB round trips per order',
        `${per(dynamodb.requests)}: ${Object.entries(dynamodb.byOperation).map(([op, n]) => `${op} ${per(n)}`).join(', ')}`,
        '≤ 2',
      ),
      row('POST /orders: RCU / WCU per order', `${per(dynamodb.readCapacityUnits)} RCU / ${per(dynamodb.writeCapacityUnits)} WCU`),
      row('POST /orders: conflict retries per order (cancelled TransactWriteItems)', `${per(cancelled)} (${cancelled} of ${transactions} transactions cancelled)`),
      row('DynamoDB Local: 2-item TransactWriteItems per second, 50 in flight', fixed(rawRate)),
      row('POST /orders: orders/s ÷ DynamoDB Local transactions/s', fixed(ordersPerSecond / rawRate, 2), '≥ 0.5'),
      ...cpuRows(saleCpu, rawCpu, rawRate),
      row(
        'POST /orders: waits for an execution environment',
        runner ? `${runner.queued} of ${runner.invocations} invocations waited (${fixed(runner.queuedMs / Math.max(1, runner.queued))} ms each), ${runner.coldStarts} cold starts, peak ${runner.peakRunning} at once` : 'n/a',
      ),
    );
    rows.push(...coachShares(placed));
    rows.push(...(await orFailed('ledger read back: seats sold twice', () => doubleSales(session, serviceId, placed))));
    progressLine('availability lag…');
    rows.push(...(await orFailed('availability lag after a hold, p50 / p99', () => snapshotLag(session, lagServiceId, tokens.slice(BUYERS), ids))));
    progressLine('searches at 100 connections…');
    rows.push(...(await orFailed('GET /services?from&to&date at 100 connections', () => searchLoad(session.cloud.url, serviceId, date))));
    return rows;
  } finally {
    await session.stop();
  }
}

/**
 * Where the CPU went: per order placed, by process (the runner with every
 * function, DynamoDB Local, the Kinesis emulator), against DynamoDB Local's
 * CPU per raw transaction; and the orders/s the cores could serve at that CPU
 * per order if they did nothing else, a ceiling no runner setting can pass.
 */
function cpuRows(sale: ReturnType<typeof cpuPerUnit>, raw: ReturnType<typeof cpuPerUnit>, rawRate: number): BenchRow[] {
  if (!sale || !raw) return [row('POST /orders: CPU ms per order, by process', 'n/a (reads /proc: Linux only)')];
  const ceiling = ceilingPerSecond(sale.total);
  return [
    row('POST /orders: CPU ms per order, by process', `${Object.entries(sale.byKind).map(([kind, ms]) => `${kind} ${fixed(ms, 1)}`).join(', ')}: ${fixed(sale.total, 1)} in all`),
    row('DynamoDB Local: CPU ms per raw 2-item transaction', `${fixed(raw.byKind['DynamoDB Local'], 1)} (every process: ${fixed(raw.total, 1)})`),
    row('POST /orders: orders/s the cores allow at that CPU per order (÷ raw transactions/s)', `${fixed(ceiling)} (${fixed(ceiling / rawRate, 2)})`),
  ];
}

/** A phase that failed is one row saying why, so that the figures of the others are still printed. */
async function orFailed(metric: string, phase: () => Promise<BenchRow[]>): Promise<BenchRow[]> {
  try {
    return await phase();
  } catch (error) {
    return [row(metric, `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)];
  }
}

function row(metric: string, value: string, target?: string): BenchRow {
  return { section: SECTION, metric, value, ...(target ? { target } : {}) };
}

function countBy(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

/** DynamoDB Local's own pace: 2-item conditional TransactWriteItems on a table of its own, `RAW_IN_FLIGHT` at once. */
async function rawTransactionRate(db: DynamoDBDocumentClient): Promise<number> {
  const tableName = `bench-raw-${randomUUID().slice(0, 8)}`;
  await db.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  try {
    const put = (pk: string) => ({ Put: { TableName: tableName, Item: { pk, segs: { s0: { h: pk, st: 'H', x: Date.now() } } }, ConditionExpression: 'attribute_not_exists(pk)' } });
    const transact = (prefix: string) => async (i: number) => {
      await db.send(new TransactWriteCommand({ TransactItems: [put(`${prefix}a${i}`), put(`${prefix}b${i}`)] }));
    };
    await runInFlight(RAW_WARM_UP, RAW_IN_FLIGHT, transact('warm-up-'));
    const started = performance.now();
    await runInFlight(RAW_TRANSACTIONS, RAW_IN_FLIGHT, transact(''));
    return RAW_TRANSACTIONS / ((performance.now() - started) / 1000);
  } finally {
    await db.send(new DeleteTableCommand({ TableName: tableName }));
  }
}

/** The largest share of seats sold that landed on one coach: one coach partition taking every write is a hot partition. */
function coachShares(placed: readonly OrderOutcome[]): BenchRow[] {
  const perCoach = countBy(placed.flatMap((o) => o.seats.map((s) => s.coach)));
  const seats = Object.values(perCoach).reduce((sum, n) => sum + n, 0);
  const [coach, most] = Object.entries(perCoach).sort((a, b) => b[1] - a[1])[0] ?? ['-', 0];
  return [row('POST /orders: largest share of seat writes on one coach', `${fixed((100 * most) / Math.max(1, seats))} % (coach ${coach}; ${seats} seats over ${Object.keys(perCoach).length} coaches; even would be ${fixed(100 / COACHES)} %)`)];
}

/**
 * No seat taken twice over overlapping segments: the seats the buyers were
 * given, segment by segment, never collide, and the ledger read back holds each
 * of them. Segment claims in the ledger that no order answered for are counted too.
 */
async function doubleSales(session: CloudSession, serviceId: string, placed: readonly OrderOutcome[]): Promise<BenchRow[]> {
  const given = new Map<string, string>();
  const violations: string[] = [];
  for (const order of placed) {
    for (const { coach, seat } of order.seats) {
      for (let segment = order.from; segment < order.to; segment++) {
        const key = `${coach}/${seat}/s${segment}`;
        const other = given.get(key);
        if (other) violations.push(`${key}: orders ${other} and ${order.orderId}`);
        else given.set(key, order.orderId ?? '?');
      }
    }
  }
  const ledger = await ledgerClaims(session, serviceId);
  if (ledger === undefined) {
    return [row('ledger read back: seats sold twice', violations.length === 0 ? 'OK from the answers (the ledger items have no segs map to read back)' : `${violations.length} violations: ${violations.slice(0, 5).join('; ')}`)];
  }
  const missing = [...given.keys()].filter((key) => !ledger.has(key));
  const orphans = [...ledger].filter((key) => !given.has(key)).length;
  const ok = violations.length === 0 && missing.length === 0;
  return [
    row(
      'ledger read back: seats sold twice',
      ok
        ? `OK (${given.size} seat-segments given, all in the ledger)`
        : `${violations.length} double sales, ${missing.length} seat-segments given but not in the ledger: ${[...violations, ...missing].slice(0, 5).join('; ')}`,
    ),
    row('ledger read back: seat-segments held with no order answered for them', String(orphans)),
  ];
}

/** Every live (sold, or held and unexpired) seat-segment of the service's ledger, as `coach/seat/s<i>`; undefined when the items are not in the shape read here. */
async function ledgerClaims(session: CloudSession, serviceId: string): Promise<Set<string> | undefined> {
  const tableName = await session.tableName('Ledger');
  const claims = new Set<string>();
  const now = Date.now();
  for (let coach = 1; coach <= COACHES; coach++) {
    const coachId = String(coach).padStart(2, '0');
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await session.db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seat)',
          ExpressionAttributeValues: { ':pk': ledgerKeys.coachPartition(serviceId, coachId), ':seat': ledgerKeys.seatPrefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const { pk: _pk, sk, ...segments } of page.Items ?? []) {
        // A seat item holds one attribute per claimed segment (s<i>: { h, st, x }).
        const seat = String(sk).slice(ledgerKeys.seatPrefix.length);
        for (const [segment, claim] of Object.entries(segments as Record<string, { st?: string; x?: number }>)) {
          if (claim.st === 'S' || (claim.x ?? 0) > now) claims.add(`${coachId}/${seat}/${segment}`);
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return claims;
}

/** Requests per second at 100 connections for a search, the availability of one service, and GET /healthz on the same server. */
async function searchLoad(url: string, serviceId: string, date: string): Promise<BenchRow[]> {
  const from = TEN_STOPS[0];
  const to = TEN_STOPS[TEN_STOPS.length - 1];
  const load = async (path: string) => {
    const result = await autocannon({ url: `${url}${path}`, connections: LOAD_CONNECTIONS, duration: LOAD_SECONDS });
    return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failed: result.non2xx + result.errors + result.timeouts };
  };
  const healthz = await load('/healthz');
  const search = await load(`/services?from=${from}&to=${to}&date=${date}`);
  const availability = await load(`/services/${serviceId}/availability?from=${from}&to=${to}`);
  const describe = (r: typeof healthz) => `${fixed(r.perSecond)} req/s (p50 ${r.p50} ms, p99 ${r.p99} ms${r.failed ? `, ${r.failed} failed or timed out` : ''})`;
  return [
    row('GET /healthz at 100 connections', describe(healthz)),
    row('GET /services?from&to&date at 100 connections', describe(search)),
    row('GET /services/{id}/availability at 100 connections', describe(availability)),
    row('search ÷ healthz (req/s)', fixed(search.perSecond / healthz.perSecond, 3), '≥ 0.2'),
    row('availability ÷ healthz (req/s)', fixed(availability.perSecond / healthz.perSecond, 3), '≥ 0.2'),
  ];
}

/**
 * How long after a 201 from POST /orders the availability of that ride shows
 * one seat fewer, over `LAG_SAMPLES` orders one after another on a train of its own.
 */
async function snapshotLag(session: CloudSession, serviceId: string, tokens: readonly string[], ids: PassengerIds): Promise<BenchRow[]> {
  const ride = { from: 0, to: TEN_STOPS.length - 1 };
  const path = `${session.cloud.url}/services/${serviceId}/availability?from=${TEN_STOPS[ride.from]}&to=${TEN_STOPS[ride.to]}`;
  const available = async () => {
    const body = (await (await fetch(path)).json()) as { classes?: { second?: { available?: number } } };
    return body.classes?.second?.available ?? Number.NaN;
  };
  const lags: number[] = [];
  let gaveUp = 0;
  for (let i = 0; i < LAG_SAMPLES; i++) {
    const shown = await available();
    const outcome = await placeOrder(session.cloud.url, tokens[i] as string, serviceId, ride, [ids.take()]);
    if (outcome.status !== 201) throw new Error(`the snapshot-lag order answered ${outcome.status} ${outcome.problem ?? ''}`);
    const placedAt = performance.now();
    for (;;) {
      if ((await available()) < shown) {
        lags.push(performance.now() - placedAt);
        break;
      }
      if (performance.now() - placedAt > LAG_GIVE_UP_MS) {
        gaveUp++;
        break;
      }
      await new Promise((wake) => setTimeout(wake, LAG_POLL_MS));
    }
  }
  return [
    row(
      'availability lag after a hold, p50 / p99',
      `${fixed(percentile(lags, 50))} ms / ${fixed(percentile(lags, 99))} ms (${lags.length} samples${gaveUp ? `, ${gaveUp} not shown within ${LAG_GIVE_UP_MS / 1000} s` : ''})`,
      '≤ 2 s p99',
    ),
  ];
}
