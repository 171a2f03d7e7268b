import { SimulatedRefundProvider } from './refund-provider';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { demoTimetable } from './demo-timetable';
import { cachedAssembly, COMPILE_CACHE_DIR } from './assembly-cache';
import { launchEmulators, type Emulators } from './emulators';
import { checkFunctionEnvironments, initFailureResponse, requireInitialized } from './function-readiness';
import { HttpGateway, type GatewayResponse } from './http-gateway';
import { KinesisFaultProxy } from './kinesis-fault-proxy';
import { callerAliases, MeteringProxy, type CallCounts, type MeteredService } from './metering-proxy';
import { KinesisStreamPoller, kinesisStreamMappings } from './kinesis-poller';
import { DEFAULT_MAX_CONCURRENCY, LambdaRuntime, type FunctionMetrics } from './lambda-runtime';
import { LocalAuth } from './local-auth';
import { localKeys } from './local-keys';
import { withQueueVisibilityTimeout } from './local-settings';
import { localEndpoints, type LocalFaultControls, type LocalPaymentsOptions } from './local-endpoints';
import { functionEnvironment, LOCAL_REGION, provision, type LocalResources } from './provision';
import { QueuePoller, queueMappings } from './queue-poller';
import { Scheduler } from './scheduler';
import { StaticSite } from './static-site';
import { DynamoDbStreamPoller, dynamoDbStreamMappings } from './stream-poller';
import { readTopology, synthesizeApp, type FunctionSpec, type LocalTopology } from './topology';

export interface LocalCloudOptions {
  /** @default 0, a free port */
  port?: number;
  /** Where DynamoDB and Kinesis keep their state; in memory when absent. */
  dataDir?: string;
  /** Publish the demo timetable before /readyz answers 200. @default true */
  seed?: boolean;
  /** Local values (HOLD_TTL_SECONDS, PAYMENT_WEBHOOK_SECRET…) replacing the template's for functions that have the variable. */
  env?: Record<string, string>;
  /** Seconds replacing the rate of every scheduled rule (LOCAL_SCHEDULE_SECONDS), so tests need not wait minutes. */
  scheduleSeconds?: number;
  /**
   * Seconds replacing every queue's visibility timeout, at provisioning and in the
   * SQS pollers' receives (LOCAL_QUEUE_VISIBILITY_SECONDS), so a failing message
   * reaches its dead-letter queue in seconds.
   */
  queueVisibilitySeconds?: number;
  /** Invocations at once across all functions (busy execution environments) (LOCAL_MAX_CONCURRENCY). @default DEFAULT_MAX_CONCURRENCY of lambda-runtime.ts */
  maxConcurrency?: number;
  /** Every execution environment writes a V8 CPU profile here when it ends (LOCAL_CPU_PROFILE_DIR). */
  cpuProfileDir?: string;
  /**
   * Count every call to DynamoDB, Kinesis and SQS (the functions' and the pollers')
   * by caller and operation, with DynamoDB's consumed capacity, through a metering
   * proxy in front of each emulator (LOCAL_METER); GET /_local/metrics reports them.
   */
  meter?: boolean;
  /** The web console's build directory, served at `/` (without it, `/` is a 404 like any unknown path). */
  consoleDir?: string;
  /** Progress lines, and what the pollers and the scheduler report (retries, give-ups, function errors); silent by default. */
  log?: (line: string) => void;
}

export interface LocalCloud {
  url: string;
  /**
   * The SDK's variables for a client of the emulators: AWS_ENDPOINT_URL_SQS,
   * _DYNAMODB, _DYNAMODB_STREAMS, _KINESIS (kinesis-local itself, not the fault
   * proxy the functions publish through), AWS_REGION and the `local` credentials.
   */
  clientEnv: Record<string, string>;
  /** Milliseconds spent in each startup phase. */
  timings: StartupTimings;
  stop(): Promise<void>;
}

/** GET /_local/metrics: every function's counters since start, and the calls to the emulators when metered (LOCAL_METER), else null. */
export interface LocalMetrics {
  functions: FunctionMetrics[];
  calls: Record<MeteredService, CallCounts> | null;
}

export interface StartupTimings {
  /** From start until every emulator served; they boot while the app synthesizes. */
  emulators: number;
  synth: number;
  provision: number;
  seed: number;
  total: number;
}

/** The orders table's logical id in the template, which POST /_local/pay reads. */
const ORDERS_TABLE_LOGICAL_ID = 'OrdersTable';
const PAYMENT_CALLBACK_ROUTE = { method: 'POST', path: '/payments/callback' };
/** The queue whose mappings `POST /_local/faults { ticketIssuer }` pauses and resumes. */
const TICKET_OUTBOX_QUEUE_NAME = 'ticket-outbox';
/** The function whose stream mappings `POST /_local/faults { waitlistFulfiller }` pauses and resumes (infra/cdk/waitlist-workers.ts). */
const WAITLIST_FULFILLER_ID = 'FulfilWaitlistFunction';

/** Services published at once: more only adds contention inside DynamoDB Local (a publish writes 8 batches in parallel). */
const SEED_CONCURRENCY = 2;

/**
 * The whole system on one machine: emulators, the resources of the synthesized
 * template, every function in its own execution environments, and the HTTP API.
 * Seeding goes through the API itself with an admin token, so it takes the path
 * a client takes; /readyz answers 503 until it is done.
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const cleanup: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  };

  try {
    // The emulators boot (JVM, kinesis-mock) while the app synthesizes, which blocks this thread.
    const launched = await launchEmulators({ dataDir: options.dataDir });
    cleanup.push(async () => (await launched.ready.catch(() => undefined))?.stop());
    const synthStarted = Date.now();
    const assembly = cachedAssembly({ bundle: true }, (outdir) => synthesizeApp({ bundle: true, outdir }));
    const topology = withQueueVisibilityTimeout(readTopology(assembly), options.queueVisibilitySeconds);
    const synthMs = Date.now() - synthStarted;
    log(`${assembly.cached ? 'reused the synthesized assembly of' : 'synthesized'} ${topology.functions.length} functions in ${seconds(synthMs)}`);

    const emulators = await launched.ready;
    const emulatorsMs = Date.now() - started;
    log(`emulators ready ${seconds(emulatorsMs)} after start: DynamoDB ${emulators.endpoints.dynamodb}, Kinesis ${emulators.endpoints.kinesis}, SQS ${emulators.endpoints.sqs}`);

    const meters = options.meter ? await startMeters(emulators) : undefined;
    if (meters) cleanup.push(() => Promise.all(Object.values(meters).map((meter) => meter.close())).then(() => undefined));
    const endpoints = {
      dynamodb: meters?.dynamodb.url ?? emulators.endpoints.dynamodb,
      kinesis: meters?.kinesis.url ?? emulators.endpoints.kinesis,
      sqs: meters?.sqs.url ?? emulators.endpoints.sqs,
    };
    if (meters) log(`metering every call to DynamoDB, Kinesis and SQS (LOCAL_METER): GET /_local/metrics`);

    // The functions publish to Kinesis through a proxy that POST /_local/faults can make refuse; the pollers read kinesis-local directly.
    const kinesisProxy = await KinesisFaultProxy.start(endpoints.kinesis);
    cleanup.push(() => kinesisProxy.close());

    const provisionStarted = Date.now();
    const clients = emulatorClients(emulators, endpoints, meters !== undefined);
    cleanup.push(async () => {
      for (const client of Object.values(clients)) client.destroy();
    });
    const resources = await provision(topology, clients);
    const provisionMs = Date.now() - provisionStarted;
    log(`provisioned ${topology.tables.length} tables, ${topology.streams.length} streams, ${topology.queues.length} queues in ${seconds(provisionMs)}`);
    if (options.queueVisibilitySeconds !== undefined) log(`every queue's visibility timeout is ${options.queueVisibilitySeconds} s by LOCAL_QUEUE_VISIBILITY_SECONDS`);

    const keys = await localKeys(options.dataDir);
    // The payment provider's refund API, simulated: the refund sender is pointed at it.
    const refundProvider = await SimulatedRefundProvider.start();
    cleanup.push(() => refundProvider.close());
    const localValues = { PASSENGER_ID_HASH_KEY: keys.passengerIdHashKey, PASSENGER_DATA_KEY: keys.passengerDataKey, REFUND_PROVIDER_URL: refundProvider.url, ...options.env };
    const callers = callerAliases(topology.functions.map((fn) => fn.logicalId));
    const environments = new Map(
      topology.functions.map((fn) => [
        fn.logicalId,
        {
          ...functionEnvironment(withoutSecretArns(fn), resources),
          ...emulators.env,
          AWS_ENDPOINT_URL_KINESIS: kinesisProxy.url,
          ...(meters ? { AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb, AWS_ENDPOINT_URL_SQS: endpoints.sqs, AWS_SDK_UA_APP_ID: callers.aliasOf(fn.logicalId) } : {}),
          // No X-Ray daemon here: the Powertools tracer stays off and the SDK clients unwrapped.
          POWERTOOLS_TRACE_ENABLED: 'false',
          ...localOverrides(fn, localValues),
        },
      ]),
    );
    // Refuse to start, naming the variable and the rule, rather than answer 500 on the first call.
    checkFunctionEnvironments(environments);
    const runtime = new LambdaRuntime(
      topology.functions.map((fn) => ({
        name: fn.logicalId,
        codeDir: fn.codeDir,
        handler: fn.handler,
        timeoutSeconds: fn.timeoutSeconds,
        memorySize: fn.memorySize,
        environment: environments.get(fn.logicalId) ?? {},
        ...(fn.reservedConcurrency === undefined ? {} : { reservedConcurrency: fn.reservedConcurrency }),
      })),
      { maxConcurrency: options.maxConcurrency, compileCacheDir: COMPILE_CACHE_DIR, ...(options.cpuProfileDir ? { cpuProfileDir: options.cpuProfileDir } : {}) },
    );
    cleanup.push(() => runtime.stop());
    const reservations = topology.functions.filter((fn) => fn.reservedConcurrency !== undefined).map((fn) => `${fn.logicalId} ${fn.reservedConcurrency}`);
    log(
      `functions run up to ${options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY} invocations at once${options.maxConcurrency === undefined ? '' : ' by LOCAL_MAX_CONCURRENCY'}${reservations.length > 0 ? `, reserved: ${reservations.join(', ')}` : ''}`,
    );
    // Every function's cold start now: one that cannot initialise stops the start, as a failed deploy would.
    const initStarted = Date.now();
    requireInitialized(await runtime.initialize());
    log(`initialised ${topology.functions.length} functions in ${seconds(Date.now() - initStarted)}`);

    // Built now so that /_local/faults can switch them; started once seeded.
    const streamPoller = new DynamoDbStreamPoller({
      mappings: dynamoDbStreamMappings(topology, resources, LOCAL_REGION),
      streams: clients.dynamodbStreams,
      sqs: clients.sqs,
      functions: runtime,
      region: LOCAL_REGION,
      log,
    });
    const kinesisPoller = new KinesisStreamPoller({
      mappings: kinesisStreamMappings(topology, resources, LOCAL_REGION),
      kinesis: clients.kinesis,
      sqs: clients.sqs,
      functions: runtime,
      region: LOCAL_REGION,
      log,
    });
    const queuePoller = new QueuePoller({ mappings: queueMappings(topology, resources), sqs: clients.sqs, functions: runtime, region: LOCAL_REGION, log });
    const scheduler = new Scheduler({ rules: topology.schedules, functions: runtime, periodOverrideSeconds: options.scheduleSeconds, region: LOCAL_REGION, log });

    const auth = await LocalAuth.create(keys.signingKey);
    let readinessHold: GatewayResponse | undefined = options.seed === false ? undefined : SEEDING;
    const gateway = new HttpGateway({
      routes: topology.routes,
      functions: runtime,
      auth,
      localEndpoints: localEndpoints(auth, {
        payments: paymentsOptions(topology, resources, environments, clients.dynamodb, (): string => url),
        faults: {
          ...faultControls(queuePoller, kinesisPoller, kinesisProxy, log),
          refundProvider: (mode) => {
            refundProvider.setMode(mode);
            log(`fault: refund provider ${mode}`);
          },
        },
        refunds: () => refundProvider.received(),
        queues: { sqs: clients.sqs, queues: topology.queues.map((queue) => ({ name: queue.name, url: resources.queueUrl(queue.logicalId) })) },
        metrics: (): LocalMetrics => ({ functions: runtime.metrics(), calls: meters ? callCounts(meters, callers.nameOf) : null }),
      }),
      // A function that later fails a cold start (a new environment under load) makes /readyz 503, naming it.
      readinessHold: () => readinessHold ?? initFailureResponse(runtime.initFailures()),
      ...(options.consoleDir === undefined ? {} : { site: new StaticSite(options.consoleDir, LOCAL_CONSOLE_CONFIG) }),
    });
    // /_local/pay reads `url` only when called, after this.
    const url: string = await gateway.listen(options.port ?? 0);
    cleanup.push(() => gateway.close());

    const seedStarted = Date.now();
    if (options.seed !== false) {
      const published = await seedDemoTimetable(url, await auth.issue({ sub: 'local-seeder', admin: true }));
      log(`seeded ${published} services in ${seconds(Date.now() - seedStarted)}`);
    }
    const seedMs = Date.now() - seedStarted;

    // After seeding, before /readyz answers 200: nothing a client does once ready is missed, even from LATEST.
    const sources = [streamPoller, kinesisPoller, queuePoller, scheduler];
    for (const source of sources) source.start();
    cleanup.push(() => Promise.all(sources.map((source) => source.stop())).then(() => undefined));
    log(describeEventSources(topology, options.scheduleSeconds));
    readinessHold = undefined;
    const timings = { emulators: emulatorsMs, synth: synthMs, provision: provisionMs, seed: seedMs, total: Date.now() - started };
    return { url, clientEnv: { ...emulators.env }, timings, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The console's /config.json in the local cloud: the API on the same origin, sign-in through POST /_local/token. */
const LOCAL_CONSOLE_CONFIG = { apiUrl: '', auth: { mode: 'local' } };

const SEEDING: GatewayResponse = {
  statusCode: 503,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify({ status: 'not-ready', checks: { seed: 'pending' } }),
};

/** Publishes every demo service through POST /admin/services, a few at a time. */
async function seedDemoTimetable(url: string, adminToken: string): Promise<number> {
  const requests = demoTimetable();
  let next = 0;
  const publishNext = async (): Promise<void> => {
    for (let request = requests[next++]; request; request = requests[next++]) {
      const response = await fetch(`${url}/admin/services`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      // 201 published, 200 already published (a kept data directory).
      if (response.status !== 201 && response.status !== 200) {
        throw new Error(`seeding ${request.trainNo} ${request.date} failed: ${response.status} ${await response.text()}`);
      }
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, publishNext));
  return requests.length;
}

/**
 * POST /_local/pay signs with the secret the callback function gets and reads the
 * orders table; without that route or table there is nothing to pay through.
 */
function paymentsOptions(
  topology: LocalTopology,
  resources: LocalResources,
  environments: ReadonlyMap<string, Record<string, string>>,
  dynamodb: DynamoDBClient,
  gatewayUrl: () => string,
): LocalPaymentsOptions | undefined {
  const route = topology.routes.find((candidate) => candidate.method === PAYMENT_CALLBACK_ROUTE.method && candidate.path === PAYMENT_CALLBACK_ROUTE.path);
  const webhookSecret = route ? environments.get(route.functionLogicalId)?.PAYMENT_WEBHOOK_SECRET : undefined;
  const hasOrders = topology.tables.some((table) => table.logicalId === ORDERS_TABLE_LOGICAL_ID);
  if (webhookSecret === undefined || !hasOrders) return undefined;
  return { dynamodb, ordersTableName: resources.tableName(ORDERS_TABLE_LOGICAL_ID), webhookSecret, gatewayUrl };
}

/**
 * `ticketIssuer` pauses and resumes every queue mapping on the ticket outbox (none:
 * the template has no issuer to pause); `waitlistFulfiller` the waitlist fulfiller's
 * mapping on order-events (its position kept); `eventStream` fails or restores publishing to Kinesis.
 */
function faultControls(queuePoller: QueuePoller, kinesisPoller: KinesisStreamPoller, kinesisProxy: KinesisFaultProxy, log: (line: string) => void): LocalFaultControls {
  const outbox = queuePoller.mappings.filter((mapping) => mapping.queueName === TICKET_OUTBOX_QUEUE_NAME);
  const fulfiller = kinesisPoller.mappings.filter((mapping) => mapping.functionName.includes(WAITLIST_FULFILLER_ID));
  return {
    ...(fulfiller.length > 0
      ? {
          waitlistFulfiller: (up: boolean) => {
            for (const mapping of fulfiller) kinesisPoller.setEnabled(mapping.id, up);
            log(`fault: waitlist fulfiller ${up ? 'up' : 'down'} (${fulfiller.map((mapping) => mapping.functionName).join(', ')} ${up ? 'enabled' : 'disabled'} on order-events)`);
          },
        }
      : {}),
    ...(outbox.length > 0
      ? {
          ticketIssuer: (up: boolean) => {
            for (const mapping of outbox) queuePoller.setEnabled(mapping.id, up);
            log(`fault: ticket issuer ${up ? 'up' : 'down'} (${outbox.map((mapping) => mapping.functionName).join(', ')} ${up ? 'enabled' : 'disabled'} on ${TICKET_OUTBOX_QUEUE_NAME})`);
          },
        }
      : {}),
    eventStream: (up: boolean) => {
      kinesisProxy.setPublishing(up);
      log(`fault: event stream ${up ? 'up' : 'down'} (publishing to Kinesis ${up ? 'works' : 'fails with 503'})`);
    },
  };
}

/** One line: what is polled and scheduled. */
function describeEventSources(topology: LocalTopology, scheduleSeconds: number | undefined): string {
  const byKind = (kind: string) => topology.eventSourceMappings.filter((mapping) => mapping.kind === kind).map((m) => `${m.functionLogicalId}${m.enabled ? '' : ' (disabled)'}`);
  const polled = (count: number, what: string, functions: string[]) => `polling ${count} ${what} mapping(s)${functions.length > 0 ? ` (${functions.join(', ')})` : ''}`;
  const dynamodb = byKind('dynamodb');
  const kinesis = byKind('kinesis');
  const sqs = byKind('sqs');
  const rates = topology.schedules.filter((rule) => rule.schedule.kind === 'rate' && rule.enabled).map((rule) => rule.expression);
  return [
    polled(dynamodb.length, 'DynamoDB stream', dynamodb),
    polled(kinesis.length, 'Kinesis', kinesis),
    polled(sqs.length, 'SQS', sqs),
    `scheduling ${rates.length} rule(s)${rates.length > 0 ? ` (${rates.join(', ')}${scheduleSeconds === undefined ? '' : `, every ${scheduleSeconds} s by LOCAL_SCHEDULE_SECONDS`})` : ''}`,
  ].join('; ');
}

/**
 * Secrets Manager and KMS are not emulated. Where the template gives a function a
 * secret's or a key's ARN, the local cloud gives it the value itself under this
 * name, which the code prefers (lib/aws/payment-webhook-secret.ts, lib/aws/passenger-keys.ts):
 * the dev webhook secret, and the dev keys of passengers' ID numbers (local-keys.ts).
 */
const LOCAL_SECRET_VALUES: Readonly<Record<string, string>> = {
  PAYMENT_WEBHOOK_SECRET_ARN: 'PAYMENT_WEBHOOK_SECRET',
  PASSENGER_ID_HASH_KEY_ARN: 'PASSENGER_ID_HASH_KEY',
  PASSENGER_DATA_KMS_KEY_ARN: 'PASSENGER_DATA_KEY',
};

/**
 * Variables naming what has no local counterpart: the functions whose event
 * source mappings the reconciler asks the Lambda API about (there is no Lambda
 * API here; the reconciler skips the check when the variable is unset).
 */
const NOT_LOCAL = new Set(['EVENT_SOURCE_MAPPING_FUNCTIONS']);

function withoutSecretArns(fn: FunctionSpec): FunctionSpec {
  return { ...fn, environment: Object.fromEntries(Object.entries(fn.environment).filter(([key]) => !(key in LOCAL_SECRET_VALUES) && !NOT_LOCAL.has(key))) };
}

/** A local value replaces the template's only where the function has that variable, or the ARN of the secret it stands for. */
function localOverrides(fn: FunctionSpec, env: Record<string, string>): Record<string, string> {
  const wanted = new Set(Object.keys(fn.environment).flatMap((key) => [key, LOCAL_SECRET_VALUES[key] ?? key]));
  return Object.fromEntries(Object.entries(env).filter(([key]) => wanted.has(key)));
}

/** The caller name of the runner's own calls (provisioning, pollers, /_local/pay) in the metered counts. */
export const RUNNER_CALLER = 'local-cloud';

/**
 * The runner's own clients (provisioning, pollers), configured from the same values
 * the functions get; through the meters when metering, DynamoDB Streams excepted
 * (Lambda's reads of a table's stream are free).
 */
function emulatorClients(emulators: Emulators, endpoints: Record<MeteredService, string>, metered: boolean) {
  const { env } = emulators;
  const common = {
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local' },
    ...(metered ? { userAgentAppId: RUNNER_CALLER } : {}),
  };
  return {
    dynamodb: new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb }),
    dynamodbStreams: new DynamoDBStreamsClient({ ...common, endpoint: env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS }),
    kinesis: new KinesisClient({ ...common, endpoint: endpoints.kinesis, requestHandler: new NodeHttpHandler() }),
    sqs: new SQSClient({ ...common, endpoint: endpoints.sqs, useQueueUrlAsEndpoint: false }),
  };
}

type Meters = Record<MeteredService, MeteringProxy>;

async function startMeters(emulators: Emulators): Promise<Meters> {
  const [dynamodb, kinesis, sqs] = await Promise.all([
    MeteringProxy.start('dynamodb', emulators.endpoints.dynamodb),
    MeteringProxy.start('kinesis', emulators.endpoints.kinesis),
    MeteringProxy.start('sqs', emulators.endpoints.sqs),
  ]);
  return { dynamodb, kinesis, sqs };
}

function callCounts(meters: Meters, nameOf: (caller: string) => string): Record<MeteredService, CallCounts> {
  const named = (counts: CallCounts): CallCounts => Object.fromEntries(Object.entries(counts).map(([caller, operations]) => [nameOf(caller), operations]));
  return { dynamodb: named(meters.dynamodb.snapshot()), kinesis: named(meters.kinesis.snapshot()), sqs: named(meters.sqs.snapshot()) };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
