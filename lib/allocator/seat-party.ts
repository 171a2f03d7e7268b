import { pickBestSeats, smallestKeys } from './pick-seats';
import { groupStarts } from './group-starts';
import { TiedOptions } from './tied-options';
import type { SeatState } from './types';

export interface PartyChoice {
  readonly count: number;
  readonly candidates: number;
  readonly random: () => number;
}

/**
 * Seats a party of `count` (at least `count` seats are free) as close together as the train allows:
 * adjacent seats of one row, else one row, else one coach, else the best seats anywhere. Within each
 * level the smallest summed key wins. Returns seat indices in layout order.
 */
export function seatParty(seats: readonly SeatState[], keys: Int32Array, choice: PartyChoice): number[] {
  const rows = groupStarts(seats, 'row');
  return (
    adjacentInRow(keys, rows, choice) ??
    bestGroup(keys, rows, choice) ??
    bestGroup(keys, groupStarts(seats, 'coach'), choice) ??
    pickBestSeats(keys, 0, keys.length, choice.count, choice.candidates, choice.random)!
  );
}

/** The best run of `count` free seats next to each other in one row. */
function adjacentInRow(keys: Int32Array, rows: Int32Array, { count, candidates, random }: PartyChoice): number[] | undefined {
  const runs = new TiedOptions<number>(candidates);
  for (let row = 0; row < rows.length - 1; row++) {
    const end = rows[row + 1]!;
    // Slide along the row keeping the summed key of the free run that ends at `i`.
    let runStart = rows[row]!;
    let runKey = 0;
    for (let i = runStart; i < end; i++) {
      const key = keys[i]!;
      if (key < 0) {
        runStart = i + 1;
        runKey = 0;
        continue;
      }
      runKey += key;
      if (i - runStart + 1 > count) runKey -= keys[runStart++]!;
      if (i - runStart + 1 === count) runs.offer(runKey, runStart);
    }
  }
  const first = runs.pick(random);
  return first === undefined ? undefined : Array.from({ length: count }, (_, k) => first + k);
}

/** The group (row or coach) whose `count` best free seats have the smallest summed key. */
function bestGroup(keys: Int32Array, starts: Int32Array, { count, candidates, random }: PartyChoice): number[] | undefined {
  const groups = new TiedOptions<number[]>(candidates);
  const members = new Int32Array(count);
  for (let group = 0; group < starts.length - 1; group++) {
    const summed = smallestKeys(keys, starts[group]!, starts[group + 1]!, count, members);
    if (summed >= 0 && groups.accepts(summed)) groups.offer(summed, Array.from(members));
  }
  return groups.pick(random);
}
