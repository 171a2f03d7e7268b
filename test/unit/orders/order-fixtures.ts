import { type Order, type Payment, type Ticket, reserveOrder } from '../../../lib/orders';
import { waitlistOrder } from '../../../lib/orders/order';

export const CREATED_AT = new Date('2026-11-20T08:00:00.000Z');
export const EXPIRES_AT = new Date('2026-11-20T08:30:00.000Z');
export const at = (minutesAfterCreation: number): Date => new Date(CREATED_AT.getTime() + minutesAfterCreation * 60_000);

/** A RESERVED order at version 1: two passengers Beijing South → Jinan West, second class. */
export function reservedOrder(overrides: Partial<Order> = {}): Order {
  return {
    ...reserveOrder(
      {
        orderId: 'ord-1',
        userId: 'user-1',
        serviceId: 'G1_2026-12-01',
        from: 'VNP',
        to: 'JGK',
        fromIndex: 0,
        toIndex: 2,
        seatClass: 'second',
        passengers: [
          { name: 'Li Lei', idNumber: '110101199003070011' },
          { name: 'Han Meimei', idNumber: '11010519491231002X' },
        ],
        seats: [
          { passengerName: 'Li Lei', coach: '05', seat: '01A' },
          { passengerName: 'Han Meimei', coach: '05', seat: '01B' },
        ],
        amount: 55300,
        holdId: 'hold-1',
        expiresAt: EXPIRES_AT.toISOString(),
      },
      CREATED_AT,
    ),
    ...overrides,
  };
}

export const WAITLIST_UNTIL = new Date('2026-11-25T08:00:00.000Z');

/** A WAITLISTED order at version 1 (the ride was sold out): the reserved order's request, no seats, to wait until WAITLIST_UNTIL. */
export function waitlistedOrder(overrides: Partial<Order> = {}): Order {
  const { seats: _seats, status: _status, version: _version, currency: _currency, createdAt: _createdAt, updatedAt: _updatedAt, ...draft } = reservedOrder();
  return { ...waitlistOrder({ ...draft, holdId: draft.orderId }, WAITLIST_UNTIL.toISOString(), CREATED_AT), ...overrides };
}

export function payment(overrides: Partial<Payment> = {}): Payment {
  return { paymentId: 'pay-1', orderId: 'ord-1', amount: 55300, currency: 'CNY', status: 'SUCCEEDED', ...overrides };
}

/** One ticket per seat of the order, numbered from the order and the seat. */
export const ticketsFor = (order: Order): Ticket[] =>
  order.seats.map((s) => ({ ticketNo: `T-${order.orderId}-${s.coach}${s.seat}`, passengerName: s.passengerName, coach: s.coach, seat: s.seat, from: order.from, to: order.to, status: 'ACTIVE', fare: order.amount / order.seats.length }));

/** Freezes an order and everything in it, so a decision that mutates its input throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
