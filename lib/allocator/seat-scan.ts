import { segmentMask } from '../timetable/service';
import type { TiedPool } from './tied-pool';
import type { SeatState } from './types';

// The loops below touch only bindings of this module, arguments and methods: under CommonJS
// transpilation (tsx, jest) each read of an imported binding is a getter call, which made them
// twenty times slower.

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
export const gapAround = (busy: number, fromIndex: number, toIndex: number, segments: number): number =>
  new SeatKeyer({ fromIndex, toIndex, segments, wanted: undefined }).gapOf(busy);

export interface SeatScan {
  readonly fromIndex: number;
  readonly toIndex: number;
  /** Segments on the route. */
  readonly segments: number;
  readonly wanted: ReadonlySet<string> | undefined;
  /**
   * Stop once the pool can keep nothing more, being full of perfect options (score 0). The keys past
   * that point are left unwritten and the free count is short, so only a caller that takes from the
   * pool sets it.
   */
  readonly stopAtPerfect?: boolean;
}

/** Keys seats for one ride, with the ride's terms of gapAround worked out once, not per seat. */
class SeatKeyer {
  private readonly fromIndex: number;
  private readonly toIndex: number;
  private readonly mask: number;
  private readonly below: number;
  private readonly routeEnd: number;
  private readonly untouched: number;
  private readonly wanted: ReadonlySet<string> | undefined;

  constructor({ fromIndex, toIndex, segments, wanted }: SeatScan) {
    this.fromIndex = fromIndex;
    this.toIndex = toIndex;
    this.mask = segmentMask({ fromIndex, toIndex });
    this.below = (1 << fromIndex) - 1;
    // A bit at the route end bounds the right side there (and ignores bits past it, a caller bug).
    this.routeEnd = 1 << (segments - toIndex);
    this.untouched = fromIndex + segments - toIndex;
    this.wanted = wanted;
  }

  /** gapAround for a seat free over the ride. */
  gapOf(busy: number): number {
    if (busy === 0) return this.untouched; // every seat of an empty train: skip the bit arithmetic
    // Left: clz32 counts down from bit 31 to the last busy segment before the ride (32 when there is
    // none, which makes the gap reach the route start). Right: the lowest set bit from the ride's end.
    const after = (busy >>> this.toIndex) | this.routeEnd;
    return this.fromIndex - 1 + Math.clz32(busy & this.below) - Math.clz32(after & -after);
  }

  /** The seat's key (see LETTER_MISS_WEIGHT), or NOT_FREE when it is busy on some segment of the ride. */
  keyOf(seat: SeatState): number {
    const busy = seat.busy;
    if ((busy & this.mask) !== 0) return NOT_FREE;
    const gap = this.gapOf(busy);
    return this.wanted === undefined || this.wanted.has(seat.letter) ? gap : gap + LETTER_MISS_WEIGHT;
  }
}

/**
 * One pass over the seats: writes each seat's key to `keys` (NOT_FREE for a seat busy on the ride),
 * offers every free seat to `best` by its key and returns how many seats are free.
 */
export function scanSeats(seats: readonly SeatState[], scan: SeatScan, best: TiedPool, keys: Int32Array): number {
  const keyer = new SeatKeyer(scan);
  let freeCount = 0;
  let threshold = best.threshold();
  for (let i = 0; i < seats.length; i++) {
    const key = keyer.keyOf(seats[i]!);
    keys[i] = key;
    if (key === NOT_FREE) continue;
    freeCount++;
    if (key <= threshold) {
      best.offer(key, i);
      threshold = best.threshold();
      if (scan.stopAtPerfect && threshold < 0) break;
    }
  }
  return freeCount;
}

/**
 * scanSeats for a party of `width` (>= 2) that sits together: writes every seat's key to `keys` and the
 * free seats' indices to `freeSeats` (the first freeCount entries), and offers every run of `width`
 * adjacent free seats of one row to `runs`, by its first seat and its summed key. Returns freeCount.
 */
export function scanRuns(
  seats: readonly SeatState[],
  scan: SeatScan,
  width: number,
  runs: TiedPool,
  keys: Int32Array,
  freeSeats: Int32Array,
): number {
  const keyer = new SeatKeyer(scan);
  let freeCount = 0;
  let threshold = runs.threshold();
  // The free seats just before i in layout order, which may span rows, and the summed key of the last
  // `width` of them. Whether they lie in one row is checked only when the pool would keep them, which
  // is rare: comparing rows and coach ids per seat would cost more than the rest of the scan.
  let runLength = 0;
  let runKey = 0;
  for (let i = 0; i < seats.length; i++) {
    const seat = seats[i]!;
    const key = keyer.keyOf(seat);
    keys[i] = key;
    if (key === NOT_FREE) {
      runLength = 0;
      runKey = 0;
      continue;
    }
    freeSeats[freeCount++] = i;
    runKey += key;
    if (++runLength > width) runKey -= keys[i - width]!;
    if (runLength >= width && runKey <= threshold && inOneRow(seats[i - width + 1]!, seat)) {
      runs.offer(runKey, i - width + 1);
      threshold = runs.threshold();
      if (scan.stopAtPerfect && threshold < 0) break;
    }
  }
  return freeCount;
}

/** Whether two seats, in layout order, bound seats of one row. */
const inOneRow = (first: SeatState, last: SeatState): boolean => first.row === last.row && first.coach === last.coach;

// Reusable buffers, valid until the next decision starts: a decision draws its random number before
// scanning, so a random source cannot re-enter while they are in use.
let scratchKeyBuffer = new Int32Array(1024);
let scratchFreeBuffer = new Int32Array(1024);

/** A key buffer with room for `seatCount` seats (it may be longer: use the first `seatCount`). */
export function scratchKeys(seatCount: number): Int32Array {
  if (scratchKeyBuffer.length < seatCount) scratchKeyBuffer = new Int32Array(Math.max(seatCount, 2 * scratchKeyBuffer.length));
  return scratchKeyBuffer;
}

/** A buffer for the indices of up to `seatCount` free seats. */
export function scratchFreeSeats(seatCount: number): Int32Array {
  if (scratchFreeBuffer.length < seatCount) scratchFreeBuffer = new Int32Array(Math.max(seatCount, 2 * scratchFreeBuffer.length));
  return scratchFreeBuffer;
}
