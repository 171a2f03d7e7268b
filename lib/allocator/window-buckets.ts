// The loops below touch only bindings of this module, arguments and fields: under CommonJS
// transpilation (tsx, jest) each read of an imported binding is a getter call.

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
  /** Per (group, a, b), per extra: the windows of that class, in no particular order; emptied lists are kept for reuse. */
  private readonly classes: (number[] | undefined)[][];
  /** Per (window, a): the window's position in the list of its class for the free interval starting at a. */
  private readonly positions: Int32Array;
  /** Scratch for intervalsAround. */
  private readonly gapStarts = new Int32Array(33);
  /** Per (group, a, b): how many windows have the free interval [a, b), any extra. */
  private readonly sizes: Int32Array;

  /** With `countable`, per (group, a, b'): how many windows have a free interval [a, b) with b >= b', for countFree. */
  private readonly reach: Int32Array | undefined;

  constructor(
    groups: number,
    windows: number,
    private readonly segments: number,
    private readonly extraWords: number,
    countable = false,
  ) {
    this.reach = countable ? new Int32Array(groups * 32 * 33) : undefined;
    this.ends = new Int32Array(groups * 32);
    this.extras = new Int32Array(groups * 1024 * extraWords);
    this.positions = new Int32Array(windows * segments);
    this.sizes = new Int32Array(groups * 1024);
    this.classes = Array.from({ length: groups * 1024 }, () => []);
  }

  add(group: number, window: number, a: number, b: number, extra: number): void {
    const cell = (group * 32 + a) * 32 + b;
    const extras = this.classes[cell]!;
    let list = extras[extra];
    if (list === undefined) {
      list = [];
      extras[extra] = list;
    }
    if (list.length === 0) {
      this.extras[cell * this.extraWords + (extra >>> 5)]! |= 1 << (extra & 31);
      this.ends[group * 32 + a]! |= 1 << b;
    }
    this.positions[window * this.segments + a] = list.length;
    list.push(window);
    this.sizes[cell]!++;
    if (this.reach !== undefined) for (let c = (group * 32 + a) * 33, end = c + b; c <= end; c++) this.reach[c]!++;
  }

  delete(group: number, window: number, a: number, b: number, extra: number): void {
    const cell = (group * 32 + a) * 32 + b;
    const list = this.classes[cell]![extra]!;
    const at = this.positions[window * this.segments + a]!;
    this.sizes[cell]!--;
    if (this.reach !== undefined) for (let c = (group * 32 + a) * 33, end = c + b; c <= end; c++) this.reach[c]!--;
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

  /** How many windows of the group are free over [from, to). Needs `countable` buckets. */
  countFree(group: number, from: number, to: number): number {
    const reach = this.reach!;
    let free = 0;
    for (let a = from; a >= 0; a--) free += reach[(group * 32 + a) * 33 + to]!;
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
      const list = this.classes[cell]![extra]!;
      ties.lists.push(list);
      ties.total += list.length;
    }
    return best;
  }

  /**
   * The group's non-empty free intervals that hold the ride [from, to), written to `out` as
   * (a × 32 + b, gap) pairs, tightest first. Returns how many pairs.
   */
  intervalsAround(group: number, from: number, to: number, out: Int32Array): number {
    // A counting sort on the gap (below 32): count per gap, then place.
    const starts = this.gapStarts;
    starts.fill(0);
    let n = 0;
    for (let a = from; a >= 0; a--) {
      for (let bits = this.ends[group * 32 + a]! & (-1 << to); bits !== 0; bits &= bits - 1) {
        starts[from - a + lowestBit(bits) - to + 1]!++;
        n++;
      }
    }
    for (let gap = 1; gap < 33; gap++) starts[gap]! += starts[gap - 1]!;
    for (let a = from; a >= 0; a--) {
      for (let bits = this.ends[group * 32 + a]! & (-1 << to); bits !== 0; bits &= bits - 1) {
        const b = lowestBit(bits);
        const gap = from - a + b - to;
        const at = starts[gap]!++;
        out[2 * at] = a * 32 + b;
        out[2 * at + 1] = gap;
      }
    }
    return n;
  }

  /**
   * For single seats (width 1, where every extra is 0): the summed gap of the group's `count` tightest
   * seats, or -1 when it has fewer free or the sum would exceed `bound`. `intervals` come from
   * intervalsAround on buckets of the same windows with every group's intervals (group 0 of `all`).
   */
  smallestGaps(group: number, intervals: Int32Array, n: number, count: number, bound: number): number {
    let got = 0;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const gap = intervals[2 * k + 1]!;
      if (sum + (count - got) * gap > bound) return -1;
      const size = this.sizes[group * 1024 + intervals[2 * k]!]!;
      if (size === 0) continue;
      const taken = size < count - got ? size : count - got;
      sum += taken * gap;
      got += taken;
      if (got === count) return sum;
    }
    return -1;
  }

  /**
   * For single seats: the group's `count` tightest seats (at least that many are free), in layout order:
   * every seat tighter than the count-th, then seats as tight as it at random, uniformly, or among the
   * first `candidates` in layout order. `intervals` as for smallestGaps.
   */
  tightestSeats(group: number, intervals: Int32Array, n: number, count: number, candidates: number, draw: RandomChoice): number[] {
    const chosen: number[] = [];
    const tied: number[][] = [];
    for (let k = 0; k < n && chosen.length < count; ) {
      const gap = intervals[2 * k + 1]!;
      tied.length = 0;
      let total = 0;
      for (; k < n && intervals[2 * k + 1] === gap; k++) {
        const cell = group * 1024 + intervals[2 * k]!;
        if (this.sizes[cell] === 0) continue;
        const list = this.classes[cell]![0]!;
        tied.push(list);
        total += list.length;
      }
      const need = count - chosen.length;
      if (total <= need) {
        for (const list of tied) chosen.push(...list);
      } else if (candidates < total) {
        const first = tied.flat().sort((x, y) => x - y);
        for (let j = 0; j < need; j++) chosen.push(...first.splice(draw.index(Math.min(first.length, candidates)), 1));
      } else {
        for (const rank of distinctRanks(need, total, draw)) chosen.push(nth(tied, rank));
      }
    }
    return chosen.sort((x, y) => x - y);
  }
}

/** `need` distinct ranks below `total`, uniformly at random, ascending. */
function distinctRanks(need: number, total: number, draw: RandomChoice): number[] {
  const ranks: number[] = [];
  for (let j = 0; j < need; j++) {
    // The r-th rank not yet taken: step over the taken ones at or below it.
    let rank = draw.index(total - j);
    let at = 0;
    for (; at < ranks.length && ranks[at]! <= rank; at++) rank++;
    ranks.splice(at, 0, rank);
  }
  return ranks;
}

/** The element at `rank` of the lists laid end to end. */
function nth(lists: readonly (readonly number[])[], rank: number): number {
  let rest = rank;
  for (const list of lists) {
    if (rest < list.length) return list[rest]!;
    rest -= list.length;
  }
  throw new RangeError(`rank ${rank} past the lists' end`);
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
    return nth(this.lists, index);
  }

  /** Every tied window, ascending (windows are numbered in layout order). */
  sorted(): number[] {
    return this.lists.flat().sort((x, y) => x - y);
  }
}
