import type { RandomDraw } from './random-draw';

// Keys come from scanSeats: a negative key (NOT_FREE) is a seat busy on the ride. The loops test `key < 0`
// rather than read the imported constant, which costs a getter call per seat under CommonJS transpilation.

/**
 * The `count` best free seats of keys[start, end), chosen one at a time at random among the first
 * `candidates` seats tied for the best remaining key, so the summed key is always the smallest possible.
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
  if (end - start < count) return undefined;
  // The best `count + candidates - 1` seats, sorted by key then layout order, hold every seat a pick can take.
  const capacity = Math.min(count + candidates - 1, end - start);
  const bestIndex = new Int32Array(capacity);
  const bestKey = new Int32Array(capacity);
  let size = 0;
  for (let i = start; i < end; i++) {
    const key = keys[i]!;
    if (key < 0 || (size === capacity && key >= bestKey[size - 1]!)) continue;
    let at = size < capacity ? size++ : size - 1;
    for (; at > 0 && bestKey[at - 1]! > key; at--) {
      bestKey[at] = bestKey[at - 1]!;
      bestIndex[at] = bestIndex[at - 1]!;
    }
    bestKey[at] = key;
    bestIndex[at] = i;
  }
  if (size < count) return undefined;

  const chosen: number[] = [];
  for (let pick = 0; pick < count; pick++) {
    let tied = 1;
    while (tied < size && tied < candidates && bestKey[tied] === bestKey[0]) tied++;
    const taken = draw.index(tied);
    chosen.push(bestIndex[taken]!);
    bestIndex.copyWithin(taken, taken + 1, size);
    bestKey.copyWithin(taken, taken + 1, size);
    size--;
  }
  return chosen.sort((a, b) => a - b);
}
