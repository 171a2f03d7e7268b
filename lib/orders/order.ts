import { ORDER_CURRENCY } from './constants';
import { InvalidStateError, PaymentMismatchError, TicketMismatchError } from './errors';
import { canTransition, type OrderStatus } from './order-status';
import type { Order, Ticket } from './order-schema';

/**
 * The order and the pure decisions on it. A decision takes the current order
 * and returns the next one, with `version` + 1 and `updatedAt` = now; when
 * nothing changes it returns the very same object (`next === order`), so the
 * caller writes only when there is something to write, conditional on the
 * version it read. No I/O here: whether the seats are still ours is asked of
 * the seat ledger by the caller and passed in.
 */

export type { Order, OrderSeat, Passenger, Ticket } from './order-schema';

/** What a new order is made of once its seats are held. */
export type OrderDraft = Pick<
  Order,
  'orderId' | 'userId' | 'serviceId' | 'from' | 'to' | 'fromIndex' | 'toIndex' | 'seatClass' | 'passengers' | 'seats' | 'amount' | 'holdId' | 'expiresAt'
> &
  Partial<Pick<Order, 'holdRecorded'>>;

export const PAYMENT_STATUSES = ['SUCCEEDED', 'FAILED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** A payment provider's report about one payment for one order. */
export interface Payment {
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
}

export interface PaymentContext {
  /** The seat ledger confirmed the order's hold: its seats are still ours (see `needsSeatCheck`). */
  seatsStillHeld: boolean;
  /** A waitlist request's passenger claims were taken by another order (its payment cannot keep them). */
  claimsLost?: boolean;
  now: Date;
}

/**
 * What a payment callback did. Only `paid` and `refund-required` change the
 * order; every other outcome carries the order as it was.
 * - `replayed`: this paymentId was already applied; answer with the current status.
 * - `duplicate`: another payment for an order that is already settled
 *   (PAID, TICKETED, REFUND_REQUIRED). The order keeps its payment and status;
 *   this second payment is money to give back, so the caller answers 200 with
 *   the current status and flags a refund of `paymentId`.
 * - `waiting`: a waitlist request (WAITLISTED) was prepaid and is WAITING for seats.
 * - `declined`: the provider reports a failed payment; the order waits for another.
 * - `refused`: a mismatch, or a successful payment for an order that cannot take
 *   it (CANCELLED). The caller throws `error`; a refused SUCCEEDED
 *   payment is also money to give back.
 */
export type PaymentOutcome =
  | { kind: 'paid'; order: Order }
  | { kind: 'waiting'; order: Order }
  | { kind: 'refund-required'; order: Order }
  | { kind: 'replayed'; order: Order }
  | { kind: 'duplicate'; order: Order }
  | { kind: 'declined'; order: Order }
  | { kind: 'refused'; order: Order; error: PaymentMismatchError | InvalidStateError };

/** What one passenger's ride costs: the order's `fare` when it pays a difference, else its amount shared out. */
export const passengerFare = (order: Pick<Order, 'amount' | 'fare' | 'seats'>): number => order.fare ?? Math.round(order.amount / Math.max(1, order.seats.length));

/** A new order, RESERVED at version 1 (its hold already made). */
export function reserveOrder(draft: OrderDraft, now: Date): Order {
  const at = now.toISOString();
  return { ...draft, status: 'RESERVED', version: 1, currency: ORDER_CURRENCY, createdAt: at, updatedAt: at };
}

/** A waitlist request for a sold-out ride (候补): WAITLISTED at version 1, no seats, to be prepaid by `expiresAt`. */
export function waitlistOrder(draft: Omit<OrderDraft, 'seats'>, until: string, now: Date): Order {
  const at = now.toISOString();
  return { ...draft, seats: [], waitlist: { until }, status: 'WAITLISTED', version: 1, currency: ORDER_CURRENCY, createdAt: at, updatedAt: at };
}

/**
 * RESERVED or WAITLISTED → CANCELLED; WAITING (prepaid) → REFUNDED, its payment owed back in
 * full. An order already so cancelled is returned as it is (idempotent); any other state is refused.
 */
export function cancel(order: Order, now: Date): Order {
  if (order.status === 'CANCELLED' || (order.status === 'REFUNDED' && waitlistRefundOf(order) !== undefined)) return order;
  if (order.status === 'WAITING') return refundWaiting(order, now);
  if (order.status !== 'RESERVED' && order.status !== 'WAITLISTED') throw new InvalidStateError(`order ${order.orderId} is ${order.status}; only a RESERVED or waitlisted order can be cancelled`);
  return advance(order, 'CANCELLED', now);
}

/** The instant an order's sweep is due: an unpaid order's payment window, a WAITING order's waitlist deadline. */
export const dueAt = (order: Order): string | undefined => {
  if (order.status === 'RESERVED' || order.status === 'WAITLISTED') return order.expiresAt;
  if (order.status === 'WAITING') return order.waitlist?.until;
  return undefined;
};

export const isOverdue = (order: Order, now: Date): boolean => {
  const due = dueAt(order);
  return due !== undefined && now.getTime() >= Date.parse(due);
};

/**
 * Overdue RESERVED or WAITLISTED → EXPIRED; WAITING past its deadline → REFUNDED in full;
 * anything else is returned as it is (the sweeper may race a payment, a cancel or the fulfiller).
 */
export function expire(order: Order, now: Date): Order {
  if (!isOverdue(order, now)) return order;
  return order.status === 'WAITING' ? refundWaiting(order, now) : advance(order, 'EXPIRED', now);
}

/** WAITING → PAID with the seats the waitlist fulfiller sold it under `holdId`. */
export function serveWaiting(order: Order, holdId: string, seats: readonly { coach: string; seat: string }[], now: Date): Order {
  if (order.status !== 'WAITING') throw new InvalidStateError(`order ${order.orderId} is ${order.status}; only a WAITING order is served`);
  const served = { ...order, holdId, seats: seats.map((s, i) => ({ passengerName: order.passengers[i]?.name ?? '', coach: s.coach, seat: s.seat })) };
  return advance(served, 'PAID', now);
}

/** The refund of a waitlist request's whole prepayment, if it owes one. */
export const waitlistRefundOf = (order: Order) => order.refunds?.find((r) => r.reason === 'waitlist');

function refundWaiting(order: Order, now: Date): Order {
  const version = order.version + 1;
  const refund = { refundId: `${order.orderId}.waitlist.${order.paymentId ?? 'unpaid'}`, reason: 'waitlist' as const, fare: order.amount, fee: 0, amount: order.amount, version };
  return { ...advance(order, 'REFUNDED', now), refunds: [...(order.refunds ?? []), refund] };
}

/**
 * Whether `applyPayment` depends on `seatsStillHeld`: a successful, matching
 * payment for a RESERVED order. Only then does the caller confirm the hold in
 * the seat ledger (a late payment succeeds if nobody took the seats); in every
 * other case it must not touch the ledger.
 */
export function needsSeatCheck(order: Order, payment: Payment): boolean {
  return order.status === 'RESERVED' && payment.status === 'SUCCEEDED' && mismatchOf(order, payment) === undefined;
}

/**
 * Applies a provider's callback. In order: a mismatch (amount, currency, order)
 * is refused and changes nothing; the paymentId the order already recorded is a
 * replay; a FAILED payment changes nothing; a SUCCEEDED one pays a RESERVED
 * order whose seats are still held, owes a refund for a RESERVED order whose
 * seats were lost or an EXPIRED order, is a duplicate for an order already
 * settled by another payment, and is refused for any other state.
 */
export function applyPayment(order: Order, payment: Payment, context: PaymentContext): PaymentOutcome {
  const mismatch = mismatchOf(order, payment);
  if (mismatch !== undefined) return { kind: 'refused', order, error: new PaymentMismatchError(mismatch) };
  if (order.paymentId === payment.paymentId) return { kind: 'replayed', order };
  if (payment.status === 'FAILED') return { kind: 'declined', order };

  const settled = { paymentId: payment.paymentId };
  switch (order.status) {
    case 'RESERVED':
      return context.seatsStillHeld
        ? { kind: 'paid', order: advance(order, 'PAID', context.now, settled) }
        : { kind: 'refund-required', order: advance(order, 'REFUND_REQUIRED', context.now, settled) };
    case 'EXPIRED':
      return { kind: 'refund-required', order: advance(order, 'REFUND_REQUIRED', context.now, settled) };
    case 'WAITLISTED':
      // Past its payment window its passengers' claims may be someone else's: the money goes back.
      return isOverdue(order, context.now) || context.claimsLost
        ? { kind: 'refund-required', order: advance(order, 'REFUND_REQUIRED', context.now, settled) }
        : { kind: 'waiting', order: { ...advance(order, 'WAITING', context.now, settled), waitingSince: context.now.toISOString() } };
    case 'WAITING':
    case 'PAID':
    case 'TICKETED':
    case 'REFUND_REQUIRED':
    case 'REFUNDED':
      return { kind: 'duplicate', order };
    case 'CANCELLED':
      return {
        kind: 'refused',
        order,
        error: new InvalidStateError(`order ${order.orderId} is ${order.status}; payment ${payment.paymentId} cannot be applied`),
      };
  }
}

/**
 * PAID → TICKETED with one ticket per seat, for the order's ride. A ticketed
 * order is returned as it is (a re-delivered issue job); any other state is refused.
 */
export function ticket(order: Order, tickets: readonly Ticket[], now: Date): Order {
  if (order.status === 'TICKETED') return order;
  if (order.status !== 'PAID') throw new InvalidStateError(`order ${order.orderId} is ${order.status}; only a PAID order can be ticketed`);
  const problem = ticketProblem(order, tickets);
  if (problem !== undefined) throw new TicketMismatchError(`tickets for order ${order.orderId}: ${problem}`);
  return advance(order, 'TICKETED', now, { tickets: tickets.map((t) => ({ ...t })) });
}

function advance(order: Order, to: OrderStatus, now: Date, changes: Partial<Pick<Order, 'paymentId' | 'tickets'>> = {}): Order {
  // Every caller above already checked the state; this guards the table itself.
  if (!canTransition(order.status, to)) throw new InvalidStateError(`order ${order.orderId} cannot go from ${order.status} to ${to}`);
  return { ...order, ...changes, status: to, version: order.version + 1, updatedAt: now.toISOString() };
}

function mismatchOf(order: Order, payment: Payment): string | undefined {
  if (payment.orderId !== order.orderId) return `payment ${payment.paymentId} is for order ${payment.orderId}, not ${order.orderId}`;
  if (payment.currency !== order.currency) return `payment ${payment.paymentId} is in ${payment.currency}; order ${order.orderId} is in ${order.currency}`;
  if (payment.amount !== order.amount) return `payment ${payment.paymentId} is ${payment.amount} fen; order ${order.orderId} costs ${order.amount} fen`;
  return undefined;
}

const seatKey = (s: { passengerName: string; coach: string; seat: string }): string => JSON.stringify([s.passengerName, s.coach, s.seat]);

function ticketProblem(order: Order, tickets: readonly Ticket[]): string | undefined {
  if (tickets.length !== order.seats.length) return `${tickets.length} tickets for ${order.seats.length} seats`;
  const wrongRide = tickets.find((t) => t.from !== order.from || t.to !== order.to);
  if (wrongRide) return `ticket ${wrongRide.ticketNo} is ${wrongRide.from}→${wrongRide.to}, the order ${order.from}→${order.to}`;
  if (new Set(tickets.map((t) => t.ticketNo)).size !== tickets.length) return 'ticket numbers repeat';
  const seats = order.seats.map(seatKey).sort();
  const ticketed = tickets.map(seatKey).sort();
  if (seats.some((key, i) => key !== ticketed[i])) return 'they do not match the seats held';
  return undefined;
}
