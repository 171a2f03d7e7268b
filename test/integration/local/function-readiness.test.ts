import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionConfigurationError, checkFunctionEnvironments, initFailureResponse, requireInitialized } from '../../../infra/local/function-readiness';
import { LambdaRuntime } from '../../../infra/local/lambda-runtime';

/** A bundle that fails its cold start as a function with a refused variable does, unless CONFIGURED is set or a file says so. */
const BUNDLE = `
if (process.env.CONFIGURED !== 'yes' && !require('node:fs').existsSync(require('node:path').join(__dirname, 'configured'))) {
  const error = new Error('missing or invalid environment: PAYMENT_WEBHOOK_SECRET: at least 16 characters');
  error.name = 'ConfigurationError';
  throw error;
}
exports.handler = async () => ({ statusCode: 200, body: 'ok' });
`;

describe('Local cloud: functions that cannot initialise', () => {
  let codeDir: string;
  let runtime: LambdaRuntime | undefined;

  beforeAll(() => {
    codeDir = mkdtempSync(join(tmpdir(), 'function-readiness-'));
    writeFileSync(join(codeDir, 'index.js'), BUNDLE);
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });
  afterAll(() => rmSync(codeDir, { recursive: true, force: true }));

  const define = (name: string, environment: Record<string, string>) => ({ name, codeDir, handler: 'index.handler', environment, timeoutSeconds: 3, memorySize: 128 });

  it('initialises every function at start and refuses to go on, naming the function and its error', async () => {
    // Prepare
    runtime = new LambdaRuntime([define('PaymentCallbackFunction', {}), define('HealthzFunction', { CONFIGURED: 'yes' })]);

    // Act
    const failures = await runtime.initialize();

    // Assess
    expect(failures.map((failure) => failure.functionName)).toEqual(['PaymentCallbackFunction']);
    expect(() => requireInitialized(failures)).toThrow(FunctionConfigurationError);
    expect(() => requireInitialized(failures)).toThrow('PaymentCallbackFunction: ConfigurationError: missing or invalid environment: PAYMENT_WEBHOOK_SECRET: at least 16 characters');
  });

  it('answers /readyz 503 naming the function while it cannot initialise, and nothing once every function did', async () => {
    // Prepare
    runtime = new LambdaRuntime([define('PaymentCallbackFunction', {})]);
    await expect(runtime.invoke('PaymentCallbackFunction', {})).rejects.toThrow('ConfigurationError');

    // Act
    const response = initFailureResponse(runtime.initFailures());

    // Assess
    expect(response?.statusCode).toBe(503);
    expect(JSON.parse(response?.body ?? '{}')).toEqual({
      status: 'not-ready',
      checks: { functions: 'PaymentCallbackFunction: ConfigurationError: missing or invalid environment: PAYMENT_WEBHOOK_SECRET: at least 16 characters' },
    });
  });

  it('forgets an init failure once an environment of that function initialises', async () => {
    // Prepare
    runtime = new LambdaRuntime([define('PaymentCallbackFunction', {})]);
    await expect(runtime.initialize()).resolves.toHaveLength(1);
    writeFileSync(join(codeDir, 'configured'), '');

    // Act
    const result = await runtime.invoke('PaymentCallbackFunction', {});

    // Assess
    expect(result).toEqual({ statusCode: 200, body: 'ok' });
    expect(initFailureResponse(runtime.initFailures())).toBeUndefined();
    rmSync(join(codeDir, 'configured'));
  });

  it('checks each resolved environment with the functions’ schema before any function runs', () => {
    // Act
    const check = () =>
      checkFunctionEnvironments(
        new Map<string, Record<string, string>>([
          ['PaymentCallbackFunction', { PAYMENT_WEBHOOK_SECRET: 'hidden-secret' }],
          ['ReadyzFunction', { LEDGER_TABLE_NAME: 'ledger' }],
        ]),
      );

    // Assess
    expect(check).toThrow('PaymentCallbackFunction: PAYMENT_WEBHOOK_SECRET: at least 16 characters');
  });
});
