import type { SeatState } from '../../../lib/allocator';
import { seatLayout, segmentMask, type Coach } from '../../../lib/timetable/service';

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CoachShape {
  rows: number;
  letters: string[];
}

/** Unsold seats of coaches "01", "02", … in layout order. */
export function seatsOf(coaches: readonly CoachShape[]): SeatState[] {
  const layout: Coach[] = coaches.map((shape, c) => ({ coach: String(c + 1).padStart(2, '0'), seatClass: 'second', ...shape }));
  return seatLayout({ coaches: layout }).map(({ coach, seat, row, letter }) => ({ coach, seat, row, letter, busy: 0 }));
}

/** Marks the seats `coach`/`seat` (e.g. "01"/"02A") sold over [fromIndex, toIndex). */
export function sell(seats: SeatState[], coach: string, seat: string, fromIndex: number, toIndex: number): void {
  const sold = seats.find((s) => s.coach === coach && s.seat === seat);
  if (!sold) throw new Error(`no seat ${coach}/${seat}`);
  sold.busy |= segmentMask({ fromIndex, toIndex });
}

export const ids = (seats: readonly SeatState[] | undefined): string[] | undefined => seats?.map((s) => `${s.coach}/${s.seat}`);
