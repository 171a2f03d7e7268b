import fc from 'fast-check';
import type { AllocateOptions, AllocationRequest, SeatState } from '../../../lib/allocator';
import { segmentMask } from '../../../lib/timetable/service';
import { seatsOf, seededRandom, type CoachShape } from './seat-fixtures';

/** Random trains, occupancy and requests for the allocator's properties, and naive references to check answers against. */

export interface Ride {
  fromIndex: number;
  toIndex: number;
}

/** A ride on a route of `segments` segments. */
export const rideOn = (segments: number): fc.Arbitrary<Ride> =>
  fc.integer({ min: 0, max: segments - 1 }).chain((fromIndex) =>
    fc.integer({ min: fromIndex + 1, max: segments }).map((toIndex) => ({ fromIndex, toIndex })),
  );

export const coachShape: fc.Arbitrary<CoachShape> = fc.record({
  rows: fc.integer({ min: 1, max: 4 }),
  letters: fc.subarray(['A', 'B', 'C', 'D', 'E', 'F'], { minLength: 1 }),
});

export interface Scenario {
  segments: number;
  coaches: CoachShape[];
  /** Per seat in layout order: the rides already sold on it (often none, so parties can fit). */
  sold: Ride[][];
  request: AllocationRequest;
  seed: number;
  candidates: number | undefined;
  passSegments: boolean;
}

export const scenario: fc.Arbitrary<Scenario> = fc
  .record({ segments: fc.integer({ min: 1, max: 31 }), coaches: fc.array(coachShape, { minLength: 1, maxLength: 4 }) })
  .chain(({ segments, coaches }) => {
    const seatCount = seatsOf(coaches).length;
    return fc.record({
      segments: fc.constant(segments),
      coaches: fc.constant(coaches),
      sold: fc.array(fc.oneof(fc.constant<Ride[]>([]), fc.array(rideOn(segments), { maxLength: 3 })), {
        minLength: seatCount,
        maxLength: seatCount,
      }),
      request: fc.record(
        {
          fromIndex: fc.constant(0),
          toIndex: fc.constant(1),
          count: fc.integer({ min: 1, max: 5 }),
          letters: fc.subarray(['A', 'B', 'C', 'D', 'E', 'F'], { minLength: 1, maxLength: 3 }),
          together: fc.boolean(),
        },
        { requiredKeys: ['fromIndex', 'toIndex', 'count'] },
      ),
      ride: rideOn(segments),
      seed: fc.integer(),
      candidates: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
      passSegments: fc.boolean(),
    });
  })
  .map(({ ride, request, ...rest }) => ({ ...rest, request: { ...request, ...ride } }));

export function trainOf({ coaches, sold }: Scenario): SeatState[] {
  const seats = seatsOf(coaches);
  seats.forEach((seat, i) => {
    for (const ride of sold[i]!) seat.busy |= segmentMask(ride);
  });
  return seats;
}

export const optionsOf = (s: Scenario, extra: AllocateOptions = {}): AllocateOptions => ({
  random: seededRandom(s.seed),
  candidates: s.candidates,
  segments: s.passSegments ? s.segments : undefined,
  ...extra,
});

export const isFree = (seat: SeatState, { fromIndex, toIndex }: AllocationRequest): boolean => (seat.busy & segmentMask({ fromIndex, toIndex })) === 0;

/** The free segments around the ride, counted one by one (the reference for gapAround). */
export function naiveGap(busy: number, fromIndex: number, toIndex: number, segments: number): number {
  let gap = 0;
  for (let s = fromIndex - 1; s >= 0 && (busy & (1 << s)) === 0; s--) gap++;
  for (let s = toIndex; s < segments && (busy & (1 << s)) === 0; s++) gap++;
  return gap;
}

/** A seat's best-fit standing as [letter misses, gap]: compared in that order. */
export function standing(seats: readonly SeatState[], request: AllocationRequest, segments: number): [number, number] {
  const misses = seats.filter((seat) => request.letters && request.letters.length > 0 && !request.letters.includes(seat.letter)).length;
  const gaps = seats.reduce((sum, seat) => sum + naiveGap(seat.busy, request.fromIndex, request.toIndex, segments), 0);
  return [misses, gaps];
}

export const compareStanding = (a: [number, number], b: [number, number]): number => a[0] - b[0] || a[1] - b[1];

/** Every run of `count` seats next to each other in one row (as laid out), each seat free over the ride. */
export function adjacentFreeRuns(seats: readonly SeatState[], request: AllocationRequest): SeatState[][] {
  const runs: SeatState[][] = [];
  for (let i = 0; i + request.count <= seats.length; i++) {
    const run = seats.slice(i, i + request.count);
    if (run.every((seat) => seat.coach === run[0]!.coach && seat.row === run[0]!.row && isFree(seat, request))) runs.push(run);
  }
  return runs;
}

export function groupsOf(seats: readonly SeatState[], key: (seat: SeatState) => string): SeatState[][] {
  const groups = new Map<string, SeatState[]>();
  for (const seat of seats) groups.set(key(seat), [...(groups.get(key(seat)) ?? []), seat]);
  return [...groups.values()];
}

export const rowKey = (seat: SeatState) => `${seat.coach}/${seat.row}`;
export const ids = (seats: readonly SeatState[] | undefined) => seats?.map((seat) => `${seat.coach}/${seat.seat}`);
