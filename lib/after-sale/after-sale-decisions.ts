import { InvalidRequestError } from '../domain-error';
import { InvalidStateError } from '../orders/errors';
import { canTransition } from '../orders/order-status';
import type { AfterSaleEventType, Order, Refund, Ticket } from '../orders/order-schema';
import { refundFee } from './refund-fee';

/**
 * The after-sale decisions (退票, 改签) as pure functions of an order: each
 * returns the order's next version (version + 1, `lastEvent` naming what
 * happened) or throws the domain error that refuses it. What the seat ledger
 * and other orders must agree with is written by the caller in one transaction.
 */

/** A line of a refund's answer. */
export interface RefundLine {
  ticketNo: string;
  fare: number;
  fee: number;
  amount: number;
}

export interface AfterSaleClock {
  now: Date;
  /** Epoch ms at which the order's ride leaves its boarding stop. */
  departsAtMs: number;
}

/** One refund per ticket, one per change, one per late payment: the id the payment provider deduplicates on. */
export const refundIds = {
  ticket: (orderId: string, ticketNo: string) => `${orderId}.refund.${ticketNo}`,
  change: (orderId: string) => `${orderId}.change`,
  payment: (orderId: string, paymentId: string) => `${orderId}.payment.${paymentId}`,
};

/**
 * Refunds `ticketNos` (default: every ACTIVE ticket) of a TICKETED order before
 * its ride departs, each for its fare less the fee for the time left. The order
 * becomes REFUNDED when no ticket is left ACTIVE.
 */
export function refundTickets(order: Order, ticketNos: readonly string[] | undefined, clock: AfterSaleClock): { next: Order; lines: RefundLine[]; refunded: Ticket[] } {
  requireTicketedBeforeDeparture(order, clock);
  const tickets = order.tickets ?? [];
  const chosen = ticketNos === undefined ? tickets.filter((t) => t.status === 'ACTIVE') : ticketNos.map((no) => ticketOf(order, no));
  if (chosen.length === 0) throw new InvalidStateError(`order ${order.orderId} has no ACTIVE ticket to refund`);
  for (const ticket of chosen) requireActive(order, ticket);

  const msLeft = clock.departsAtMs - clock.now.getTime();
  const lines = chosen.map((t): RefundLine => {
    const fee = refundFee(t.fare, msLeft);
    return { ticketNo: t.ticketNo, fare: t.fare, fee, amount: t.fare - fee };
  });
  const version = order.version + 1;
  const refundedNos = new Set(chosen.map((t) => t.ticketNo));
  const nextTickets = tickets.map((t): Ticket => (refundedNos.has(t.ticketNo) ? { ...t, status: 'REFUNDED' } : t));
  const refunds = lines.map((l): Refund => ({ refundId: refundIds.ticket(order.orderId, l.ticketNo), reason: 'refund', ticketNo: l.ticketNo, fare: l.fare, fee: l.fee, amount: l.amount, version }));
  const next: Order = {
    ...advanced(order, clock.now, 'TicketsRefunded'),
    status: nextTickets.some((t) => t.status === 'ACTIVE') ? 'TICKETED' : 'REFUNDED',
    tickets: nextTickets,
    refunds: [...(order.refunds ?? []), ...refunds],
  };
  return { next, lines, refunded: chosen };
}

/**
 * The ticket of a TICKETED order that may be changed (改签): ACTIVE, not itself
 * the product of a change (once per ticket), its ride not yet departed. Whether
 * a change of it already waits for payment is asked by the caller (`pendingChange`).
 */
export function changeableTicket(order: Order, ticketNo: string, clock: AfterSaleClock): { ticket: Ticket; index: number } {
  requireTicketedBeforeDeparture(order, clock);
  const ticket = ticketOf(order, ticketNo);
  requireActive(order, ticket);
  if (order.changeOf) throw new InvalidStateError(`ticket ${ticketNo} was issued by a change; a ticket is changed once`);
  return { ticket, index: (order.tickets ?? []).indexOf(ticket) };
}

/** Marks a dearer change of the ticket as waiting for payment as order `changeOrderId`. */
export const markChangePending = (order: Order, ticketNo: string, changeOrderId: string, now: Date): Order => ({
  ...advanced(order, now, 'TicketChangeRequested'),
  tickets: (order.tickets ?? []).map((t) => (t.ticketNo === ticketNo ? { ...t, pendingChange: changeOrderId } : t)),
});

/** The old ticket gives way to the new one: CHANGED, pointing at it; the order stays as it was otherwise. */
export function changeOut(order: Order, ticketNo: string, to: { orderId: string; ticketNo: string }, now: Date): Order {
  const ticket = ticketOf(order, ticketNo);
  requireActive(order, ticket);
  return {
    ...advanced(order, now, 'TicketChanged'),
    tickets: (order.tickets ?? []).map((t): Ticket => {
      if (t.ticketNo !== ticketNo) return t;
      const { pendingChange: _settled, ...rest } = t;
      return { ...rest, status: 'CHANGED', changedTo: to };
    }),
  };
}

/** The fare difference of a change: what the traveller pays (dearer) or gets back without fee (cheaper or equal). */
export const fareDifference = (oldFare: number, newFare: number): { pay: number; refund: number } => ({ pay: Math.max(0, newFare - oldFare), refund: Math.max(0, oldFare - newFare) });

/**
 * A cheaper or equal change's new order, RESERVED at version 1, goes straight to
 * PAID on the old ticket's payment, owing the difference back.
 */
export function settleCheaperChange(order: Order, old: Pick<Order, 'paymentId'>, oldFare: number, now: Date): Order {
  const { refund } = fareDifference(oldFare, order.fare ?? 0);
  const version = order.version + 1;
  return {
    ...order,
    status: 'PAID',
    version,
    updatedAt: now.toISOString(),
    ...(old.paymentId ? { paymentId: old.paymentId } : {}),
    refund: { amount: refund },
    ...(refund > 0 ? { refunds: [{ refundId: refundIds.change(order.orderId), reason: 'change' as const, fare: oldFare, fee: 0, amount: refund, version }] } : {}),
  };
}

/**
 * A paid change that can no longer replace its ticket (the ticket was refunded
 * while the change had lapsed, and then the change was paid late): PAID →
 * REFUND_REQUIRED, so its payment goes back like any payment for seats we cannot give.
 */
export function voidChange(order: Order, now: Date): Order {
  if (!canTransition(order.status, 'REFUND_REQUIRED')) throw new InvalidStateError(`order ${order.orderId} is ${order.status}; a change is voided only once paid`);
  return { ...order, status: 'REFUND_REQUIRED', version: order.version + 1, updatedAt: now.toISOString() };
}

/** The refund a late payment (REFUND_REQUIRED) owes: the whole payment, no fee. */
export const latePaymentRefund = (order: Order): Refund | undefined =>
  order.paymentId === undefined ? undefined : { refundId: refundIds.payment(order.orderId, order.paymentId), reason: 'late-payment', fare: order.amount, fee: 0, amount: order.amount, version: order.version };

function requireTicketedBeforeDeparture(order: Order, clock: AfterSaleClock): void {
  if (order.status !== 'TICKETED') throw new InvalidStateError(`order ${order.orderId} is ${order.status}; only the tickets of a TICKETED order can be refunded or changed`);
  if (clock.now.getTime() >= clock.departsAtMs) throw new InvalidStateError(`the train of order ${order.orderId} has left ${order.from}`);
}

function ticketOf(order: Order, ticketNo: string): Ticket {
  const ticket = order.tickets?.find((t) => t.ticketNo === ticketNo);
  if (!ticket) throw new InvalidRequestError(`order ${order.orderId} has no ticket ${ticketNo}`, { errors: [{ path: 'tickets', message: `no ticket ${ticketNo} in this order` }] });
  return ticket;
}

function requireActive(order: Order, ticket: Ticket): void {
  if (ticket.status !== 'ACTIVE') throw new InvalidStateError(`ticket ${ticket.ticketNo} of order ${order.orderId} is ${ticket.status}`);
}

function advanced(order: Order, now: Date, event: AfterSaleEventType): Order {
  const version = order.version + 1;
  return { ...order, version, updatedAt: now.toISOString(), lastEvent: { type: event, version } };
}
