import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { RUNNER_CALLER, type LocalMetrics } from '../../infra/local/local-cloud';
import { AWS_PRICES } from './aws-prices';
import type { BenchRow } from './bench-row';
import { callsBetween, dateInDays, fixed, functionsBetween, progressLine, runInFlight, startCloudSession, total, type CloudSession } from './cloud-session';
import { PassengerIds, placeOrder, randomRide, saleTrain, TEN_STOPS } from './sale';

const SECTION = 'cost (local cloud, US$ per 1M tickets)';
const TICKETS = 1_000;
/**
 * Four trains of 300 seats on the day: rides of 3.7 segments in 9 on average
 * leave room for well over 1,000 tickets, and a train this size publishes within
 * the publish function's 10 s timeout even on a loaded machine.
 */
const TRAINS = 4;
const COACHES_PER_TRAIN = 3;
/** A few more orders than tickets may be needed if a ride sells out. */
const MAX_ORDERS = 1_500;
const SEARCHES_PER_ORDER = 10;
/** Searches measured; the cost of the other ones is scaled from them. */
const SEARCH_SAMPLE = 200;
const IN_FLIGHT = 20;
const USERS = 50;
const PAY_ATTEMPTS = 3;
const TICKETED_TIMEOUT_MS = 300_000;
/** After the last ticket, time for the read model's projections to catch up before the counters are read. */
const SETTLE_MS = 5_000;
/** The stream is billed by the hour whatever flows: assumed one day of it per million tickets (a busy day's sales). */
const STREAM_HOURS_PER_MILLION_TICKETS = 24;
const GB = 1024 ** 3;

/**
 * `npm run bench -- cost`: 1,000 tickets end to end on the local cloud (order →
 * POST /_local/pay → TICKETED) and 10 searches per order, counted at the
 * emulators' doors (LOCAL_METER) and by the Lambda runtime, priced from the
 * dated list prices in aws-prices.ts. Searches are measured on a sample and
 * scaled, since at today's search cost 10,000 of them would take many minutes.
 */
export async function runCostBench(): Promise<BenchRow[]> {
  const session = await startCloudSession();
  try {
    const date = dateInDays(2);
    const serviceIds: string[] = [];
    for (let train = 0; train < TRAINS; train++) serviceIds.push(await session.publish(saleTrain(`G${9200 + train}`, date, COACHES_PER_TRAIN)));
    const tokens = await Promise.all(Array.from({ length: USERS }, (_, i) => session.cloud.token(`traveller-${i}`)));
    const ids = new PassengerIds();

    const beforeSale = await session.metrics();
    const paid: string[] = [];
    const failedPayments: string[] = [];
    // Orders placed or being placed; one that fails gives its place back, so exactly TICKETS are paid.
    let claimed = 0;
    let orders = 0;
    let saleRequests = 0;
    await runInFlight(MAX_ORDERS, IN_FLIGHT, async (i) => {
      if (claimed >= TICKETS) return;
      claimed++;
      saleRequests++;
      const outcome = await placeOrder(session.cloud.url, tokens[i % USERS] as string, serviceIds[i % TRAINS] as string, randomRide(), [ids.take()]);
      if (outcome.status !== 201 || !outcome.orderId) {
        claimed--;
        return;
      }
      orders++;
      // A callback that failed (a timeout on a loaded machine) is sent again, as a provider retries it.
      for (let attempt = 1; attempt <= PAY_ATTEMPTS; attempt++) {
        saleRequests++;
        const payment = await fetch(`${session.cloud.url}/_local/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: outcome.orderId }) });
        const body = await payment.text();
        if (payment.status === 200) {
          paid.push(outcome.orderId);
          return;
        }
        failedPayments.push(`${payment.status} ${body.slice(0, 120)}`);
      }
    }, 'orders tried (one passenger, then paid)');
    progressLine(`${paid.length} paid; waiting for their tickets…`);
    const ticketed = await waitUntilTicketed(session, paid);
    await new Promise((wake) => setTimeout(wake, SETTLE_MS));
    const afterSale = await session.metrics();

    let searchRequests = 0;
    await runInFlight(SEARCH_SAMPLE, IN_FLIGHT, async () => {
      const ride = randomRide();
      searchRequests++;
      const response = await fetch(`${session.cloud.url}/services?from=${TEN_STOPS[ride.from]}&to=${TEN_STOPS[ride.to]}&date=${date}`);
      await response.arrayBuffer();
    }, 'searches');
    const afterSearch = await session.metrics();

    const tickets = paid.length;
    const sale = priced(beforeSale, afterSale, saleRequests, 1, { pollers: true });
    // The pollers' idle receives while the sample ran go with time, not with searches: they are not scaled up with them.
    const searches = priced(afterSale, afterSearch, searchRequests, (SEARCHES_PER_ORDER * tickets) / SEARCH_SAMPLE, { pollers: false });
    const perMillion = 1e6 / tickets;
    const streamHours = STREAM_HOURS_PER_MILLION_TICKETS * AWS_PRICES.kinesisOnDemand.perStreamHour;
    const dollars = (part: Costs) => Object.values(part.dollars).reduce((sum, n) => sum + n, 0);
    const totalPerMillion = (dollars(sale) + dollars(searches)) * perMillion + streamHours;

    const row = (metric: string, value: string, target?: string): BenchRow => ({ section: SECTION, metric, value, ...(target ? { target } : {}) });
    const perTicket = (n: number, digits = 2) => fixed(n / tickets, digits);
    const money = (n: number) => `$${fixed(n * perMillion, 2)}`;
    const rows: BenchRow[] = [
      row(
        'tickets end to end',
        `${tickets} paid of ${orders} orders placed, ${ticketed ? 'all' : 'NOT all'} TICKETED; ${failedPayments.length} payment callbacks failed and were sent again${failedPayments[0] ? ` (${failedPayments[0]})` : ''}; ${SEARCH_SAMPLE} searches measured, scaled to ${SEARCHES_PER_ORDER} per order`,
      ),
    ];
    for (const [label, part] of [
      ['sale (order, pay, ticket)', sale],
      ['searches', searches],
    ] as const) {
      const c = part.counts;
      rows.push(
        row(
          `${label}: per ticket`,
          `${perTicket(c.apiRequests)} API requests, ${perTicket(c.invocations)} invocations (${perTicket(c.gbSeconds, 3)} GB-s), ${perTicket(c.wcu)} WCU, ${perTicket(c.rcu)} RCU, ${perTicket(c.kinesisCalls)} Kinesis calls, ${perTicket(c.sqsCalls)} SQS calls, ${perTicket(c.logBytes / 1024)} KB of logs`,
        ),
        row(
          `${label}: US$ per 1M tickets`,
          `${money(dollars(part))} (API ${money(part.dollars.api)}, Lambda ${money(part.dollars.lambda)}, DynamoDB ${money(part.dollars.dynamodb)}, Kinesis ${money(part.dollars.kinesis)}, SQS ${money(part.dollars.sqs)}, logs ${money(part.dollars.logs)})`,
        ),
      );
    }
    rows.push(row('sale: WCU per ticket by function and operation', writesByCaller(beforeSale, afterSale, tickets)));
    rows.push(
      row('Kinesis stream-hours', `$${fixed(streamHours, 2)} (${STREAM_HOURS_PER_MILLION_TICKETS} h of one on-demand stream per 1M tickets)`),
      row('total US$ per 1M tickets', `$${fixed(totalPerMillion, 2)} (prices of ${AWS_PRICES.date}, ${AWS_PRICES.region}; test/bench/aws-prices.ts)`, '≤ $20'),
    );
    return rows;
  } finally {
    await session.stop();
  }
}

interface Costs {
  counts: { apiRequests: number; invocations: number; gbSeconds: number; wcu: number; rcu: number; kinesisCalls: number; sqsCalls: number; logBytes: number };
  /** US$ for what was counted, times `scale`. */
  dollars: { api: number; lambda: number; dynamodb: number; kinesis: number; sqs: number; logs: number };
}

/**
 * What happened between two snapshots, priced, times `scale`. DynamoDB counts the
 * functions' calls only (the runner's own are provisioning and /_local/pay's
 * look-up of the amount, which a real provider does not make); with `pollers`,
 * SQS and Kinesis count the pollers' calls too, as Lambda's event source mappings
 * are billed for their receives and reads.
 */
function priced(before: LocalMetrics, after: LocalMetrics, apiRequests: number, scale: number, { pollers }: { pollers: boolean }): Costs {
  const counted = (caller: string) => pollers || caller !== RUNNER_CALLER;
  const functions = functionsBetween(before, after);
  const invocations = functions.reduce((sum, fn) => sum + fn.invocations, 0);
  const gbSeconds = functions.reduce((sum, fn) => sum + (fn.billedDurationMs / 1000) * (fn.memorySize / 1024), 0);
  const logBytes = functions.reduce((sum, fn) => sum + fn.logBytes, 0);
  const dynamodb = total(callsBetween(before, after, 'dynamodb'), (caller) => caller !== RUNNER_CALLER);
  const kinesisCalls = callsBetween(before, after, 'kinesis');
  const kinesis = total(kinesisCalls, counted);
  const ingested = total(kinesisCalls, (_, operation) => operation === 'PutRecord' || operation === 'PutRecords').requestBytes;
  const retrieved = total(kinesisCalls, (caller, operation) => counted(caller) && operation === 'GetRecords').responseBytes;
  const sqs = total(callsBetween(before, after, 'sqs'), counted);
  const p = AWS_PRICES;
  const counts = {
    apiRequests: apiRequests * scale,
    invocations: invocations * scale,
    gbSeconds: gbSeconds * scale,
    wcu: dynamodb.writeCapacityUnits * scale,
    rcu: dynamodb.readCapacityUnits * scale,
    kinesisCalls: kinesis.requests * scale,
    sqsCalls: sqs.requests * scale,
    logBytes: logBytes * scale,
  };
  return {
    counts,
    dollars: {
      api: (counts.apiRequests / 1e6) * p.apiGatewayHttpApi.perMillionRequests,
      lambda: (counts.invocations / 1e6) * p.lambda.perMillionRequests + counts.gbSeconds * p.lambda.perGbSecond,
      dynamodb: (counts.wcu / 1e6) * p.dynamodb.perMillionWriteRequestUnits + (counts.rcu / 1e6) * p.dynamodb.perMillionReadRequestUnits,
      kinesis: ((ingested * scale) / GB) * p.kinesisOnDemand.perGbIngested + ((retrieved * scale) / GB) * p.kinesisOnDemand.perGbRetrieved,
      sqs: (counts.sqsCalls / 1e6) * p.sqs.perMillionRequests,
      logs: (counts.logBytes / GB) * p.cloudWatchLogs.perGbIngested,
    },
  };
}

/** Where the sale's write units went, largest first: `<function> <operation> <WCU per ticket>`. */
function writesByCaller(before: LocalMetrics, after: LocalMetrics, tickets: number): string {
  const parts: Array<[string, number]> = [];
  for (const [caller, operations] of Object.entries(callsBetween(before, after, 'dynamodb'))) {
    if (caller === RUNNER_CALLER) continue;
    for (const [operation, count] of Object.entries(operations)) {
      if (count.writeCapacityUnits > 0) parts.push([`${caller.replace(/Function[0-9A-F]{8}$/, '')} ${operation}`, count.writeCapacityUnits / tickets]);
    }
  }
  return parts
    .sort((a, b) => b[1] - a[1])
    .map(([what, wcu]) => `${what} ${fixed(wcu, 2)}`)
    .join(', ');
}

/** Waits until every paid order is TICKETED in the orders table (read past the meter); whether they all got there in time. */
async function waitUntilTicketed(session: CloudSession, orderIds: readonly string[]): Promise<boolean> {
  const tableName = await session.tableName('Orders');
  const wanted = new Set(orderIds.map((id) => `ORDER#${id}`));
  const deadline = Date.now() + TICKETED_TIMEOUT_MS;
  while (Date.now() < deadline) {
    let ticketed = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await session.db.send(
        new ScanCommand({ TableName: tableName, ProjectionExpression: 'pk, #status', ExpressionAttributeNames: { '#status': 'status' }, ExclusiveStartKey: startKey }),
      );
      ticketed += (page.Items ?? []).filter((item) => wanted.has(String(item.pk)) && item.status === 'TICKETED').length;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    if (ticketed >= wanted.size) return true;
    await new Promise((wake) => setTimeout(wake, 2_000));
  }
  return false;
}
