import { HELD, type SeatSegments, SOLD } from './occupancy';

/**
 * A coach's occupancy as the snapshot keeps it: for each seat, in layout order,
 * the segments sold (a mask) and the live holds (a mask each, with its expiry).
 * Pure: the snapshot store keeps `encodeCoach`'s bytes, one item per coach.
 *
 * The encoding is small so that reading a whole train stays a few RCU whatever
 * its size or fill: a version byte, the earliest hold expiry in seconds, then per
 * seat varint(sold) varint(holds) and per hold varint(mask) varint(expiry − earliest).
 * An empty seat is 2 bytes, a sold one 3–5, each live hold 3–6 more.
 */
export interface SeatOccupancy {
  /** Bit i set: segment i is sold. */
  sold: number;
  holds: readonly HeldSegments[];
}

export interface HeldSegments {
  /** Bit i set: segment i is held. */
  mask: number;
  /** Epoch ms when the hold lapses; from then on its segments are free. */
  until: number;
}

export const EMPTY_SEAT: SeatOccupancy = Object.freeze({ sold: 0, holds: Object.freeze([]) as readonly HeldSegments[] });

const FORMAT_VERSION = 1;

export class OccupancyFormatError extends Error {
  override readonly name = 'OccupancyFormatError';
}

/** The segments a seat item records, as the snapshot keeps them: holds that lapsed by `nowMs` are dropped. */
export function seatOccupancy(segments: SeatSegments, nowMs: number): SeatOccupancy {
  let sold = 0;
  const holds = new Map<string, HeldSegments>();
  for (const [key, claim] of Object.entries(segments)) {
    if (!claim) continue;
    const bit = 1 << Number(key.slice(1));
    if (claim.st === SOLD) sold |= bit;
    else if (claim.st === HELD && claim.x > nowMs) {
      const held = holds.get(claim.h);
      holds.set(claim.h, { mask: (held?.mask ?? 0) | bit, until: claim.x });
    }
  }
  return sold === 0 && holds.size === 0 ? EMPTY_SEAT : { sold, holds: [...holds.values()] };
}

/** Bit i set: segment i is taken at `nowMs` (sold, or held by a hold that has not lapsed). */
export function busyAt(seat: SeatOccupancy, nowMs: number): number {
  let busy = seat.sold;
  for (const hold of seat.holds) if (hold.until > nowMs) busy |= hold.mask;
  return busy;
}

/** The seat with one more hold on `mask` until `until`. */
export const withHold = (seat: SeatOccupancy, mask: number, until: number): SeatOccupancy => ({ sold: seat.sold, holds: [...seat.holds, { mask, until }] });

export function encodeCoach(seats: readonly SeatOccupancy[]): Uint8Array {
  const expiries = seats.flatMap((s) => s.holds.map((h) => toSeconds(h.until)));
  const earliest = expiries.length > 0 ? Math.min(...expiries) : 0;
  const out = new ByteWriter();
  out.byte(FORMAT_VERSION);
  out.varint(earliest);
  for (const seat of seats) {
    out.varint(seat.sold >>> 0);
    out.varint(seat.holds.length);
    for (const hold of seat.holds) {
      out.varint(hold.mask >>> 0);
      out.varint(toSeconds(hold.until) - earliest);
    }
  }
  return out.bytes();
}

/** `seatCount` seats in layout order; seats past the end of the bytes are empty. */
export function decodeCoach(bytes: Uint8Array, seatCount: number): SeatOccupancy[] {
  const input = new ByteReader(bytes);
  const version = input.byte();
  if (version !== FORMAT_VERSION) throw new OccupancyFormatError(`unknown occupancy format ${version}`);
  const earliest = input.varint();
  const seats: SeatOccupancy[] = [];
  for (let i = 0; i < seatCount; i++) {
    if (input.done()) {
      seats.push(EMPTY_SEAT);
      continue;
    }
    const sold = input.varint() | 0;
    const count = input.varint();
    const holds: HeldSegments[] = [];
    for (let h = 0; h < count; h++) {
      const mask = input.varint() | 0;
      holds.push({ mask, until: (earliest + input.varint()) * 1000 });
    }
    seats.push(sold === 0 && count === 0 ? EMPTY_SEAT : { sold, holds });
  }
  return seats;
}

/** Rounded up: a hold shown a fraction of a second too long errs on the side of "taken". */
const toSeconds = (ms: number): number => Math.ceil(ms / 1000);

class ByteWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  byte(value: number): void {
    if (this.length === this.buffer.length) {
      const grown = new Uint8Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = value;
  }

  /** Unsigned LEB128, for values up to 2^53. */
  varint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.byte((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.byte(rest);
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

class ByteReader {
  private offset = 0;

  constructor(private readonly buffer: Uint8Array) {}

  done(): boolean {
    return this.offset >= this.buffer.length;
  }

  byte(): number {
    if (this.done()) throw new OccupancyFormatError('occupancy bytes end early');
    return this.buffer[this.offset++] as number;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
  }
}
