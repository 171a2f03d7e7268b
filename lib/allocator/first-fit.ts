import { segmentMask } from '../timetable/service';
import type { AllocationRequest, SeatState } from './types';

/** First-fit: the first `count` seats in layout order that are free over the ride, ignoring preferences. */
export function firstFit(seats: readonly SeatState[], { fromIndex, toIndex, count }: AllocationRequest): number[] | undefined {
  const mask = segmentMask({ fromIndex, toIndex });
  const chosen: number[] = [];
  for (let i = 0; i < seats.length && chosen.length < count; i++) {
    if ((seats[i]!.busy & mask) === 0) chosen.push(i);
  }
  return chosen.length === count ? chosen : undefined;
}
