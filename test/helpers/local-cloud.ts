import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePorts } from '../../infra/local/emulators';
import { parseClientEnvironment } from '../../infra/local/local-settings';

/**
 * The local cloud as a user runs it (`npm start -- --memory`), in a child process
 * group of its own, for end-to-end tests over HTTP.
 */
export interface LocalCloudProcess {
  url: string;
  /** Its process group: the runner and every emulator it started (the benches read their CPU time). */
  processGroup: number;
  /** A bearer token from POST /_local/token. */
  token(sub: string, admin?: boolean): Promise<string>;
  /**
   * The SDK variables it printed at startup (`export AWS_ENDPOINT_URL_SQS=…`, the
   * DynamoDB and Kinesis endpoints, AWS_REGION and the `local` credentials): the
   * environment for running a tool such as `npm run redrive` against it.
   */
  env(): Record<string, string>;
  /** What the process printed lately (its last 256 KiB). */
  output(): string;
  stop(): Promise<void>;
}

const PROJECT_ROOT = resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;
/** It prints the variables just after /readyz first answers 200. */
const CLIENT_ENV_TIMEOUT_MS = 10_000;
/** The functions log every request; keep the recent part only. */
const OUTPUT_TAIL_CHARS = 256 * 1024;

/** `seed: false` starts without the demo timetable (`--no-seed`), sooner, for tests that publish their own services. */
export async function startLocalCloudProcess(env: Record<string, string> = {}, options: { seed?: boolean } = {}): Promise<LocalCloudProcess> {
  const [port] = await freePorts(1);
  const url = `http://127.0.0.1:${port}`;
  const args = ['infra/local/main.ts', '--memory', ...(options.seed === false ? ['--no-seed'] : [])];
  const child = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    // Its own process group: stop() signals the runner and every emulator it started at once.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS));
  child.stdout?.on('data', keep);
  // Read from the startup lines as they come (the tail of the output soon loses them).
  let clientEnv: Record<string, string> = {};
  let partialLine = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partialLine + chunk.toString('utf8')).split('\n');
    partialLine = lines.pop() ?? '';
    clientEnv = { ...clientEnv, ...parseClientEnvironment(lines.join('\n')) };
  });
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const killGroupNow = () => signalGroup(child, 'SIGKILL');
  process.once('exit', killGroupNow);

  const stop = async () => {
    process.off('exit', killGroupNow);
    if (child.exitCode === null && child.signalCode === null) {
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(killGroupNow, STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    // Anything of the group still there (it should not be) goes too.
    killGroupNow();
  };

  try {
    await waitUntilReady(url, child);
    await waitForClientEnvironment(() => clientEnv, child);
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- local cloud output ---\n${output}`);
  }

  return {
    url,
    processGroup: child.pid as number,
    output: () => output,
    env: () => ({ ...clientEnv }),
    stop,
    async token(sub, admin = false) {
      const response = await fetch(`${url}/_local/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub, admin }),
      });
      if (response.status !== 200) throw new Error(`POST /_local/token answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
  };
}

/** startLocalCloudProcess() in beforeAll, stop() in afterAll; the handle is usable inside tests. */
export function useLocalCloud(env: Record<string, string> = {}): () => LocalCloudProcess {
  let cloud: LocalCloudProcess | undefined;
  beforeAll(async () => {
    cloud = await startLocalCloudProcess(env);
  }, READY_TIMEOUT_MS + STOP_TIMEOUT_MS);
  afterAll(async () => {
    await cloud?.stop();
  }, STOP_TIMEOUT_MS + 5_000);
  return () => {
    if (!cloud) throw new Error('useLocalCloud(): the local cloud starts in beforeAll; use it inside a test or hook');
    return cloud;
  };
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the local cloud exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    }
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((wake) => setTimeout(wake, 250));
  }
  throw new Error(`GET ${url}/readyz did not answer 200 within ${READY_TIMEOUT_MS / 1000} s`);
}

async function waitForClientEnvironment(printed: () => Record<string, string>, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + CLIENT_ENV_TIMEOUT_MS;
  while (printed().AWS_ENDPOINT_URL_SQS === undefined || printed().AWS_ENDPOINT_URL_DYNAMODB === undefined || printed().AWS_ENDPOINT_URL_KINESIS === undefined) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the local cloud exited (${child.exitCode ?? child.signalCode}) before it printed its endpoints`);
    if (Date.now() > deadline) throw new Error(`the local cloud printed no AWS_ENDPOINT_URL_SQS/DYNAMODB/KINESIS within ${CLIENT_ENV_TIMEOUT_MS / 1000} s of being ready`);
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}
