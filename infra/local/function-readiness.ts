import { environmentProblems } from '../../lib/aws/config';
import type { GatewayResponse } from './http-gateway';
import type { FunctionInvocationError } from './lambda-runtime';

/** The functions would refuse their configuration: `npm start` stops before serving anything. */
export class FunctionConfigurationError extends Error {
  override readonly name = 'FunctionConfigurationError';
}

/**
 * Checks every function's resolved environment with the functions' own schema
 * (lib/aws/config.ts), before any of them runs: one line per refused variable,
 * `<function>: <VARIABLE>: <rule>`.
 */
export function checkFunctionEnvironments(environments: ReadonlyMap<string, Readonly<Record<string, string>>>): void {
  const problems = [...environments].flatMap(([name, env]) => environmentProblems(env).map((problem) => `${name}: ${problem}`));
  if (problems.length > 0) throw new FunctionConfigurationError(`the functions refuse their configuration:\n${problems.map((line) => `    ${line}`).join('\n')}`);
}

/** After every function was initialised once: its init failures, one line each. */
export function requireInitialized(failures: readonly FunctionInvocationError[]): void {
  if (failures.length > 0) {
    throw new FunctionConfigurationError(`functions failed to initialise:\n${failures.map((failure) => `    ${describe(failure)}`).join('\n')}`);
  }
}

/** What /readyz answers while a function cannot initialise (503 naming it), else undefined. */
export function initFailureResponse(failures: readonly FunctionInvocationError[]): GatewayResponse | undefined {
  if (failures.length === 0) return undefined;
  return {
    statusCode: 503,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({ status: 'not-ready', checks: { functions: failures.map(describe).join('; ') } }),
  };
}

const describe = (failure: FunctionInvocationError) => `${failure.functionName}: ${failure.errorType}: ${failure.errorMessage}`;
