// One Lambda execution environment: loads the function's bundle once (the cold
// start) and runs one invocation at a time, like the Node.js managed runtime.
// Plain JavaScript so it runs the bundle with no loader in between, under tsx and jest alike.
import { createRequire, enableCompileCache } from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { modulePath, exportName, meta, compileCacheDir } = workerData;

// V8's compiled code of the bundle kept on disk (Node 22): the next cold start of
// the same bundle skips most of its compilation. Node checks each entry against
// the source's hash, so a changed bundle is compiled afresh.
if (compileCacheDir && enableCompileCache) enableCompileCache(compileCacheDir);

function describeError(error) {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: String(error), trace: [] };
}

// The managed runtime requires CommonJS and imports ES modules.
async function loadModule(path) {
  if (extname(path) === '.mjs') return import(pathToFileURL(path).href);
  try {
    return createRequire(import.meta.url)(path);
  } catch (error) {
    if (error?.code === 'ERR_REQUIRE_ESM') return import(pathToFileURL(path).href);
    throw error;
  }
}

async function initialize() {
  if ((process.env.NODE_OPTIONS ?? '').includes('--enable-source-maps')) process.setSourceMapsEnabled(true);
  const module = await loadModule(modulePath);
  const handler = module[exportName] ?? module.default?.[exportName];
  if (typeof handler !== 'function') {
    const error = new Error(`${modulePath} does not export a function named ${exportName}`);
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
  return handler;
}

function lambdaContext(awsRequestId, deadline) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: meta.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: meta.invokedFunctionArn,
    memoryLimitInMB: String(meta.memorySize),
    awsRequestId,
    logGroupName: meta.logGroupName,
    logStreamName: meta.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Async handlers return a promise; callback-style ones call back. Either way one result. */
function run(handler, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    } catch (error) {
      reject(error);
    }
  });
}

let handler;
try {
  handler = await initialize();
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  parentPort.postMessage({ type: 'init-error', error: describeError(error) });
}

parentPort.on('message', async ({ id, payload, awsRequestId, deadline }) => {
  if (!handler) return;
  try {
    const result = await run(handler, JSON.parse(payload), lambdaContext(awsRequestId, deadline));
    // Lambda serializes the result as JSON: undefined becomes null.
    parentPort.postMessage({ type: 'result', id, payload: JSON.stringify(result ?? null) });
  } catch (error) {
    parentPort.postMessage({ type: 'error', id, error: describeError(error) });
  }
});
