import type { SeatState } from './types';

/**
 * Where each group of consecutive seats begins — a row (same coach and row number) or a coach — followed
 * by seats.length: group g is [starts[g], starts[g + 1]). Relies on the layout order of the seats.
 */
export function groupStarts(seats: readonly SeatState[], by: 'row' | 'coach'): Int32Array {
  const starts = new Int32Array(seats.length + 1);
  let groups = 0;
  for (let i = 0; i < seats.length; i++) {
    const seat = seats[i]!;
    const previous = seats[i - 1];
    if (previous === undefined || previous.coach !== seat.coach || (by === 'row' && previous.row !== seat.row)) {
      starts[groups++] = i;
    }
  }
  starts[groups] = seats.length;
  return starts.subarray(0, groups + 1);
}
