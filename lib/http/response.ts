import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What a route answers on success; the edge serialises it. */
export interface HttpResult {
  statusCode: number;
  /** Serialised as JSON; left out (and always out for 204) means no body. */
  body?: unknown;
  headers?: Record<string, string>;
}

export const JSON_CONTENT_TYPE = 'application/json';

export const json = (statusCode: number, body: unknown, headers?: Record<string, string>): HttpResult => ({
  statusCode,
  body,
  ...(headers ? { headers } : {}),
});

export const noContent = (headers?: Record<string, string>): HttpResult => ({ statusCode: 204, ...(headers ? { headers } : {}) });

export function toStructuredResult({ statusCode, body, headers }: HttpResult): APIGatewayProxyStructuredResultV2 {
  if (statusCode === 204 || body === undefined) return { statusCode, ...(headers ? { headers } : {}) };
  return {
    statusCode,
    headers: { 'content-type': JSON_CONTENT_TYPE, ...headers },
    body: JSON.stringify(body),
  };
}
