import type { RandomDraw } from './random-draw';

/**
 * The `count` best free seats of keys[start, end) (a negative key is a seat busy on the ride), so the
 * summed key is the smallest possible: every seat keyed below the count-th smallest key, then seats at
 * that key chosen one at a time at random among the first `candidates` left (all of them by default).
 * Returns seat indices in layout order, or undefined when fewer than `count` seats are free.
 */
export function pickBestSeats(
  keys: Int32Array,
  start: number,
  end: number,
  count: number,
  candidates: number,
  draw: RandomDraw,
): number[] | undefined {
  const freeKeys: number[] = [];
  for (let i = start; i < end; i++) if (keys[i]! >= 0) freeKeys.push(keys[i]!);
  if (freeKeys.length < count) return undefined;
  const threshold = Int32Array.from(freeKeys).sort()[count - 1]!;

  const chosen: number[] = [];
  const tied: number[] = [];
  for (let i = start; i < end; i++) {
    const key = keys[i]!;
    if (key < 0 || key > threshold) continue;
    if (key < threshold) chosen.push(i);
    else tied.push(i);
  }
  while (chosen.length < count) {
    const taken = draw.index(Math.min(tied.length, candidates));
    chosen.push(tied[taken]!);
    tied.splice(taken, 1);
  }
  return chosen.sort((a, b) => a - b);
}
