import fc from 'fast-check';
import { allocateSeats, countFree, gapAround, type SeatState } from '../../../lib/allocator';
import { segmentMask } from '../../../lib/timetable/service';
import {
  adjacentFreeRuns,
  compareStanding,
  groupsOf,
  ids,
  isFree,
  naiveGap,
  optionsOf,
  rideOn,
  rowKey,
  scenario,
  standing,
  trainOf,
} from './scenarios';

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
