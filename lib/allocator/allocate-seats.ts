import { segmentMask } from '../timetable/service';
import { bestFit } from './allocate';
import { firstFit } from './first-fit';
import { indexSeats } from './seat-index';
import type { AllocateOptions, AllocationRequest, SeatState } from './types';
import { assertRequest, assertRide, resolveOptions } from './validation';

/**
 * Seats for the request, or undefined when fewer than `count` seats are free over the whole ride.
 * Never the same seat twice, never a seat busy on any requested segment.
 *
 * `seats` are the seats of the requested class in layout order (coach, row, letter order); the result
 * is in layout order too. Pure: reads `seats`, calls `options.random`, nothing else.
 *
 * One decision on one snapshot: best-fit prepares an index of the seats (indexSeats) and asks it once
 * (allocate). A caller that makes many decisions on one snapshot keeps the index instead.
 */
export function allocateSeats(
  seats: readonly SeatState[],
  request: AllocationRequest,
  options: AllocateOptions = {},
): SeatState[] | undefined {
  assertRequest(request);
  const settings = resolveOptions(options, request);
  if (settings.strategy === 'first-fit') return firstFit(seats, request)?.map((position) => seats[position]!);
  const index = indexSeats(seats, { segments: settings.segments });
  return bestFit(index, request, settings)?.map((position) => seats[position]!);
}

/** How many seats are free over the whole ride [fromIndex, toIndex). */
export function countFree(seats: readonly SeatState[], fromIndex: number, toIndex: number): number {
  assertRide(fromIndex, toIndex);
  const mask = segmentMask({ fromIndex, toIndex });
  let free = 0;
  for (const seat of seats) if ((seat.busy & mask) === 0) free++;
  return free;
}
