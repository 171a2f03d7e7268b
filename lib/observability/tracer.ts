import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The X-Ray tracer of every function, built once per execution environment.
 * Powertools turns it off by itself outside Lambda (no AWS_EXECUTION_ENV: tests,
 * operator scripts) and when POWERTOOLS_TRACE_ENABLED=false (the local cloud, which
 * has no X-Ray daemon); a disabled tracer hands SDK clients back untouched, so
 * they pay nothing for it.
 */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'ticketing' });
