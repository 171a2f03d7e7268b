import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FunctionMetrics } from '../../infra/local/lambda-runtime';
import type { LocalMetrics } from '../../infra/local/local-cloud';
import type { CallCounts, MeteredService, OperationCount } from '../../infra/local/metering-proxy';
import type { PublishServiceRequest } from '../../lib/timetable/service';
import { startLocalCloudProcess, type LocalCloudProcess } from '../helpers/local-cloud';

/**
 * The local cloud as a user starts it (`npm start -- --memory --no-seed`), with
 * every call to the emulators metered (LOCAL_METER=1), for the benches that
 * drive it over HTTP and read its counters from GET /_local/metrics.
 */
export interface CloudSession {
  cloud: LocalCloudProcess;
  /** A document client straight to DynamoDB Local, past the meter: what the bench itself reads is not counted. */
  db: DynamoDBDocumentClient;
  /** The provisioned name of the table whose name contains `part` (`Ledger`, `Orders`). */
  tableName(part: string): Promise<string>;
  metrics(): Promise<LocalMetrics>;
  /** Publishes a service with an admin token; its serviceId. */
  publish(service: PublishServiceRequest): Promise<string>;
  stop(): Promise<void>;
}

export async function startCloudSession(env: Record<string, string> = {}): Promise<CloudSession> {
  const cloud = await startLocalCloudProcess({ LOCAL_METER: '1', ...env }, { seed: false });
  const clientEnv = cloud.env();
  const client = new DynamoDBClient({
    region: clientEnv.AWS_REGION,
    endpoint: clientEnv.AWS_ENDPOINT_URL_DYNAMODB,
    credentials: { accessKeyId: clientEnv.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: clientEnv.AWS_SECRET_ACCESS_KEY ?? 'local' },
  });
  const db = DynamoDBDocumentClient.from(client);
  const adminToken = await cloud.token('bench-admin', true);
  return {
    cloud,
    db,
    async tableName(part) {
      const { TableNames: names = [] } = await client.send(new ListTablesCommand({}));
      const name = names.find((candidate) => candidate.includes(part));
      if (!name) throw new Error(`no table named like ${part} among ${names.join(', ')}`);
      return name;
    },
    async metrics() {
      const response = await fetch(`${cloud.url}/_local/metrics`);
      if (response.status !== 200) throw new Error(`GET /_local/metrics answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as LocalMetrics;
    },
    async publish(service) {
      // A publish that failed half-way (a timeout on a loaded machine) completes when sent again once its lease is over.
      for (let attempt = 1; ; attempt++) {
        const response = await fetch(`${cloud.url}/admin/services`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(service),
        });
        if (response.status === 201 || response.status === 200) return ((await response.json()) as { serviceId: string }).serviceId;
        const text = await response.text();
        const failure = `publishing ${service.trainNo} answered ${response.status}: ${text}`;
        const again = response.status >= 500 || (response.status === 409 && text.includes('being published'));
        if (!again || attempt === PUBLISH_ATTEMPTS) throw new Error(`${failure}\n${errorLines(cloud.output())}`);
        progressLine(`${failure}; publishing again in ${PUBLISH_RETRY_MS / 1000} s`);
        await new Promise((wake) => setTimeout(wake, PUBLISH_RETRY_MS));
      }
    },
    async stop() {
      client.destroy();
      await cloud.stop();
    },
  };
}

/** The publish lease of an interrupted publish lasts a minute (lib/timetable): retry for a little longer. */
const PUBLISH_ATTEMPTS = 8;
const PUBLISH_RETRY_MS = 10_000;

/** The lines of the local cloud's output that report an error, the last few. */
function errorLines(output: string): string {
  return output
    .split('\n')
    .filter((line) => /"level":"ERROR"|\[gateway\]|Error/.test(line))
    .slice(-5)
    .join('\n');
}

/** The function serving a route, by the prefix of its logical id (`ApiCreateOrderFunction`). */
export function functionNamed(metrics: LocalMetrics, prefix: string): FunctionMetrics {
  const found = metrics.functions.find((fn) => fn.name.startsWith(prefix));
  if (!found) throw new Error(`no function named ${prefix}… among ${metrics.functions.map((fn) => fn.name).join(', ')}`);
  return found;
}

const ZERO: OperationCount = { requests: 0, errors: 0, errorTypes: {}, requestBytes: 0, responseBytes: 0, readCapacityUnits: 0, writeCapacityUnits: 0 };

/** What happened between two snapshots of the metered calls: caller → operation → counts. */
export function callsBetween(before: LocalMetrics, after: LocalMetrics, service: MeteredService): CallCounts {
  const earlier = before.calls?.[service] ?? {};
  const later = after.calls?.[service];
  if (!later) throw new Error('the local cloud is not metering (LOCAL_METER=1)');
  const result: CallCounts = {};
  for (const [caller, operations] of Object.entries(later)) {
    for (const [operation, count] of Object.entries(operations)) {
      const base = earlier[caller]?.[operation] ?? ZERO;
      const errorTypes = Object.fromEntries(Object.entries(count.errorTypes).map(([type, n]) => [type, n - (base.errorTypes[type] ?? 0)]));
      (result[caller] ??= {})[operation] = {
        requests: count.requests - base.requests,
        errors: count.errors - base.errors,
        errorTypes,
        requestBytes: count.requestBytes - base.requestBytes,
        responseBytes: count.responseBytes - base.responseBytes,
        readCapacityUnits: count.readCapacityUnits - base.readCapacityUnits,
        writeCapacityUnits: count.writeCapacityUnits - base.writeCapacityUnits,
      };
    }
  }
  return result;
}

/** The sum over callers and operations that `keep` selects. */
export function total(calls: CallCounts, keep: (caller: string, operation: string) => boolean = () => true): OperationCount & { byOperation: Record<string, number> } {
  const sum = { ...ZERO, errorTypes: {} as Record<string, number>, byOperation: {} as Record<string, number> };
  for (const [caller, operations] of Object.entries(calls)) {
    for (const [operation, count] of Object.entries(operations)) {
      if (!keep(caller, operation) || count.requests === 0) continue;
      sum.requests += count.requests;
      sum.errors += count.errors;
      sum.requestBytes += count.requestBytes;
      sum.responseBytes += count.responseBytes;
      sum.readCapacityUnits += count.readCapacityUnits;
      sum.writeCapacityUnits += count.writeCapacityUnits;
      sum.byOperation[operation] = (sum.byOperation[operation] ?? 0) + count.requests;
      for (const [type, n] of Object.entries(count.errorTypes)) sum.errorTypes[type] = (sum.errorTypes[type] ?? 0) + n;
    }
  }
  return sum;
}

/** Each function's counters between two snapshots (invocations, durations, log bytes…). */
export function functionsBetween(before: LocalMetrics, after: LocalMetrics): FunctionMetrics[] {
  return after.functions.map((fn) => {
    const base = before.functions.find((candidate) => candidate.name === fn.name);
    if (!base) return fn;
    return {
      ...fn,
      invocations: fn.invocations - base.invocations,
      errors: fn.errors - base.errors,
      logBytes: fn.logBytes - base.logBytes,
      coldStarts: fn.coldStarts - base.coldStarts,
      initDurationMs: fn.initDurationMs - base.initDurationMs,
      durationMs: fn.durationMs - base.durationMs,
      billedDurationMs: fn.billedDurationMs - base.billedDurationMs,
      queued: fn.queued - base.queued,
      queuedMs: fn.queuedMs - base.queuedMs,
    };
  });
}

/** Runs `task(0…count-1)` with at most `inFlight` at once; the milliseconds each took, in task order. Says how far it got on stderr every 15 s when given a label. */
export async function runInFlight(count: number, inFlight: number, task: (i: number) => Promise<void>, label?: string): Promise<number[]> {
  const latencies = new Array<number>(count).fill(0);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const started = performance.now();
      await task(i);
      latencies[i] = performance.now() - started;
      done++;
    }
  };
  const progress = label ? setInterval(() => progressLine(`${label}: ${done} of ${count}`), PROGRESS_EVERY_MS) : undefined;
  try {
    await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  } finally {
    clearInterval(progress);
  }
  return latencies;
}

const PROGRESS_EVERY_MS = 15_000;

/** A line on stderr, so that the table on stdout stays clean. */
export function progressLine(line: string): void {
  process.stderr.write(`  ${line}\n`);
}

/** The p-th percentile (0-100) of some values, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** `YYYY-MM-DD`, `days` after today (UTC). */
export function dateInDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
