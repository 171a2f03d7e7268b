import { segmentMask } from '../timetable/service';
import { bestFit } from './best-fit';
import { firstFit } from './first-fit';
import type { AllocateOptions, AllocationRequest, SeatState } from './types';
import { assertRequest, assertRide, resolveOptions } from './validation';

/**
 * Seats for the request, or undefined when fewer than `count` seats are free over the whole ride.
 * Never the same seat twice, never a seat busy on any requested segment.
 *
 * `seats` are the seats of the requested class in layout order (coach, row, letter order); the result
 * is in layout order too. Pure: reads `seats`, calls `options.random`, nothing else.
 */
export function allocateSeats(
  seats: readonly SeatState[],
  request: AllocationRequest,
  options: AllocateOptions = {},
): SeatState[] | undefined {
  assertRequest(request);
  const settings = resolveOptions(options, request);
  const chosen = settings.strategy === 'first-fit' ? firstFit(seats, request) : bestFit(seats, request, settings);
  return chosen?.map((index) => seats[index]!);
}

/** How many seats are free over the whole ride [fromIndex, toIndex). */
export function countFree(seats: readonly SeatState[], fromIndex: number, toIndex: number): number {
  assertRide(fromIndex, toIndex);
  const mask = segmentMask({ fromIndex, toIndex });
  let free = 0;
  for (const seat of seats) if ((seat.busy & mask) === 0) free++;
  return free;
}
