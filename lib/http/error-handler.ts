import type { MiddlewareObj } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError } from '../domain-error';
import { INTERNAL_PROBLEM, problemDocument, problemResult } from './problem';

/**
 * The one place where failures become HTTP: a DomainError answers its problem
 * (status from PROBLEMS, its message as detail); anything else is a bug and
 * answers a generic 500 that leaks neither message nor stack, and is logged.
 */
export function errorResult(error: unknown, logger: Logger): APIGatewayProxyStructuredResultV2 {
  if (error instanceof DomainError) {
    const document = problemDocument(error.problem, error.message, error.errors);
    logger.info('request refused', { problem: error.problem, status: document.status, detail: error.message });
    return problemResult(document);
  }
  if (error instanceof Error) logger.error('unexpected error', error);
  else logger.error('unexpected error', { error: String(error) });
  return problemResult(INTERNAL_PROBLEM);
}

export interface ProblemErrorHandlerOptions {
  logger: Logger;
}

export function problemErrorHandler({ logger }: ProblemErrorHandlerOptions): MiddlewareObj<unknown, APIGatewayProxyStructuredResultV2> {
  const problemErrorHandlerOnError: NonNullable<MiddlewareObj<unknown, APIGatewayProxyStructuredResultV2>['onError']> = (request) => {
    request.response = errorResult(request.error, logger);
  };
  return { onError: problemErrorHandlerOnError };
}
