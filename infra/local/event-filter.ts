/**
 * An event source mapping's FilterCriteria, the part of Lambda's filter
 * patterns this project uses: nested fields, each matched against a list of
 * exact values (`{ "data": { "type": ["OrderPaid", "OrderCancelled"] } }`). A
 * record is delivered when any pattern of the mapping matches it; on Kinesis the
 * pattern sees the record's metadata and its data parsed as JSON (data that is not
 * JSON matches no pattern that names a field of it), as Lambda filters it.
 * Operators (prefix, numeric, exists, anything-but …) are refused when the
 * template is read, not ignored: a filter that delivers more than the deployed
 * one would not test what deploys.
 */

/** A field's list of accepted values, or the patterns of its nested fields. */
export type FilterPattern = { readonly [field: string]: readonly FilterValue[] | FilterPattern };
type FilterValue = string | number | boolean | null;

export class FilterPatternError extends Error {}

/** A pattern as FilterCriteria.Filters[].Pattern carries it (a JSON string). */
export function parseFilterPattern(pattern: unknown): FilterPattern {
  if (typeof pattern !== 'string') throw new FilterPatternError(`a filter's Pattern is a JSON string, got ${JSON.stringify(pattern)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(pattern);
  } catch {
    throw new FilterPatternError(`filter pattern ${pattern} is not JSON`);
  }
  return checked(parsed, '');
}

function checked(node: unknown, path: string): FilterPattern {
  if (!isObject(node) || Object.keys(node).length === 0) throw new FilterPatternError(`filter pattern${path ? ` at ${path}` : ''}: expected an object of fields`);
  for (const [field, value] of Object.entries(node)) {
    const at = path ? `${path}.${field}` : field;
    if (Array.isArray(value)) {
      const operator = value.find((v) => v !== null && typeof v === 'object');
      if (operator !== undefined) throw new FilterPatternError(`filter pattern at ${at}: ${JSON.stringify(operator)} is not supported locally, only lists of exact values`);
      if (value.length === 0) throw new FilterPatternError(`filter pattern at ${at}: an empty list matches nothing`);
    } else {
      checked(value, at);
    }
  }
  return node as FilterPattern;
}

/** Whether the event matches the pattern: every field of it, and for a list of values any one (a list in the event: any of its items). */
export function matchesPattern(pattern: FilterPattern, event: unknown): boolean {
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([field, accepted]) => {
    const value = event[field];
    if (!isArrayOfValues(accepted)) return matchesPattern(accepted, value);
    const candidates = Array.isArray(value) ? value : [value];
    return candidates.some((candidate) => candidate !== undefined && accepted.includes(candidate as FilterValue));
  });
}

/** The event Lambda filters a Kinesis record as: its metadata, and `data` decoded from base64 and parsed when it is JSON. */
export function kinesisFilterEvent(kinesis: { partitionKey: string; sequenceNumber: string; data: string; approximateArrivalTimestamp: number }): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(kinesis.data, 'base64').toString('utf8'));
  } catch {
    data = undefined;
  }
  return { ...kinesis, data };
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isArrayOfValues = (value: readonly FilterValue[] | FilterPattern): value is readonly FilterValue[] => Array.isArray(value);
