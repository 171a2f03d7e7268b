import { DEFAULT_CANDIDATES, MAX_SEGMENTS } from './constants';
import { InvalidAllocationRequestError } from './errors';
import type { AllocateOptions, AllocationRequest, AllocationStrategy, ChoiceOptions } from './types';

// Read once: under CommonJS transpilation every read of an imported binding is a getter call.
const LAST_SEGMENT = MAX_SEGMENTS;
const ALL_CANDIDATES = DEFAULT_CANDIDATES;

const isIndex = (value: number, min: number, max: number): boolean => Number.isInteger(value) && value >= min && value <= max;

/** Throws unless [fromIndex, toIndex) is a non-empty ride within a busy mask. */
export function assertRide(fromIndex: number, toIndex: number): void {
  if (!isIndex(fromIndex, 0, LAST_SEGMENT - 1) || !isIndex(toIndex, fromIndex + 1, LAST_SEGMENT)) {
    throw new InvalidAllocationRequestError(
      `a ride is stop indexes 0 <= fromIndex < toIndex <= ${MAX_SEGMENTS}, got [${fromIndex}, ${toIndex})`,
    );
  }
}

export function assertRequest({ fromIndex, toIndex, count }: AllocationRequest): void {
  assertRide(fromIndex, toIndex);
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidAllocationRequestError(`count is a whole number of passengers, at least 1, got ${count}`);
  }
}

export interface ResolvedChoice {
  readonly random: () => number;
  readonly candidates: number;
}

export function resolveChoice({ random = Math.random, candidates = ALL_CANDIDATES }: ChoiceOptions): ResolvedChoice {
  if (candidates !== Number.POSITIVE_INFINITY && !isIndex(candidates, 1, Number.MAX_SAFE_INTEGER)) {
    throw new InvalidAllocationRequestError(`candidates is a whole number, at least 1, got ${candidates}`);
  }
  return { random, candidates };
}

export interface ResolvedOptions extends ResolvedChoice {
  readonly strategy: AllocationStrategy;
  readonly segments: number;
}

export function resolveOptions(options: AllocateOptions, request: AllocationRequest): ResolvedOptions {
  const { strategy = 'best-fit', segments = MAX_SEGMENTS } = options;
  if (!isIndex(segments, request.toIndex, MAX_SEGMENTS)) {
    throw new InvalidAllocationRequestError(
      `segments is the route's segment count, from toIndex (${request.toIndex}) to ${MAX_SEGMENTS}, got ${segments}`,
    );
  }
  return { ...resolveChoice(options), strategy, segments };
}
