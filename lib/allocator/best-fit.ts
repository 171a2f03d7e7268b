import { pickBestSeats } from './pick-seats';
import { scoreSeats } from './score';
import { seatParty } from './seat-party';
import type { AllocationRequest, SeatState } from './types';

export interface BestFitSettings {
  readonly segments: number;
  readonly candidates: number;
  readonly random: () => number;
}

/**
 * Best-fit: the free seats whose gaps around the ride are tightest, wanted letters first, a party kept
 * together, chosen at random among equally good options. Returns seat indices, or undefined when fewer
 * than `count` seats are free over the ride.
 */
export function bestFit(seats: readonly SeatState[], request: AllocationRequest, settings: BestFitSettings): number[] | undefined {
  const { fromIndex, toIndex, count } = request;
  const { keys, freeCount } = scoreSeats(seats, fromIndex, toIndex, settings.segments, request.letters);
  if (freeCount < count) return undefined;
  if (count === 1 || request.together === false) {
    return pickBestSeats(keys, 0, keys.length, count, settings.candidates, settings.random);
  }
  return seatParty(seats, keys, { count, candidates: settings.candidates, random: settings.random });
}
