import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './provision';

/**
 * Runs functions the way Lambda does: each execution environment is a worker
 * thread with its own process.env and module state, that loads the function's
 * bundle once (the cold start) and then serves one invocation at a time. A
 * function scales out on demand, one environment per concurrent invocation,
 * reuses an idle one before starting another, and an environment idle for a
 * while is shut down; one that times out or crashes is thrown away, as Lambda does.
 *
 * Concurrency is bounded as an account is: all functions share `maxConcurrency`
 * (LOCAL_MAX_CONCURRENCY), less what functions reserve; a function with reserved
 * concurrency runs at most that many at once, in room no other function takes.
 * Past the bound, invocations wait in order (Lambda would throttle them; a local
 * caller would rather wait). As Lambda's, the bound counts concurrent executions
 * (environments busy or starting), not idle ones: every function keeps a warm
 * environment whatever the others do. Memory is bounded apart (`maxEnvironments`):
 * past it, a new environment replaces the longest-idle one of any function.
 * Cold starts are CPU-bound, so at most one per core runs at a time: a burst of
 * them would otherwise starve each other past the init timeout, and meanwhile a
 * waiting invocation takes whichever environment of its function frees up first.
 */
export interface LambdaFunctionDefinition {
  /** The function's name (locally its logical id). */
  name: string;
  /** The directory holding the bundle, Lambda's LAMBDA_TASK_ROOT. */
  codeDir: string;
  /** `<module>.<export>`, e.g. `index.handler`. */
  handler: string;
  /** The complete environment of the function, resolved. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memorySize: number;
  /** ReservedConcurrentExecutions: at most this many at once, out of the shared bound. */
  reservedConcurrency?: number;
}

export interface LambdaRuntimeOptions {
  /** Environments at once across all functions (LOCAL_MAX_CONCURRENCY). @default DEFAULT_MAX_CONCURRENCY */
  maxConcurrency?: number;
  /** An environment idle this long is shut down. @default 5 minutes */
  idleTimeoutMs?: number;
  /**
   * Environments alive at once (busy or idle), for memory: past it the longest-idle
   * one of any function is shut down to start another. @default the number of functions + maxConcurrency
   */
  maxEnvironments?: number;
  /**
   * Each environment writes a V8 CPU profile (`.cpuprofile`, for Chrome DevTools or
   * speedscope) into this directory when it ends: where a function's time goes, cold
   * start included.
   */
  cpuProfileDir?: string;
  /** Where the environments keep V8's compiled code of the bundles between cold starts (Node's compile cache). */
  compileCacheDir?: string;
}

/** What one function did since the runtime started; GET /_local/metrics reports it. */
export interface FunctionMetrics {
  name: string;
  memorySize: number;
  /** Its own bound (reserved concurrency), or the shared one. */
  concurrencyLimit: number;
  reservedConcurrency?: number;
  invocations: number;
  /** Invocations that ended in a function error (handler error, timeout, crash). */
  errors: number;
  /** Environments started (cold starts), and the milliseconds their init took together. */
  coldStarts: number;
  initDurationMs: number;
  /** Summed handler time, and summed as Lambda bills it (each invocation rounded up to 1 ms). */
  durationMs: number;
  billedDurationMs: number;
  /** What its environments wrote to stdout and stderr, which Lambda sends to CloudWatch Logs. */
  logBytes: number;
  /** Invocations that had to wait (for room under the bound, or for a cold start to begin), and how long they waited together. */
  queued: number;
  queuedMs: number;
  /** Environments now (busy or idle), invocations running now, and the most that ever ran at once. */
  environments: number;
  running: number;
  peakRunning: number;
}

/** Serialized as Lambda reports a function error: errorType, errorMessage, trace. */
export class FunctionInvocationError extends Error {
  override readonly name = 'FunctionInvocationError';

  constructor(
    readonly functionName: string,
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: readonly string[] = [],
  ) {
    super(`${functionName} failed: ${errorType}: ${errorMessage}`);
  }
}

export class UnknownFunctionError extends Error {
  override readonly name = 'UnknownFunctionError';
}

/** A bound that leaves a function nothing, or no room for the unreserved ones. */
export class ConcurrencyConfigurationError extends Error {
  override readonly name = 'ConcurrencyConfigurationError';
}

/**
 * 4 concurrent executions per core (8 on a 2-core machine). Locally every
 * invocation's CPU comes out of the same cores as the emulators': an order costs
 * ~75 ms of CPU across the runner, DynamoDB Local and the Kinesis emulator at 4
 * in flight, so 2 cores serve ~20-25 orders/s however many run at once. More
 * executions only add cold starts (0.4-0.7 s of CPU each) and contention: with
 * 32 the hot-train sale at 100 requests in flight ran 30 order environments,
 * spent ~290 ms of CPU per order, hit the order function's 10 s timeout (each
 * one an environment thrown away and started again: 245 cold starts) and placed
 * 3.4 orders/s. Past the bound requests wait in the runner's queue, which is
 * what a machine of this size can do; raise LOCAL_MAX_CONCURRENCY on a bigger one.
 */
export const DEFAULT_MAX_CONCURRENCY = 4 * availableParallelism();
/** Lambda's default account concurrency: a higher local bound would only hide a problem. */
export const MAX_CONCURRENCY_LIMIT = 1000;
const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
/** Lambda gives a function's init phase 10 s, apart from its timeout. */
const INIT_TIMEOUT_MS = 10_000;

export class LambdaRuntime {
  private readonly functions: Map<string, FunctionPool>;
  private readonly room: Room;

  constructor(definitions: readonly LambdaFunctionDefinition[], options: LambdaRuntimeOptions = {}) {
    const maxConcurrency = options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) throw new ConcurrencyConfigurationError(`maxConcurrency must be a whole number of at least 1, got ${maxConcurrency}`);
    const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const reserved = definitions.filter((definition) => definition.reservedConcurrency !== undefined);
    for (const { name, reservedConcurrency } of reserved) {
      if (!Number.isInteger(reservedConcurrency) || (reservedConcurrency as number) < 1) {
        throw new ConcurrencyConfigurationError(`${name}: reserved concurrency must be a whole number of at least 1, got ${reservedConcurrency}`);
      }
    }
    const totalReserved = reserved.reduce((sum, definition) => sum + (definition.reservedConcurrency ?? 0), 0);
    const unreserved = maxConcurrency - totalReserved;
    // As Lambda, reservations come out of the bound and must leave some for the functions that reserve nothing.
    const needed = totalReserved + (reserved.length < definitions.length ? 1 : 0);
    if (needed > maxConcurrency) {
      throw new ConcurrencyConfigurationError(
        `the functions reserve ${totalReserved} concurrent executions, which leaves too few of ${maxConcurrency} for the others: set LOCAL_MAX_CONCURRENCY to at least ${needed}`,
      );
    }
    // Memory: each function one warm environment, and room for a burst of the bound's size on top.
    const maxEnvironments = options.maxEnvironments ?? definitions.length + maxConcurrency;
    this.room = new Room(availableParallelism(), maxEnvironments);
    const shared = new ConcurrencyPool(unreserved, this.room);
    this.functions = new Map(
      definitions.map((definition) => {
        const pool = definition.reservedConcurrency === undefined ? shared : new ConcurrencyPool(definition.reservedConcurrency, this.room);
        return [definition.name, new FunctionPool(definition, pool, idleTimeoutMs, options)];
      }),
    );
  }

  /**
   * Starts one execution environment of every function (its init phase, as a
   * first invocation would) and keeps it warm, a few at a time (one per CPU) so
   * that no init phase starves for CPU past its 10 s. The failures, one per
   * function that could not initialise; empty when all did.
   */
  async initialize(concurrency = availableParallelism()): Promise<FunctionInvocationError[]> {
    const pools = [...this.functions.values()];
    const failures: FunctionInvocationError[] = [];
    const next = async (): Promise<void> => {
      for (let pool = pools.shift(); pool; pool = pools.shift()) {
        const failure = await pool.warmUp();
        if (failure) failures.push(failure);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, next));
    return failures;
  }

  /** The latest init failure of each function whose last init failed (none once a later init succeeds). */
  initFailures(): FunctionInvocationError[] {
    return [...this.functions.values()].flatMap((pool) => (pool.initFailure ? [pool.initFailure] : []));
  }

  /** Invokes synchronously (RequestResponse): the handler's result, or a FunctionInvocationError. */
  async invoke(functionName: string, event: unknown): Promise<unknown> {
    const pool = this.functions.get(functionName);
    if (!pool) throw new UnknownFunctionError(`no function named ${functionName}`);
    return JSON.parse(await pool.invoke(JSON.stringify(event))) as unknown;
  }

  /** Every function's counters, in the order of the definitions. */
  metrics(): FunctionMetrics[] {
    return [...this.functions.values()].map((pool) => pool.metrics());
  }

  async stop(): Promise<void> {
    this.room.stop();
    await Promise.all([...this.functions.values()].map((pool) => pool.stop()));
  }
}

/**
 * Where invocations wait for an environment, whatever bounds them (their pool or
 * the cold starts under way): every change of room wakes them all to look again,
 * so a waiter of one pool never sleeps through room made in another. They look
 * in order of how many environments their function has busy, fewest first, then
 * in the order they came: a function flooded with requests does not keep one
 * that asks now and then (a payment callback, a publish) waiting behind its backlog.
 */
class Room {
  /** Cold starts under way, across every function. */
  starting = 0;
  /** Environments alive (starting, busy or idle) across every function, bounded by `maxEnvironments` for memory. */
  environments = 0;
  readonly members: FunctionPool[] = [];
  private waiting: Array<{ wake: () => void; busy: () => number }> = [];
  private stopped = false;

  constructor(
    readonly maxStarting: number,
    readonly maxEnvironments: number,
  ) {}

  /**
   * Whether a new environment may start now: a cold start slot is free, and the
   * environments fit in memory, if need be once the longest-idle one of any
   * function is shut down.
   */
  makeRoom(): boolean {
    if (this.starting >= this.maxStarting) return false;
    return this.environments < this.maxEnvironments || this.evictLongestIdle();
  }

  private evictLongestIdle(): boolean {
    let oldest: { pool: FunctionPool; environment: ExecutionEnvironment } | undefined;
    for (const pool of this.members) {
      const candidate = pool.longestIdle();
      if (candidate && (!oldest || candidate.idleSince < oldest.environment.idleSince)) oldest = { pool, environment: candidate };
    }
    if (!oldest) return false;
    oldest.pool.retire(oldest.environment);
    return true;
  }

  /** Resolves when room may have been made; `busy` says how many environments the waiter's function has busy now. */
  wait(busy: () => number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((wake) => this.waiting.push({ wake, busy }));
  }

  changed(): void {
    const waiters = this.waiting.splice(0).map((waiter) => ({ ...waiter, busyNow: waiter.busy() }));
    // A stable sort: the order they came among waiters of functions equally busy.
    waiters.sort((a, b) => a.busyNow - b.busyNow);
    for (const { wake } of waiters) wake();
  }

  stop(): void {
    this.stopped = true;
    this.changed();
  }
}

/**
 * Concurrent executions, shared by the functions that draw on them: the account's
 * unreserved concurrency, or one function's reservation. As Lambda counts
 * concurrency, an execution is an environment busy with an invocation (or
 * starting for one); idle environments do not count.
 */
class ConcurrencyPool {
  /** Executions under way of every function drawing on the pool. */
  running = 0;

  constructor(
    readonly limit: number,
    readonly room: Room,
  ) {}

  /** Takes one execution if the bound allows it now. */
  enter(): boolean {
    if (this.running >= this.limit) return false;
    this.running++;
    return true;
  }

  leave(): void {
    this.running--;
    this.room.changed();
  }
}

class FunctionPool {
  /** Set when an environment failed its init phase, cleared when one succeeds. */
  initFailure: FunctionInvocationError | undefined;
  /** Most recently used last. */
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  private stopped = false;
  private readonly counters = { invocations: 0, errors: 0, logBytes: 0, coldStarts: 0, initDurationMs: 0, durationMs: 0, billedDurationMs: 0, queued: 0, queuedMs: 0, running: 0, peakRunning: 0 };

  constructor(
    private readonly definition: LambdaFunctionDefinition,
    private readonly pool: ConcurrencyPool,
    private readonly idleTimeoutMs: number,
    private readonly files: Pick<LambdaRuntimeOptions, 'cpuProfileDir' | 'compileCacheDir'>,
  ) {
    pool.room.members.push(this);
  }

  async invoke(payload: string): Promise<string> {
    const environment = await this.acquire();
    const counters = this.counters;
    counters.invocations++;
    counters.running++;
    counters.peakRunning = Math.max(counters.peakRunning, counters.running);
    const awsRequestId = randomUUID();
    const timeoutMs = this.definition.timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Lambda ends an environment whose invocation timed out.
        environment.healthy = false;
        const seconds = this.definition.timeoutSeconds.toFixed(2);
        reject(new FunctionInvocationError(this.definition.name, 'Sandbox.Timedout', `${awsRequestId} Task timed out after ${seconds} seconds`));
      }, timeoutMs);
    });
    const started = performance.now();
    try {
      const result = await Promise.race([environment.invoke(payload, awsRequestId, Date.now() + timeoutMs), timedOut]);
      this.release(environment);
      return result;
    } catch (error) {
      counters.errors++;
      // A handler that threw leaves a healthy environment; a timeout or a crash does not.
      if (environment.healthy) this.release(environment);
      else this.discard(environment);
      throw error;
    } finally {
      clearTimeout(timer);
      const duration = performance.now() - started;
      counters.running--;
      this.pool.leave();
      counters.durationMs += duration;
      counters.billedDurationMs += Math.max(1, Math.ceil(duration));
    }
  }

  metrics(): FunctionMetrics {
    const { name, memorySize, reservedConcurrency } = this.definition;
    return {
      name,
      memorySize,
      concurrencyLimit: this.pool.limit,
      ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }),
      ...this.counters,
      environments: this.all.size,
    };
  }

  /** The idle environment that has waited longest, if any. */
  longestIdle(): ExecutionEnvironment | undefined {
    return this.idle[0];
  }

  /** Shuts down an idle environment (reaped, or evicted to make room). */
  retire(environment: ExecutionEnvironment): void {
    const index = this.idle.indexOf(environment);
    if (index >= 0) this.idle.splice(index, 1);
    this.discard(environment);
  }

  /** One environment through its init phase, then idle; its failure if it could not initialise. */
  async warmUp(): Promise<FunctionInvocationError | undefined> {
    try {
      this.release(await this.acquire());
      this.pool.leave();
      return undefined;
    } catch (error) {
      if (error instanceof FunctionInvocationError) return error;
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const environments = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(environments.map((environment) => environment.terminate()));
  }

  /** An environment for one invocation, inside the concurrency bound: leave() the pool when it is over. */
  private async acquire(): Promise<ExecutionEnvironment> {
    let queuedAt: number | undefined;
    for (;;) {
      if (this.stopped) throw new FunctionInvocationError(this.definition.name, 'Runtime.Shutdown', 'the local cloud is shutting down');
      // The most recently used environment first, as Lambda keeps a warm one warm.
      if (this.idle.length > 0 && this.pool.enter()) {
        const warm = this.idle.pop() as ExecutionEnvironment;
        warm.busy();
        this.countWait(queuedAt);
        return warm;
      }
      if (this.idle.length === 0 && this.pool.running < this.pool.limit && this.pool.room.makeRoom() && this.pool.enter()) {
        this.countWait(queuedAt);
        try {
          return await this.coldStart();
        } catch (error) {
          this.pool.leave();
          throw error;
        }
      }
      queuedAt ??= performance.now();
      await this.pool.room.wait(() => this.all.size - this.idle.length);
    }
  }

  private async coldStart(): Promise<ExecutionEnvironment> {
    const environment = new ExecutionEnvironment(this.definition, (bytes) => (this.counters.logBytes += bytes), this.files);
    this.all.add(environment);
    this.pool.room.environments++;
    this.pool.room.starting++;
    this.counters.coldStarts++;
    const started = performance.now();
    try {
      await environment.ready;
      this.initFailure = undefined;
      return environment;
    } catch (error) {
      if (error instanceof FunctionInvocationError) this.initFailure = error;
      this.discard(environment);
      throw error;
    } finally {
      this.counters.initDurationMs += performance.now() - started;
      this.pool.room.starting--;
      this.pool.room.changed();
    }
  }

  private countWait(queuedAt: number | undefined): void {
    if (queuedAt === undefined) return;
    this.counters.queued++;
    this.counters.queuedMs += performance.now() - queuedAt;
  }

  private release(environment: ExecutionEnvironment): void {
    if (this.stopped || !this.all.has(environment)) return;
    environment.idle(this.idleTimeoutMs, () => this.retire(environment));
    this.idle.push(environment);
    this.pool.room.changed();
  }

  private discard(environment: ExecutionEnvironment): void {
    if (!this.all.delete(environment)) return;
    this.pool.room.environments--;
    void environment.terminate();
    this.pool.room.changed();
  }
}

interface WorkerMessage {
  type: 'ready' | 'init-error' | 'result' | 'error';
  id?: number;
  payload?: string;
  error?: { errorType: string; errorMessage: string; trace: string[] };
}

class ExecutionEnvironment {
  readonly ready: Promise<void>;
  healthy = true;
  /** performance.now() when it last became idle. */
  idleSince = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly worker: Worker;
  private nextId = 0;
  private pending: { id: number; resolve(payload: string): void; reject(error: Error): void } | undefined;

  constructor(
    private readonly definition: LambdaFunctionDefinition,
    logged: (bytes: number) => void,
    { cpuProfileDir, compileCacheDir }: Pick<LambdaRuntimeOptions, 'cpuProfileDir' | 'compileCacheDir'>,
  ) {
    const { name, codeDir, handler, memorySize } = definition;
    const separator = handler.lastIndexOf('.');
    const modulePath = join(codeDir, handler.slice(0, separator));
    const region = definition.environment.AWS_REGION ?? LOCAL_REGION;
    const logStreamName = `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomUUID().replaceAll('-', '')}`;
    const meta = {
      functionName: name,
      invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${name}`,
      memorySize,
      logGroupName: `/aws/lambda/${name}`,
      logStreamName,
    };
    this.worker = new Worker(join(__dirname, 'lambda-environment.worker.mjs'), {
      workerData: { modulePath: resolveModule(modulePath), exportName: handler.slice(separator + 1), meta, compileCacheDir },
      // The reserved variables Lambda sets in every execution environment.
      env: {
        ...definition.environment,
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
        AWS_LAMBDA_LOG_GROUP_NAME: meta.logGroupName,
        AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        LAMBDA_TASK_ROOT: codeDir,
        _HANDLER: handler,
        // The bundle targets Lambda's Node 22; the SDK would warn on every cold start here on Node 20.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      // Plain Node, not the runner's loader (tsx): the bundle runs as it would on Lambda.
      execArgv: cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [],
      resourceLimits: { maxOldGenerationSizeMb: memorySize },
      // Passed on by hand, to count what would be sent to CloudWatch Logs.
      stdout: true,
      stderr: true,
    });
    for (const [from, to] of [
      [this.worker.stdout, process.stdout],
      [this.worker.stderr, process.stderr],
    ] as const) {
      // Written rather than piped: dozens of environments piping into one stream would each add listeners to it.
      from.on('data', (chunk: Buffer) => {
        logged(chunk.length);
        to.write(chunk);
      });
    }
    this.ready = new Promise<void>((resolveReady, rejectReady) => {
      const initTimer = setTimeout(() => {
        this.healthy = false;
        rejectReady(this.failure('Sandbox.Timedout', `INIT timed out after ${INIT_TIMEOUT_MS / 1000} seconds`));
      }, INIT_TIMEOUT_MS);
      this.worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          clearTimeout(initTimer);
          resolveReady();
        } else if (message.type === 'init-error' && message.error) {
          clearTimeout(initTimer);
          this.healthy = false;
          rejectReady(this.failure(message.error.errorType, message.error.errorMessage, message.error.trace));
        } else if (message.id === this.pending?.id) {
          const pending = this.pending;
          this.pending = undefined;
          if (message.type === 'result') pending?.resolve(message.payload ?? 'null');
          else if (message.error) pending?.reject(this.failure(message.error.errorType, message.error.errorMessage, message.error.trace));
        }
      });
      // An uncaught exception or running out of memory ends the environment, mid-invocation or not.
      const crash = (errorType: string, errorMessage: string, trace: string[] = []) => {
        clearTimeout(initTimer);
        this.healthy = false;
        const failure = this.failure(errorType, errorMessage, trace);
        rejectReady(failure);
        this.pending?.reject(failure);
        this.pending = undefined;
      };
      this.worker.on('error', (error: Error & { code?: string }) =>
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? crash('Runtime.OutOfMemory', `Runtime exited: memory size ${memorySize} MB exceeded`)
          : crash(error.name, error.message, (error.stack ?? '').split('\n')),
      );
      this.worker.on('exit', (code) => crash('Runtime.ExitError', `Runtime exited with code ${code}`));
    });
    // Nobody may be waiting yet when init fails; the failure is reported to the caller of invoke().
    this.ready.catch(() => undefined);
  }

  /** Now idle: `reap` runs if it stays idle for `timeoutMs`. */
  idle(timeoutMs: number, reap: () => void): void {
    this.idleSince = performance.now();
    this.idleTimer = setTimeout(reap, timeoutMs);
    // An idle environment never keeps the process alive.
    this.idleTimer.unref();
  }

  busy(): void {
    clearTimeout(this.idleTimer);
  }

  invoke(payload: string, awsRequestId: string, deadline: number): Promise<string> {
    const id = ++this.nextId;
    return new Promise<string>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.worker.postMessage({ id, payload, awsRequestId, deadline });
    });
  }

  async terminate(): Promise<void> {
    clearTimeout(this.idleTimer);
    this.healthy = false;
    this.pending?.reject(this.failure('Runtime.Shutdown', 'the execution environment was shut down'));
    this.pending = undefined;
    await this.worker.terminate();
  }

  private failure(errorType: string, errorMessage: string, trace: string[] = []): FunctionInvocationError {
    return new FunctionInvocationError(this.definition.name, errorType, errorMessage, trace);
  }
}

/** `index` names index.js, index.mjs or index.cjs, as in the managed runtime. */
function resolveModule(modulePathWithoutExtension: string): string {
  for (const extension of ['.js', '.mjs', '.cjs']) {
    if (existsSync(modulePathWithoutExtension + extension)) return modulePathWithoutExtension + extension;
  }
  return `${modulePathWithoutExtension}.js`;
}
