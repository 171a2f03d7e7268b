import { version } from '../../package.json';

/** The OpenAPI version the document follows: its Schema Objects are JSON Schema draft 2020-12, zod's default target. */
export const OPENAPI_VERSION = '3.1.0';

export const OPENAPI_INFO = {
  title: 'ticketing',
  version,
  description:
    'A 12306-style train ticketing API: search trains, hold seats for a stretch of a route, order, pay, get tickets. ' +
    'JSON bodies in camelCase, money in integer fen (CNY cents), times ISO-8601 UTC. Every 4xx and 5xx answer is application/problem+json.',
} as const;

export const JSON_MEDIA_TYPE = 'application/json';

/** Where components live; zod writes references to them with this prefix. */
export const SCHEMA_REF_PREFIX = '#/components/schemas/';

export const schemaRef = (name: string): { $ref: string } => ({ $ref: `${SCHEMA_REF_PREFIX}${name}` });

/** Security scheme names, as operations refer to them. */
export const SECURITY_SCHEME = { jwt: 'cognitoJwt', iam: 'sigv4' } as const;
