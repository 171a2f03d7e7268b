import { Ties, WindowBuckets } from './window-buckets';

// Hot loops read only this module's bindings, arguments and fields (see window-buckets.ts).

/** What a level reads from its index: the seats' busy masks and where each row starts and ends. */
export interface SeatGrid {
  readonly segments: number;
  /** Busy mask per seat position, cut to the route's segments. */
  readonly busy: Int32Array;
  /** Per seat position: one past the position of the last seat of its row. */
  readonly rowEnd: Int32Array;
  readonly letters: readonly string[];
  /** Per seat position: its coach's ordinal (0, 1, … in layout order), and how many coaches there are. */
  readonly coach: Int32Array;
  readonly coaches: number;
}

/** How a level's windows can be grouped besides all together: by letter pattern, or by coach. */
export type Grouping = 'pattern' | 'coach';

/** Which sets of seats a level files: runs of adjacent seats in one row, or any seats of one row. */
export type WindowShape = 'adjacent' | 'row';

const lowestBit = (bits: number): number => 31 - Math.clz32(bits & -bits);

/**
 * Every window of `width` seats of one shape (a single seat for width 1), numbered in layout order of
 * their seats, filed in WindowBuckets twice over: all in one group, and (built on the first request
 * that prefers letters) one group per letter pattern such as "A B" or "C D".
 */
export class WindowLevel {
  /** Per window: the positions of its seats, at [window × width, (window + 1) × width). */
  readonly members: Int32Array;
  readonly windowCount: number;
  readonly all: WindowBuckets;
  readonly ties: Ties;
  /** Scratch for WindowBuckets.intervalsAround: room for every interval of a route. */
  readonly around = new Int32Array(2 * 32 * 32);
  /** Per pattern id: its letters. */
  readonly patterns: readonly (readonly string[])[];
  /** Per grouping: each window's group, and how many groups. */
  private readonly groupOf: Record<Grouping, { of: Int32Array; count: number }>;
  /** The buckets per grouping built so far. */
  private readonly grouped = new Map<Grouping, WindowBuckets>();
  /** Per seat position: the windows that hold it, at holding[holdingStart[p] .. holdingStart[p + 1]). */
  private readonly holdingStart: Int32Array;
  private readonly holding: Int32Array;
  private readonly blocked: number;
  private readonly extraWords: number;

  constructor(
    private readonly grid: SeatGrid,
    readonly width: number,
    shape: WindowShape,
  ) {
    const { rowEnd, letters, segments } = grid;
    const sets = windowsOf(rowEnd, width, shape);
    this.windowCount = sets.length;
    this.members = Int32Array.from(sets.flat());
    this.holdingStart = new Int32Array(rowEnd.length + 1);
    for (const set of sets) for (const p of set) this.holdingStart[p + 1]!++;
    for (let p = 0; p < rowEnd.length; p++) this.holdingStart[p + 1]! += this.holdingStart[p]!;
    this.holding = new Int32Array(this.holdingStart[rowEnd.length]!);
    const filled = this.holdingStart.slice(0, rowEnd.length);
    sets.forEach((set, w) => {
      for (const p of set) this.holding[filled[p]!++] = w;
    });

    const patternIds = new Map<string, number>();
    const patterns: string[][] = [];
    const pattern = Int32Array.from(sets, (set) => {
      const setLetters = set.map((p) => letters[p]!);
      const name = setLetters.join(' ');
      let id = patternIds.get(name);
      if (id === undefined) {
        id = patterns.push(setLetters) - 1;
        patternIds.set(name, id);
      }
      return id;
    });
    this.patterns = patterns;
    // A window's coach is its first seat's: every window lies in one row.
    const coach = Int32Array.from(sets, (set) => grid.coach[set[0]!]!);
    this.groupOf = { pattern: { of: pattern, count: patterns.length }, coach: { of: coach, count: grid.coaches } };
    // A set bit past the route end bounds every free interval there.
    this.blocked = -1 << segments;
    this.extraWords = Math.floor((width * segments) / 32) + 1;
    this.all = new WindowBuckets(1, sets.length, segments, this.extraWords, width === 1);
    this.ties = new Ties(Math.max(1, patterns.length, grid.coaches));
    for (let w = 0; w < sets.length; w++) this.file(w, true);
  }

  /** The buckets grouped by letter pattern (group = pattern id) or by coach (group = coach ordinal), built on first use. */
  by(grouping: Grouping): WindowBuckets {
    let buckets = this.grouped.get(grouping);
    if (buckets === undefined) {
      const { of, count } = this.groupOf[grouping];
      buckets = new WindowBuckets(count, this.windowCount, this.grid.segments, this.extraWords);
      for (let w = 0; w < this.windowCount; w++) this.fileIn(buckets, of[w]!, w, true);
      this.grouped.set(grouping, buckets);
    }
    return buckets;
  }

  /** How many groups the grouping has. */
  groupCount(grouping: Grouping): number {
    return this.groupOf[grouping].count;
  }

  /** Unfiles (`add` false) or files every window that holds the seat at `position`, under the current busy masks. */
  fileHolding(position: number, add: boolean): void {
    for (let h = this.holdingStart[position]!; h < this.holdingStart[position + 1]!; h++) this.file(this.holding[h]!, add);
  }

  /** The positions of the window's seats. */
  seatsOf(window: number): number[] {
    const seats: number[] = [];
    for (let m = window * this.width; m < (window + 1) * this.width; m++) seats.push(this.members[m]!);
    return seats;
  }

  private file(window: number, add: boolean): void {
    this.fileIn(this.all, 0, window, add);
    for (const [grouping, buckets] of this.grouped) this.fileIn(buckets, this.groupOf[grouping].of[window]!, window, add);
  }

  private fileIn(buckets: WindowBuckets, group: number, window: number, add: boolean): void {
    const busy = this.grid.busy;
    const segments = this.grid.segments;
    const members = this.members;
    const start = window * this.width;
    const end = start + this.width;
    let combined = this.blocked;
    for (let m = start; m < end; m++) combined |= busy[members[m]!]!;
    for (let a = 0; a < segments; ) {
      const freeFrom = ~combined & (-1 << a);
      if (freeFrom === 0) break;
      a = lowestBit(freeFrom);
      const b = lowestBit(combined & (-1 << a));
      let extra = 0;
      if (end - start > 1) {
        // Each seat's own free interval around [a, b) reaches past it by (a − its start) + (its end − b).
        const below = a === 0 ? 0 : -1 >>> (32 - a);
        for (let m = start; m < end; m++) {
          const seat = busy[members[m]!]! | this.blocked;
          extra += a - (32 - Math.clz32(seat & below)) + lowestBit(seat & (-1 << b)) - b;
        }
      }
      if (add) buckets.add(group, window, a, b, extra);
      else buckets.delete(group, window, a, b, extra);
      a = b;
    }
  }
}

/** The seat sets of a level, in layout order: per row, its runs of `width` adjacent seats or all its `width`-seat subsets. */
function windowsOf(rowEnd: Int32Array, width: number, shape: WindowShape): number[][] {
  const sets: number[][] = [];
  for (let start = 0; start < rowEnd.length; start = rowEnd[start]!) {
    const end = rowEnd[start]!;
    if (shape === 'adjacent') {
      for (let p = start; p + width <= end; p++) sets.push(Array.from({ length: width }, (_, k) => p + k));
    } else {
      subsets(start, end, width, [], sets);
    }
  }
  return sets;
}

/** Appends every `width`-seat subset of positions [from, end), after `prefix`, in lexicographic order. */
function subsets(from: number, end: number, width: number, prefix: number[], out: number[][]): void {
  if (prefix.length === width) {
    out.push(prefix);
    return;
  }
  for (let p = from; p + (width - prefix.length) <= end; p++) subsets(p + 1, end, width, [...prefix, p], out);
}
