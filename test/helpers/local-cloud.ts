import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePorts } from '../../infra/local/emulators';

/**
 * The local cloud as a user runs it (`npm start -- --memory`), in a child process
 * group of its own, for end-to-end tests over HTTP.
 */
export interface LocalCloudProcess {
  url: string;
  /** A bearer token from POST /_local/token. */
  token(sub: string, admin?: boolean): Promise<string>;
  /** What the process printed lately (its last 256 KiB). */
  output(): string;
  stop(): Promise<void>;
}

const PROJECT_ROOT = resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;
/** The functions log every request; keep the recent part only. */
const OUTPUT_TAIL_CHARS = 256 * 1024;

export async function startLocalCloudProcess(env: Record<string, string> = {}): Promise<LocalCloudProcess> {
  const [port] = await freePorts(1);
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['infra/local/main.ts', '--memory'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    // Its own process group: stop() signals the runner and every emulator it started at once.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS));
  child.stdout?.on('data', keep);
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
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- local cloud output ---\n${output}`);
  }

  return {
    url,
    output: () => output,
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

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}
