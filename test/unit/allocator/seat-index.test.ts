import { allocate, allocateSeats, indexSeats, InvalidAllocationRequestError, type SeatState } from '../../../lib/allocator';
import { segmentMask } from '../../../lib/timetable/service';
import { ids, seatsOf, seededRandom, sell } from './seat-fixtures';

const ROW = { rows: 1, letters: ['A', 'B', 'C', 'D', 'F'] };
/** 16 coaches of 15 rows × 5 seats: 1,200 seats, 75 per coach. */
const SIXTEEN_COACHES = Array.from({ length: 16 }, () => ({ rows: 15, letters: ['A', 'B', 'C', 'D', 'F'] }));
const SEGMENTS = 19;

/** How many of `draws` decisions put a seat in each coach (the first seat's coach for a party). */
function coachCounts(draws: number, decide: () => readonly SeatState[] | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < draws; i++) {
    const coach = decide()![0]!.coach;
    counts.set(coach, (counts.get(coach) ?? 0) + 1);
  }
  return counts;
}

const largestShare = (counts: Map<string, number>, draws: number): number => Math.max(...counts.values()) / draws;

describe('Function: allocate', () => {
  describe('no hot coach', () => {
    it('spreads single passengers over every coach of an empty 16-coach train', () => {
      // Prepare
      const seats = seatsOf(SIXTEEN_COACHES);
      const index = indexSeats(seats, { segments: SEGMENTS });
      const random = seededRandom(11);

      // Act
      const counts = coachCounts(400, () => allocate(index, { fromIndex: 3, toIndex: 8, count: 1 }, { random })?.map((p) => seats[p]!));

      // Assess
      expect(counts.size).toBe(16);
    });

    it.each([
      ['a single passenger', 1],
      ['a pair sitting together', 2],
      ['a party of four sitting together', 4],
    ])('gives no coach much more than 1/16 of 2,000 equally good picks for %s', (_case, count) => {
      // Expected share 1/16 = 0.0625 with a standard deviation of about 0.0054: 0.1 is seven of them away,
      // while keeping the first few (or 64) tied seats puts every pick in coach 01.
      const seats = seatsOf(SIXTEEN_COACHES);
      const index = indexSeats(seats, { segments: SEGMENTS });
      const random = seededRandom(12);

      const counts = coachCounts(2000, () => allocate(index, { fromIndex: 0, toIndex: 5, count }, { random })?.map((p) => seats[p]!));

      expect(counts.size).toBe(16);
      expect(largestShare(counts, 2000)).toBeLessThan(0.1);
    });

    it('spreads allocateSeats picks the same way, with default options', () => {
      const seats = seatsOf(SIXTEEN_COACHES);
      const random = seededRandom(13);

      const counts = coachCounts(2000, () => allocateSeats(seats, { fromIndex: 2, toIndex: 4, count: 1 }, { random, segments: SEGMENTS }));

      expect(counts.size).toBe(16);
      expect(largestShare(counts, 2000)).toBeLessThan(0.1);
    });

    it('spreads over every coach that ties, and only those, on a part-sold train', () => {
      // Coaches 03 and 09 each have one seat sold just before the ride: the only two tightest fits.
      const seats = seatsOf(SIXTEEN_COACHES);
      sell(seats, '03', '07C', 0, 2);
      sell(seats, '09', '11A', 0, 2);
      const index = indexSeats(seats, { segments: SEGMENTS });
      const random = seededRandom(14);

      const counts = coachCounts(200, () => allocate(index, { fromIndex: 2, toIndex: 6, count: 1 }, { random })?.map((p) => seats[p]!));

      expect([...counts.keys()].sort()).toEqual(['03', '09']);
      expect(Math.min(...counts.values())).toBeGreaterThan(60);
    });

    it('keeps the first equally good seat in layout order with candidates 1', () => {
      const seats = seatsOf(SIXTEEN_COACHES);
      const index = indexSeats(seats, { segments: SEGMENTS });

      for (const r of [0, 0.5, 0.99]) {
        expect(ids(allocate(index, { fromIndex: 0, toIndex: 1, count: 2 }, { random: () => r, candidates: 1 })?.map((p) => seats[p]!))).toEqual([
          '01/01A',
          '01/01B',
        ]);
      }
    });
  });

  it('answers positions in index.seats, in layout order', () => {
    const seats = seatsOf([ROW, ROW]);
    sell(seats, '01', '01B', 0, 2);
    const index = indexSeats(seats, { segments: 3 });

    const chosen = allocate(index, { fromIndex: 0, toIndex: 2, count: 2 }, { candidates: 1 });

    expect(chosen).toEqual([2, 3]);
    expect(ids(chosen!.map((p) => index.seats[p]!))).toEqual(['01/01C', '01/01D']);
  });

  it('seats a party in the tightest row when no row has adjacent seats, and in one coach when no row has room', () => {
    const seats = seatsOf([{ rows: 3, letters: ['A', 'B', 'C'] }, { rows: 3, letters: ['A', 'B', 'C'] }]);
    for (const seat of ['01B', '02B', '03B']) sell(seats, '01', seat, 0, 1); // every row of 01: A and C free
    sell(seats, '02', '01B', 0, 1);
    for (const seat of ['02A', '02B', '03A', '03B', '03C']) sell(seats, '02', seat, 0, 1); // 02 row 2: C only
    const index = indexSeats(seats, { segments: 1 });

    const pair = allocate(index, { fromIndex: 0, toIndex: 1, count: 2 }, { random: seededRandom(1) })!.map((p) => seats[p]!);
    expect(new Set(pair.map((seat) => `${seat.coach}/${seat.row}`)).size).toBe(1);
    expect(pair.map((seat) => seat.letter)).toEqual(['A', 'C']);
    const trio = allocate(index, { fromIndex: 0, toIndex: 1, count: 3 }, { random: seededRandom(2) })!.map((p) => seats[p]!);
    expect(new Set(trio.map((seat) => seat.coach)).size).toBe(1);
  });

  it('honours wanted letters through the index', () => {
    const seats = seatsOf([ROW, ROW]);
    sell(seats, '01', '01B', 0, 1); // the tightest seat, but not a window
    const index = indexSeats(seats, { segments: 2 });

    const chosen = allocate(index, { fromIndex: 1, toIndex: 2, count: 1, letters: ['A', 'F'] }, { random: seededRandom(3) })!;

    expect(['A', 'F']).toContain(seats[chosen[0]!]!.letter);
  });

  it('refuses a ride that ends past the route it was built for', () => {
    const index = indexSeats(seatsOf([ROW]), { segments: 3 });

    expect(() => allocate(index, { fromIndex: 1, toIndex: 4, count: 1 })).toThrow(InvalidAllocationRequestError);
  });
});

describe('Class: SeatIndex', () => {
  describe('Method: take', () => {
    it('marks the seats busy over the ride, so no later decision for an overlapping ride gets them', () => {
      const seats = seatsOf([ROW]);
      const index = indexSeats(seats, { segments: 4 });

      const first = allocate(index, { fromIndex: 0, toIndex: 2, count: 3 }, { random: seededRandom(4) })!;
      index.take(first, 0, 2);
      const second = allocate(index, { fromIndex: 1, toIndex: 3, count: 2 }, { random: seededRandom(5) })!;

      expect(second.filter((p) => first.includes(p))).toEqual([]);
      expect(allocate(index, { fromIndex: 1, toIndex: 3, count: 3 })).toBeUndefined();
      expect(index.countFree(0, 2)).toBe(2);
      expect(index.countFree(2, 4)).toBe(5);
      first.forEach((p) => expect(index.busyOf(p)).toBe(segmentMask({ fromIndex: 0, toIndex: 2 })));
    });

    it('makes a taken seat the tightest fit for the rides next to it', () => {
      const seats = seatsOf([ROW]);
      const index = indexSeats(seats, { segments: 4 });
      const [taken] = allocate(index, { fromIndex: 0, toIndex: 2, count: 1 }, { random: seededRandom(6) })!;

      index.take([taken!], 0, 2);

      expect(allocate(index, { fromIndex: 2, toIndex: 4, count: 1 }, { random: seededRandom(7) })).toEqual([taken]);
    });

    it('never writes to the seats it was built from', () => {
      const seats = seatsOf([ROW]);
      const index = indexSeats(seats);

      index.take([0, 1], 0, 3);

      expect(seats.map((seat) => seat.busy)).toEqual([0, 0, 0, 0, 0]);
    });

    it('refuses a position that is not a seat and a ride past the route', () => {
      const index = indexSeats(seatsOf([ROW]), { segments: 3 });

      expect(() => index.take([5], 0, 1)).toThrow(InvalidAllocationRequestError);
      expect(() => index.take([0], 2, 4)).toThrow(InvalidAllocationRequestError);
    });
  });

  describe('Method: setBusy', () => {
    it('replaces a seat’s mask, freeing segments as well as taking them', () => {
      const seats = seatsOf([{ rows: 1, letters: ['A', 'B'] }]);
      sell(seats, '01', '01A', 0, 3);
      const index = indexSeats(seats, { segments: 3 });

      index.setBusy(1, segmentMask({ fromIndex: 0, toIndex: 3 }));
      expect(allocate(index, { fromIndex: 0, toIndex: 1, count: 1 })).toBeUndefined();
      index.setBusy(0, segmentMask({ fromIndex: 2, toIndex: 3 }));

      expect(allocate(index, { fromIndex: 0, toIndex: 1, count: 1 })).toEqual([0]);
      expect(index.busyOf(0)).toBe(0b100);
    });
  });

  describe('Method: countFree', () => {
    it('counts the seats free on every segment of the ride', () => {
      const seats = seatsOf([ROW]);
      sell(seats, '01', '01A', 0, 1);
      sell(seats, '01', '01B', 2, 3);
      sell(seats, '01', '01C', 1, 2);
      const index = indexSeats(seats, { segments: 3 });

      expect([index.countFree(0, 1), index.countFree(1, 2), index.countFree(0, 3)]).toEqual([4, 4, 2]);
      expect(indexSeats([]).countFree(0, 1)).toBe(0);
    });
  });

  describe('Method: positionOf', () => {
    it('finds a seat by its coach and seat ids', () => {
      const index = indexSeats(seatsOf([ROW, ROW]));

      expect(index.positionOf('02', '01C')).toBe(7);
      expect(index.positionOf('03', '01A')).toBeUndefined();
    });
  });

  it('refuses a route longer than a mask holds', () => {
    expect(() => indexSeats(seatsOf([ROW]), { segments: 32 })).toThrow(InvalidAllocationRequestError);
  });
});
