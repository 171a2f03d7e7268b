import { correlationPaths } from '@aws-lambda-powertools/logger/correlationId';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { type AuthMode, type CallerFor, authorize } from './auth';
import { problemErrorHandler } from './error-handler';
import { logger } from './logger';
import { type ParsedRequest, type RequestSchemas, parseRequest } from './request';
import { type HttpResult, toStructuredResult } from './response';

type Schema = z.ZodType | undefined;

export interface HttpSpec<A extends AuthMode, B, Q, P, H> extends RequestSchemas<B, Q, P, H> {
  auth: A;
}

export interface HttpRequest<A extends AuthMode, B, Q, P, H> extends ParsedRequest<B, Q, P, H> {
  caller: CallerFor<A>;
  event: APIGatewayProxyEventV2;
}

export type HttpLambdaHandler = MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>;

/**
 * The middy stack of every API route. In order: auth (401/403), body size
 * (413), JSON syntax and schemas (400); only then `run`, whose DomainErrors
 * become their problem+json and anything else a bare 500.
 */
export function httpHandler<A extends AuthMode, B extends Schema = undefined, Q extends Schema = undefined, P extends Schema = undefined, H extends Schema = undefined>(
  spec: HttpSpec<A, B, Q, P, H>,
  run: (request: HttpRequest<A, B, Q, P, H>) => Promise<HttpResult>,
): HttpLambdaHandler {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { correlationIdPath: correlationPaths.API_GATEWAY_HTTP, resetKeys: true }))
    .use(problemErrorHandler({ logger }))
    .handler(async (event: APIGatewayProxyEventV2) => {
      const caller = authorize(spec.auth, event);
      const parts = parseRequest(spec, event);
      return toStructuredResult(await run({ ...parts, caller, event }));
    });
}
