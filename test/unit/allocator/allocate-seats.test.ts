import {
  allocateSeats,
  countFree,
  gapAround,
  InvalidAllocationRequestError,
  type AllocationRequest,
} from '../../../lib/allocator';
import { ids, seatsOf, seededRandom, sell } from './seat-fixtures';

const ROW = { rows: 1, letters: ['A', 'B', 'C', 'D', 'F'] };

describe('Function: allocateSeats', () => {
  describe('best-fit', () => {
    it('prefers the tightest gap: a seat sold A→B is chosen for B→C over a fresh seat', () => {
      // Prepare: stops A, B, C, D; seat 01D was sold A→B
      const seats = seatsOf([ROW]);
      sell(seats, '01', '01D', 0, 1);

      // Act
      const chosen = allocateSeats(seats, { fromIndex: 1, toIndex: 2, count: 1 }, { segments: 3 });

      // Assess
      expect(ids(chosen)).toEqual(['01/01D']);
    });

    it('prefers the seat whose free gap wastes the fewest segments', () => {
      const seats = seatsOf([ROW]);
      sell(seats, '01', '01A', 0, 1); // free 1→6: a ride 2→3 leaves 1 + 3 free segments around it
      sell(seats, '01', '01B', 1, 2); // free 2→4, then sold: leaves 0 + 1
      sell(seats, '01', '01B', 4, 6);
      sell(seats, '01', '01C', 0, 2); // free 2→3 only: a perfect fit
      sell(seats, '01', '01C', 3, 6);

      expect(ids(allocateSeats(seats, { fromIndex: 2, toIndex: 3, count: 1 }, { segments: 6 }))).toEqual(['01/01C']);
      sell(seats, '01', '01C', 2, 3);
      expect(ids(allocateSeats(seats, { fromIndex: 2, toIndex: 3, count: 1 }, { segments: 6 }))).toEqual(['01/01B']);
    });

    it('prefers a seat already sold on some segment over an untouched one', () => {
      const seats = seatsOf([ROW]);
      sell(seats, '01', '01F', 5, 6);

      expect(ids(allocateSeats(seats, { fromIndex: 0, toIndex: 2, count: 1 }, { segments: 6 }))).toEqual(['01/01F']);
    });

    it('measures a gap that runs to the route end up to `segments`', () => {
      // 01A is free 2→31 on a mask but 2→6 on this route; 01B is free 0→5.
      const seats = seatsOf([{ rows: 1, letters: ['A', 'B'] }]);
      sell(seats, '01', '01A', 1, 2);
      sell(seats, '01', '01B', 5, 6);
      const request = { fromIndex: 2, toIndex: 3, count: 1 };

      expect(ids(allocateSeats(seats, request, { segments: 6 }))).toEqual(['01/01A']);
      expect(ids(allocateSeats(seats, request))).toEqual(['01/01B']);
    });

    it('honours wanted letters when such a seat is free', () => {
      const seats = seatsOf([ROW, ROW]);
      sell(seats, '01', '01B', 0, 1); // a tighter fit, but not a window

      const chosen = allocateSeats(seats, { fromIndex: 1, toIndex: 2, count: 1, letters: ['A', 'F'] }, { random: () => 0.99 });

      expect(chosen).toHaveLength(1);
      expect(['A', 'F']).toContain(chosen![0]!.letter);
    });

    it('falls back to other letters when no wanted seat is free', () => {
      const seats = seatsOf([ROW]);
      sell(seats, '01', '01A', 0, 3);
      sell(seats, '01', '01F', 1, 2);

      const chosen = allocateSeats(seats, { fromIndex: 1, toIndex: 2, count: 1, letters: ['A', 'F'] }, { segments: 3 });

      expect(chosen).toHaveLength(1);
      expect(['B', 'C', 'D']).toContain(chosen![0]!.letter);
    });

    it('seats a party in adjacent seats of one row', () => {
      const seats = seatsOf([ROW, ROW]);
      sell(seats, '01', '01B', 0, 2); // row 1 has A, C, D, F free: C-D is the only pair of neighbours

      const chosen = allocateSeats(seats, { fromIndex: 0, toIndex: 2, count: 2 }, { segments: 4, candidates: 1 });

      expect(ids(chosen)).toEqual(['01/01C', '01/01D']);
    });

    it('prefers the adjacent run whose gaps are tightest', () => {
      const seats = seatsOf([{ rows: 2, letters: ['A', 'B', 'C'] }]);
      sell(seats, '01', '02B', 2, 3);
      sell(seats, '01', '02C', 2, 3);

      const chosen = allocateSeats(seats, { fromIndex: 0, toIndex: 2, count: 2 }, { segments: 3, random: () => 0.99 });

      expect(ids(chosen)).toEqual(['01/02B', '01/02C']);
    });

    it('keeps a party in one row when no row has adjacent free seats', () => {
      const seats = seatsOf([{ rows: 2, letters: ['A', 'B', 'C', 'D', 'F'] }]);
      for (const seat of ['01A', '01C', '01F', '02B', '02D']) sell(seats, '01', seat, 0, 1);

      const chosen = allocateSeats(seats, { fromIndex: 0, toIndex: 1, count: 3 }, { segments: 1 });

      expect(ids(chosen)).toEqual(['01/02A', '01/02C', '01/02F']);
    });

    it('keeps a party in one coach when no row has room', () => {
      const seats = seatsOf([{ rows: 3, letters: ['A', 'B'] }, { rows: 3, letters: ['A', 'B'] }]);
      for (const seat of ['01A', '02B', '03A', '03B']) sell(seats, '01', seat, 0, 1);
      for (const seat of ['01A', '02A', '03A']) sell(seats, '02', seat, 0, 1);

      const chosen = allocateSeats(seats, { fromIndex: 0, toIndex: 1, count: 3 }, { segments: 1 });

      expect(ids(chosen)).toEqual(['02/01B', '02/02B', '02/03B']);
    });

    it('seats a party wherever seats are free when no coach has room', () => {
      const seats = seatsOf([{ rows: 1, letters: ['A', 'B'] }, { rows: 1, letters: ['A', 'B'] }]);
      sell(seats, '01', '01A', 0, 1);
      sell(seats, '02', '01B', 0, 1);

      const chosen = allocateSeats(seats, { fromIndex: 0, toIndex: 1, count: 2 }, { segments: 1 });

      expect(ids(chosen)).toEqual(['01/01B', '02/01A']);
    });

    it('seats a party that need not sit together in the tightest seats anywhere', () => {
      const seats = seatsOf([ROW, ROW]);
      sell(seats, '01', '01A', 0, 1);
      sell(seats, '02', '01F', 0, 1);

      const chosen = allocateSeats(seats, { fromIndex: 1, toIndex: 3, count: 2, together: false }, { segments: 3 });

      expect(ids(chosen)).toEqual(['01/01A', '02/01F']);
    });

    it('chooses at random among the first `candidates` equally good seats', () => {
      const seats = seatsOf([ROW, ROW]);
      const pick = (r: number, candidates?: number) =>
        ids(allocateSeats(seats, { fromIndex: 0, toIndex: 1, count: 1 }, { random: () => r, candidates }))![0];

      expect([0, 0.3, 0.6, 0.9].map((r) => pick(r, 4))).toEqual(['01/01A', '01/01B', '01/01C', '01/01D']);
      expect([0, 0.5, 0.99].map((r) => pick(r, 1))).toEqual(['01/01A', '01/01A', '01/01A']);
    });

    it('never trades a better seat for randomness', () => {
      const seats = seatsOf([ROW]);
      sell(seats, '01', '01D', 0, 1);

      for (const r of [0, 0.5, 0.99]) {
        expect(ids(allocateSeats(seats, { fromIndex: 1, toIndex: 2, count: 1 }, { segments: 2, random: () => r }))).toEqual(['01/01D']);
      }
    });

    it('keeps its choice valid with a random source outside [0, 1) or far more candidates than seats', () => {
      const seats = seatsOf([ROW]);

      for (const r of [1, -0.5, Number.NaN]) {
        const chosen = allocateSeats(seats, { fromIndex: 0, toIndex: 1, count: 2, together: false }, { random: () => r, candidates: 1e9 });
        expect(chosen).toHaveLength(2);
        chosen!.forEach((seat) => expect(seats).toContain(seat));
      }
    });

    it('draws one random number per decision', () => {
      const random = jest.fn(() => 0.5);

      allocateSeats(seatsOf([ROW, ROW]), { fromIndex: 0, toIndex: 1, count: 3, together: false }, { random });

      expect(random).toHaveBeenCalledTimes(1);
    });
  });

  describe('first-fit', () => {
    it('takes the first free seats in layout order, whatever the gaps and letters', () => {
      const seats = seatsOf([ROW]);
      sell(seats, '01', '01A', 0, 2);
      sell(seats, '01', '01D', 0, 1);

      const chosen = allocateSeats(seats, { fromIndex: 1, toIndex: 2, count: 2, letters: ['F'] }, { strategy: 'first-fit' });

      expect(ids(chosen)).toEqual(['01/01B', '01/01C']);
    });
  });

  it('returns undefined when fewer than `count` seats are free over the whole ride', () => {
    const seats = seatsOf([{ rows: 1, letters: ['A', 'B', 'C'] }]);
    sell(seats, '01', '01A', 1, 2);

    expect(allocateSeats(seats, { fromIndex: 0, toIndex: 3, count: 3 })).toBeUndefined();
    expect(allocateSeats(seats, { fromIndex: 0, toIndex: 3, count: 3 }, { strategy: 'first-fit' })).toBeUndefined();
    expect(allocateSeats([], { fromIndex: 0, toIndex: 1, count: 1 })).toBeUndefined();
  });

  it('returns the caller’s seat objects, in layout order', () => {
    const seats = seatsOf([ROW]);

    const chosen = allocateSeats(seats, { fromIndex: 0, toIndex: 1, count: 3, together: false }, { random: seededRandom(7) });

    expect(chosen).toHaveLength(3);
    chosen!.forEach((seat) => expect(seats).toContain(seat));
    expect(chosen!.map((seat) => seats.indexOf(seat))).toEqual([...chosen!.map((seat) => seats.indexOf(seat))].sort((a, b) => a - b));
  });

  it.each<[string, Partial<AllocationRequest>]>([
    ['from after to', { fromIndex: 3, toIndex: 2 }],
    ['an empty ride', { fromIndex: 2, toIndex: 2 }],
    ['a negative stop', { fromIndex: -1, toIndex: 2 }],
    ['a ride past the last segment a mask holds', { fromIndex: 0, toIndex: 32 }],
    ['a fractional stop', { fromIndex: 0.5, toIndex: 2 }],
    ['no passengers', { count: 0 }],
    ['a fractional party', { count: 1.5 }],
  ])('refuses a request with %s', (_case, change) => {
    const request = { fromIndex: 0, toIndex: 2, count: 1, ...change };

    expect(() => allocateSeats(seatsOf([ROW]), request)).toThrow(InvalidAllocationRequestError);
  });

  it.each([
    ['no candidates', { candidates: 0 }],
    ['a route shorter than the ride', { segments: 1 }],
    ['a route longer than a mask holds', { segments: 32 }],
  ])('refuses options with %s', (_case, options) => {
    expect(() => allocateSeats(seatsOf([ROW]), { fromIndex: 0, toIndex: 2, count: 1 }, options)).toThrow(InvalidAllocationRequestError);
  });
});

describe('Function: countFree', () => {
  it('counts the seats free on every segment of the ride', () => {
    const seats = seatsOf([ROW]);
    sell(seats, '01', '01A', 0, 1);
    sell(seats, '01', '01B', 2, 3);
    sell(seats, '01', '01C', 1, 2);

    expect(countFree(seats, 0, 1)).toBe(4);
    expect(countFree(seats, 1, 2)).toBe(4);
    expect(countFree(seats, 0, 3)).toBe(2);
  });

  it('refuses a ride that is not one', () => {
    expect(() => countFree([], 2, 1)).toThrow(InvalidAllocationRequestError);
  });
});

describe('Function: gapAround', () => {
  it.each([
    ['an untouched seat', 0, 2, 3, 6, 5],
    ['a seat sold just before and just after the ride', 0b001011, 2, 3, 6, 0],
    ['a seat sold far before and far after', 0b100001, 2, 4, 6, 2],
    ['a ride from the route start', 0b010000, 0, 2, 6, 2],
    ['a ride to the route end', 0b000001, 3, 6, 6, 2],
    ['a whole-route ride', 0, 0, 31, 31, 0],
  ])('measures %s', (_case, busy, fromIndex, toIndex, segments, gap) => {
    expect(gapAround(busy, fromIndex, toIndex, segments)).toBe(gap);
  });
});
