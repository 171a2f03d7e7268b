import fc from 'fast-check';
import {
  busyAt,
  decodeCoach,
  EMPTY_SEAT,
  encodeCoach,
  OccupancyFormatError,
  type SeatOccupancy,
  seatOccupancy,
  withHold,
} from '../../../lib/ledger/coach-occupancy';
import type { SeatSegments } from '../../../lib/ledger/occupancy';

const NOW = Date.parse('2026-12-01T08:00:00.000Z');
const MINUTE = 60_000;

/** A seat as the codec keeps it: expiries in whole seconds, as `encodeCoach` rounds them (up). */
const segmentMask = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const seatArbitrary: fc.Arbitrary<SeatOccupancy> = fc.record({
  sold: segmentMask,
  holds: fc.array(fc.record({ mask: fc.integer({ min: 1, max: 2 ** 31 - 1 }), until: fc.integer({ min: NOW / 1000, max: NOW / 1000 + 86_400 }).map((s) => s * 1000) }), { maxLength: 4 }),
});

describe('Module: coach-occupancy', () => {
  describe('Function: encodeCoach / decodeCoach', () => {
    it('gives back every seat it was given, in layout order', () => {
      fc.assert(
        fc.property(fc.array(seatArbitrary, { maxLength: 120 }), (seats) => {
          const decoded = decodeCoach(encodeCoach(seats), seats.length);

          expect(decoded).toEqual(seats.map((s) => (s.sold === 0 && s.holds.length === 0 ? EMPTY_SEAT : s)));
        }),
      );
    });

    it('rounds an expiry up to the whole second, so a hold is never shown free early', () => {
      const seat: SeatOccupancy = { sold: 0, holds: [{ mask: 0b11, until: NOW + 1 }] };

      const [decoded] = decodeCoach(encodeCoach([seat]), 1);

      expect(decoded?.holds).toEqual([{ mask: 0b11, until: NOW + 1000 }]);
      expect(busyAt(decoded as SeatOccupancy, NOW + 1)).toBe(0b11);
    });

    it('keeps the thirty-second segment, whose bit is the sign bit of a 32-bit mask', () => {
      const top = 1 << 31;
      const seat: SeatOccupancy = { sold: top, holds: [{ mask: top | 1, until: NOW }] };

      const [decoded] = decodeCoach(encodeCoach([seat]), 1);

      expect(busyAt(decoded as SeatOccupancy, NOW - 1)).toBe(top | 1);
      expect(busyAt(decoded as SeatOccupancy, NOW)).toBe(top);
    });

    it('reads the seats past the end of the bytes as empty: a coach that grew since it was encoded', () => {
      const sold: SeatOccupancy = { sold: 0b1, holds: [] };

      expect(decodeCoach(encodeCoach([sold]), 3)).toEqual([sold, EMPTY_SEAT, EMPTY_SEAT]);
    });

    it('encodes an empty seat in two bytes and a coach in a version byte and the earliest expiry', () => {
      expect(encodeCoach([])).toHaveLength(2);
      expect(encodeCoach(Array.from({ length: 100 }, () => EMPTY_SEAT))).toHaveLength(2 + 200);
    });

    it('keeps a 100-seat coach with every seat sold and one live hold on each under 1 KB', () => {
      const full = Array.from({ length: 100 }, (_, i): SeatOccupancy => ({ sold: 0b0011, holds: [{ mask: 0b1100, until: NOW + 30 * MINUTE + i * 1000 }] }));

      const bytes = encodeCoach(full);

      expect(bytes.length).toBeLessThan(1024);
      expect(decodeCoach(bytes, 100)).toEqual(full);
    });

    it('refuses bytes of another format version', () => {
      const bytes = encodeCoach([EMPTY_SEAT]);
      bytes[0] = 2;

      expect(() => decodeCoach(bytes, 1)).toThrow(OccupancyFormatError);
    });

    it('refuses bytes that end inside a seat', () => {
      const bytes = encodeCoach([{ sold: 0, holds: [{ mask: 0b1, until: NOW }] }]);

      expect(() => decodeCoach(bytes.slice(0, bytes.length - 1), 1)).toThrow(OccupancyFormatError);
      expect(() => decodeCoach(new Uint8Array(), 1)).toThrow(OccupancyFormatError);
    });
  });

  describe('Function: seatOccupancy', () => {
    it('collects the sold segments in one mask and each live hold in its own, with its expiry', () => {
      const segments: SeatSegments = {
        s0: { h: 'o1', st: 'S', x: 0 },
        s1: { h: 'h1', st: 'H', x: NOW + MINUTE },
        s2: { h: 'h1', st: 'H', x: NOW + MINUTE },
        s4: { h: 'h2', st: 'H', x: NOW + 2 * MINUTE },
      };

      expect(seatOccupancy(segments, NOW)).toEqual({
        sold: 0b00001,
        holds: [
          { mask: 0b00110, until: NOW + MINUTE },
          { mask: 0b10000, until: NOW + 2 * MINUTE },
        ],
      });
    });

    it('drops the holds that lapsed by now, at the millisecond', () => {
      const segments: SeatSegments = { s0: { h: 'gone', st: 'H', x: NOW }, s1: { h: 'live', st: 'H', x: NOW + 1 } };

      expect(seatOccupancy(segments, NOW)).toEqual({ sold: 0, holds: [{ mask: 0b10, until: NOW + 1 }] });
    });

    it('answers the empty seat for a seat with nothing live', () => {
      expect(seatOccupancy({}, NOW)).toBe(EMPTY_SEAT);
      expect(seatOccupancy({ s0: { h: 'gone', st: 'H', x: NOW - 1 } }, NOW)).toBe(EMPTY_SEAT);
    });

    it('keeps a sold segment whatever its expiry field says', () => {
      expect(seatOccupancy({ s1: { h: 'o1', st: 'S', x: 0 } }, NOW)).toEqual({ sold: 0b10, holds: [] });
    });
  });

  describe('Function: busyAt', () => {
    it('counts the sold segments and the holds not yet lapsed', () => {
      const seat: SeatOccupancy = { sold: 0b001, holds: [{ mask: 0b010, until: NOW + MINUTE }, { mask: 0b100, until: NOW }] };

      expect(busyAt(seat, NOW - 1)).toBe(0b111);
      expect(busyAt(seat, NOW)).toBe(0b011);
      expect(busyAt(seat, NOW + MINUTE)).toBe(0b001);
    });
  });

  describe('Function: withHold', () => {
    it('adds a hold to a copy of the seat, leaving the seat as it was', () => {
      const seat: SeatOccupancy = { sold: 0b1, holds: [] };

      const held = withHold(seat, 0b10, NOW + MINUTE);

      expect(held).toEqual({ sold: 0b1, holds: [{ mask: 0b10, until: NOW + MINUTE }] });
      expect(seat.holds).toEqual([]);
      expect(withHold(EMPTY_SEAT, 0b1, NOW).holds).toHaveLength(1);
      expect(EMPTY_SEAT.holds).toHaveLength(0);
    });
  });
});
