import { performance } from 'node:perf_hooks';
import { allocate, allocateSeats, indexSeats, type AllocationRequest, type AllocationStrategy, type SeatState } from '../../lib/allocator';
import { seatLayout, segmentMask, type Coach } from '../../lib/timetable/service';
import type { BenchRow } from './bench-row';

/**
 * Allocator figures: decisions per second on a full-size train at several occupancies, and how much of
 * the offline optimum best-fit and first-fit sell when random demand runs a train dry.
 */

const SECTION = 'allocator';
const STOPS = 20;
const SEGMENTS = STOPS - 1;
const COACHES = 16;
const ROWS_PER_COACH = 15;
const LETTERS = ['A', 'B', 'C', 'D', 'F']; // 16 coaches × 15 rows × 5 = 1,200 seats
const OCCUPANCIES = [0, 0.5, 0.9];
const SECONDS_PER_CASE = 1.5;
const ROUNDS = 10;
const UTILISATION_RUNS = 8;
/** A run is sold out after this many requests in a row are refused. */
const REFUSALS_TO_SELL_OUT = 500;

/** A small seeded PRNG (mulberry32), so every run sees the same trains and demand. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function emptyTrain(): SeatState[] {
  const coaches: Coach[] = Array.from({ length: COACHES }, (_, c) => ({
    coach: String(c + 1).padStart(2, '0'),
    seatClass: 'second',
    rows: ROWS_PER_COACH,
    letters: LETTERS,
  }));
  return seatLayout({ coaches }).map(({ coach, seat, row, letter }) => ({ coach, seat, row, letter, busy: 0 }));
}

function randomRide(random: () => number): { fromIndex: number; toIndex: number } {
  const a = Math.floor(random() * STOPS);
  let b = Math.floor(random() * (STOPS - 1));
  if (b >= a) b++;
  return { fromIndex: Math.min(a, b), toIndex: Math.max(a, b) };
}

const busySegments = (seats: readonly SeatState[]): number =>
  seats.reduce((sum, seat) => {
    let bits = 0;
    for (let busy = seat.busy; busy !== 0; busy &= busy - 1) bits++;
    return sum + bits;
  }, 0);

/** A train whose seat-segments are about `occupancy` sold, by random rides placed on random seats. */
function trainAt(occupancy: number, random: () => number): SeatState[] {
  const seats = emptyTrain();
  const goal = Math.round(occupancy * seats.length * SEGMENTS);
  let sold = 0;
  for (let attempt = 0; sold < goal && attempt < 20_000_000; attempt++) {
    const seat = seats[Math.floor(random() * seats.length)]!;
    const ride = randomRide(random);
    const mask = segmentMask(ride);
    if ((seat.busy & mask) === 0 && sold + (ride.toIndex - ride.fromIndex) <= goal) {
      seat.busy |= mask;
      sold += ride.toIndex - ride.fromIndex;
    }
  }
  return seats;
}

/** One decision on a fixed train: whether it found seats. */
type Decide = (request: AllocationRequest) => boolean;

/**
 * Decisions per second on a train whose occupancy stays fixed (nothing is sold): the best of ROUNDS
 * rounds, so that other work on a shared machine shows less in the figure.
 */
function decisionsPerSecond(decide: Decide, seed: number): number {
  const random = seededRandom(seed);
  const requests: AllocationRequest[] = Array.from({ length: 4096 }, () => ({
    ...randomRide(random),
    count: 1 + Math.floor(random() * 4),
  }));
  for (const request of requests) decide(request); // warm up the JIT
  let best = 0;
  let found = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let decisions = 0;
    const started = performance.now();
    const deadline = started + (SECONDS_PER_CASE * 1000) / ROUNDS;
    let now = started;
    while (now < deadline) {
      for (const request of requests) if (decide(request)) found++;
      decisions += requests.length;
      now = performance.now();
    }
    best = Math.max(best, (decisions * 1000) / (now - started));
  }
  if (found < 0) throw new Error('unreachable: keeps `found` observable so the loop is not optimised away');
  return best;
}

/** allocateSeats, which prepares an index of the whole train for every decision. */
function eachDecisionAlone(seats: readonly SeatState[], strategy: AllocationStrategy, seed: number): Decide {
  const options = { strategy, random: seededRandom(seed), segments: SEGMENTS };
  return (request) => allocateSeats(seats, request, options) !== undefined;
}

/** allocate on one index of the train, as a caller that caches its occupancy snapshot does. */
function onePreparedIndex(seats: readonly SeatState[], seed: number): Decide {
  const index = indexSeats(seats, { segments: SEGMENTS });
  const options = { random: seededRandom(seed) };
  return (request) => allocate(index, request, options) !== undefined;
}

/**
 * Microseconds to prepare an index and make a first decision for each party size the demand asks
 * for (1–4): what a caller pays once per occupancy snapshot. Best of ROUNDS rounds.
 */
function microsecondsToIndex(seats: readonly SeatState[]): number {
  const random = seededRandom(3);
  const ride = { fromIndex: 2, toIndex: 9 };
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS * 5; round++) {
    const started = performance.now();
    const index = indexSeats(seats, { segments: SEGMENTS });
    for (let count = 1; count <= 4; count++) allocate(index, { ...ride, count }, { random });
    best = Math.min(best, (performance.now() - started) * 1000);
  }
  return best;
}

/**
 * Decisions per second while selling: random 1–4 passenger requests on one index, each found hold
 * marked taken (`take`) before the next decision, from the given occupancy until ten requests in a row
 * are refused. Counts the index build too.
 */
function sellingDecisionsPerSecond(occupancy: number): number {
  let decisions = 0;
  let elapsed = 0;
  for (let run = 0; run < 3; run++) {
    const seats = trainAt(occupancy, seededRandom(2000 + run));
    const random = seededRandom(run);
    const started = performance.now();
    const index = indexSeats(seats, { segments: SEGMENTS });
    for (let refused = 0; refused < 10; decisions++) {
      const request = { ...randomRide(random), count: 1 + Math.floor(random() * 4) };
      const chosen = allocate(index, request, { random });
      if (chosen === undefined) refused++;
      else index.take(chosen, request.fromIndex, request.toIndex);
    }
    elapsed += performance.now() - started;
  }
  return (decisions * 1000) / elapsed;
}

/** Sells a ride or refuses it. */
type Seller = (ride: { fromIndex: number; toIndex: number }) => boolean;

interface SellOut {
  /** Sold seat-segments over all seat-segments once REFUSALS_TO_SELL_OUT requests in a row were refused. */
  utilisation: number;
  /** The same when the first request was refused: where fragmentation (or a full segment) first bites. */
  atFirstRefusal: number;
}

/** Feeds one seeded stream of random single-passenger rides to `sell` until it is sold out. */
function sellOut(demandSeed: number, seats: number, sell: Seller): SellOut {
  const random = seededRandom(demandSeed);
  const capacity = seats * SEGMENTS;
  let sold = 0;
  let atFirstRefusal: number | undefined;
  for (let refusedInARow = 0; refusedInARow < REFUSALS_TO_SELL_OUT; ) {
    const ride = randomRide(random);
    if (sell(ride)) {
      sold += ride.toIndex - ride.fromIndex;
      refusedInARow = 0;
    } else {
      atFirstRefusal ??= sold / capacity;
      refusedInARow++;
    }
  }
  return { utilisation: sold / capacity, atFirstRefusal: atFirstRefusal ?? 1 };
}

function allocatorSeller(seats: SeatState[], strategy: AllocationStrategy, seed: number): Seller {
  const options = { strategy, random: seededRandom(seed), segments: SEGMENTS };
  return (ride) => {
    const chosen = allocateSeats(seats, { ...ride, count: 1 }, options);
    for (const seat of chosen ?? []) seat.busy |= segmentMask(ride);
    return chosen !== undefined;
  };
}

/** The offline optimum: admit a ride iff every segment it covers has a seat left; interval graphs are perfect, so these can all be seated. */
function maxOverlapSeller(seats: number): Seller {
  const riders = new Int32Array(SEGMENTS);
  return ({ fromIndex, toIndex }) => {
    for (let s = fromIndex; s < toIndex; s++) if (riders[s]! >= seats) return false;
    for (let s = fromIndex; s < toIndex; s++) riders[s]!++;
    return true;
  };
}

const percent = (x: number): string => `${(100 * x).toFixed(1)} %`;

export async function runAllocatorBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const seatCount = emptyTrain().length;

  for (const occupancy of OCCUPANCIES) {
    const seats = trainAt(occupancy, seededRandom(1000 + occupancy * 100));
    const actual = busySegments(seats) / (seats.length * SEGMENTS);
    for (const strategy of ['best-fit', 'first-fit'] as const) {
      const rate = decisionsPerSecond(eachDecisionAlone(seats, strategy, 7), 7);
      rows.push({
        section: SECTION,
        metric: `${strategy} decisions/s (best of ${ROUNDS} rounds), ${seatCount} seats, ${COACHES} coaches, ${STOPS} stops, ${percent(actual)} occupied`,
        value: Math.round(rate).toLocaleString('en-US'),
        target: strategy === 'best-fit' ? '>= 100,000/s' : undefined,
      });
    }
    const shape = `${seatCount} seats, ${COACHES} coaches, ${STOPS} stops, ${percent(actual)} occupied`;
    rows.push({
      section: SECTION,
      metric: `best-fit decisions/s on a prepared index, one core (best of ${ROUNDS} rounds), ${shape}`,
      value: Math.round(decisionsPerSecond(onePreparedIndex(seats, 7), 7)).toLocaleString('en-US'),
      target: '>= 1,000,000/s',
    });
    rows.push({
      section: SECTION,
      metric: `indexSeats + first decision for parties of 1-4, µs (best of ${ROUNDS * 5}), ${shape}`,
      value: microsecondsToIndex(seats).toFixed(0),
    });
  }
  for (const occupancy of [0, 0.5]) {
    rows.push({
      section: SECTION,
      metric: `best-fit decisions/s selling on one index (allocate, then take), 1-4 passengers, from ${percent(occupancy)} occupied to sold out, index build included`,
      value: Math.round(sellingDecisionsPerSecond(occupancy)).toLocaleString('en-US'),
    });
  }

  const sellers = ['optimum', 'best-fit', 'first-fit'] as const;
  const totals = Object.fromEntries(sellers.map((seller) => [seller, { utilisation: 0, atFirstRefusal: 0 }])) as Record<
    (typeof sellers)[number],
    SellOut
  >;
  for (let run = 0; run < UTILISATION_RUNS; run++) {
    const demandSeed = 500 + run;
    for (const seller of sellers) {
      const sell = seller === 'optimum' ? maxOverlapSeller(seatCount) : allocatorSeller(emptyTrain(), seller, run);
      const result = sellOut(demandSeed, seatCount, sell);
      totals[seller].utilisation += result.utilisation / UTILISATION_RUNS;
      totals[seller].atFirstRefusal += result.atFirstRefusal / UTILISATION_RUNS;
    }
  }
  const demand = `random single-passenger rides until ${REFUSALS_TO_SELL_OUT} refusals in a row, mean of ${UTILISATION_RUNS} seeded streams`;
  for (const seller of sellers) {
    const { utilisation, atFirstRefusal } = totals[seller];
    const name = seller === 'optimum' ? 'offline optimum (max overlap)' : seller;
    rows.push({ section: SECTION, metric: `${name} seat-segment utilisation, ${demand}`, value: percent(utilisation) });
    rows.push({ section: SECTION, metric: `${name} seat-segments sold at the first refusal`, value: percent(atFirstRefusal) });
    if (seller !== 'optimum') {
      rows.push({
        section: SECTION,
        metric: `${seller} utilisation as % of the optimum's on the same demand`,
        value: percent(utilisation / totals.optimum.utilisation),
        target: '>= 98 %',
      });
    }
  }
  return rows;
}

if (require.main === module) {
  runAllocatorBench()
    .then((rows) => console.table(rows))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
