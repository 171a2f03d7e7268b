import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../cdk/ticketing-function';
import { startLocalCloud, type LocalCloud } from './local-cloud';
import { clientEnvironmentLines, localCloudSettings } from './local-settings';

/**
 * `npm start [-- --memory] [-- --no-seed]`: the local cloud on PORT.
 * Environment: PORT (3000), DATA_DIR (.data; ignored with --memory),
 * HOLD_TTL_SECONDS, PAYMENT_WEBHOOK_SECRET (a dev default) and TICKET_ISSUER_FAIL
 * (`always` makes the ticket issuer fail every job: the DLQ drill) replace the
 * template's values for the functions that have them. Test-speed knobs, never in
 * the template: LOCAL_SCHEDULE_SECONDS (when set, every scheduled rule fires at
 * this period instead of its rate) and LOCAL_QUEUE_VISIBILITY_SECONDS (when set,
 * every queue is provisioned with this visibility timeout instead of the
 * template's, and the SQS pollers receive with it, so a failing message reaches
 * its DLQ after maxReceiveCount receives within seconds). LOCAL_MAX_CONCURRENCY bounds
 * the execution environments of all functions together (lambda-runtime.ts), and
 * LOCAL_METER=1 counts every call to the emulators for GET /_local/metrics.
 * Once ready it prints `export AWS_ENDPOINT_URL_SQS=…` and the other SDK variables
 * that point `npm run redrive` and the AWS CLI at the emulators.
 */
const SHUTDOWN_TIMEOUT_MS = 15_000;

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

  const options = localCloudSettings(process.argv.slice(2), process.env, join(PROJECT_ROOT, '.data'));
  const storage = options.dataDir === undefined ? 'in memory (--memory)' : `data in ${relative(process.cwd(), options.dataDir) || '.'}`;
  console.log(`Starting the local cloud, ${storage}${options.seed ? '' : ', no demo timetable'}…`);
  cloud = await startLocalCloud({ ...options, log: (line) => console.log(`  ${line}`) });

  const { timings } = cloud;
  const today = new Date().toISOString().slice(0, 10);
  console.log(
    `Ready in ${ms(timings.total)} (synth ${ms(timings.synth)}, emulators ready at ${ms(timings.emulators)}, provision ${ms(timings.provision)}, seed ${ms(timings.seed)}).`,
  );
  console.log(`Local cloud listening on ${cloud.url}`);
  console.log('Point `npm run redrive` and the AWS CLI at its emulators (Kinesis without the /_local/faults switch) with:');
  for (const line of clientEnvironmentLines(cloud.clientEnv)) console.log(`  ${line}`);
  console.log(`Try: curl -s '${cloud.url}/services?from=VNP&to=AOH&date=${today}'`);
}

function ms(value: number): string {
  return `${(value / 1000).toFixed(1)} s`;
}

main().catch((error: unknown) => {
  console.error(`The local cloud failed to start: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && error.name !== 'EmulatorError' && error.name !== 'LocalSettingsError' && error.name !== 'ConcurrencyConfigurationError' && error.stack) console.error(error.stack);
  process.exit(1);
});
