import { type AttributeValue, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { allocate, type AllocationRequest } from '../allocator';
import { releasedHoldTtl, TTL_ATTRIBUTE } from '../lifecycle/ttl';
import { departsAt, hasDeparted } from '../timetable/departure';
import { SalesClosedError } from '../timetable/errors';
import type { SeatClass, SeatId, Service } from '../timetable/service';
import { seatOccupancy, type SeatOccupancy } from './coach-occupancy';
import { HoldContentionError, HoldIdConflictError, HoldLostError, HoldNotFoundError, HoldStateError, LedgerBusyError, SeatsTakenError, SoldOutError } from './errors';
import { type HeldSeats, type HoldRecord, holdFingerprint, type HoldRequest } from './hold';
import { ledgerKeys } from './ledger-keys';
import type { OccupancySnapshots } from './occupancy-snapshots';
import { HELD, type SeatSegments, segmentKey, segmentsOf, SOLD } from './occupancy';
import { ServiceOccupancy } from './service-occupancy';

/** Tries of a sale or release that met only other transactions on its items. */
const TRANSIENT_ATTEMPTS = 4;

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type TransactItems = TransactItem[];


/**
 * A write of another aggregate that must happen in the same transaction as a
 * ledger change (an order item, a passenger claim, an idempotency record).
 * When its own condition fails, the whole transaction is cancelled and its error
 * thrown; a write that asks for `ReturnValuesOnConditionCheckFailure: ALL_OLD`
 * is given the item that stood in its way.
 */
export interface LinkedWrite {
  item: TransactItem;
  onConditionFailed: (existing?: Record<string, unknown>) => Error;
}

export interface HoldOptions {
  /** Sell the seats at once (the hold CONFIRMED in the same transaction): for a buyer who already paid, a waitlisted order. */
  sell?: boolean;
  /** Read the class's coaches from the ledger itself (strongly consistent) before choosing, not from the snapshot that may lag a release. */
  consistent?: boolean;
  /**
   * Write the hold record (default). Without it the linked writes must record the
   * hold and guard its state (an order item: its id, seats and a versioned
   * status), and a retry under the same hold id is told apart by them: the
   * transaction costs one item fewer, and so do its sale and release (HeldSeats.recorded).
   */
  record?: boolean;
  /**
   * Choose from these seats (`readClass`), not from a read of its own: several holds
   * decided on one view of the ledger. Each hold records its seats in it; only a lost
   * race re-reads the coaches lost in.
   */
  occupancy?: ServiceOccupancy;
  /**
   * On a lost race, re-read the coaches lost in and choose again (default). When
   * false, SeatsTakenError instead: a caller deciding several holds in an order of
   * precedence on one view (`occupancy`) reads again and starts over, so that a seat
   * freed after its view goes to the first in line, not to the hold that lost.
   */
  chooseAgain?: boolean;
}

export interface SeatLedgerOptions {
  /** Attempts at a hold before giving up on contention; each re-reads the seats. */
  maxAttempts?: number;
  now?: () => number;
  /** Told each time a hold attempt loses a race and re-reads: the contention a popular train causes. */
  onHoldConflict?: () => void;
}

/** A seat item of one coach as the ledger holds it. */
export interface LedgerSeat extends SeatId {
  segments: SeatSegments;
}

export interface ReleaseResult {
  /** Seats the hold still owned and gave back. */
  released: SeatId[];
  /** Seats another hold had taken after this one expired; left untouched. */
  lost: SeatId[];
}

/**
 * The seat ledger: one item per seat once it is first held, its segment
 * occupancy in the item (one attribute per segment), every change a conditional write. A hold is one TransactWriteItems of a condition per
 * seat plus the hold record, so no seat is ever held twice for overlapping segments.
 *
 * Seats are chosen from the occupancy snapshot, which may be a second or two
 * behind: only the conditions decide, and a pick that loses re-reads just the
 * coaches it lost in.
 */
export class SeatLedger {
  private readonly maxAttempts: number;
  private readonly now: () => number;
  private readonly onHoldConflict: () => void;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly occupancy: OccupancySnapshots,
    options: SeatLedgerOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.now = options.now ?? Date.now;
    this.onHoldConflict = options.onHoldConflict ?? (() => undefined);
  }

  /** The seat items of one coach (a seat never held has none); consistent reads see every write that succeeded before. */
  async readCoach(serviceId: string, coach: string, options: { consistent: boolean }): Promise<LedgerSeat[]> {
    const seats: LedgerSeat[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seat)',
          ExpressionAttributeValues: { ':pk': ledgerKeys.coachPartition(serviceId, coach), ':seat': ledgerKeys.seatPrefix },
          ConsistentRead: options.consistent,
          ExclusiveStartKey: cursor,
        }),
      );
      for (const { pk: _pk, sk, ...segments } of page.Items ?? []) {
        seats.push({ coach, seat: String(sk).slice(ledgerKeys.seatPrefix.length), segments: segments as SeatSegments });
      }
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return seats;
  }

  /**
   * The seats of one class as the ledger holds them now, every coach of the class
   * read consistently (the others left empty): for a run of holds that must all be
   * decided on one view of the seats (`HoldOptions.occupancy`).
   */
  async readClass(service: Service, seatClass: SeatClass): Promise<ServiceOccupancy> {
    const occupancy = new ServiceOccupancy(service);
    await this.reread(occupancy, coachesOf(service, seatClass));
    return occupancy;
  }

  /**
   * Holds `count` seats of a class over the ride until now + ttl.
   * 1. Choose seats from the service's occupancy snapshot (cached for under a second).
   * 2. Write every seat, the hold record (unless `options.record` is false) and
   *    `linkedTo`'s writes in one transaction. A hold id seen before fails its
   *    record's put and answers the hold it made (a retry is idempotent).
   * 3. On losing a race, re-read only the coaches lost in (consistently) and choose
   *    again, a bounded number of times; then sold out.
   */
  async hold(service: Service, request: HoldRequest, linkedTo: (hold: HoldRecord) => readonly LinkedWrite[] = () => [], options: HoldOptions = {}): Promise<HoldRecord> {
    if (hasDeparted(service, request.fromIndex, this.now())) {
      throw new SalesClosedError(`${service.serviceId} left ${request.from} at ${new Date(departsAt(service, request.fromIndex)).toISOString()}: its seats are no longer sold`);
    }
    const fingerprint = holdFingerprint(request);
    const occupancy = options.occupancy ?? (await this.occupancy.current(service));
    if (options.consistent) await this.reread(occupancy, coachesOf(service, request.seatClass));
    const state = options.sell ? SOLD : HELD;

    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const now = this.now();
      const index = occupancy.seatIndex(request.seatClass, now);
      const chosen = allocate(index, toAllocationRequest(request))?.map((position) => index.seats[position] as SeatId);
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
        status: options.sell ? 'CONFIRMED' : 'HELD',
        fingerprint,
        createdAt: new Date(now).toISOString(),
      };
      const linked = linkedTo(hold);
      const holdIndex = hold.seats.length;
      const record = options.record === false ? [] : [this.putHold(hold)];
      const outcome = await this.transact([...hold.seats.map((seat) => this.claimSeat(hold, seat, now, state)), ...record, ...linked.map((l) => l.item)]);
      if (outcome === 'ok') {
        occupancy.recordHold(hold.seats, request, Date.parse(hold.expiresAt));
        return hold;
      }
      throwLinkedFailure(outcome, holdIndex + record.length, linked);
      const made = record.length > 0 ? outcome.existing.get(holdIndex) : undefined;
      if (made) return sameHold(toHoldRecord(made), fingerprint);

      const lostIn = [...new Set(outcome.failed.filter((i) => i < holdIndex).map((i) => (hold.seats[i] as SeatId).coach))];
      this.onHoldConflict();
      if (options.chooseAgain === false) throw new SeatsTakenError(`${request.seatClass} seats in coach ${lostIn.join(', ')} were taken after they were read`);
      await this.reread(occupancy, lostIn);
    }
    throw new HoldContentionError(`could not hold ${request.count} ${request.seatClass} seats from ${request.from} to ${request.to}: every pick was taken first`);
  }

  /**
   * The hold a request with this id already made, if any (another request under the
   * id: HoldIdConflictError). For a caller whose retry met sold out: its own seats
   * may have been the last ones.
   */
  async madeBefore(request: HoldRequest): Promise<HoldRecord | undefined> {
    const made = await this.findHold(request.holdId);
    return made && sameHold(made, holdFingerprint(request));
  }

  /** Sells the seats of a hold known by id; idempotent once confirmed. */
  async confirm(holdId: string): Promise<HoldRecord> {
    const hold = await this.getHold(holdId);
    if (hold.status === 'CONFIRMED') return hold;
    if (hold.status === 'RELEASED') throw new HoldStateError(`hold ${holdId} was released`);
    await this.confirmHeld(hold);
    return { ...hold, status: 'CONFIRMED' };
  }

  /**
   * Sells the seats the caller knows a hold has (an order knows its own): one
   * transaction, no read. Succeeds after expiry as long as nobody took them.
   */
  async confirmHeld(held: HeldSeats, linked: readonly LinkedWrite[] = []): Promise<void> {
    const seatUpdates = held.seats.map((seat) => this.sellSeat(held, seat));
    const record = held.recorded === false ? [] : [this.setHoldStatus(held.holdId, 'HELD', 'CONFIRMED')];
    const outcome = await this.transactPatiently([...seatUpdates, ...record, ...linked.map((l) => l.item)]);
    if (outcome === 'ok') return;
    throwLinkedFailure(outcome, seatUpdates.length + record.length, linked);
    if (record.length === 0) {
      // The linked writes guard the hold's state; they held: the seats alone stood in the way.
      if (outcome.conditionFailed.length > 0) throw new HoldLostError(`hold ${held.holdId} no longer owns its seats`);
      throw new LedgerBusyError(`hold ${held.holdId}: its seats are being written by another request; retry`);
    }
    const current = await this.getHold(held.holdId);
    if (current.status === 'CONFIRMED') return;
    if (outcome.conditionFailed.some((i) => i < seatUpdates.length)) throw new HoldLostError(`hold ${held.holdId} no longer owns its seats`);
    if (current.status === 'HELD') throw new LedgerBusyError(`hold ${held.holdId}: its seats are being written by another request; retry`);
    throw new HoldStateError(`hold ${held.holdId} is ${current.status}`);
  }

  /**
   * Gives back the seats a hold known by id still owns and marks it released.
   * Idempotent (an unknown or released hold is a no-op); a confirmed hold is not released.
   */
  async release(holdId: string, linked: readonly LinkedWrite[] = []): Promise<ReleaseResult> {
    const hold = await this.findHold(holdId);
    if (!hold || hold.status === 'RELEASED') {
      if (linked.length > 0) await this.transactLinked(linked);
      return { released: [], lost: [] };
    }
    if (hold.status === 'CONFIRMED') throw new HoldStateError(`hold ${holdId} is confirmed; its seats are sold`);
    return this.releaseHeld(hold, linked);
  }

  /**
   * Gives back the seats the caller knows a hold has: one transaction, no read,
   * when the hold still owns them all. Seats another hold took after this one
   * expired are left alone, seat by seat.
   */
  async releaseHeld(held: HeldSeats, linked: readonly LinkedWrite[] = []): Promise<ReleaseResult> {
    const record = held.recorded === false ? [] : [this.setHoldStatus(held.holdId, 'HELD', 'RELEASED')];
    const outcome = await this.transactPatiently([...held.seats.map((seat) => this.freeSeat(held, seat)), ...record, ...linked.map((l) => l.item)]);
    if (outcome === 'ok') return { released: held.seats, lost: [] };
    throwLinkedFailure(outcome, held.seats.length + record.length, linked);
    if (!outcome.conditionFailed.some((i) => i < held.seats.length)) {
      if (record.length === 0) throw new LedgerBusyError(`hold ${held.holdId}: its seats are being written by another request; retry`);
      const current = await this.getHold(held.holdId);
      if (current.status === 'RELEASED') {
        if (linked.length > 0) await this.transactLinked(linked);
        return { released: [], lost: [] };
      }
      if (current.status === 'HELD') throw new LedgerBusyError(`hold ${held.holdId}: its seats are being written by another request; retry`);
      throw new HoldStateError(`hold ${held.holdId} is ${current.status}`);
    }

    // Some seat was retaken after expiry: free seat by seat what is still ours.
    const released: SeatId[] = [];
    const lost: SeatId[] = [];
    for (const seat of held.seats) {
      const freed = await this.transact([this.freeSeat(held, seat)]);
      (freed === 'ok' ? released : lost).push(seat);
    }
    if (record.length === 0) {
      if (linked.length > 0) await this.transactLinked(linked);
      return { released, lost };
    }
    const marked = await this.transact([...record, ...linked.map((l) => l.item)]);
    if (marked !== 'ok') {
      throwLinkedFailure(marked, 1, linked);
      const current = await this.getHold(held.holdId);
      if (current.status === 'CONFIRMED') throw new HoldStateError(`hold ${held.holdId} was confirmed meanwhile`);
    }
    return { released, lost };
  }

  async findHold(holdId: string): Promise<HoldRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: ledgerKeys.hold(holdId), ConsistentRead: true }));
    return Item ? toHoldRecord(Item) : undefined;
  }

  private async getHold(holdId: string): Promise<HoldRecord> {
    const hold = await this.findHold(holdId);
    if (!hold) throw new HoldNotFoundError(`no hold ${holdId}`);
    return hold;
  }

  /** Coaches whose snapshot proved stale, read again from the ledger itself. */
  private async reread(occupancy: ServiceOccupancy, coaches: readonly string[]): Promise<void> {
    await Promise.all(
      coaches.map(async (coach) => {
        const seats = await this.readCoach(occupancy.service.serviceId, coach, { consistent: true });
        const now = this.now();
        occupancy.replaceCoach(coach, new Map(seats.map((s): [string, SeatOccupancy] => [s.seat, seatOccupancy(s.segments, now)])));
      }),
    );
  }

  /**
   * Every segment of the ride free, or held by a hold that has expired. A seat's
   * item is made by its first hold: publishing a train writes no seats.
   */
  private claimSeat(hold: HoldRecord, seat: SeatId, now: number, state: typeof HELD | typeof SOLD): TransactItems[number] {
    const segments = segmentsOf(hold.fromIndex, hold.toIndex);
    const free = segments.map((s) => `(attribute_not_exists(#${segmentKey(s)}) OR (#${segmentKey(s)}.#st = :held AND #${segmentKey(s)}.#x <= :now))`);
    return {
      Update: {
        TableName: this.tableName,
        Key: ledgerKeys.seat(hold.serviceId, seat.coach, seat.seat),
        UpdateExpression: `SET ${segments.map((s) => `#${segmentKey(s)} = :claim`).join(', ')}`,
        ConditionExpression: free.join(' AND '),
        ExpressionAttributeNames: { '#st': 'st', '#x': 'x', ...segmentNames(segments) },
        ExpressionAttributeValues: { ':claim': { h: hold.holdId, st: state, x: Date.parse(hold.expiresAt) }, ':held': HELD, ':now': now },
      },
    };
  }

  private sellSeat(hold: HeldSeats, seat: SeatId): TransactItems[number] {
    const segments = segmentsOf(hold.fromIndex, hold.toIndex);
    return {
      Update: {
        TableName: this.tableName,
        Key: ledgerKeys.seat(hold.serviceId, seat.coach, seat.seat),
        UpdateExpression: `SET ${segments.map((s) => `#${segmentKey(s)}.#st = :sold`).join(', ')}`,
        ConditionExpression: ownedBy(segments),
        ExpressionAttributeNames: { '#st': 'st', '#h': 'h', ...segmentNames(segments) },
        ExpressionAttributeValues: { ':sold': SOLD, ':hold': hold.holdId },
      },
    };
  }

  private freeSeat(hold: HeldSeats, seat: SeatId): TransactItems[number] {
    const segments = segmentsOf(hold.fromIndex, hold.toIndex);
    return {
      Update: {
        TableName: this.tableName,
        Key: ledgerKeys.seat(hold.serviceId, seat.coach, seat.seat),
        UpdateExpression: `REMOVE ${segments.map((s) => `#${segmentKey(s)}`).join(', ')}`,
        ConditionExpression: `${ownedBy(segments)} AND #${segmentKey(segments[0] as number)}.#st = :held`,
        ExpressionAttributeNames: { '#h': 'h', '#st': 'st', ...segmentNames(segments) },
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
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  /**
   * A released hold's record is all a release leaves behind (its seats' segments are removed):
   * kept a day for a late confirm or release to find, then it expires (lifecycle/ttl.ts).
   */
  private setHoldStatus(holdId: string, from: HoldRecord['status'], to: HoldRecord['status']): TransactItems[number] {
    const expires = to === 'RELEASED';
    return {
      Update: {
        TableName: this.tableName,
        Key: ledgerKeys.hold(holdId),
        UpdateExpression: expires ? 'SET #status = :to, #ttl = :ttl' : 'SET #status = :to',
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: { '#status': 'status', ...(expires ? { '#ttl': TTL_ATTRIBUTE } : {}) },
        ExpressionAttributeValues: { ':from': from, ':to': to, ...(expires ? { ':ttl': releasedHoldTtl(new Date(this.now())) } : {}) },
      },
    };
  }

  /** Writes of other aggregates alone, in one transaction, each failed condition its own error (a waitlist request holds no seat). */
  async transactLinked(linked: readonly LinkedWrite[]): Promise<void> {
    const outcome = await this.transact(linked.map((l) => l.item));
    if (outcome !== 'ok') throwLinkedFailure(outcome, 0, linked);
  }

  /**
   * A transaction cancelled only because another one was writing the same items
   * (no condition false) is tried again, a few times: a payment or a cancel should
   * not fail on a moment's contention the way a pick from a stale snapshot does.
   */
  private async transactPatiently(items: TransactItems): Promise<'ok' | TransactFailure> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.transact(items);
      if (outcome === 'ok' || outcome.conditionFailed.length > 0 || attempt >= TRANSIENT_ATTEMPTS) return outcome;
      await backoff(attempt);
    }
  }

  /**
   * Runs a transaction; a lost condition or a conflicting transaction is an outcome,
   * naming the items that failed and the old images of those that asked for them.
   */
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
          existing: new Map(reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' && r.Item ? [[i, unmarshall(r.Item as Record<string, AttributeValue>)]] : []))),
        };
      }
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return { failed: [0], conditionFailed: [0], existing: new Map() };
      throw error;
    }
  }
}

interface TransactFailure {
  /** Items that stopped the transaction, for any reason (a lost condition, a conflicting transaction). */
  failed: number[];
  /** Items whose own condition was false. */
  conditionFailed: number[];
  /** The item that stood in the way, for the failed items that asked for it (ALL_OLD). */
  existing: Map<number, Record<string, unknown>>;
}

/** When a linked write's condition failed, the transaction is its caller's failure, not the ledger's. */
function throwLinkedFailure(outcome: TransactFailure, firstLinked: number, linked: readonly LinkedWrite[]): void {
  const index = outcome.conditionFailed.find((i) => i >= firstLinked && i < firstLinked + linked.length);
  if (index !== undefined) throw (linked[index - firstLinked] as LinkedWrite).onConditionFailed(outcome.existing.get(index));
}

function toHoldRecord(item: Record<string, unknown>): HoldRecord {
  const { pk: _pk, sk: _sk, [TTL_ATTRIBUTE]: _ttl, ...hold } = item;
  return hold as unknown as HoldRecord;
}

const coachesOf = (service: Service, seatClass: SeatClass): string[] => service.coaches.filter((c) => c.seatClass === seatClass).map((c) => c.coach);

const segmentNames = (segments: number[]) => Object.fromEntries(segments.map((s) => [`#${segmentKey(s)}`, segmentKey(s)]));

const ownedBy = (segments: number[]) => segments.map((s) => `#${segmentKey(s)}.#h = :hold`).join(' AND ');

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
