import { MAX_CONCURRENCY_LIMIT } from './lambda-runtime';
import type { LocalTopology } from './topology';

/**
 * What `npm start` reads from its arguments and environment (see main.ts), kept
 * apart from main.ts so that it can be tested without starting anything.
 */
export interface LocalCloudSettings {
  port: number;
  /** Undefined with --memory. */
  dataDir: string | undefined;
  seed: boolean;
  /** LOCAL_SCHEDULE_SECONDS. */
  scheduleSeconds: number | undefined;
  /** LOCAL_QUEUE_VISIBILITY_SECONDS. */
  queueVisibilitySeconds: number | undefined;
  /** LOCAL_MAX_CONCURRENCY; the runtime's default when undefined. */
  maxConcurrency: number | undefined;
  /** LOCAL_METER: count the functions' calls to the emulators (GET /_local/metrics). */
  meter: boolean;
  /** LOCAL_CPU_PROFILE_DIR: where every execution environment writes a V8 CPU profile when it ends. */
  cpuProfileDir: string | undefined;
  /** Local values replacing the template's, for the functions that have the variable. */
  env: Record<string, string>;
}

/** A setting `npm start` cannot run with: its message says which and why, and is all the user needs to see. */
export class LocalSettingsError extends Error {
  override readonly name = 'LocalSettingsError';
}

export const USAGE = 'usage: npm start -- [--memory] [--no-seed]';
export const DEFAULT_PORT = 3000;
export const DEV_WEBHOOK_SECRET = 'local-dev-payment-webhook-secret';
/** SQS accepts visibility timeouts of 0 to 12 hours; 0 would hand a failed message straight back. */
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
const TICKET_ISSUER_FAIL_VALUES = ['never', 'always'];
const LOCAL_METER_VALUES = ['0', '1', 'false', 'true'];
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'];
/**
 * The functions' log level locally (POWERTOOLS_LOG_LEVEL): warnings and errors only,
 * so that request logs do not push the printed exports off the screen; INFO shows every one.
 */
export const DEFAULT_LOCAL_LOG_LEVEL = 'WARN';

export function localCloudSettings(args: readonly string[], env: NodeJS.ProcessEnv, defaultDataDir: string): LocalCloudSettings {
  const unknown = args.filter((arg) => arg !== '--memory' && arg !== '--no-seed');
  if (unknown.length > 0) throw new LocalSettingsError(`unknown option ${unknown.join(' ')}\n${USAGE}`);
  const port = env.PORT === undefined || env.PORT === '' ? DEFAULT_PORT : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new LocalSettingsError(`PORT must be a port number, got ${env.PORT}`);
  const scheduleSeconds = env.LOCAL_SCHEDULE_SECONDS ? Number(env.LOCAL_SCHEDULE_SECONDS) : undefined;
  if (scheduleSeconds !== undefined && !(Number.isFinite(scheduleSeconds) && scheduleSeconds > 0)) {
    throw new LocalSettingsError(`LOCAL_SCHEDULE_SECONDS must be a positive number of seconds, got ${env.LOCAL_SCHEDULE_SECONDS}`);
  }
  const queueVisibilitySeconds = env.LOCAL_QUEUE_VISIBILITY_SECONDS ? Number(env.LOCAL_QUEUE_VISIBILITY_SECONDS) : undefined;
  if (
    queueVisibilitySeconds !== undefined &&
    !(Number.isInteger(queueVisibilitySeconds) && queueVisibilitySeconds >= 1 && queueVisibilitySeconds <= MAX_VISIBILITY_TIMEOUT_SECONDS)
  ) {
    throw new LocalSettingsError(
      `LOCAL_QUEUE_VISIBILITY_SECONDS must be a whole number of seconds from 1 to ${MAX_VISIBILITY_TIMEOUT_SECONDS}, got ${env.LOCAL_QUEUE_VISIBILITY_SECONDS}`,
    );
  }
  const maxConcurrency = env.LOCAL_MAX_CONCURRENCY ? Number(env.LOCAL_MAX_CONCURRENCY) : undefined;
  if (maxConcurrency !== undefined && !(Number.isInteger(maxConcurrency) && maxConcurrency >= 1 && maxConcurrency <= MAX_CONCURRENCY_LIMIT)) {
    throw new LocalSettingsError(`LOCAL_MAX_CONCURRENCY must be a whole number of concurrent invocations from 1 to ${MAX_CONCURRENCY_LIMIT}, got ${env.LOCAL_MAX_CONCURRENCY}`);
  }
  if (env.LOCAL_METER && !LOCAL_METER_VALUES.includes(env.LOCAL_METER)) {
    throw new LocalSettingsError(`LOCAL_METER must be one of ${LOCAL_METER_VALUES.join(', ')}, got ${env.LOCAL_METER}`);
  }
  if (env.TICKET_ISSUER_FAIL && !TICKET_ISSUER_FAIL_VALUES.includes(env.TICKET_ISSUER_FAIL)) {
    throw new LocalSettingsError(`TICKET_ISSUER_FAIL must be one of ${TICKET_ISSUER_FAIL_VALUES.join(', ')}, got ${env.TICKET_ISSUER_FAIL}`);
  }
  const logLevel = (env.LOCAL_LOG_LEVEL || DEFAULT_LOCAL_LOG_LEVEL).toUpperCase();
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOCAL_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${env.LOCAL_LOG_LEVEL}`);
  return {
    port,
    scheduleSeconds,
    queueVisibilitySeconds,
    maxConcurrency,
    meter: env.LOCAL_METER === '1' || env.LOCAL_METER === 'true',
    cpuProfileDir: env.LOCAL_CPU_PROFILE_DIR || undefined,
    dataDir: args.includes('--memory') ? undefined : env.DATA_DIR || defaultDataDir,
    seed: !args.includes('--no-seed'),
    env: {
      PAYMENT_WEBHOOK_SECRET: env.PAYMENT_WEBHOOK_SECRET || DEV_WEBHOOK_SECRET,
      POWERTOOLS_LOG_LEVEL: logLevel,
      ...(env.HOLD_TTL_SECONDS ? { HOLD_TTL_SECONDS: env.HOLD_TTL_SECONDS } : {}),
      ...(env.MAX_UNPAID_ORDERS ? { MAX_UNPAID_ORDERS: env.MAX_UNPAID_ORDERS } : {}),
      ...(env.MAX_CANCELLATIONS_PER_DAY ? { MAX_CANCELLATIONS_PER_DAY: env.MAX_CANCELLATIONS_PER_DAY } : {}),
      ...(env.TICKET_ISSUER_FAIL ? { TICKET_ISSUER_FAIL: env.TICKET_ISSUER_FAIL } : {}),
    },
  };
}

/**
 * The topology with every queue's visibility timeout replaced (LOCAL_QUEUE_VISIBILITY_SECONDS):
 * the queues are provisioned with it and the SQS pollers receive with it, so a
 * failing message reaches its dead-letter queue after maxReceiveCount receives in
 * seconds rather than minutes. Unchanged without an override.
 */
export function withQueueVisibilityTimeout(topology: LocalTopology, seconds: number | undefined): LocalTopology {
  if (seconds === undefined) return topology;
  return { ...topology, queues: topology.queues.map((queue) => ({ ...queue, visibilityTimeout: seconds })) };
}

/** The SDK variables that point a client at the emulators; printed by `npm start` as lines `export NAME=value`. */
export const CLIENT_ENVIRONMENT_KEYS = [
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_DYNAMODB_STREAMS',
  'AWS_ENDPOINT_URL_KINESIS',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
] as const;

/** `export NAME=value` for each client variable `env` has, in a fixed order. */
export function clientEnvironmentLines(env: Readonly<Record<string, string>>): string[] {
  return CLIENT_ENVIRONMENT_KEYS.filter((key) => env[key] !== undefined).map((key) => `export ${key}=${env[key]}`);
}

/** The variables of the `export NAME=value` lines in some output (the last value of each wins). */
export function parseClientEnvironment(output: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of output.matchAll(/^\s*export (AWS_[A-Z_]+)=(\S+)\s*$/gm)) {
    const [, key, value] = match;
    if (key !== undefined && value !== undefined && (CLIENT_ENVIRONMENT_KEYS as readonly string[]).includes(key)) env[key] = value;
  }
  return env;
}
