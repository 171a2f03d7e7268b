import { segmentMask } from '../timetable/service';
import type { SeatState } from './types';

// The per-seat loop below only touches bindings of this module: under CommonJS transpilation (tsx, jest)
// every read of an imported binding is a getter call, which made this loop twenty times slower.

/** Key of a seat that is busy on some segment of the ride; every free seat's key is >= 0. */
export const NOT_FREE = -1;

/**
 * A free seat's key is `letter miss × LETTER_MISS_WEIGHT + gap`. Gaps are at most 31, so a party's summed
 * gaps stay below the weight (for parties of up to 2,000 seats) and one letter miss outweighs any gap.
 */
export const LETTER_MISS_WEIGHT = 1 << 16;

/**
 * How loosely a seat's free gap surrounds the ride [fromIndex, toIndex): the free segments just left
 * of the ride up to the previous busy one (or the route start) plus those just right of it up to the
 * next busy one (or the route end, `segments`). The seat must be free over the ride. 0 = a perfect fit.
 *
 * An untouched seat's gap is the whole route less the ride, larger than that of any seat sold on some
 * segment, so best-fit prefers seats already in use without a separate tie-break.
 */
export function gapAround(busy: number, fromIndex: number, toIndex: number, segments: number): number {
  const before = busy & ((1 << fromIndex) - 1);
  const left = before === 0 ? fromIndex : fromIndex - 1 - (31 - Math.clz32(before));
  const after = busy >>> toIndex;
  const right = after === 0 ? segments - toIndex : 31 - Math.clz32(after & -after);
  // Bits past the route end would be a caller bug; clamp so a key never exceeds the route.
  return left + Math.min(right, segments - toIndex);
}

/** The seats of one ride scored for best-fit, in layout order. */
export interface ScoredSeats {
  /** Per seat: its best-fit key (smaller is better), or NOT_FREE. */
  readonly keys: Int32Array;
  readonly freeCount: number;
}

export function scoreSeats(
  seats: readonly SeatState[],
  fromIndex: number,
  toIndex: number,
  segments: number,
  letters: readonly string[] | undefined,
): ScoredSeats {
  const mask = segmentMask({ fromIndex, toIndex });
  const wanted = letters && letters.length > 0 ? new Set(letters) : undefined;
  const keys = new Int32Array(seats.length);
  let freeCount = 0;
  for (let i = 0; i < seats.length; i++) {
    const seat = seats[i]!;
    const busy = seat.busy;
    if ((busy & mask) !== 0) {
      keys[i] = NOT_FREE;
      continue;
    }
    const gap = gapAround(busy, fromIndex, toIndex, segments);
    keys[i] = wanted === undefined || wanted.has(seat.letter) ? gap : gap + LETTER_MISS_WEIGHT;
    freeCount++;
  }
  return { keys, freeCount };
}
