import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../cdk/ticketing-function';
import { startLocalCloud, type LocalCloud } from './local-cloud';

/**
 * `npm start [-- --memory] [-- --no-seed]`: the local cloud on PORT.
 * Environment: PORT (3000), DATA_DIR (.data; ignored with --memory),
 * HOLD_TTL_SECONDS, PAYMENT_WEBHOOK_SECRET (a dev default), LOCAL_SCHEDULE_SECONDS
 * (when set, every scheduled rule fires at this period instead of its rate).
 */
const USAGE = 'usage: npm start -- [--memory] [--no-seed]';
const DEFAULT_PORT = 3000;
const DEV_WEBHOOK_SECRET = 'local-dev-payment-webhook-secret';
const SHUTDOWN_TIMEOUT_MS = 15_000;

interface Settings {
  port: number;
  dataDir: string | undefined;
  seed: boolean;
  scheduleSeconds: number | undefined;
  env: Record<string, string>;
}

function settings(args: readonly string[], env: NodeJS.ProcessEnv): Settings {
  const unknown = args.filter((arg) => arg !== '--memory' && arg !== '--no-seed');
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}\n${USAGE}`);
  const port = env.PORT === undefined || env.PORT === '' ? DEFAULT_PORT : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const scheduleSeconds = env.LOCAL_SCHEDULE_SECONDS ? Number(env.LOCAL_SCHEDULE_SECONDS) : undefined;
  if (scheduleSeconds !== undefined && !(Number.isFinite(scheduleSeconds) && scheduleSeconds > 0)) {
    throw new Error(`LOCAL_SCHEDULE_SECONDS must be a positive number of seconds, got ${env.LOCAL_SCHEDULE_SECONDS}`);
  }
  return {
    port,
    scheduleSeconds,
    dataDir: args.includes('--memory') ? undefined : (env.DATA_DIR || join(PROJECT_ROOT, '.data')),
    seed: !args.includes('--no-seed'),
    env: {
      PAYMENT_WEBHOOK_SECRET: env.PAYMENT_WEBHOOK_SECRET || DEV_WEBHOOK_SECRET,
      ...(env.HOLD_TTL_SECONDS ? { HOLD_TTL_SECONDS: env.HOLD_TTL_SECONDS } : {}),
    },
  };
}

async function main(): Promise<void> {
  // The runner's own SDK clients would print the SDK's Node 22 notice; functions are set likewise (lambda-runtime.ts).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let cloud: LocalCloud | undefined;
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    // Before startup completes there is nothing to drain: exit, and the exit hooks take the emulators along.
    if (!cloud) process.exit(signal === 'SIGINT' ? 130 : 143);
    // The signal often arrives twice (from the terminal and relayed by npm/tsx): one shutdown, bounded in time.
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: shutting down…`);
    setTimeout(() => {
      console.error(`shutdown took over ${SHUTDOWN_TIMEOUT_MS / 1000} s; exiting`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    cloud.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  const options = settings(process.argv.slice(2), process.env);
  const storage = options.dataDir === undefined ? 'in memory (--memory)' : `data in ${relative(process.cwd(), options.dataDir) || '.'}`;
  console.log(`Starting the local cloud, ${storage}${options.seed ? '' : ', no demo timetable'}…`);
  cloud = await startLocalCloud({ ...options, log: (line) => console.log(`  ${line}`) });

  const { timings } = cloud;
  const today = new Date().toISOString().slice(0, 10);
  console.log(
    `Ready in ${ms(timings.total)} (synth ${ms(timings.synth)}, emulators ready at ${ms(timings.emulators)}, provision ${ms(timings.provision)}, seed ${ms(timings.seed)}).`,
  );
  console.log(`Local cloud listening on ${cloud.url}`);
  console.log(`Try: curl -s '${cloud.url}/services?from=VNP&to=AOH&date=${today}'`);
}

function ms(value: number): string {
  return `${(value / 1000).toFixed(1)} s`;
}

main().catch((error: unknown) => {
  console.error(`The local cloud failed to start: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && error.name !== 'EmulatorError' && error.stack) console.error(error.stack);
  process.exit(1);
});
