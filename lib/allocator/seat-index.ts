import { MAX_SEGMENTS } from './constants';
import { InvalidAllocationRequestError } from './errors';
import { keySeats, type KeyedSeats } from './seat-keys';
import type { SeatIndexOptions, SeatState } from './types';
import { assertRide } from './validation';
import { WindowLevel, type SeatGrid, type WindowShape } from './window-level';

/**
 * One occupancy snapshot of the seats of one class, prepared for many fast decisions (`allocate`):
 * build it once per snapshot, keep it while the snapshot is fresh, and tell it about seats held since
 * (`take`, `setBusy`) instead of building it again.
 *
 * It copies the busy masks it is given and never writes to the caller's seats; its `seats` are the
 * caller's objects, for their ids (`seats[position]`). Party sizes are prepared on first use.
 */
export class SeatIndex {
  /** The seats as given, in layout order; `allocate` answers positions in this array. */
  readonly seats: readonly SeatState[];
  /** Segments on the route (stops − 1). */
  readonly segments: number;
  private readonly grid: SeatGrid;
  private readonly busy: Int32Array;
  /** Per shape, per party size (the array index), its windows; built on first use. */
  private readonly levels: Record<WindowShape, (WindowLevel | undefined)[]> = { adjacent: [], row: [] };
  /** The longest row, in seats: no window is wider. */
  readonly widestRow: number;
  private positions: Map<string, number> | undefined;

  constructor(seats: readonly SeatState[], { segments = MAX_SEGMENTS }: SeatIndexOptions = {}) {
    if (!Number.isInteger(segments) || segments < 1 || segments > MAX_SEGMENTS) {
      throw new InvalidAllocationRequestError(`segments is the route's segment count, from 1 to ${MAX_SEGMENTS}, got ${segments}`);
    }
    this.seats = seats;
    this.segments = segments;
    const onRoute = -1 >>> (32 - segments);
    this.busy = Int32Array.from(seats, (seat) => seat.busy & onRoute);
    const rowEnd = new Int32Array(seats.length);
    const coach = new Int32Array(seats.length);
    let coaches = 0;
    let widestRow = 0;
    for (let start = 0; start < seats.length; ) {
      if (start > 0 && seats[start]!.coach !== seats[start - 1]!.coach) coaches++;
      let end = start + 1;
      while (end < seats.length && seats[end]!.row === seats[start]!.row && seats[end]!.coach === seats[start]!.coach) end++;
      coach.fill(coaches, start, end);
      rowEnd.fill(end, start, end);
      widestRow = Math.max(widestRow, end - start);
      start = end;
    }
    this.widestRow = widestRow;
    this.grid = {
      segments,
      busy: this.busy,
      rowEnd,
      letters: seats.map((seat) => seat.letter),
      coach,
      coaches: seats.length === 0 ? 0 : coaches + 1,
    };
  }

  /**
   * The windows of `width` adjacent seats of one row ('adjacent'; single seats for width 1) or of any
   * `width` seats of one row ('row'), or undefined when no row is that long.
   */
  level(width: number, shape: WindowShape = 'adjacent'): WindowLevel | undefined {
    if (width > this.widestRow) return undefined;
    return (this.levels[shape][width] ??= new WindowLevel(this.grid, width, shape));
  }

  /** The index's own copy of the seat's busy mask. */
  busyOf(position: number): number {
    this.assertPosition(position);
    return this.busy[position]!;
  }

  /** Replaces a seat's busy mask, e.g. with what a strongly consistent re-read of its coach found. */
  setBusy(position: number, busy: number): void {
    this.assertPosition(position);
    if (!Number.isInteger(busy)) throw new InvalidAllocationRequestError(`a busy mask is an integer, got ${busy}`);
    const next = busy & (-1 >>> (32 - this.segments));
    if (next === this.busy[position]) return;
    const levels = [...this.levels.adjacent, ...this.levels.row].filter((level) => level !== undefined);
    for (const level of levels) level.fileHolding(position, false);
    this.busy[position] = next;
    for (const level of levels) level.fileHolding(position, true);
  }

  /** Marks the seats at `positions` busy over [fromIndex, toIndex): the seats a hold just took. */
  take(positions: readonly number[], fromIndex: number, toIndex: number): void {
    this.assertRideOnRoute(fromIndex, toIndex);
    const mask = (-1 >>> (32 - (toIndex - fromIndex))) << fromIndex;
    for (const position of positions) this.setBusy(position, this.busyOf(position) | mask);
  }

  /** How many seats are free over the whole ride [fromIndex, toIndex). */
  countFree(fromIndex: number, toIndex: number): number {
    this.assertRideOnRoute(fromIndex, toIndex);
    return this.freeOver(fromIndex, toIndex);
  }

  /** countFree for a ride already checked. */
  freeOver(fromIndex: number, toIndex: number): number {
    return this.level(1)?.all.countFree(0, fromIndex, toIndex) ?? 0;
  }

  /** Every seat's best-fit key for the ride, for the decisions the windows cannot answer. */
  keySeats(fromIndex: number, toIndex: number, wanted: ReadonlySet<string> | undefined): KeyedSeats {
    return keySeats(this.busy, this.grid.letters, { fromIndex, toIndex, segments: this.segments }, wanted);
  }

  /** The position of the seat with these ids, or undefined. */
  positionOf(coach: string, seat: string): number | undefined {
    this.positions ??= new Map(this.seats.map((s, position) => [`${s.coach}/${s.seat}`, position]));
    return this.positions.get(`${coach}/${seat}`);
  }

  /** Throws unless [fromIndex, toIndex) is a ride on this index's route. */
  assertRideOnRoute(fromIndex: number, toIndex: number): void {
    assertRide(fromIndex, toIndex);
    if (toIndex > this.segments) {
      throw new InvalidAllocationRequestError(`the ride [${fromIndex}, ${toIndex}) ends past the route's ${this.segments} segments`);
    }
  }

  private assertPosition(position: number): void {
    if (!Number.isInteger(position) || position < 0 || position >= this.seats.length) {
      throw new InvalidAllocationRequestError(`no seat at position ${position} of ${this.seats.length}`);
    }
  }
}

/** Prepares an occupancy snapshot for `allocate`; see SeatIndex. */
export function indexSeats(seats: readonly SeatState[], options: SeatIndexOptions = {}): SeatIndex {
  return new SeatIndex(seats, options);
}
