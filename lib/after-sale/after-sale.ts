import { createHash, randomUUID } from 'node:crypto';
import { InvalidRequestError } from '../domain-error';
import type { HeldSeats } from '../ledger/hold';
import type { LinkedWrite, SeatLedger } from '../ledger/seat-ledger';
import type { SoldSeats } from '../ledger/sold-seats';
import type { CountBusinessEvent } from '../observability/business-metrics';
import { IdempotencyConflictError, InvalidStateError, OrderVersionConflictError } from '../orders/errors';
import { cancel, isOverdue, passengerFare, reserveOrder } from '../orders/order';
import { type Order, type OrderView, toView } from '../orders/order-schema';
import type { IdempotencyRecord, OrderStore } from '../orders/order-store';
import { ClaimLostError, type PassengerClaims } from '../orders/passenger-claims';
import type { UserLimits } from '../orders/user-limits';
import { ticketNumber } from '../tickets/ticket-numbers';
import { departsAt } from '../timetable/departure';
import { fareFor } from '../timetable/service';
import type { Timetable } from '../timetable/timetable';
import { changeableTicket, changeOut, fareDifference, markChangePending, type RefundLine, refundTickets, settleCheaperChange } from './after-sale-decisions';
import type { ChangeRequest, RefundRequest } from './requests';

export interface AfterSaleOptions {
  holdTtlSeconds: number;
  now?: () => number;
  newId?: () => string;
  maxAttempts?: number;
  count?: CountBusinessEvent;
}

export interface RefundAnswer {
  orderId: string;
  status: Order['status'];
  refunds: RefundLine[];
}

/** Thrown inside a transaction when the Idempotency-Key was used meanwhile: its record is the answer. */
class KeyUsedError extends Error {
  override readonly name = 'KeyUsedError';
}

/** A dearer change still waiting for its payment holds the ticket: neither refunded nor changed again meanwhile. */
const CHANGE_IN_PLAY: ReadonlySet<Order['status']> = new Set(['RESERVED', 'PAID']);

/**
 * After-sale (退票 refund, 改签 change) of a traveller's tickets. Every write is
 * one DynamoDB transaction whose conditions carry the invariants: the order's
 * version, each seat still sold to (or held by) the order that gives it back,
 * each passenger claim still the order's, the Idempotency-Key unused.
 */
export class AfterSale {
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly maxAttempts: number;
  private readonly count: CountBusinessEvent;

  constructor(
    private readonly store: OrderStore,
    private readonly timetable: Timetable,
    private readonly ledger: SeatLedger,
    private readonly soldSeats: SoldSeats,
    private readonly claims: PassengerClaims,
    private readonly limits: UserLimits,
    private readonly options: AfterSaleOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.count = options.count ?? (() => undefined);
  }

  /**
   * 1. A key used before answers its first response (another body: 422).
   * 2. The caller's order (others: 404); the tickets chosen must be ACTIVE tickets of a
   *    TICKETED order whose train has not left (409 invalid-state).
   * 3. One transaction: each refunded ticket's seat freed (still sold to this order),
   *    the order's next version (TICKETED, or REFUNDED with no ACTIVE ticket left) with
   *    the refunds it owes, the refunded passengers' claims, the key's record.
   */
  async refund(userId: string, orderId: string, idempotencyKey: string, request: RefundRequest): Promise<{ answer: RefundAnswer; replayed: boolean }> {
    const requestHash = hashOf('refund', orderId, request);
    const earlier = await this.replay<RefundAnswer>(userId, idempotencyKey, requestHash);
    if (earlier) return { answer: earlier, replayed: true };

    const result = await this.retryOnRace(async () => {
      const order = await this.store.owned(userId, orderId);
      const service = await this.timetable.service(order.serviceId);
      const now = new Date(this.now());
      const { next, lines, refunded } = refundTickets(order, request.tickets, { now, departsAtMs: departsAt(service, order.fromIndex) });
      for (const ticket of refunded) await this.requireNoChangeInPlay(order, ticket.ticketNo);
      const answer: RefundAnswer = { orderId, status: next.status, refunds: lines };
      const positions = refunded.map((t) => (order.tickets ?? []).indexOf(t));
      const idNumbers = positions.map((i) => order.passengers[i]?.idNumber).filter((id): id is string => id !== undefined);
      const sold: HeldSeats = { ...soldRide(order), seats: refunded.map(({ coach, seat }) => ({ coach, seat })) };
      const record = this.record(userId, idempotencyKey, { requestHash, orderId, response: answer });
      try {
        await this.soldSeats.release(sold, [record, this.store.versioned(next), ...this.claims.releaseFor(order, idNumbers)]);
      } catch (error) {
        if (!(error instanceof ClaimLostError)) throw error;
        // A claim another order holds now (its passenger rebooked): the refund does not wait for it.
        await this.soldSeats.release(sold, [record, this.store.versioned(next)]);
      }
      return answer;
    }, userId, idempotencyKey, requestHash);
    if (!result.replayed) {
      this.count('TicketsRefunded', result.answer.refunds.length);
      this.count('RefundFees', result.answer.refunds.reduce((sum, line) => sum + line.fee, 0));
    }
    return result;
  }

  /**
   * 1. A key used before answers its first response (another body: 422).
   * 2. The caller's ticket must be changeable (ACTIVE, never changed, not departed, no
   *    change of it waiting for payment): 409 invalid-state otherwise. The new ride: the
   *    same stations on the service and class asked for (400 if it has no such ride).
   * 3. Hold one seat there, write the new order (RESERVED, `changeOf` the ticket, one more unpaid
   *    order of the user's), claim the passenger on the new service (or hand the claim over on the
   *    same one), and mark the old ticket as waiting for the change: one transaction (409 sold-out,
   *    429 limit-reached: nothing written).
   * 4. Dearer: done; the old ticket becomes CHANGED when the new order is ticketed (the
   *    ticket issuer, after the payment). Cheaper or equal: a second transaction sells the
   *    new seat, makes the new order PAID owing the difference back, makes the old ticket
   *    CHANGED and frees its seat.
   */
  async change(userId: string, orderId: string, idempotencyKey: string, request: ChangeRequest): Promise<{ order: OrderView; replayed: boolean }> {
    const requestHash = hashOf('change', orderId, request);
    const earlier = await this.replay<OrderView>(userId, idempotencyKey, requestHash);
    if (earlier) return { order: earlier, replayed: true };

    const result = await this.retryOnRace(async () => {
      const old = await this.store.owned(userId, orderId);
      const oldService = await this.timetable.service(old.serviceId);
      const now = new Date(this.now());
      const { ticket, index } = changeableTicket(old, request.ticketNo, { now, departsAtMs: departsAt(oldService, old.fromIndex) });
      await this.requireNoChangeInPlay(old, ticket.ticketNo);
      if (request.serviceId === old.serviceId && request.seatClass === old.seatClass) {
        throw new InvalidRequestError('a change is to another service or another class', { errors: [{ path: 'serviceId', message: 'the same service and class as the ticket' }] });
      }
      const service = await this.timetable.requestedService(request.serviceId);
      const ride = this.timetable.ride(service, old.from, old.to);
      this.timetable.requireClass(service, request.seatClass);
      const newFare = fareFor(service, request.seatClass, ride) as number;
      const oldFare = ticket.fare ?? passengerFare(old);
      const { pay } = fareDifference(oldFare, newFare);
      const passenger = old.passengers[index] ?? { name: ticket.passengerName, idNumber: '' };
      const newOrderId = this.newId();
      const marked = markChangePending(old, ticket.ticketNo, newOrderId, now);
      const sameService = service.serviceId === old.serviceId;

      let reserved: Order | undefined;
      const hold = await this.ledger.hold(
        service,
        { holdId: newOrderId, serviceId: service.serviceId, from: old.from, to: old.to, ...ride, seatClass: request.seatClass, count: 1, ttlSeconds: this.options.holdTtlSeconds },
        (made) => {
          reserved = {
            ...reserveOrder(
              { orderId: newOrderId, userId, serviceId: service.serviceId, from: old.from, to: old.to, ...ride, seatClass: request.seatClass, passengers: [passenger], seats: made.seats.map((s) => ({ passengerName: passenger.name, ...s })), amount: pay, holdId: made.holdId, expiresAt: made.expiresAt },
              now,
            ),
            fare: newFare,
            changeOf: { orderId: old.orderId, ticketNo: ticket.ticketNo },
          };
          return [
            // A dearer change answers now: its key is recorded with the hold.
            ...(pay > 0 ? [this.record(userId, idempotencyKey, { requestHash, orderId: newOrderId, response: toView(reserved) })] : []),
            { item: this.store.putNew(reserved), onConditionFailed: () => new OrderVersionConflictError(`order ${newOrderId} exists`) },
            this.store.versioned(marked),
            sameService
              ? this.claims.transfer(service.serviceId, passenger.idNumber, old.orderId, newOrderId)
              : this.claims.claim(service.serviceId, passenger.idNumber, newOrderId, Date.parse(made.expiresAt), now.getTime(), new Date(departsAt(service, service.stops.length - 1))),
            // The new order is RESERVED, an unpaid order like any (429 limit-reached at the maximum): paying,
            // expiring or cancelling it settles the count as for any order; a cheaper one is settled below.
            ...this.limits.reserved(userId, now.getTime()),
          ];
        },
      );
      const order = reserved as Order;
      if (pay > 0) return toView(order);

      // Cheaper or equal: the swap, in one transaction.
      const paid = settleCheaperChange(order, old, oldFare, now);
      const changed = changeOut(marked, ticket.ticketNo, { orderId: newOrderId, ticketNo: ticketNumber(newOrderId, 0) }, now);
      const oldSeat: LinkedWrite = {
        item: this.soldSeats.freeItem(soldRide(old), ticket),
        onConditionFailed: () => new InvalidStateError(`the seat of ticket ${ticket.ticketNo} is no longer sold to it`),
      };
      const held: HeldSeats = { holdId: hold.holdId, serviceId: service.serviceId, fromIndex: ride.fromIndex, toIndex: ride.toIndex, seats: hold.seats };
      try {
        await this.ledger.confirmHeld(held, [
          this.record(userId, idempotencyKey, { requestHash, orderId: newOrderId, response: toView(paid) }),
          this.store.versioned(paid),
          this.store.versioned(changed),
          oldSeat,
          this.limits.settled(userId),
          ...(sameService ? [] : [this.claims.keep(paid, passenger.idNumber), ...this.claims.releaseFor(old, [passenger.idNumber])]),
        ]);
      } catch (error) {
        // Nothing of the swap happened: the new hold goes back (not a cancellation of the traveller's), the old ticket stays ACTIVE.
        await this.ledger.releaseHeld(held, [this.store.versioned(cancel(order, now)), this.limits.settled(userId)]).catch(() => undefined);
        throw error;
      }
      return toView(paid);
    }, userId, idempotencyKey, requestHash);
    // A dearer change counts when the issuer completes it.
    if (!result.replayed && result.answer.status === 'PAID') this.count('TicketsChanged');
    return { order: result.answer, replayed: result.replayed };
  }

  /** A ticket whose dearer change waits for payment (or ticketing) stays as it is until that change is settled. */
  private async requireNoChangeInPlay(order: Order, ticketNo: string): Promise<void> {
    const pending = order.tickets?.find((t) => t.ticketNo === ticketNo)?.pendingChange;
    if (pending === undefined) return;
    const change = await this.store.get(pending);
    // An unpaid change past its payment window has lapsed, swept or not.
    if (change && CHANGE_IN_PLAY.has(change.status) && !isOverdue(change, new Date(this.now()))) throw new InvalidStateError(`ticket ${ticketNo} is being changed by order ${pending}; pay or cancel that order first`);
  }

  private async replay<T>(userId: string, key: string, requestHash: string): Promise<T | undefined> {
    const record = await this.store.findIdempotencyRecord(userId, key);
    if (!record) return undefined;
    if (record.requestHash !== requestHash) throw new IdempotencyConflictError('this Idempotency-Key was used with another request body');
    return record.response as T;
  }

  private record(userId: string, key: string, record: IdempotencyRecord): LinkedWrite {
    return { item: this.store.putIdempotencyRecord(userId, key, record), onConditionFailed: () => new KeyUsedError('this Idempotency-Key was used meanwhile') };
  }

  /** Tries again after losing a race for the order; a twin request that recorded the key first is answered with its response. */
  private async retryOnRace<T>(attempt: () => Promise<T>, userId: string, key: string, requestHash: string): Promise<{ answer: T; replayed: boolean }> {
    for (let i = 1; ; i++) {
      try {
        return { answer: await attempt(), replayed: false };
      } catch (error) {
        if (error instanceof KeyUsedError) {
          const earlier = await this.replay<T>(userId, key, requestHash);
          if (earlier) return { answer: earlier, replayed: true };
        }
        if (!(error instanceof OrderVersionConflictError || error instanceof KeyUsedError) || i >= this.maxAttempts) throw error;
      }
    }
  }
}

/** The ride an order's seats were sold for, under the hold that bought them. */
const soldRide = (order: Order): Omit<HeldSeats, 'seats'> => ({ holdId: order.holdId, serviceId: order.serviceId, fromIndex: order.fromIndex, toIndex: order.toIndex });

const hashOf = (operation: string, orderId: string, request: unknown): string => createHash('sha256').update(JSON.stringify([operation, orderId, request])).digest('hex');
