// The loop below touches only bindings of this module, arguments and fields: under CommonJS
// transpilation (tsx, jest) each read of an imported binding is a getter call.

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
  // Left: clz32 counts down from bit 31 to the last busy segment before the ride (32 when there is
  // none, which makes the gap reach the route start). Right: the lowest set bit from the ride's end,
  // with a bit at the route end to bound it there (and to ignore bits past it, a caller bug).
  const below = fromIndex === 0 ? 0 : busy & (-1 >>> (32 - fromIndex));
  const after = (busy >>> toIndex) | (1 << (segments - toIndex));
  return fromIndex - 1 + Math.clz32(below) - Math.clz32(after & -after);
}

export interface KeyedSeats {
  /** Per seat position: its key, NOT_FREE when busy on the ride. */
  readonly keys: Int32Array;
  /** The free seats' positions in layout order: freeSeats[0 .. freeCount). */
  readonly freeSeats: Int32Array;
  readonly freeCount: number;
}

/**
 * Keys every seat for the ride (the slow path, for parties that cannot sit side by side): one pass
 * over the busy masks. `wanted` letters, when given, make every other letter a miss.
 */
export function keySeats(
  busy: Int32Array,
  letters: readonly string[],
  ride: { fromIndex: number; toIndex: number; segments: number },
  wanted: ReadonlySet<string> | undefined,
): KeyedSeats {
  const { fromIndex, toIndex, segments } = ride;
  const mask = (-1 >>> (32 - (toIndex - fromIndex))) << fromIndex;
  const keys = new Int32Array(busy.length);
  const freeSeats = new Int32Array(busy.length);
  let freeCount = 0;
  for (let i = 0; i < busy.length; i++) {
    const seatBusy = busy[i]!;
    if ((seatBusy & mask) !== 0) {
      keys[i] = NOT_FREE;
      continue;
    }
    const gap = gapAround(seatBusy, fromIndex, toIndex, segments);
    keys[i] = wanted === undefined || wanted.has(letters[i]!) ? gap : gap + LETTER_MISS_WEIGHT;
    freeSeats[freeCount++] = i;
  }
  return { keys, freeSeats, freeCount };
}
