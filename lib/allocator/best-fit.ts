import { pickBestSeats } from './pick-seats';
import { RandomDraw } from './random-draw';
import { seatScatteredParty } from './seat-party';
import { scanRuns, scanSeats, scratchFreeSeats, scratchKeys, type SeatScan } from './seat-scan';
import { TiedPool } from './tied-pool';
import type { AllocationRequest, SeatState } from './types';

export interface BestFitSettings {
  readonly segments: number;
  readonly candidates: number;
  readonly random: () => number;
}

/**
 * Best-fit: the free seats whose gaps around the ride are tightest, wanted letters first, a party kept
 * together (adjacent seats of one row, else one row, else one coach), chosen at random among equally
 * good options. Returns seat indices in layout order, or undefined when fewer than `count` seats are
 * free over the ride.
 *
 * Steps:
 * 1. draw the decision's one random number, before the scratch key buffer is in use;
 * 2. scan the seats once, keying every free seat and collecting the best single seats, or for a party
 *    that sits together the best runs of adjacent free seats in one row;
 * 3. take one of those; a party with no such run takes the best seats of one row, else one coach,
 *    else anywhere; a party that need not sit together takes the best seats anywhere.
 */
export function bestFit(seats: readonly SeatState[], request: AllocationRequest, settings: BestFitSettings): number[] | undefined {
  const { fromIndex, toIndex, count, letters } = request;
  const { segments, candidates } = settings;
  const draw = new RandomDraw(settings.random);
  const keys = scratchKeys(seats.length);
  const wanted = letters !== undefined && letters.length > 0 ? new Set(letters) : undefined;
  const pool = new TiedPool(candidates);

  if (count === 1) {
    scanSeats(seats, { fromIndex, toIndex, segments, wanted, stopAtPerfect: true }, pool, keys);
    const seat = pool.pick(draw);
    return seat === undefined ? undefined : [seat];
  }
  if (request.together === false) {
    const scan: SeatScan = { fromIndex, toIndex, segments, wanted, stopAtPerfect: false };
    if (scanSeats(seats, scan, pool, keys) < count) return undefined;
    return pickBestSeats(keys, 0, seats.length, count, candidates, draw);
  }
  const scan: SeatScan = { fromIndex, toIndex, segments, wanted, stopAtPerfect: true };
  const freeSeats = scratchFreeSeats(seats.length);
  const freeCount = scanRuns(seats, scan, count, pool, keys, freeSeats);
  if (freeCount < count) return undefined;
  const first = pool.pick(draw);
  if (first !== undefined) return adjacentSeats(first, count);
  return seatScatteredParty({ seats, keys, freeSeats, freeCount, count, candidates, draw });
}

function adjacentSeats(first: number, count: number): number[] {
  const seats: number[] = [];
  for (let k = 0; k < count; k++) seats.push(first + k);
  return seats;
}
