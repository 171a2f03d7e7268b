import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { allocateSeats, type AllocationRequest, type SeatState } from '../allocator';
import { type SeatClass, type SeatId, type SeatLayout, type Service, seatLayout } from '../timetable/service';
import { HoldContentionError, HoldIdConflictError, HoldLostError, HoldNotFoundError, HoldStateError, SoldOutError } from './errors';
import { type HoldRecord, holdFingerprint, type HoldRequest } from './hold';
import { ledgerKeys } from './ledger-keys';
import { busyMask, HELD, type SeatSegments, segmentKey, segmentsOf, SOLD } from './occupancy';
import { writeAll } from './write-all';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type TransactItems = TransactItem[];

/**
 * Among equally good seats, how many to draw from at random. Wide, so that on a
 * train going on sale concurrent buyers spread over many seats instead of all
 * racing for the first few.
 */
const TIED_CANDIDATES = 64;

/**
 * A write of another aggregate that must happen in the same transaction as a
 * ledger change (an order item, a passenger claim, an idempotency record).
 * When its own condition fails, the whole transaction is cancelled and its error thrown.
 */
export interface LinkedWrite {
  item: TransactItem;
  onConditionFailed: () => Error;
}

export interface SeatLedgerOptions {
  /** Attempts at a hold before giving up on contention; each re-reads the seats. */
  maxAttempts?: number;
  now?: () => number;
  /** Told each time a hold attempt loses a race and re-reads: the contention a popular train causes. */
  onHoldConflict?: () => void;
}

export interface LedgerSeat extends SeatLayout {
  segments: SeatSegments;
}

export interface ReleaseResult {
  /** Seats the hold still owned and gave back. */
  released: SeatId[];
  /** Seats another hold had taken after this one expired; left untouched. */
  lost: SeatId[];
}

/**
 * The seat ledger: one item per seat, its segment occupancy in the item, every
 * change a conditional write. A hold is one TransactWriteItems of a condition per
 * seat plus the hold record, so no seat is ever held twice for overlapping segments.
 */
export class SeatLedger {
  private readonly maxAttempts: number;
  private readonly now: () => number;
  private readonly onHoldConflict: () => void;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    options: SeatLedgerOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.now = options.now ?? Date.now;
    this.onHoldConflict = options.onHoldConflict ?? (() => undefined);
  }

  /** Writes the empty seats of a service. Only a publisher holding the service's lease calls this. */
  async writeSeats(service: Service): Promise<number> {
    const seats = seatLayout(service);
    await writeAll(
      this.db,
      this.tableName,
      seats.map(({ coach, seat }) => ({ ...ledgerKeys.seat(service.serviceId, coach, seat), segs: {} })),
    );
    return seats.length;
  }

  /** The seats of one class (all classes when omitted) with their segment claims, in layout order. */
  async readSeats(service: Service, seatClass?: SeatClass, options: { consistent?: boolean } = {}): Promise<LedgerSeat[]> {
    const layout = seatLayout(service).filter((s) => seatClass === undefined || s.seatClass === seatClass);
    const coaches = [...new Set(layout.map((s) => s.coach))];
    const pages = await Promise.all(coaches.map((coach) => this.readCoach(service.serviceId, coach, options.consistent ?? false)));
    const segmentsBySeat = new Map(pages.flat().map(({ coach, seat, segs }) => [`${coach}${seat}`, segs]));
    return layout.map((s) => ({ ...s, segments: segmentsBySeat.get(`${s.coach}${s.seat}`) ?? {} }));
  }

  /**
   * Holds `count` seats of a class over the ride until now + ttl.
   * 1. A hold id seen before answers the hold it made (a retried request is idempotent).
   * 2. Read the seats, let the allocator choose, write all seats and the hold record in one transaction.
   * 3. On losing a race, re-read (consistently) and try other seats, a bounded number of times.
   * `linkedTo` adds writes of other aggregates, made from the chosen seats, to the same transaction.
   */
  async hold(service: Service, request: HoldRequest, linkedTo: (hold: HoldRecord) => readonly LinkedWrite[] = () => []): Promise<HoldRecord> {
    const fingerprint = holdFingerprint(request);
    const existing = await this.findHold(request.holdId);
    if (existing) return sameHold(existing, fingerprint);

    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const seats = await this.readSeats(service, request.seatClass, { consistent: attempt > 0 });
      const now = this.now();
      const chosen = allocateSeats(seats.map((s) => toSeatState(s, now)), toAllocationRequest(request), { segments: service.stops.length - 1, candidates: TIED_CANDIDATES });
      if (!chosen) throw new SoldOutError(`fewer than ${request.count} ${request.seatClass} seats are free from ${request.from} to ${request.to}`);

      const hold: HoldRecord = {
        holdId: request.holdId,
        serviceId: service.serviceId,
        from: request.from,
        to: request.to,
        fromIndex: request.fromIndex,
        toIndex: request.toIndex,
        seatClass: request.seatClass,
        seats: chosen.map(({ coach, seat }) => ({ coach, seat })),
        expiresAt: new Date(now + request.ttlSeconds * 1000).toISOString(),
        status: 'HELD',
        fingerprint,
        createdAt: new Date(now).toISOString(),
      };
      const linked = linkedTo(hold);
      const outcome = await this.transact([...hold.seats.map((seat) => this.claimSeat(hold, seat, now)), this.putHold(hold), ...linked.map((l) => l.item)]);
      if (outcome === 'ok') return hold;
      throwLinkedFailure(outcome, hold.seats.length + 1, linked);
      if (outcome.failed.includes(hold.seats.length)) {
        // The same hold id won a concurrent race: answer what it holds.
        const winner = await this.findHold(request.holdId);
        if (winner) return sameHold(winner, fingerprint);
      }
      this.onHoldConflict();
    }
    throw new HoldContentionError(`could not hold ${request.count} seats after ${this.maxAttempts} attempts; retry`);
  }

  /** Sells the held seats. Succeeds after expiry as long as nobody took them; idempotent once confirmed. */
  async confirm(holdId: string, linked: readonly LinkedWrite[] = []): Promise<HoldRecord> {
    const hold = await this.getHold(holdId);
    if (hold.status === 'CONFIRMED') return hold;
    if (hold.status === 'RELEASED') throw new HoldStateError(`hold ${holdId} was released`);

    const seatUpdates = hold.seats.map((seat) => this.sellSeat(hold, seat));
    const outcome = await this.transact([...seatUpdates, this.setHoldStatus(hold, 'HELD', 'CONFIRMED'), ...linked.map((l) => l.item)]);
    if (outcome === 'ok') return { ...hold, status: 'CONFIRMED' };
    throwLinkedFailure(outcome, seatUpdates.length + 1, linked);
    const current = await this.getHold(holdId);
    if (current.status === 'CONFIRMED') return current;
    if (outcome.failed.some((i) => i < seatUpdates.length)) throw new HoldLostError(`hold ${holdId} no longer owns its seats`);
    throw new HoldStateError(`hold ${holdId} is ${current.status}`);
  }

  /**
   * Gives back the seats the hold still owns and marks it released; seats another
   * hold has taken since are left alone. Idempotent; a confirmed hold is not released.
   */
  async release(holdId: string, linked: readonly LinkedWrite[] = []): Promise<ReleaseResult> {
    const hold = await this.findHold(holdId);
    if (!hold || hold.status === 'RELEASED') {
      if (linked.length > 0) await this.transactLinked(linked);
      return { released: [], lost: [] };
    }
    if (hold.status === 'CONFIRMED') throw new HoldStateError(`hold ${holdId} is confirmed; its seats are sold`);

    const outcome = await this.transact([...hold.seats.map((seat) => this.freeSeat(hold, seat)), this.setHoldStatus(hold, 'HELD', 'RELEASED'), ...linked.map((l) => l.item)]);
    if (outcome === 'ok') return { released: hold.seats, lost: [] };
    throwLinkedFailure(outcome, hold.seats.length + 1, linked);

    // Some seat was retaken after expiry: free seat by seat what is still ours.
    const released: SeatId[] = [];
    const lost: SeatId[] = [];
    for (const seat of hold.seats) {
      const freed = await this.transact([this.freeSeat(hold, seat)]);
      (freed === 'ok' ? released : lost).push(seat);
    }
    const marked = await this.transact([this.setHoldStatus(hold, 'HELD', 'RELEASED'), ...linked.map((l) => l.item)]);
    if (marked !== 'ok') {
      throwLinkedFailure(marked, 1, linked);
      const current = await this.getHold(holdId);
      if (current.status === 'CONFIRMED') throw new HoldStateError(`hold ${holdId} was confirmed meanwhile`);
    }
    return { released, lost };
  }

  async findHold(holdId: string): Promise<HoldRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: ledgerKeys.hold(holdId), ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...hold } = Item;
    return hold as HoldRecord;
  }

  private async getHold(holdId: string): Promise<HoldRecord> {
    const hold = await this.findHold(holdId);
    if (!hold) throw new HoldNotFoundError(`no hold ${holdId}`);
    return hold;
  }

  private async readCoach(serviceId: string, coach: string, consistent: boolean) {
    const seats: { coach: string; seat: string; segs: SeatSegments }[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seat)',
          ExpressionAttributeValues: { ':pk': ledgerKeys.coachPartition(serviceId, coach), ':seat': ledgerKeys.seatPrefix },
          ProjectionExpression: 'sk, segs',
          ConsistentRead: consistent,
          ExclusiveStartKey: cursor,
        }),
      );
      for (const item of page.Items ?? []) {
        seats.push({ coach, seat: String(item.sk).slice(ledgerKeys.seatPrefix.length), segs: (item.segs ?? {}) as SeatSegments });
      }
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return seats;
  }

  /** Every segment of the ride free, or held by a hold that has expired. */
  private claimSeat(hold: HoldRecord, seat: SeatId, now: number): TransactItems[number] {
    const segments = segmentsOf(hold.fromIndex, hold.toIndex);
    const names = segmentNames(segments);
    const free = segments.map((s) => `(attribute_not_exists(#g.#${segmentKey(s)}) OR (#g.#${segmentKey(s)}.#st = :held AND #g.#${segmentKey(s)}.#x <= :now))`);
    return {
      Update: {
        TableName: this.tableName,
        Key: ledgerKeys.seat(hold.serviceId, seat.coach, seat.seat),
        UpdateExpression: `SET ${segments.map((s) => `#g.#${segmentKey(s)} = :claim`).join(', ')}`,
        ConditionExpression: `attribute_exists(pk) AND ${free.join(' AND ')}`,
        ExpressionAttributeNames: { '#g': 'segs', '#st': 'st', '#x': 'x', ...names },
        ExpressionAttributeValues: { ':claim': { h: hold.holdId, st: HELD, x: Date.parse(hold.expiresAt) }, ':held': HELD, ':now': now },
      },
    };
  }

  private sellSeat(hold: HoldRecord, seat: SeatId): TransactItems[number] {
    const segments = segmentsOf(hold.fromIndex, hold.toIndex);
    return {
      Update: {
        TableName: this.tableName,
        Key: ledgerKeys.seat(hold.serviceId, seat.coach, seat.seat),
        UpdateExpression: `SET ${segments.map((s) => `#g.#${segmentKey(s)}.#st = :sold`).join(', ')}`,
        ConditionExpression: ownedBy(segments),
        ExpressionAttributeNames: { '#g': 'segs', '#st': 'st', '#h': 'h', ...segmentNames(segments) },
        ExpressionAttributeValues: { ':sold': SOLD, ':hold': hold.holdId },
      },
    };
  }

  private freeSeat(hold: HoldRecord, seat: SeatId): TransactItems[number] {
    const segments = segmentsOf(hold.fromIndex, hold.toIndex);
    return {
      Update: {
        TableName: this.tableName,
        Key: ledgerKeys.seat(hold.serviceId, seat.coach, seat.seat),
        UpdateExpression: `REMOVE ${segments.map((s) => `#g.#${segmentKey(s)}`).join(', ')}`,
        ConditionExpression: `${ownedBy(segments)} AND #g.#${segmentKey(segments[0] as number)}.#st = :held`,
        ExpressionAttributeNames: { '#g': 'segs', '#h': 'h', '#st': 'st', ...segmentNames(segments) },
        ExpressionAttributeValues: { ':hold': hold.holdId, ':held': HELD },
      },
    };
  }

  private putHold(hold: HoldRecord): TransactItems[number] {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...ledgerKeys.hold(hold.holdId), ...hold },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private setHoldStatus(hold: HoldRecord, from: HoldRecord['status'], to: HoldRecord['status']): TransactItems[number] {
    return {
      Update: {
        TableName: this.tableName,
        Key: ledgerKeys.hold(hold.holdId),
        UpdateExpression: 'SET #status = :to',
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':from': from, ':to': to },
      },
    };
  }

  private async transactLinked(linked: readonly LinkedWrite[]): Promise<void> {
    const outcome = await this.transact(linked.map((l) => l.item));
    if (outcome !== 'ok') throwLinkedFailure(outcome, 0, linked);
  }

  /** Runs a transaction; a lost condition or a conflicting transaction is an outcome, naming the items that failed. */
  private async transact(items: TransactItems): Promise<'ok' | TransactFailure> {
    try {
      if (items.length === 1 && items[0]?.Update) {
        await this.db.send(new UpdateCommand(items[0].Update));
      } else {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      }
      return 'ok';
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        return {
          failed: reasons.flatMap((r, i) => (r.Code && r.Code !== 'None' ? [i] : [])),
          conditionFailed: reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : [])),
        };
      }
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return { failed: [0], conditionFailed: [0] };
      throw error;
    }
  }
}

interface TransactFailure {
  /** Items that stopped the transaction, for any reason (a lost condition, a conflicting transaction). */
  failed: number[];
  /** Items whose own condition was false. */
  conditionFailed: number[];
}

/** When a linked write's condition failed, the transaction is its caller's failure, not the ledger's. */
function throwLinkedFailure(outcome: TransactFailure, firstLinked: number, linked: readonly LinkedWrite[]): void {
  const index = outcome.conditionFailed.find((i) => i >= firstLinked && i < firstLinked + linked.length);
  if (index !== undefined) throw (linked[index - firstLinked] as LinkedWrite).onConditionFailed();
}

const segmentNames = (segments: number[]) => Object.fromEntries(segments.map((s) => [`#${segmentKey(s)}`, segmentKey(s)]));

const ownedBy = (segments: number[]) => segments.map((s) => `#g.#${segmentKey(s)}.#h = :hold`).join(' AND ');

const toSeatState = (seat: LedgerSeat, now: number): SeatState => ({
  coach: seat.coach,
  seat: seat.seat,
  row: seat.row,
  letter: seat.letter,
  busy: busyMask(seat.segments, now),
});

const toAllocationRequest = (request: HoldRequest): AllocationRequest => ({
  fromIndex: request.fromIndex,
  toIndex: request.toIndex,
  count: request.count,
  ...(request.preferences?.letters ? { letters: request.preferences.letters } : {}),
  ...(request.preferences?.together === undefined ? {} : { together: request.preferences.together }),
});

function sameHold(hold: HoldRecord, fingerprint: string): HoldRecord {
  if (hold.fingerprint !== fingerprint) throw new HoldIdConflictError(`hold id ${hold.holdId} was used for a different request`);
  return hold;
}

/** Jittered, growing pause so that losers of a race do not collide again in lockstep. */
const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 5)));
