import fc from 'fast-check';
import { allocate, allocateSeats, indexSeats, type AllocationRequest, type SeatState } from '../../../lib/allocator';
import { segmentMask } from '../../../lib/timetable/service';
import { seededRandom } from './seat-fixtures';
import { adjacentFreeRuns, compareStanding, ids, isFree, optionsOf, rideOn, scenario, standing, trainOf, type Scenario } from './scenarios';

/** What happens to the index between decisions: a decision (taken when it finds seats), or a re-read seat. */
type Step =
  | { kind: 'allocate'; request: AllocationRequest; seed: number }
  | { kind: 'setBusy'; seat: number; busy: number; keep: boolean };

const stepsOn = (segments: number): fc.Arbitrary<Step[]> =>
  fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.record({
        kind: fc.constant('allocate' as const),
        request: fc
          .record(
            {
              ride: rideOn(segments),
              count: fc.integer({ min: 1, max: 5 }),
              letters: fc.subarray(['A', 'B', 'C', 'D', 'E', 'F'], { minLength: 1, maxLength: 3 }),
              together: fc.boolean(),
            },
            { requiredKeys: ['ride', 'count'] },
          )
          .map(({ ride, ...rest }) => ({ ...rest, ...ride })),
        seed: fc.integer(),
      }) },
      {
        weight: 1,
        // `keep` ORs the new bits in (another buyer's hold); otherwise the mask is replaced (a release too).
        arbitrary: fc.record({ kind: fc.constant('setBusy' as const), seat: fc.nat(), busy: fc.integer({ min: 0, max: 2 ** segments - 1 }), keep: fc.boolean() }),
      },
    ),
    { maxLength: 25 },
  );

const withSteps = scenario.chain((s) => fc.tuple(fc.constant(s), stepsOn(s.segments)));

/** Checks one answer against the model (the seats' current masks): the properties allocateSeats has too. */
function expectSound(model: readonly SeatState[], request: AllocationRequest, chosen: number[] | undefined, segments: number): void {
  const free = model.filter((seat) => isFree(seat, request));
  if (free.length < request.count) {
    expect(chosen).toBeUndefined();
    return;
  }
  expect(chosen).toHaveLength(request.count);
  const seats = chosen!.map((p) => model[p]!);
  seats.forEach((seat) => expect(isFree(seat, request)).toBe(true));
  expect(new Set(chosen).size).toBe(chosen!.length);
  expect(chosen).toEqual([...chosen!].sort((a, b) => a - b));
  if (request.count === 1) {
    const best = free.map((seat) => standing([seat], request, segments)).sort(compareStanding)[0]!;
    expect(standing(seats, request, segments)).toEqual(best);
  }
  const runs = adjacentFreeRuns(model, request);
  if (request.count > 1 && request.together !== false && runs.length > 0) {
    expect(chosen![chosen!.length - 1]! - chosen![0]!).toBe(request.count - 1);
    const best = runs.map((run) => standing(run, request, segments)).sort(compareStanding)[0]!;
    expect(standing(seats, request, segments)).toEqual(best);
  }
}

describe('Function: allocate', () => {
  describe('properties over random layouts, occupancy and requests', () => {
    it('answers on a fresh index what allocateSeats answers', () => {
      fc.assert(
        fc.property(scenario, (s: Scenario) => {
          const seats = trainOf(s);
          const index = indexSeats(seats, { segments: s.segments });
          const { random, candidates } = optionsOf(s);

          const chosen = allocate(index, s.request, { random, candidates });

          expect(ids(chosen?.map((p) => seats[p]!))).toEqual(ids(allocateSeats(seats, s.request, { ...optionsOf(s), segments: s.segments })));
        }),
        { numRuns: 200 },
      );
    });

    it('after any takes and re-reads, never returns a busy or taken seat, nor one twice, and returns `count` seats iff that many are free', () => {
      fc.assert(
        fc.property(withSteps, ([s, steps]) => {
          const seats = trainOf(s);
          const model = structuredClone(seats);
          const index = indexSeats(seats, { segments: s.segments });

          for (const step of steps) {
            if (step.kind === 'setBusy') {
              const seat = step.seat % Math.max(1, model.length);
              if (model.length === 0) continue;
              const busy = step.keep ? model[seat]!.busy | step.busy : step.busy;
              index.setBusy(seat, busy);
              model[seat]!.busy = busy;
              continue;
            }
            const { request } = step;
            const chosen = allocate(index, request, { random: seededRandom(step.seed) });

            expectSound(model, request, chosen, s.segments);
            expect(index.countFree(request.fromIndex, request.toIndex)).toBe(model.filter((seat) => isFree(seat, request)).length);
            if (chosen === undefined) continue;
            index.take(chosen, request.fromIndex, request.toIndex);
            for (const p of chosen) model[p]!.busy |= segmentMask(request);
          }

          model.forEach((seat, p) => expect(index.busyOf(p)).toBe(seat.busy));
          expect(seats).toEqual(trainOf(s));
        }),
        { numRuns: 300 },
      );
    });
  });
});
