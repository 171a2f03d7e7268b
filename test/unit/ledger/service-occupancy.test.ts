import { EMPTY_SEAT, encodeCoach, type SeatOccupancy } from '../../../lib/ledger/coach-occupancy';
import { coachLayouts, ServiceOccupancy } from '../../../lib/ledger/service-occupancy';
import { type Service, toService } from '../../../lib/timetable/service';

const NOW = Date.parse('2026-12-01T08:00:00.000Z');
const MINUTE = 60_000;
/** VNP → JGK → AOH: segment 0 is VNP→JGK, segment 1 JGK→AOH. */
const WHOLE_RUN = 0b11;
const FIRST_LEG = 0b01;
const SECOND_LEG = 0b10;

/** G1 with a business coach 01 (2 rows A C F) and a second-class coach 02 (2 rows A B C D F). */
function aService(): Service {
  return toService({
    trainNo: 'G1',
    date: '2026-12-01',
    stops: [
      { station: 'VNP', name: 'Beijing South', departs: '09:00' },
      { station: 'JGK', name: 'Jinan West', arrives: '10:32', departs: '10:34' },
      { station: 'AOH', name: 'Shanghai Hongqiao', arrives: '13:28' },
    ],
    coaches: [
      { coach: '01', seatClass: 'business', rows: 2, letters: ['A', 'C', 'F'] },
      { coach: '02', seatClass: 'second', rows: 2, letters: ['A', 'B', 'C', 'D', 'F'] },
    ],
    fares: { business: 174800, second: 55300 },
  });
}

const sold = (mask: number): SeatOccupancy => ({ sold: mask, holds: [] });
const heldUntil = (mask: number, until: number): SeatOccupancy => ({ sold: 0, holds: [{ mask, until }] });

/** Coach 01 as the snapshot has it, in layout order 01A 01C 01F 02A 02C 02F. */
const coach01 = (seats: Partial<Record<string, SeatOccupancy>>) => ['01A', '01C', '01F', '02A', '02C', '02F'].map((s) => seats[s] ?? EMPTY_SEAT);

describe('Module: service-occupancy', () => {
  describe('Function: coachLayouts', () => {
    it('lays out each coach with its class and its seats in layout order, indexed by seat number', () => {
      const [business, second] = coachLayouts(aService());

      expect(business).toMatchObject({ coach: '01', seatClass: 'business' });
      expect(business?.seats.map((s) => s.seat)).toEqual(['01A', '01C', '01F', '02A', '02C', '02F']);
      expect(business?.index.get('02C')).toBe(4);
      expect(second?.seats).toHaveLength(10);
    });

    it('computes the layout once per service object', () => {
      const service = aService();

      expect(coachLayouts(service)).toBe(coachLayouts(service));
    });
  });

  describe('Class: ServiceOccupancy', () => {
    describe('Method: decode', () => {
      it('reads each coach from its bytes, and a coach with no bytes yet as empty', () => {
        const service = aService();
        const bytes = new Map([['01', encodeCoach(coach01({ '01A': sold(WHOLE_RUN) }))]]);

        const occupancy = ServiceOccupancy.decode(service, bytes);

        expect(occupancy.freeSeats('business', WHOLE_RUN, NOW)).toBe(5);
        expect(occupancy.freeSeats('second', WHOLE_RUN, NOW)).toBe(10);
      });

      it('ignores bytes of a coach the service does not have', () => {
        const occupancy = ServiceOccupancy.decode(aService(), new Map([['09', encodeCoach([sold(WHOLE_RUN)])]]));

        expect(occupancy.freeSeats('business', WHOLE_RUN, NOW)).toBe(6);
      });
    });

    describe('Method: freeSeats', () => {
      it('counts the seats of a class free over every segment of the ride', () => {
        const occupancy = new ServiceOccupancy(aService(), new Map([['01', coach01({ '01A': sold(FIRST_LEG), '01C': heldUntil(SECOND_LEG, NOW + MINUTE), '01F': sold(WHOLE_RUN) })]]));

        expect(occupancy.freeSeats('business', WHOLE_RUN, NOW)).toBe(3);
        expect(occupancy.freeSeats('business', FIRST_LEG, NOW)).toBe(4);
        expect(occupancy.freeSeats('business', SECOND_LEG, NOW)).toBe(4);
      });

      it('counts a seat free again once its hold lapses', () => {
        const occupancy = new ServiceOccupancy(aService(), new Map([['01', coach01({ '01C': heldUntil(WHOLE_RUN, NOW + MINUTE) })]]));

        expect(occupancy.freeSeats('business', WHOLE_RUN, NOW + MINUTE - 1)).toBe(5);
        expect(occupancy.freeSeats('business', WHOLE_RUN, NOW + MINUTE)).toBe(6);
      });
    });

    describe('Method: seatMap', () => {
      it('maps every seat of every coach as free or not over the ride', () => {
        const occupancy = new ServiceOccupancy(aService(), new Map([['01', coach01({ '01A': sold(FIRST_LEG) })]]));

        const map = occupancy.seatMap(undefined, FIRST_LEG, NOW);

        expect(map.map((c) => [c.coach, c.seatClass, c.seats.length])).toEqual([
          ['01', 'business', 6],
          ['02', 'second', 10],
        ]);
        expect(map[0]?.seats.slice(0, 2)).toEqual([
          { seat: '01A', free: false },
          { seat: '01C', free: true },
        ]);
        expect(occupancy.seatMap(undefined, SECOND_LEG, NOW)[0]?.seats[0]).toEqual({ seat: '01A', free: true });
      });

      it('maps only the coaches of the class asked for', () => {
        const occupancy = new ServiceOccupancy(aService());

        expect(occupancy.seatMap('second', WHOLE_RUN, NOW).map((c) => c.coach)).toEqual(['02']);
      });
    });

    describe('Method: seatStates', () => {
      it('gives the allocator the seats of one class in layout order, each busy as of now', () => {
        const occupancy = new ServiceOccupancy(aService(), new Map([['01', coach01({ '01C': heldUntil(SECOND_LEG, NOW + MINUTE), '02F': sold(FIRST_LEG) })]]));

        const states = occupancy.seatStates('business', NOW);

        expect(states.map((s) => [s.seat, s.row, s.letter, s.busy])).toEqual([
          ['01A', 1, 'A', 0],
          ['01C', 1, 'C', SECOND_LEG],
          ['01F', 1, 'F', 0],
          ['02A', 2, 'A', 0],
          ['02C', 2, 'C', 0],
          ['02F', 2, 'F', FIRST_LEG],
        ]);
        expect(occupancy.seatStates('business', NOW + MINUTE).map((s) => s.busy)).toEqual([0, 0, 0, 0, 0, FIRST_LEG]);
      });
    });

    describe('Method: replaceCoach', () => {
      it('replaces what the snapshot said of a coach with the ledger read, seats missing from it empty', () => {
        const occupancy = new ServiceOccupancy(aService(), new Map([['01', coach01({ '01A': sold(WHOLE_RUN), '01C': sold(WHOLE_RUN) })]]));

        occupancy.replaceCoach('01', new Map([['02F', sold(WHOLE_RUN)]]));

        expect(occupancy.seatMap('business', WHOLE_RUN, NOW)[0]?.seats.filter((s) => !s.free).map((s) => s.seat)).toEqual(['02F']);
      });

      it('leaves the other coaches as they were and ignores a coach the service does not have', () => {
        const occupancy = new ServiceOccupancy(aService(), new Map([['01', coach01({ '01A': sold(WHOLE_RUN) })]]));

        occupancy.replaceCoach('02', new Map([['01A', sold(WHOLE_RUN)]]));
        occupancy.replaceCoach('09', new Map([['01A', EMPTY_SEAT]]));

        expect(occupancy.freeSeats('business', WHOLE_RUN, NOW)).toBe(5);
        expect(occupancy.freeSeats('second', WHOLE_RUN, NOW)).toBe(9);
      });
    });

    describe('Method: recordHold', () => {
      it('marks the seats just held busy over the ride until the hold lapses, on top of what they had', () => {
        const occupancy = new ServiceOccupancy(aService(), new Map([['01', coach01({ '01A': sold(FIRST_LEG) })]]));

        occupancy.recordHold([{ coach: '01', seat: '01A' }, { coach: '02', seat: '01B' }], { fromIndex: 1, toIndex: 2 }, NOW + MINUTE);

        expect(occupancy.seatStates('business', NOW)[0]?.busy).toBe(WHOLE_RUN);
        expect(occupancy.seatStates('second', NOW)[1]).toMatchObject({ seat: '01B', busy: SECOND_LEG });
        expect(occupancy.freeSeats('second', SECOND_LEG, NOW + MINUTE)).toBe(10);
      });

      it('takes the seats in the allocator index it keeps, so the next pick does not offer them', () => {
        const occupancy = new ServiceOccupancy(aService());
        const before = occupancy.seatIndex('business', NOW);

        occupancy.recordHold([{ coach: '01', seat: '01A' }], { fromIndex: 0, toIndex: 2 }, NOW + MINUTE);

        expect(occupancy.seatIndex('business', NOW)).toBe(before);
        expect(before.countFree(0, 2)).toBe(5);
        expect(before.busyOf(before.positionOf('01', '01A') as number)).toBe(WHOLE_RUN);
      });

      it('builds its allocator index again once a hold in it lapses', () => {
        const occupancy = new ServiceOccupancy(aService());
        occupancy.recordHold([{ coach: '01', seat: '01A' }], { fromIndex: 0, toIndex: 2 }, NOW + MINUTE);
        const held = occupancy.seatIndex('business', NOW);

        const lapsed = occupancy.seatIndex('business', NOW + MINUTE);

        expect(lapsed).not.toBe(held);
        expect(lapsed.countFree(0, 2)).toBe(6);
      });

      it('ignores a seat the service does not have', () => {
        const occupancy = new ServiceOccupancy(aService());

        occupancy.recordHold([{ coach: '01', seat: '09A' }, { coach: '09', seat: '01A' }], { fromIndex: 0, toIndex: 2 }, NOW + MINUTE);

        expect(occupancy.freeSeats('business', WHOLE_RUN, NOW)).toBe(6);
      });

      it('does not change the shared empty seat of other coaches or services', () => {
        const occupancy = new ServiceOccupancy(aService());

        occupancy.recordHold([{ coach: '01', seat: '01A' }], { fromIndex: 0, toIndex: 2 }, NOW + MINUTE);

        expect(EMPTY_SEAT).toEqual({ sold: 0, holds: [] });
        expect(new ServiceOccupancy(aService()).freeSeats('business', WHOLE_RUN, NOW)).toBe(6);
      });
    });
  });
});
