// The loops below touch only bindings of this module, arguments and fields: under CommonJS
// transpilation (tsx, jest) each read of an imported binding is a getter call.

/**
 * Room for a window's extra score in a class key. A window of w seats on a route of s segments has an
 * extra below w × s, at most 6 × 31 = 186 (rows hold at most six letters, masks 31 segments).
 */
const EXTRA_SLOTS = 256;

/** Index of the lowest set bit of a non-zero 32-bit integer. */
const lowestBit = (bits: number): number => 31 - Math.clz32(bits & -bits);

/**
 * Windows (runs of adjacent seats in one row, or single seats) filed by where a ride fits them, so a
 * decision looks up the best windows instead of scanning the train.
 *
 * A window free over a ride [from, to) has exactly one free interval [a, b) of its combined busy mask
 * that holds the ride, and its summed gap for the ride is `width × ((b − a) − (to − from)) + extra`:
 * `extra`, what its seats' own free intervals reach past [a, b), does not depend on the ride. So a
 * window is filed once per free interval, in the class (group, a, b, extra); a ride looks at the
 * classes of the intervals that hold it, tightest first. A group splits windows by whatever a request
 * may prefer among them (their seat letters); group 0 alone when nothing is preferred.
 */
export class WindowBuckets {
  /** Per (group, a): bit b set when some class (group, a, b, ·) is non-empty. */
  private readonly ends: Int32Array;
  /** Per (group, a, b): `extraWords` words, bit e set when the class (group, a, b, e) is non-empty. */
  private readonly extras: Int32Array;
  /** Windows per class, in no particular order; emptied lists are kept for reuse. */
  private readonly classes = new Map<number, number[]>();
  /** Per (window, a): the window's position in the list of its class for the free interval starting at a. */
  private readonly positions: Int32Array;
  /** Per (group, a, b): how many windows have the free interval [a, b), any extra. */
  private readonly sizes: Int32Array;

  constructor(
    groups: number,
    windows: number,
    private readonly segments: number,
    private readonly extraWords: number,
  ) {
    this.ends = new Int32Array(groups * 32);
    this.extras = new Int32Array(groups * 1024 * extraWords);
    this.positions = new Int32Array(windows * segments);
    this.sizes = new Int32Array(groups * 1024);
  }

  add(group: number, window: number, a: number, b: number, extra: number): void {
    const cell = (group * 32 + a) * 32 + b;
    const key = cell * EXTRA_SLOTS + extra;
    let list = this.classes.get(key);
    if (list === undefined) {
      list = [];
      this.classes.set(key, list);
    }
    if (list.length === 0) {
      this.extras[cell * this.extraWords + (extra >>> 5)]! |= 1 << (extra & 31);
      this.ends[group * 32 + a]! |= 1 << b;
    }
    this.positions[window * this.segments + a] = list.length;
    list.push(window);
    this.sizes[cell]!++;
  }

  delete(group: number, window: number, a: number, b: number, extra: number): void {
    const cell = (group * 32 + a) * 32 + b;
    const list = this.classes.get(cell * EXTRA_SLOTS + extra)!;
    const at = this.positions[window * this.segments + a]!;
    this.sizes[cell]!--;
    const last = list.pop()!;
    if (last !== window) {
      list[at] = last;
      this.positions[last * this.segments + a] = at;
    }
    if (list.length > 0) return;
    const words = this.extraWords;
    this.extras[cell * words + (extra >>> 5)]! &= ~(1 << (extra & 31));
    for (let w = 0; w < words; w++) if (this.extras[cell * words + w] !== 0) return;
    this.ends[group * 32 + a]! &= ~(1 << b);
  }

  /** How many windows of the group are free over [from, to). */
  countFree(group: number, from: number, to: number): number {
    let free = 0;
    for (let a = from; a >= 0; a--) {
      for (let bits = this.ends[group * 32 + a]! & (-1 << to); bits !== 0; bits &= bits - 1) {
        free += this.sizes[(group * 32 + a) * 32 + lowestBit(bits)]!;
      }
    }
    return free;
  }

  /**
   * Finds the windows of the given groups, `width` seats wide, with the smallest summed gap for the
   * ride [from, to), and writes them to `ties` as class lists. Returns that gap, or -1 when no window
   * of these groups is free over the ride.
   */
  findBest(groups: readonly number[], width: number, from: number, to: number, ties: Ties): number {
    const words = this.extraWords;
    const visited = ties.visited;
    let visits = 0;
    let best = 0x3fffffff;
    for (const group of groups) {
      for (let a = from; a >= 0; a--) {
        const left = from - a;
        if (width * left > best) break;
        for (let bits = this.ends[group * 32 + a]! & (-1 << to); bits !== 0; bits &= bits - 1) {
          const b = lowestBit(bits);
          const base = width * (left + b - to);
          if (base > best) break;
          const cell = (group * 32 + a) * 32 + b;
          let extra = 0;
          for (let w = 0; w < words; w++) {
            const set = this.extras[cell * words + w]!;
            if (set !== 0) {
              extra = w * 32 + lowestBit(set);
              break;
            }
          }
          if (base + extra < best) best = base + extra;
          visited[visits++] = cell;
          visited[visits++] = base;
        }
      }
    }
    ties.lists.length = 0;
    ties.total = 0;
    if (visits === 0) return -1;
    for (let v = 0; v < visits; v += 2) {
      const cell = visited[v]!;
      const extra = best - visited[v + 1]!;
      if (extra < 0 || extra >= words * 32 || (this.extras[cell * words + (extra >>> 5)]! & (1 << (extra & 31))) === 0) continue;
      const list = this.classes.get(cell * EXTRA_SLOTS + extra)!;
      ties.lists.push(list);
      ties.total += list.length;
    }
    return best;
  }

  /**
   * For single seats (width 1, where every extra is 0): the summed gap of the group's `count` tightest
   * seats for the ride [from, to), or -1 when fewer are free or the sum would exceed `bound`. Looks at
   * the intervals around the ride in order of their gap, from 0 up.
   */
  smallestGaps(group: number, from: number, to: number, count: number, bound: number): number {
    const slack = this.segments - to;
    let got = 0;
    let sum = 0;
    for (let gap = 0; gap <= from + slack; gap++) {
      for (let left = Math.max(0, gap - slack); left <= Math.min(gap, from); left++) {
        const size = this.sizes[(group * 32 + from - left) * 32 + to + gap - left]!;
        if (size === 0) continue;
        const taken = Math.min(size, count - got);
        sum += taken * gap;
        got += taken;
        if (got === count) return sum <= bound ? sum : -1;
      }
      if (sum + (count - got) * (gap + 1) > bound) return -1;
    }
    return -1;
  }

  /**
   * For single seats: the group's `count` tightest seats for the ride (at least that many are free):
   * every seat tighter than the count-th, then seats as tight as it chosen one at a time at random
   * among the first `candidates` left. Returns them in layout order.
   */
  tightestSeats(group: number, from: number, to: number, count: number, candidates: number, draw: RandomChoice): number[] {
    const slack = this.segments - to;
    const chosen: number[] = [];
    for (let gap = 0; gap <= from + slack && chosen.length < count; gap++) {
      const tied: number[] = [];
      for (let left = Math.max(0, gap - slack); left <= Math.min(gap, from); left++) {
        const cell = (group * 32 + from - left) * 32 + to + gap - left;
        if (this.sizes[cell] !== 0) tied.push(...this.classes.get(cell * EXTRA_SLOTS)!);
      }
      if (chosen.length + tied.length <= count) {
        chosen.push(...tied);
        continue;
      }
      if (candidates < tied.length) tied.sort((x, y) => x - y);
      while (chosen.length < count) {
        const taken = draw.index(Math.min(tied.length, candidates));
        chosen.push(tied[taken]!);
        tied.splice(taken, 1);
      }
    }
    return chosen.sort((x, y) => x - y);
  }
}

/** Where the random choices come from (RandomDraw). */
export interface RandomChoice {
  index(size: number): number;
}

/** The equally best windows of a search: `total` windows spread over `lists`. */
export class Ties {
  readonly lists: number[][] = [];
  total = 0;
  /** Scratch for findBest: (cell, base score) pairs it looked at. */
  readonly visited: Int32Array;

  constructor(groups: number) {
    this.visited = new Int32Array(groups * 1024 * 2);
  }

  /** The window at `index` (< total) when the lists are laid end to end. */
  at(index: number): number {
    let rest = index;
    for (const list of this.lists) {
      if (rest < list.length) return list[rest]!;
      rest -= list.length;
    }
    throw new RangeError(`tie ${index} of ${this.total}`);
  }

  /** Every tied window, ascending (windows are numbered in layout order). */
  sorted(): number[] {
    return this.lists.flat().sort((x, y) => x - y);
  }
}
