/**
 * How a seat item records who has which segment, and what that means at a given
 * instant. Pure: the DynamoDB adapter stores each segment entry as an attribute of the seat's item.
 *
 * A segment entry `s<i>` is { h: holdId, st: 'H' (held, until x) | 'S' (sold), x: expiry in epoch ms }.
 * A segment is free when it has no entry, or its entry is a hold that expired (x ≤ now):
 * expiry is enforced lazily, in the condition of the next write, so it is exact to the millisecond.
 */
export const HELD = 'H';
export const SOLD = 'S';

export interface SegmentClaim {
  h: string;
  st: typeof HELD | typeof SOLD;
  x: number;
}

export type SeatSegments = Partial<Record<string, SegmentClaim>>;

export const segmentKey = (segment: number): string => `s${segment}`;

export function segmentsOf(fromIndex: number, toIndex: number): number[] {
  return Array.from({ length: toIndex - fromIndex }, (_, i) => fromIndex + i);
}

export const isClaimLive = (claim: SegmentClaim | undefined, nowMs: number): claim is SegmentClaim =>
  claim !== undefined && (claim.st === SOLD || claim.x > nowMs);

/** Bitmask of the segments taken at `nowMs` (bit i = segment i). */
export function busyMask(segments: SeatSegments, nowMs: number): number {
  let mask = 0;
  for (const [key, claim] of Object.entries(segments)) {
    if (isClaimLive(claim, nowMs)) mask |= 1 << Number(key.slice(1));
  }
  return mask;
}

/** Free over every segment of `rideMask` at `nowMs`. */
export const isFreeOver = (segments: SeatSegments, rideMask: number, nowMs: number): boolean => (busyMask(segments, nowMs) & rideMask) === 0;
