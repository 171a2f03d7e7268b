import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Where the sample events live: the repository's events/ directory. */
export const EVENTS_DIR = resolve(__dirname, '../../events');

/** Overrides for a fixture: objects merge key by key, anything else (arrays included) replaces, `undefined` removes the key. */
export type EventOverrides<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: EventOverrides<T[K]> | undefined } & Record<string, unknown>
    : T;

const fixtures = new Map<string, unknown>();

/**
 * A fresh deep copy of a sample event, with overrides merged in, so a test can
 * change it freely. `path` is relative to events/, e.g. 'http/user-request.json'.
 *
 * @example loadEvent('http/user-request.json', { body: JSON.stringify(order), requestContext: { authorizer: undefined } })
 */
export function loadEvent<T extends object = APIGatewayProxyEventV2>(path: string, overrides?: NoInfer<EventOverrides<T>>): NoInfer<T> {
  const file = resolve(EVENTS_DIR, path);
  if (!fixtures.has(file)) fixtures.set(file, JSON.parse(readFileSync(file, 'utf8')) as unknown);
  const event = structuredClone(fixtures.get(file)) as T;
  return overrides === undefined ? event : (merge(event, structuredClone(overrides)) as T);
}

function merge(target: unknown, overrides: unknown): unknown {
  if (!isPlainObject(target) || !isPlainObject(overrides)) return overrides;
  const merged: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete merged[key];
    else merged[key] = merge(merged[key], value);
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
