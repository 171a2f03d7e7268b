import { pickBestSeats } from './pick-seats';
import type { RandomDraw } from './random-draw';
import { TiedPool } from './tied-pool';
import type { SeatState } from './types';

export interface ScatteredParty {
  readonly seats: readonly SeatState[];
  /** Per seat, from the seat scan: its key, negative (NOT_FREE) when busy on the ride. */
  readonly keys: Int32Array;
  /** The free seats' indices in layout order: freeSeats[0 .. freeCount). */
  readonly freeSeats: Int32Array;
  readonly freeCount: number;
  readonly count: number;
  readonly candidates: number;
  readonly draw: RandomDraw;
}

/**
 * Seats a party that found no run of adjacent free seats in one row (at least `count` seats are free):
 * the best seats of one row, else of one coach, else the best seats anywhere. A row or a coach is
 * scored by the summed key of its `count` best free seats. Returns seat indices in layout order.
 *
 * Works on the free seats only, and groups them by row numbers alone (integer comparisons; comparing
 * coach ids per seat would cost more than everything else here): free seats with one row number in a
 * row form a row, free seats with rising row numbers a coach (a coach's rows rise in layout order). A
 * group that could seat the party is then split exactly by coach id, for the rare case where two
 * coaches' free seats run on with the same or rising row numbers. A group that cannot seat the party
 * holds no part that can, as a part's seats are a subset of its group's.
 */
export function seatScatteredParty(party: ScatteredParty): number[] {
  const { keys, count, candidates, draw } = party;
  const group = bestGroup(party, 'row') ?? bestGroup(party, 'coach');
  if (group !== undefined) return pickBestSeats(keys, group.start, group.end, count, 1, draw)!;
  return pickBestSeats(keys, 0, party.seats.length, count, candidates, draw)!;
}

/** A range of the free-seat list: freeSeats[from .. to). */
interface FreeRange {
  from: number;
  to: number;
}

/** A range of the layout: seats[start .. end). */
interface SeatRange {
  start: number;
  end: number;
}

/** The best row or coach for the party: the smallest summed key of `count` free seats, random among ties. */
function bestGroup(party: ScatteredParty, by: 'row' | 'coach'): SeatRange | undefined {
  const { seats, freeSeats, count, candidates, draw } = party;
  const best = new TiedPool(candidates);
  const kept: SeatRange[] = [];
  const smallest = new SmallestKeys(count, party.keys, freeSeats);
  let threshold = best.threshold();
  for (const group of groupsOfFreeSeats(party, by)) {
    const summed = smallest.sumOf(group);
    if (summed < 0 || summed > threshold) continue;
    for (const part of splitByCoach(seats, freeSeats, group)) {
      const partSum = part.to - part.from === group.to - group.from ? summed : smallest.sumOf(part);
      if (partSum < 0) continue;
      best.offer(partSum, kept.length);
      kept.push({ start: freeSeats[part.from]!, end: freeSeats[part.to - 1]! + 1 });
    }
    threshold = best.threshold();
  }
  const picked = best.pick(draw);
  return picked === undefined ? undefined : kept[picked];
}

/** Runs of free seats with one row number ('row') or rising row numbers ('coach'). */
function groupsOfFreeSeats({ seats, freeSeats, freeCount }: ScatteredParty, by: 'row' | 'coach'): FreeRange[] {
  const groups: FreeRange[] = [];
  let from = 0;
  for (let j = 1; j <= freeCount; j++) {
    if (j < freeCount) {
      const previous = seats[freeSeats[j - 1]!]!.row;
      const row = seats[freeSeats[j]!]!.row;
      if (by === 'row' ? row === previous : row >= previous) continue;
    }
    groups.push({ from, to: j });
    from = j;
  }
  return groups;
}

/** The parts of a range of free seats that lie in one coach each. */
function splitByCoach(seats: readonly SeatState[], freeSeats: Int32Array, range: FreeRange): FreeRange[] {
  const coachOf = (j: number): string => seats[freeSeats[j]!]!.coach;
  if (coachOf(range.from) === coachOf(range.to - 1)) return [range];
  const parts: FreeRange[] = [];
  for (let from = range.from; from < range.to; ) {
    let to = from + 1;
    while (to < range.to && coachOf(to) === coachOf(from)) to++;
    parts.push({ from, to });
    from = to;
  }
  return parts;
}

/** The summed key of the `size` best seats of a range of free seats, through a reused sorted buffer. */
class SmallestKeys {
  private readonly best: number[];

  constructor(
    private readonly size: number,
    private readonly keys: Int32Array,
    private readonly freeSeats: Int32Array,
  ) {
    this.best = new Array<number>(size).fill(0);
  }

  /** The sum, or -1 when the range holds fewer than `size` seats. */
  sumOf({ from, to }: FreeRange): number {
    const { best, size } = this;
    if (to - from < size) return -1;
    let filled = 0;
    for (let j = from; j < to; j++) {
      const key = this.keys[this.freeSeats[j]!]!;
      if (filled === size && key >= best[size - 1]!) continue;
      let at = filled < size ? filled++ : size - 1;
      for (; at > 0 && best[at - 1]! > key; at--) best[at] = best[at - 1]!;
      best[at] = key;
    }
    let sum = 0;
    for (let k = 0; k < size; k++) sum += best[k]!;
    return sum;
  }
}
