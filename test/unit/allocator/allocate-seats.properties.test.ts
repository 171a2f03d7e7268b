import fc from 'fast-check';
import { allocateSeats, countFree, gapAround, type AllocateOptions, type AllocationRequest, type SeatState } from '../../../lib/allocator';
import { segmentMask } from '../../../lib/timetable/service';
import { seatsOf, seededRandom, type CoachShape } from './seat-fixtures';

interface Ride {
  fromIndex: number;
  toIndex: number;
}

/** A ride on a route of `segments` segments. */
const rideOn = (segments: number): fc.Arbitrary<Ride> =>
  fc.integer({ min: 0, max: segments - 1 }).chain((fromIndex) =>
    fc.integer({ min: fromIndex + 1, max: segments }).map((toIndex) => ({ fromIndex, toIndex })),
  );

const coachShape: fc.Arbitrary<CoachShape> = fc.record({
  rows: fc.integer({ min: 1, max: 4 }),
  letters: fc.subarray(['A', 'B', 'C', 'D', 'E', 'F'], { minLength: 1 }),
});

interface Scenario {
  segments: number;
  coaches: CoachShape[];
  /** Per seat in layout order: the rides already sold on it (often none, so parties can fit). */
  sold: Ride[][];
  request: AllocationRequest;
  seed: number;
  candidates: number | undefined;
  passSegments: boolean;
}

const scenario: fc.Arbitrary<Scenario> = fc
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

function trainOf({ coaches, sold }: Scenario): SeatState[] {
  const seats = seatsOf(coaches);
  seats.forEach((seat, i) => {
    for (const ride of sold[i]!) seat.busy |= segmentMask(ride);
  });
  return seats;
}

const optionsOf = (s: Scenario, extra: AllocateOptions = {}): AllocateOptions => ({
  random: seededRandom(s.seed),
  candidates: s.candidates,
  segments: s.passSegments ? s.segments : undefined,
  ...extra,
});

const isFree = (seat: SeatState, { fromIndex, toIndex }: AllocationRequest): boolean => (seat.busy & segmentMask({ fromIndex, toIndex })) === 0;

/** The free segments around the ride, counted one by one (the reference for gapAround). */
function naiveGap(busy: number, fromIndex: number, toIndex: number, segments: number): number {
  let gap = 0;
  for (let s = fromIndex - 1; s >= 0 && (busy & (1 << s)) === 0; s--) gap++;
  for (let s = toIndex; s < segments && (busy & (1 << s)) === 0; s++) gap++;
  return gap;
}

/** A seat's best-fit standing as [letter misses, gap]: compared in that order. */
function standing(seats: readonly SeatState[], request: AllocationRequest, segments: number): [number, number] {
  const misses = seats.filter((seat) => request.letters && request.letters.length > 0 && !request.letters.includes(seat.letter)).length;
  const gaps = seats.reduce((sum, seat) => sum + naiveGap(seat.busy, request.fromIndex, request.toIndex, segments), 0);
  return [misses, gaps];
}

const compareStanding = (a: [number, number], b: [number, number]): number => a[0] - b[0] || a[1] - b[1];

/** Every run of `count` seats next to each other in one row (as laid out), each seat free over the ride. */
function adjacentFreeRuns(seats: readonly SeatState[], request: AllocationRequest): SeatState[][] {
  const runs: SeatState[][] = [];
  for (let i = 0; i + request.count <= seats.length; i++) {
    const run = seats.slice(i, i + request.count);
    if (run.every((seat) => seat.coach === run[0]!.coach && seat.row === run[0]!.row && isFree(seat, request))) runs.push(run);
  }
  return runs;
}

function groupsOf(seats: readonly SeatState[], key: (seat: SeatState) => string): SeatState[][] {
  const groups = new Map<string, SeatState[]>();
  for (const seat of seats) groups.set(key(seat), [...(groups.get(key(seat)) ?? []), seat]);
  return [...groups.values()];
}

const rowKey = (seat: SeatState) => `${seat.coach}/${seat.row}`;
const ids = (seats: readonly SeatState[] | undefined) => seats?.map((seat) => `${seat.coach}/${seat.seat}`);

describe('Function: allocateSeats', () => {
  describe('properties over random layouts, occupancy and requests', () => {
    it('never returns a seat busy on a requested segment, nor the same seat twice, nor a seat it was not given', () => {
      fc.assert(
        fc.property(scenario, fc.constantFrom('best-fit' as const, 'first-fit' as const), (s, strategy) => {
          const seats = trainOf(s);

          const chosen = allocateSeats(seats, s.request, optionsOf(s, { strategy })) ?? [];

          for (const seat of chosen) {
            expect(seats).toContain(seat);
            expect(isFree(seat, s.request)).toBe(true);
          }
          expect(new Set(chosen).size).toBe(chosen.length);
        }),
        { numRuns: 300 },
      );
    });

    it('returns exactly `count` seats iff countFree is at least `count`, and undefined otherwise', () => {
      fc.assert(
        fc.property(scenario, fc.constantFrom('best-fit' as const, 'first-fit' as const), (s, strategy) => {
          const seats = trainOf(s);
          const free = countFree(seats, s.request.fromIndex, s.request.toIndex);

          const chosen = allocateSeats(seats, s.request, optionsOf(s, { strategy }));

          expect(free).toBe(seats.filter((seat) => isFree(seat, s.request)).length);
          if (free >= s.request.count) expect(chosen).toHaveLength(s.request.count);
          else expect(chosen).toBeUndefined();
        }),
        { numRuns: 300 },
      );
    });

    it('seats a party that wants to sit together in adjacent seats of one row, the best such run, when one exists', () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const seats = trainOf(s);
          const request = { ...s.request, together: true };
          const runs = adjacentFreeRuns(seats, request);
          fc.pre(runs.length > 0);

          const chosen = allocateSeats(seats, request, optionsOf(s, { segments: s.segments }))!;

          const first = seats.indexOf(chosen[0]!);
          expect(chosen).toEqual(seats.slice(first, first + request.count));
          expect(new Set(chosen.map(rowKey)).size).toBe(1);
          const best = runs.map((run) => standing(run, request, s.segments)).sort(compareStanding)[0]!;
          expect(standing(chosen, request, s.segments)).toEqual(best);
        }),
        { numRuns: 300 },
      );
    });

    it('keeps a party in one row, else one coach, when no row has adjacent room but one has room', () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const seats = trainOf(s);
          const request = { ...s.request, together: true };
          const free = seats.filter((seat) => isFree(seat, request));
          const roomy = (groups: SeatState[][]) => groups.some((group) => group.length >= request.count);
          const rowHasRoom = roomy(groupsOf(free, rowKey));
          const coachHasRoom = roomy(groupsOf(free, (seat) => seat.coach));
          fc.pre(adjacentFreeRuns(seats, request).length === 0 && coachHasRoom);

          const chosen = allocateSeats(seats, request, optionsOf(s))!;

          expect(new Set(chosen.map((seat) => seat.coach)).size).toBe(1);
          if (rowHasRoom) expect(new Set(chosen.map(rowKey)).size).toBe(1);
        }),
        { numRuns: 300 },
      );
    });

    it('gives a single passenger a seat with the fewest letter misses, then the tightest gap', () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const seats = trainOf(s);
          const request = { ...s.request, count: 1 };
          const free = seats.filter((seat) => isFree(seat, request));

          const chosen = allocateSeats(seats, request, optionsOf(s, { segments: s.segments }));

          if (free.length === 0) return;
          const best = free.map((seat) => standing([seat], request, s.segments)).sort(compareStanding)[0]!;
          expect(standing(chosen!, request, s.segments)).toEqual(best);
        }),
        { numRuns: 300 },
      );
    });

    it('is deterministic given the same random source, and leaves the seats untouched', () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const seats = trainOf(s);
          const before = structuredClone(seats);

          const first = allocateSeats(seats, s.request, optionsOf(s));
          const second = allocateSeats(seats, s.request, optionsOf(s));

          expect(ids(second)).toEqual(ids(first));
          expect(seats).toEqual(before);
        }),
      );
    });

    it('returns its seats in layout order', () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const seats = trainOf(s);

          const chosen = allocateSeats(seats, s.request, optionsOf(s)) ?? [];

          const positions = chosen.map((seat) => seats.indexOf(seat));
          expect(positions).toEqual([...positions].sort((a, b) => a - b));
        }),
      );
    });

    it('first-fit takes the first free seats in layout order', () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const seats = trainOf(s);
          const free = seats.filter((seat) => isFree(seat, s.request));
          fc.pre(free.length >= s.request.count);

          expect(allocateSeats(seats, s.request, { strategy: 'first-fit' })).toEqual(free.slice(0, s.request.count));
        }),
      );
    });
  });
});

describe('Function: gapAround', () => {
  it('equals the free segments around the ride counted one by one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 31 }).chain((segments) =>
          fc.tuple(fc.constant(segments), rideOn(segments), fc.integer({ min: 0, max: 2 ** segments - 1 })),
        ),
        ([segments, ride, sold]) => {
          const busy = sold & ~segmentMask(ride); // free over the ride, as gapAround requires

          expect(gapAround(busy, ride.fromIndex, ride.toIndex, segments)).toBe(naiveGap(busy, ride.fromIndex, ride.toIndex, segments));
        },
      ),
      { numRuns: 500 },
    );
  });
});
