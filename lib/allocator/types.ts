/** One seat of the requested class and its occupancy on one service: bit i of `busy` set = segment i is taken. */
export interface SeatState {
  coach: string;
  seat: string;
  row: number;
  letter: string;
  busy: number;
}

/** A ride [fromIndex, toIndex) for `count` passengers, with soft seat preferences. */
export interface AllocationRequest {
  fromIndex: number;
  toIndex: number;
  count: number;
  /** Wanted seat letters (A/F window, C/D aisle, B/E middle): honoured when such seats are free, ignored otherwise. */
  letters?: readonly string[];
  /** Keep the party in one row of one coach, adjacent letters if possible. Default true. */
  together?: boolean;
}

export type AllocationStrategy = 'best-fit' | 'first-fit';

/** How `allocate` chooses among equally good options. */
export interface ChoiceOptions {
  /** Source of randomness in [0, 1), called once per decision; default Math.random. Inject a seeded one for reproducible choices. */
  random?: () => number;
  /**
   * How many equally good options (seats, runs of seats, rows) to choose among at random: the first
   * `candidates` in layout order. Default every one of them, so concurrent buyers of one ride spread
   * over every coach of the class; 1 = always the first (reproducible, but every buyer fights for it).
   */
  candidates?: number;
}

export interface AllocateOptions extends ChoiceOptions {
  /** Default 'best-fit'. */
  strategy?: AllocationStrategy;
  /**
   * Segments on the route (stops − 1). Best-fit measures a free gap that runs to the end of the route
   * up to here, so pass it for exact fits; default MAX_STOPS − 1, which ranks gaps that reach the end
   * of a shorter route as slightly looser than they are.
   */
  segments?: number;
}

export interface SeatIndexOptions {
  /**
   * Segments on the route (stops − 1). Best-fit measures a free gap that runs to the end of the route
   * up to here, so pass it for exact fits; default MAX_STOPS − 1. Busy bits past it are ignored.
   */
  segments?: number;
}
