import { indexSeats, type SeatIndex, type SeatState } from '../allocator';
import type { SeatClass, SeatId, SeatLayout, Service } from '../timetable/service';
import { seatLayout, segmentMask } from '../timetable/service';
import { busyAt, decodeCoach, EMPTY_SEAT, type SeatOccupancy, withHold } from './coach-occupancy';

/** One coach of a service as laid out: its class and its seats in layout order. */
export interface CoachLayout {
  coach: string;
  seatClass: SeatClass;
  seats: readonly SeatLayout[];
  /** Seat number → position in `seats`. */
  index: ReadonlyMap<string, number>;
}

const layouts = new WeakMap<Service, readonly CoachLayout[]>();

/** The coaches of a service with their seats, computed once per (immutable, cached) service definition. */
export function coachLayouts(service: Service): readonly CoachLayout[] {
  let found = layouts.get(service);
  if (!found) {
    const seats = seatLayout(service);
    found = service.coaches.map((c) => {
      const inCoach = seats.filter((s) => s.coach === c.coach);
      return { coach: c.coach, seatClass: c.seatClass, seats: inCoach, index: new Map(inCoach.map((s, i) => [s.seat, i])) };
    });
    layouts.set(service, found);
  }
  return found;
}

/**
 * What a service's seats looked like at one read of the snapshot, per coach, with
 * whatever this container learnt since (coaches re-read after a lost race, its own
 * holds). It may be behind the ledger: it only proposes seats, the ledger's
 * conditions decide. Pure.
 */
export class ServiceOccupancy {
  private readonly coaches = new Map<string, SeatOccupancy[]>();
  /** Per class, the allocator's index of these seats, valid until the first hold in it lapses. */
  private readonly indexes = new Map<SeatClass, { index: SeatIndex; validUntil: number }>();

  constructor(
    readonly service: Service,
    coaches: ReadonlyMap<string, readonly SeatOccupancy[]> = new Map(),
  ) {
    for (const layout of coachLayouts(service)) {
      const seats = coaches.get(layout.coach);
      this.coaches.set(layout.coach, layout.seats.map((_, i) => seats?.[i] ?? EMPTY_SEAT));
    }
  }

  /** From the snapshot's bytes per coach; a coach with no snapshot yet is empty, as it is when published. */
  static decode(service: Service, bytesByCoach: ReadonlyMap<string, Uint8Array>): ServiceOccupancy {
    const coaches = new Map<string, SeatOccupancy[]>();
    for (const layout of coachLayouts(service)) {
      const bytes = bytesByCoach.get(layout.coach);
      if (bytes) coaches.set(layout.coach, decodeCoach(bytes, layout.seats.length));
    }
    return new ServiceOccupancy(service, coaches);
  }

  /** The seats of a class as the allocator takes them, busy as of `nowMs`, in layout order. */
  seatStates(seatClass: SeatClass, nowMs: number): SeatState[] {
    const states: SeatState[] = [];
    for (const layout of coachLayouts(this.service)) {
      if (layout.seatClass !== seatClass) continue;
      const seats = this.coaches.get(layout.coach) as SeatOccupancy[];
      layout.seats.forEach((s, i) => states.push({ coach: s.coach, seat: s.seat, row: s.row, letter: s.letter, busy: busyAt(seats[i] as SeatOccupancy, nowMs) }));
    }
    return states;
  }

  /**
   * The allocator's index of a class's seats as of `nowMs`, kept across decisions
   * (building it is the costly part) until a hold in it lapses or a coach is re-read.
   */
  seatIndex(seatClass: SeatClass, nowMs: number): SeatIndex {
    const cached = this.indexes.get(seatClass);
    if (cached && nowMs < cached.validUntil) return cached.index;
    let validUntil = Number.POSITIVE_INFINITY;
    for (const layout of coachLayouts(this.service)) {
      if (layout.seatClass !== seatClass) continue;
      for (const seat of this.coaches.get(layout.coach) as SeatOccupancy[]) for (const hold of seat.holds) if (hold.until > nowMs) validUntil = Math.min(validUntil, hold.until);
    }
    const index = indexSeats(this.seatStates(seatClass, nowMs), { segments: this.service.stops.length - 1 });
    this.indexes.set(seatClass, { index, validUntil });
    return index;
  }

  /** Seats of a class free over every segment of `rideMask` at `nowMs`. */
  freeSeats(seatClass: SeatClass, rideMask: number, nowMs: number): number {
    let free = 0;
    for (const layout of coachLayouts(this.service)) {
      if (layout.seatClass !== seatClass) continue;
      for (const seat of this.coaches.get(layout.coach) as SeatOccupancy[]) if ((busyAt(seat, nowMs) & rideMask) === 0) free++;
    }
    return free;
  }

  /** Every coach (of one class, if given) with each seat free or not over `rideMask`. */
  seatMap(seatClass: SeatClass | undefined, rideMask: number, nowMs: number): { coach: string; seatClass: SeatClass; seats: { seat: string; free: boolean }[] }[] {
    return coachLayouts(this.service)
      .filter((layout) => seatClass === undefined || layout.seatClass === seatClass)
      .map((layout) => {
        const seats = this.coaches.get(layout.coach) as SeatOccupancy[];
        return {
          coach: layout.coach,
          seatClass: layout.seatClass,
          seats: layout.seats.map((s, i) => ({ seat: s.seat, free: (busyAt(seats[i] as SeatOccupancy, nowMs) & rideMask) === 0 })),
        };
      });
  }

  /** A coach as just read from the ledger, replacing what the snapshot said of it. */
  replaceCoach(coach: string, seats: ReadonlyMap<string, SeatOccupancy>): void {
    const layout = coachLayouts(this.service).find((c) => c.coach === coach);
    if (!layout) return;
    this.coaches.set(
      coach,
      layout.seats.map((s) => seats.get(s.seat) ?? EMPTY_SEAT),
    );
    this.indexes.delete(layout.seatClass);
  }

  /** Seats this container has just held, so its next buyer does not propose them again. */
  recordHold(seats: readonly SeatId[], ride: { fromIndex: number; toIndex: number }, until: number): void {
    const mask = segmentMask(ride);
    for (const { coach, seat } of seats) {
      const layout = coachLayouts(this.service).find((c) => c.coach === coach);
      const position = layout?.index.get(seat);
      const inCoach = this.coaches.get(coach);
      if (!layout || position === undefined || !inCoach) continue;
      inCoach[position] = withHold(inCoach[position] as SeatOccupancy, mask, until);
      const cached = this.indexes.get(layout.seatClass);
      const inIndex = cached?.index.positionOf(coach, seat);
      if (cached && inIndex !== undefined) {
        cached.index.take([inIndex], ride.fromIndex, ride.toIndex);
        cached.validUntil = Math.min(cached.validUntil, until);
      }
    }
  }
}
