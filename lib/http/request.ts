import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { type FieldError, InvalidRequestError } from '../domain-error';
import { PayloadTooLargeError } from './errors';

/** shared/API.md: request bodies over 64 KiB answer 413. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Header names are lower case, as API Gateway HTTP APIs deliver them. */
export type RequestHeaders = Record<string, string | undefined>;

/** What a route's schema yields, or undefined where the route declares none. */
export type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RequestSchemas<B, Q, P, H> {
  body?: B;
  query?: Q;
  path?: P;
  /** Validates the lower-cased headers; use z.looseObject so the others stay readable. */
  headers?: H;
}

export interface ParsedRequest<B, Q, P, H> {
  body: Parsed<B>;
  query: Parsed<Q>;
  path: Parsed<P>;
  headers: RequestHeaders & (H extends z.ZodType ? z.output<H> : unknown);
}

/**
 * Size, then syntax, then schema (the caller has already been authorized):
 * 413 on a raw body over MAX_BODY_BYTES (measured after base64 decoding),
 * 400 on malformed JSON where the route takes a body, then 400 listing every
 * schema issue of path, query, headers and body at once.
 */
export function parseRequest<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined, H extends z.ZodType | undefined>(
  schemas: RequestSchemas<B, Q, P, H>,
  event: APIGatewayProxyEventV2,
): ParsedRequest<B, Q, P, H> {
  const raw = rawBody(event);
  if (raw && raw.byteLength > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`request body is ${raw.byteLength} bytes; the limit is ${MAX_BODY_BYTES}`);
  }
  const body = schemas.body === undefined ? undefined : parseJson(raw);
  const rawHeaders = lowerCaseHeaders(event.headers);

  const errors: FieldError[] = [];
  const validate = (part: string, schema: z.ZodType | undefined, input: unknown): unknown => {
    if (schema === undefined) return undefined;
    const result = schema.safeParse(input);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      errors.push({ path: issue.path.length === 0 ? part : issue.path.map(String).join('.'), message: issue.message });
    }
    return undefined;
  };
  const path = validate('path', schemas.path, event.pathParameters ?? {});
  const query = validate('query', schemas.query, event.queryStringParameters ?? {});
  const headers = validate('headers', schemas.headers, rawHeaders);
  const parsedBody = validate('body', schemas.body, body);
  if (errors.length > 0) throw new InvalidRequestError('the request is not valid', { errors });

  return {
    body: parsedBody,
    query,
    path,
    headers: { ...rawHeaders, ...(headers as object | undefined) },
  } as ParsedRequest<B, Q, P, H>;
}

/** The body's bytes as the client sent them (base64 undone), e.g. to check a signature over them. */
export function rawBody(event: APIGatewayProxyEventV2): Buffer | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

function parseJson(raw: Buffer | undefined): unknown {
  if (raw === undefined || raw.byteLength === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (cause) {
    throw new InvalidRequestError('the request body is not valid JSON', { cause, errors: [{ path: 'body', message: 'malformed JSON' }] });
  }
}

function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers'] | undefined): RequestHeaders {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}
