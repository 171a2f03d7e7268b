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
 * function scales out to a few environments under concurrent load, and an
 * environment that times out or crashes is thrown away, as Lambda does.
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
}

export interface LambdaRuntimeOptions {
  /** Execution environments per function. @default 4 */
  maxConcurrency?: number;
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

const DEFAULT_MAX_CONCURRENCY = 4;
/** Lambda gives a function's init phase 10 s, apart from its timeout. */
const INIT_TIMEOUT_MS = 10_000;

export class LambdaRuntime {
  private readonly pools: Map<string, FunctionPool>;

  constructor(definitions: readonly LambdaFunctionDefinition[], options: LambdaRuntimeOptions = {}) {
    const maxConcurrency = options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
    this.pools = new Map(definitions.map((definition) => [definition.name, new FunctionPool(definition, maxConcurrency)]));
  }

  /**
   * Starts one execution environment of every function (its init phase, as a
   * first invocation would) and keeps it warm, a few at a time (one per CPU) so
   * that no init phase starves for CPU past its 10 s. The failures, one per
   * function that could not initialise; empty when all did.
   */
  async initialize(concurrency = availableParallelism()): Promise<FunctionInvocationError[]> {
    const pools = [...this.pools.values()];
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
    return [...this.pools.values()].flatMap((pool) => (pool.initFailure ? [pool.initFailure] : []));
  }

  /** Invokes synchronously (RequestResponse): the handler's result, or a FunctionInvocationError. */
  async invoke(functionName: string, event: unknown): Promise<unknown> {
    const pool = this.pools.get(functionName);
    if (!pool) throw new UnknownFunctionError(`no function named ${functionName}`);
    return JSON.parse(await pool.invoke(JSON.stringify(event))) as unknown;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.stop()));
  }
}

class FunctionPool {
  /** Set when an environment failed its init phase, cleared when one succeeds. */
  initFailure: FunctionInvocationError | undefined;
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  private readonly waiting: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly definition: LambdaFunctionDefinition,
    private readonly maxConcurrency: number,
  ) {}

  async invoke(payload: string): Promise<string> {
    const environment = await this.acquire();
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
    try {
      const result = await Promise.race([environment.invoke(payload, awsRequestId, Date.now() + timeoutMs), timedOut]);
      this.release(environment);
      return result;
    } catch (error) {
      // A handler that threw leaves a healthy environment; a timeout or a crash does not.
      if (environment.healthy) this.release(environment);
      else this.discard(environment);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One environment through its init phase, then idle; its failure if it could not initialise. */
  async warmUp(): Promise<FunctionInvocationError | undefined> {
    try {
      this.release(await this.acquire());
      return undefined;
    } catch (error) {
      if (error instanceof FunctionInvocationError) return error;
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all([...this.all].map((environment) => environment.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }

  private async acquire(): Promise<ExecutionEnvironment> {
    for (;;) {
      if (this.stopped) throw new FunctionInvocationError(this.definition.name, 'Runtime.Shutdown', 'the local cloud is shutting down');
      // The most recently used environment first, as Lambda keeps a warm one warm.
      const warm = this.idle.pop();
      if (warm) return warm;
      if (this.all.size < this.maxConcurrency) {
        const environment = new ExecutionEnvironment(this.definition);
        this.all.add(environment);
        try {
          await environment.ready;
          this.initFailure = undefined;
          return environment;
        } catch (error) {
          if (error instanceof FunctionInvocationError) this.initFailure = error;
          this.discard(environment);
          throw error;
        }
      }
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  private release(environment: ExecutionEnvironment): void {
    if (this.stopped) return;
    this.idle.push(environment);
    this.waiting.shift()?.();
  }

  private discard(environment: ExecutionEnvironment): void {
    this.all.delete(environment);
    void environment.terminate();
    this.waiting.shift()?.();
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
  private readonly worker: Worker;
  private nextId = 0;
  private pending: { id: number; resolve(payload: string): void; reject(error: Error): void } | undefined;

  constructor(private readonly definition: LambdaFunctionDefinition) {
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
      workerData: { modulePath: resolveModule(modulePath), exportName: handler.slice(separator + 1), meta },
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
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: memorySize },
    });
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

  invoke(payload: string, awsRequestId: string, deadline: number): Promise<string> {
    const id = ++this.nextId;
    return new Promise<string>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.worker.postMessage({ id, payload, awsRequestId, deadline });
    });
  }

  async terminate(): Promise<void> {
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
