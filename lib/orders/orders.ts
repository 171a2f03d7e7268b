import { createHash, randomUUID } from 'node:crypto';
import { InvalidRequestError } from '../domain-error';
import { HoldContentionError, HoldLostError, HoldStateError, SoldOutError } from '../ledger/errors';
import type { HeldSeats } from '../ledger/hold';
import type { CountBusinessEvent } from '../observability/business-metrics';
import type { LinkedWrite, SeatLedger } from '../ledger/seat-ledger';
import { departsAt } from '../timetable/departure';
import type { Timetable } from '../timetable/timetable';
import { orderAmount } from './amounts';
import { IdempotencyConflictError, OrderNotFoundError, OrderVersionConflictError } from './errors';
import { applyPayment, cancel, expire, needsSeatCheck, type Order, type Payment, type PaymentOutcome, reserveOrder, waitlistOrder } from './order';
import { OVERDUE_SHARDS } from './order-keys';
import type { IdempotencyRecord, OrderStore } from './order-store';
import { type OrderView, toView } from './order-schema';
import { ClaimLostError, type PassengerClaims } from './passenger-claims';
import type { CreateOrderRequest } from './requests';
import type { UserLimits } from './user-limits';

export interface OrdersOptions {
  holdTtlSeconds: number;
  now?: () => number;
  newId?: () => string;
  /** Attempts at a payment or cancel that lost a race with another writer of the same order. */
  maxAttempts?: number;
  count?: CountBusinessEvent;
}

/** Thrown inside a transaction when the key was used before: its record is the answer (or a 422). */
class KeyUsedError extends Error {
  override readonly name = 'KeyUsedError';

  constructor(readonly record: IdempotencyRecord | undefined) {
    super('this Idempotency-Key was used before');
  }
}

/**
 * The order use cases. Every state change is one conditional write on the
 * order's version, made in the same transaction as the seat-ledger change it
 * goes with, so an order and its seats never disagree.
 */
export class Orders {
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly maxAttempts: number;
  private readonly count: CountBusinessEvent;

  constructor(
    private readonly store: OrderStore,
    private readonly timetable: Timetable,
    private readonly ledger: SeatLedger,
    private readonly claims: PassengerClaims,
    private readonly limits: UserLimits,
    private readonly options: OrdersOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.count = options.count ?? (() => undefined);
  }

  /**
   * 1. Resolve the ride (unknown service or station, wrong class: 400); the
   *    service definition is cached per container.
   * 2. Hold seats, claim each passenger ID on the service, write the order and the
   *    idempotency record: one transaction after one snapshot read. A taken ID:
   *    409 duplicate-passenger, nothing held.
   * 3. A key used before fails its record's put, which hands back the record: the
   *    first response again (another body under it: 422). No read before the write.
   */
  async reserve(userId: string, idempotencyKey: string, request: CreateOrderRequest): Promise<{ order: OrderView; replayed: boolean }> {
    const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    // The keys that seal ID numbers and hash claims: read once per container, then no round trip.
    await this.store.ready();
    const service = await this.timetable.requestedService(request.serviceId);
    const ride = this.timetable.ride(service, request.from, request.to);
    this.timetable.requireClass(service, request.seatClass);
    const orderId = this.newId();
    const amount = orderAmount(service, request.seatClass, ride, request.passengers.length);
    const until = request.waitlist && waitlistDeadline(request.waitlist.until, this.now(), departsAt(service, ride.fromIndex));
    const trainArrives = new Date(departsAt(service, service.stops.length - 1));

    let view: OrderView | undefined;
    try {
      await this.ledger.hold(
        service,
        { holdId: orderId, serviceId: service.serviceId, from: request.from, to: request.to, ...ride, seatClass: request.seatClass, count: request.passengers.length, ttlSeconds: this.options.holdTtlSeconds, ...(request.preferences ? { preferences: request.preferences } : {}) },
        (hold) => {
          const order = reserveOrder(
            {
              orderId,
              userId,
              serviceId: service.serviceId,
              from: request.from,
              to: request.to,
              ...ride,
              seatClass: request.seatClass,
              passengers: request.passengers,
              seats: hold.seats.map((seat, i) => ({ passengerName: request.passengers[i]?.name ?? '', ...seat })),
              amount,
              holdId: hold.holdId,
              holdRecorded: false,
              expiresAt: hold.expiresAt,
            },
            new Date(this.now()),
          );
          view = toView(order);
          // The idempotency record first: when the key was used, that is the failure to report.
          return [
            { item: this.store.putIdempotencyRecord(userId, idempotencyKey, { requestHash, orderId, response: view }), onConditionFailed: (existing) => new KeyUsedError(existing && this.store.idempotencyRecordOf(existing)) },
            { item: this.store.putNew(order), onConditionFailed: () => new OrderVersionConflictError(`order ${orderId} exists`) },
            ...request.passengers.map((p) => this.claims.claim(service.serviceId, p.idNumber, orderId, Date.parse(hold.expiresAt), this.now(), trainArrives)),
            // After the record: a retry of an order that exists is answered, never refused for the limit it itself fills.
            ...this.limits.reserved(userId, this.now()),
          ];
        },
        // The order item records the hold: its versioned status decides between a sale and a release.
        { record: false },
      );
    } catch (error) {
      if (error instanceof KeyUsedError) return this.replay(error.record ?? (await this.store.findIdempotencyRecord(userId, idempotencyKey)), requestHash);
      if (error instanceof SoldOutError || error instanceof HoldContentionError) {
        // A retry of an order that took the last seats (or joined the waitlist) answers that order.
        const record = await this.store.findIdempotencyRecord(userId, idempotencyKey);
        if (record) return this.replay(record, requestHash);
        if (until === undefined || error instanceof HoldContentionError) this.count('SoldOut');
        else {
          const now = this.now();
          const order = waitlistOrder(
            { orderId, userId, serviceId: service.serviceId, from: request.from, to: request.to, ...ride, seatClass: request.seatClass, passengers: request.passengers, amount, holdId: orderId, expiresAt: new Date(now + this.options.holdTtlSeconds * 1000).toISOString() },
            until,
            new Date(now),
          );
          return this.joinWaitlist(order, idempotencyKey, requestHash, trainArrives);
        }
      }
      throw error;
    }
    this.count('OrdersReserved');
    return { order: view as OrderView, replayed: false };
  }

  /**
   * A sold-out ride's waitlist request (候补): the order WAITLISTED (to prepay by `expiresAt`), its
   * passengers' IDs claimed on the service until then, one more unpaid order of the user's, the key's
   * record: one transaction, no seat.
   */
  private async joinWaitlist(order: Order, idempotencyKey: string, requestHash: string, trainArrives: Date): Promise<{ order: OrderView; replayed: boolean }> {
    const view = toView(order);
    try {
      await this.ledger.transactLinked([
        { item: this.store.putIdempotencyRecord(order.userId, idempotencyKey, { requestHash, orderId: order.orderId, response: view }), onConditionFailed: (existing) => new KeyUsedError(existing && this.store.idempotencyRecordOf(existing)) },
        { item: this.store.putNew(order), onConditionFailed: () => new OrderVersionConflictError(`order ${order.orderId} exists`) },
        ...order.passengers.map((p) => this.claims.claim(order.serviceId, p.idNumber, order.orderId, Date.parse(order.expiresAt), this.now(), trainArrives)),
        ...this.limits.reserved(order.userId, this.now()),
      ]);
    } catch (error) {
      if (error instanceof KeyUsedError) return this.replay(error.record ?? (await this.store.findIdempotencyRecord(order.userId, idempotencyKey)), requestHash);
      throw error;
    }
    this.count('OrdersWaitlisted');
    return { order: view, replayed: false };
  }

  /** The caller's order; someone else's answers as if it did not exist. */
  async find(userId: string, orderId: string): Promise<OrderView> {
    return toView(await this.store.owned(userId, orderId));
  }

  /**
   * RESERVED → CANCELLED with its seats and passenger claims given back at once; WAITLISTED →
   * CANCELLED, WAITING → REFUNDED (its prepayment owed back through the refund outbox), their
   * claims given back; again → the same answer.
   */
  async cancel(userId: string, orderId: string): Promise<OrderView> {
    return this.retryOnRace(async () => {
      const order = await this.store.owned(userId, orderId);
      const next = cancel(order, new Date(this.now()));
      if (next === order) return toView(order);
      await this.giveBack(order, next);
      return toView(next);
    });
  }

  /**
   * A payment callback whose signature was already checked.
   * A matching success on a RESERVED order sells its seats and marks it PAID in one
   * transaction; if the seats were lost meanwhile, the order needs a refund.
   */
  async pay(payment: Payment): Promise<PaymentOutcome> {
    const outcome = await this.retryOnRace(async () => {
      const order = await this.store.get(payment.orderId);
      if (!order) throw new OrderNotFoundError(`no order ${payment.orderId}`);
      const now = new Date(this.now());
      if (!needsSeatCheck(order, payment)) {
        const outcome = applyPayment(order, payment, { seatsStillHeld: false, now });
        try {
          return await this.settle(outcome, order);
        } catch (error) {
          // A waitlist request whose lapsed claim another order took: the money goes back.
          if (!(error instanceof ClaimLostError && outcome.kind === 'waiting')) throw error;
          return this.settle(applyPayment(order, payment, { seatsStillHeld: false, claimsLost: true, now }), order);
        }
      }

      const paid = applyPayment(order, payment, { seatsStillHeld: true, now });
      try {
        await this.ledger.confirmHeld(heldSeats(order), [this.store.versioned(paid.order), ...order.passengers.map((p) => this.claims.keep(order, p.idNumber)), this.limits.settled(order.userId)]);
        return paid;
      } catch (error) {
        if (!(error instanceof HoldLostError || error instanceof HoldStateError || error instanceof ClaimLostError)) throw error;
        const refund = applyPayment(order, payment, { seatsStillHeld: false, now });
        return this.settle(refund, order);
      }
    });
    if (outcome.kind === 'paid') this.count('OrdersPaid');
    if (outcome.kind === 'waiting') this.count('WaitlistPrepaid');
    if (outcome.kind === 'refund-required') this.count('RefundsRequired');
    if (outcome.kind === 'refused') this.count('PaymentRejected');
    if (outcome.kind === 'refused') throw outcome.error;
    return outcome;
  }

  /**
   * Moves overdue RESERVED and WAITLISTED orders to EXPIRED and frees their seats and claims, and
   * refunds WAITING orders past their waitlist deadline in full (REFUNDED); safe to run twice at once.
   */
  async expireOverdue(pageSize = 50): Promise<number> {
    let expired = 0;
    for (let shard = 0; shard < OVERDUE_SHARDS; shard++) {
      for (;;) {
        const overdue = await this.store.overdue(shard, new Date(this.now()).toISOString(), pageSize);
        let progressed = 0;
        for (const order of overdue) {
          const next = expire(order, new Date(this.now()));
          if (next === order) continue;
          try {
            await this.giveBack(order, next);
            expired++;
            progressed++;
          } catch (error) {
            // Another sweeper, a payment or a cancel changed it first: it is no longer ours to expire.
            if (!(error instanceof OrderVersionConflictError || error instanceof HoldStateError)) throw error;
          }
        }
        if (overdue.length < pageSize || progressed === 0) break;
      }
    }
    this.count('OrdersExpired', expired);
    return expired;
  }

  /** The first response under a key; another body under it is refused. */
  private replay(record: IdempotencyRecord | undefined, requestHash: string): { order: OrderView; replayed: true } {
    if (!record) throw new OrderVersionConflictError('the request under this Idempotency-Key changed meanwhile; retry');
    if (record.requestHash !== requestHash) throw new IdempotencyConflictError('this Idempotency-Key was used with another request body');
    return { order: record.response as OrderView, replayed: true };
  }

  /**
   * An unpaid order's seats and passenger claims back, with its next state, in one
   * transaction. A claim another order took after this one lapsed is left to it.
   */
  private async giveBack(order: Order, next: Order): Promise<void> {
    // In the transaction of the order's versioned write, as every try below: counted once per order, whichever try writes it.
    // A WAITING order is no unpaid order any more (its prepayment settled the count).
    const limits = order.status === 'WAITING' ? [] : next.status === 'CANCELLED' ? this.limits.cancelled(order.userId, this.now()) : [this.limits.settled(order.userId)];
    // A waitlist request holds no seat: only the order, its claims and the count change.
    const write = (linked: LinkedWrite[]) => (order.status === 'RESERVED' ? this.ledger.releaseHeld(heldSeats(order), linked) : this.ledger.transactLinked(linked));
    try {
      await write([this.store.versioned(next), ...this.claims.releaseAll(order), ...limits]);
    } catch (error) {
      if (!(error instanceof ClaimLostError)) throw error;
      await write([this.store.versioned(next), ...limits]);
      await this.claims.release(order);
    }
    if (next.status === 'REFUNDED') this.count('WaitlistRefunded');
  }

  /** Writes an outcome that does not touch the seats (mismatch, replay, refund, duplicate). */
  private async settle(outcome: PaymentOutcome, current: Order): Promise<PaymentOutcome> {
    if (outcome.order !== current) {
      // Leaving RESERVED or WAITLISTED (prepaid, or a refund for seats lost) frees an unpaid-order slot; an EXPIRED order's expiry already did.
      // The decrement rides on the order's versioned put, one transaction: only the write that moves the order counts.
      const leavesUnpaid = (current.status === 'RESERVED' || current.status === 'WAITLISTED') && outcome.order.status !== current.status;
      if (outcome.kind === 'waiting') {
        // Prepaid: its passengers' claims stop lapsing, in the transaction that makes it WAITING (lost meanwhile: retried, then refused).
        await this.ledger.transactLinked([this.store.versioned(outcome.order), ...current.passengers.map((p) => this.claims.keep(current, p.idNumber)), this.limits.settled(current.userId)]);
        return outcome;
      }
      await this.store.save(outcome.order, leavesUnpaid ? [this.limits.settled(current.userId).item] : []);
      if (outcome.order.status === 'REFUND_REQUIRED') {
        // Seats still held by this order (its passenger was rebooked elsewhere) go back too.
        await this.ledger.release(current.holdId).catch((error: unknown) => {
          if (!(error instanceof HoldStateError)) throw error;
        });
        await this.claims.release(outcome.order);
      }
    }
    return outcome;
  }

  private async retryOnRace<T>(attempt: () => Promise<T>): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof OrderVersionConflictError) || i >= this.maxAttempts) throw error;
      }
    }
  }
}

/**
 * A waitlist deadline as UTC ISO: in the future and before the ride departs, else 400.
 */
function waitlistDeadline(until: string, now: number, departs: number): string {
  const at = Date.parse(until);
  const problem = at <= now ? 'the waitlist deadline has passed' : at >= departs ? `the waitlist deadline must be before the ride departs (${new Date(departs).toISOString()})` : undefined;
  if (problem) throw new InvalidRequestError(problem, { errors: [{ path: 'waitlist.until', message: problem }] });
  return new Date(at).toISOString();
}

/** What an order's hold holds, from the order itself: no read of the hold needed. */
const heldSeats = (order: Order): HeldSeats => ({
  holdId: order.holdId,
  serviceId: order.serviceId,
  fromIndex: order.fromIndex,
  toIndex: order.toIndex,
  seats: order.seats.map(({ coach, seat }) => ({ coach, seat })),
  ...(order.holdRecorded === false ? { recorded: false } : {}),
});
