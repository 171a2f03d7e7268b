import { pickBestSeats } from './pick-seats';
import { RandomDraw } from './random-draw';
import type { SeatIndex } from './seat-index';
import { seatScatteredParty } from './seat-party';
import type { AllocationRequest, ChoiceOptions } from './types';
import { assertRequest, resolveChoice, type ResolvedChoice } from './validation';
import type { WindowLevel } from './window-level';

/** The one group of WindowLevel.all. */
const EVERY_WINDOW: readonly number[] = [0];

/**
 * Best-fit on a prepared snapshot: the positions (in `index.seats`) of the seats for the request, in
 * layout order, or undefined when fewer than `count` seats are free over the whole ride. Never the
 * same seat twice, never a seat busy on any requested segment. Does not hold them: after a successful
 * hold, call `index.take(positions, fromIndex, toIndex)`.
 *
 * Preferences, in order: wanted letters (fewest misses), a party on adjacent seats of one row, else
 * in one row, else in one coach; then the tightest fit, the smallest summed gap around the ride
 * (see gapAround); then at random, uniformly over every equally good option of the whole class.
 *
 * Steps:
 * 1. draw the decision's one random number;
 * 2. a single passenger, or a party that sits together, looks up the best windows of that many
 *    adjacent seats in the index (O(ride length), whatever the train's size or fill) and takes one;
 * 3. a party with no adjacent run tries the windows of any seats of one row, then the tightest seats
 *    of one coach, then anywhere; a party that need not sit together takes the tightest seats anywhere;
 * 4. with wanted letters, steps 3 key the seats one by one instead (rarer, and slower).
 */
export function allocate(index: SeatIndex, request: AllocationRequest, options: ChoiceOptions = {}): number[] | undefined {
  assertRequest(request);
  index.assertRideOnRoute(request.fromIndex, request.toIndex);
  return bestFit(index, request, resolveChoice(options));
}

/** allocate after validation, for callers that validated already. */
export function bestFit(index: SeatIndex, request: AllocationRequest, { random, candidates }: ResolvedChoice): number[] | undefined {
  const { fromIndex, toIndex, count, letters } = request;
  const draw = new RandomDraw(random);
  const wanted = letters !== undefined && letters.length > 0 ? new Set(letters) : undefined;

  const together = count > 1 && request.together !== false;
  if (count === 1 || together) {
    const adjacent = index.level(count, 'adjacent');
    const window = adjacent === undefined ? undefined : bestWindow(adjacent, request, wanted, candidates, draw);
    if (window !== undefined) return adjacent!.seatsOf(window);
    if (count === 1) return undefined;
  }
  if (index.freeOver(fromIndex, toIndex) < count) return undefined;
  if (together) {
    const row = index.level(count, 'row');
    const window = row === undefined ? undefined : bestWindow(row, request, wanted, candidates, draw);
    if (window !== undefined) return row!.seatsOf(window);
  }
  if (wanted === undefined) {
    const singles = index.level(1)!;
    const around = singles.around;
    const n = singles.all.intervalsAround(0, fromIndex, toIndex, around);
    if (together) {
      const coach = bestCoach(singles, n, count, candidates, draw);
      if (coach !== undefined) return singles.by('coach').tightestSeats(coach, around, n, count, candidates, draw);
    }
    return singles.all.tightestSeats(0, around, n, count, candidates, draw);
  }
  const keyed = index.keySeats(fromIndex, toIndex, wanted);
  if (!together) return pickBestSeats(keyed.keys, 0, index.seats.length, count, candidates, draw);
  return seatScatteredParty({ seats: index.seats, ...keyed, count, candidates, draw });
}

/**
 * The coach whose `count` tightest free seats have the smallest summed gap, at random among ties;
 * undefined when none has `count` free. Reads the `n` intervals in `singles.around`.
 */
function bestCoach(singles: WindowLevel, n: number, count: number, candidates: number, draw: RandomDraw): number | undefined {
  const byCoach = singles.by('coach');
  const tied: number[] = [];
  let best = 0x3fffffff;
  for (let coach = 0; coach < singles.groupCount('coach'); coach++) {
    const sum = byCoach.smallestGaps(coach, singles.around, n, count, best);
    if (sum < 0) continue;
    if (sum < best) {
      best = sum;
      tied.length = 0;
    }
    tied.push(coach);
  }
  return tied.length === 0 ? undefined : tied[draw.index(Math.min(tied.length, candidates))];
}

/** One of the best windows for the ride, or undefined when none is free over it. */
function bestWindow(
  level: WindowLevel,
  { fromIndex, toIndex }: AllocationRequest,
  wanted: ReadonlySet<string> | undefined,
  candidates: number,
  draw: RandomDraw,
): number | undefined {
  const { width, ties } = level;
  let found = false;
  if (wanted === undefined) {
    found = level.all.findBest(EVERY_WINDOW, width, fromIndex, toIndex, ties) >= 0;
  } else {
    // Fewest letter misses first: search the patterns with no miss, then those with one, …
    const misses = level.patterns.map((letters) => letters.filter((letter) => !wanted.has(letter)).length);
    const buckets = level.by('pattern');
    for (let miss = 0; miss <= width && !found; miss++) {
      const groups = misses.flatMap((m, pattern) => (m === miss ? [pattern] : []));
      found = groups.length > 0 && buckets.findBest(groups, width, fromIndex, toIndex, ties) >= 0;
    }
  }
  if (!found) return undefined;
  if (candidates >= ties.total) return ties.at(draw.index(ties.total));
  return ties.sorted()[draw.index(candidates)];
}
