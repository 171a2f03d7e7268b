import { encodeCoach, seatOccupancy } from '../../../lib/ledger/coach-occupancy';
import type { SeatSegments } from '../../../lib/ledger/occupancy';
import { type PublishServiceRequest, seatLayout, toService } from '../../../lib/timetable/service';

/**
 * The occupancy snapshot as its table holds it, for handler tests that mock
 * DynamoDB: one item per coach, its seats' occupancy encoded in `occ`. Keys are
 * spelled out rather than imported, so a test fails when the layout changes.
 */

export const OCCUPANCY_TABLE = 'occupancy';

/** Seat number ("01A") → its segment claims, as the ledger's seat item holds them. */
export type TakenSeats = Record<string, SeatSegments>;

/** Segments 0 and 1 (the whole run of the sample G1) sold to another order. */
export const SOLD_WHOLE_RUN: SeatSegments = { s0: { h: 'other', st: 'S', x: 0 }, s1: { h: 'other', st: 'S', x: 0 } };

/** One coach's snapshot item as the projector stores it after reading the ledger at `readAt`. */
export function coachOccupancyItem(request: PublishServiceRequest, coach: string, taken: TakenSeats = {}, readAt = Date.now()) {
  const serviceId = toService(request).serviceId;
  const seats = seatLayout(request)
    .filter((s) => s.coach === coach)
    .map((s) => seatOccupancy(taken[s.seat] ?? {}, readAt));
  return { pk: `OCC#${serviceId}`, sk: `COACH#${coach}`, occ: encodeCoach(seats), readAt };
}

/** Every coach of the service in the snapshot; `taken` per coach ("02" → seats). */
export function occupancyItems(request: PublishServiceRequest, taken: Record<string, TakenSeats> = {}) {
  return request.coaches.map(({ coach }) => coachOccupancyItem(request, coach, taken[coach]));
}

/** Every seat of a coach with the same claims. */
export function everySeat(request: PublishServiceRequest, coach: string, segments: SeatSegments): TakenSeats {
  return Object.fromEntries(seatLayout(request).filter((s) => s.coach === coach).map((s) => [s.seat, segments]));
}
