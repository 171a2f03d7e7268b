import {
  InvalidStateError,
  type Order,
  type OrderStatus,
  PaymentMismatchError,
  TicketMismatchError,
  applyPayment,
  cancel,
  expire,
  isOverdue,
  needsSeatCheck,
  ticket,
} from '../../../lib/orders';
import { CREATED_AT, EXPIRES_AT, at, deepFreeze, payment, reservedOrder, ticketsFor } from './order-fixtures';

const held = (now: Date) => ({ seatsStillHeld: true, now });
const lost = (now: Date) => ({ seatsStillHeld: false, now });

/** An order in any status, as if it had got there (version bumped once per step, payment recorded where one settled it). */
function orderIn(status: OrderStatus): Order {
  const base = reservedOrder();
  switch (status) {
    case 'RESERVED':
      return deepFreeze(base);
    case 'PAID':
    case 'REFUND_REQUIRED':
    case 'REFUNDED':
      return deepFreeze({ ...base, status, version: 2, paymentId: 'pay-1' });
    case 'TICKETED':
      return deepFreeze({ ...base, status, version: 3, paymentId: 'pay-1', tickets: ticketsFor(base) });
    default:
      return deepFreeze({ ...base, status, version: 2 });
  }
}

describe('Function: reserveOrder', () => {
  it('opens a RESERVED order at version 1 in CNY, created and updated now', () => {
    // Act
    const order = reservedOrder();

    // Assess
    expect(order).toMatchObject({ status: 'RESERVED', version: 1, currency: 'CNY', createdAt: CREATED_AT.toISOString(), updatedAt: CREATED_AT.toISOString() });
    expect(order).not.toHaveProperty('paymentId');
    expect(order).not.toHaveProperty('tickets');
  });
});

describe('Function: cancel', () => {
  it('cancels a RESERVED order, bumping version and updatedAt', () => {
    // Prepare
    const order = orderIn('RESERVED');

    // Act
    const next = cancel(order, at(5));

    // Assess
    expect(next).toEqual({ ...order, status: 'CANCELLED', version: 2, updatedAt: at(5).toISOString() });
  });

  it('cancels an overdue RESERVED order the sweeper has not reached yet', () => {
    // Act
    const next = cancel(orderIn('RESERVED'), at(45));

    // Assess
    expect(next.status).toBe('CANCELLED');
  });

  it('returns a cancelled order as it is', () => {
    // Prepare
    const order = orderIn('CANCELLED');

    // Act
    const next = cancel(order, at(10));

    // Assess
    expect(next).toBe(order);
  });

  it.each(['PAID', 'TICKETED', 'EXPIRED', 'REFUND_REQUIRED', 'REFUNDED'] as const)('refuses to cancel a %s order as invalid-state', (status) => {
    // Act
    const act = () => cancel(orderIn(status), at(10));

    // Assess
    expect(act).toThrow(InvalidStateError);
    expect(act).toThrow(expect.objectContaining({ problem: 'invalid-state', name: 'InvalidStateError' }));
  });
});

describe('Function: expire', () => {
  it('expires a RESERVED order at expiresAt exactly', () => {
    // Prepare
    const order = orderIn('RESERVED');

    // Act
    const next = expire(order, EXPIRES_AT);

    // Assess
    expect(next).toEqual({ ...order, status: 'EXPIRED', version: 2, updatedAt: EXPIRES_AT.toISOString() });
  });

  it('leaves a RESERVED order alone a millisecond before expiresAt', () => {
    // Prepare
    const order = orderIn('RESERVED');
    const justBefore = new Date(EXPIRES_AT.getTime() - 1);

    // Act
    const next = expire(order, justBefore);

    // Assess
    expect(next).toBe(order);
    expect(isOverdue(order, justBefore)).toBe(false);
  });

  it.each(['PAID', 'TICKETED', 'CANCELLED', 'EXPIRED', 'REFUND_REQUIRED', 'REFUNDED'] as const)('leaves a %s order alone, however late', (status) => {
    // Prepare
    const order = orderIn(status);

    // Act
    const next = expire(order, at(600));

    // Assess
    expect(next).toBe(order);
    expect(isOverdue(order, at(600))).toBe(false);
  });
});

describe('Function: applyPayment', () => {
  it('pays a RESERVED order whose seats are held, recording the payment', () => {
    // Prepare
    const order = orderIn('RESERVED');

    // Act
    const outcome = applyPayment(order, payment(), held(at(3)));

    // Assess
    expect(outcome).toEqual({ kind: 'paid', order: { ...order, status: 'PAID', version: 2, paymentId: 'pay-1', updatedAt: at(3).toISOString() } });
  });

  it('pays an overdue RESERVED order whose seats nobody took', () => {
    // Act
    const outcome = applyPayment(orderIn('RESERVED'), payment(), held(at(40)));

    // Assess
    expect(outcome.kind).toBe('paid');
    expect(outcome.order.status).toBe('PAID');
  });

  it('owes a refund for a RESERVED order whose seats were lost', () => {
    // Prepare
    const order = orderIn('RESERVED');

    // Act
    const outcome = applyPayment(order, payment(), lost(at(40)));

    // Assess
    expect(outcome).toEqual({
      kind: 'refund-required',
      order: { ...order, status: 'REFUND_REQUIRED', version: 2, paymentId: 'pay-1', updatedAt: at(40).toISOString() },
    });
  });

  it.each([true, false])('owes a refund for an EXPIRED order (seats held: %s)', (seatsStillHeld) => {
    // Prepare
    const order = orderIn('EXPIRED');

    // Act
    const outcome = applyPayment(order, payment(), { seatsStillHeld, now: at(50) });

    // Assess
    expect(outcome).toEqual({ kind: 'refund-required', order: { ...order, status: 'REFUND_REQUIRED', version: 3, paymentId: 'pay-1', updatedAt: at(50).toISOString() } });
  });

  it.each([
    ['a wrong amount', { amount: 55299 }],
    ['a wrong currency', { currency: 'USD' }],
    ['a lower-case currency', { currency: 'cny' }],
    ['another order', { orderId: 'ord-2' }],
  ])('refuses %s as payment-mismatch and changes nothing', (_what, overrides) => {
    // Prepare
    const order = orderIn('RESERVED');

    // Act
    const outcome = applyPayment(order, payment(overrides), held(at(3)));

    // Assess
    expect(outcome.kind).toBe('refused');
    expect(outcome.order).toBe(order);
    expect(outcome.kind === 'refused' && outcome.error).toBeInstanceOf(PaymentMismatchError);
    expect(outcome.kind === 'refused' && outcome.error.problem).toBe('payment-mismatch');
  });

  it('refuses a mismatched amount even when it replays the recorded payment id', () => {
    // Act
    const outcome = applyPayment(orderIn('PAID'), payment({ amount: 1 }), held(at(3)));

    // Assess
    expect(outcome.kind).toBe('refused');
  });

  it.each(['RESERVED', 'EXPIRED', 'PAID', 'CANCELLED'] as const)('declines a FAILED payment on a %s order and changes nothing', (status) => {
    // Prepare
    const order = orderIn(status);

    // Act
    const outcome = applyPayment(order, payment({ paymentId: 'pay-9', status: 'FAILED' }), held(at(3)));

    // Assess
    expect(outcome).toEqual({ kind: 'declined', order });
    expect(outcome.order).toBe(order);
  });

  it.each(['CANCELLED'] as const)('refuses a successful payment for a %s order as invalid-state', (status) => {
    // Prepare
    const order = orderIn(status);

    // Act
    const outcome = applyPayment(order, payment(), held(at(3)));

    // Assess
    expect(outcome.kind).toBe('refused');
    expect(outcome.order).toBe(order);
    expect(outcome.kind === 'refused' && outcome.error).toBeInstanceOf(InvalidStateError);
  });

  it.each(['PAID', 'TICKETED', 'REFUND_REQUIRED'] as const)('answers a replay of the recorded payment on a %s order with the order as it is', (status) => {
    // Prepare
    const order = orderIn(status);

    // Act
    const outcome = applyPayment(order, payment(), lost(at(90)));

    // Assess
    expect(outcome).toEqual({ kind: 'replayed', order });
    expect(outcome.order).toBe(order);
  });

  it.each(['PAID', 'TICKETED', 'REFUND_REQUIRED'] as const)('keeps a %s order when another payment arrives, reporting a duplicate', (status) => {
    // Prepare
    const order = orderIn(status);

    // Act
    const outcome = applyPayment(order, payment({ paymentId: 'pay-2' }), held(at(10)));

    // Assess
    expect(outcome).toEqual({ kind: 'duplicate', order });
    expect(outcome.order.paymentId).toBe('pay-1');
  });

  it('answers the same callback twice with the same status and one change', () => {
    // Prepare
    const first = applyPayment(orderIn('RESERVED'), payment(), held(at(3)));

    // Act
    const again = applyPayment(deepFreeze(first.order), payment(), held(at(4)));

    // Assess
    expect(again.kind).toBe('replayed');
    expect(again.order).toBe(first.order);
    expect(again.order.status).toBe(first.order.status);
  });
});

describe('Function: needsSeatCheck', () => {
  it.each([
    ['a matching successful payment for a RESERVED order', 'RESERVED', payment(), true],
    ['a failed payment', 'RESERVED', payment({ status: 'FAILED' }), false],
    ['a mismatched amount', 'RESERVED', payment({ amount: 1 }), false],
    ['an EXPIRED order', 'EXPIRED', payment(), false],
    ['a PAID order', 'PAID', payment({ paymentId: 'pay-2' }), false],
    ['a CANCELLED order', 'CANCELLED', payment(), false],
  ] as const)('for %s: %s', (_what, status, callback, expected) => {
    // Act & Assess
    expect(needsSeatCheck(orderIn(status), callback)).toBe(expected);
  });
});

describe('Function: ticket', () => {
  it('tickets a PAID order with one ticket per seat', () => {
    // Prepare
    const order = orderIn('PAID');
    const tickets = ticketsFor(order).reverse();

    // Act
    const next = ticket(order, tickets, at(6));

    // Assess
    expect(next).toEqual({ ...order, status: 'TICKETED', version: 3, tickets, updatedAt: at(6).toISOString() });
  });

  it('returns a ticketed order as it is when the issue job is delivered again', () => {
    // Prepare
    const order = orderIn('TICKETED');

    // Act
    const next = ticket(order, ticketsFor(order), at(7));

    // Assess
    expect(next).toBe(order);
  });

  it.each(['RESERVED', 'CANCELLED', 'EXPIRED', 'REFUND_REQUIRED', 'REFUNDED'] as const)('refuses to ticket a %s order', (status) => {
    // Prepare
    const order = orderIn(status);

    // Act
    const act = () => ticket(order, ticketsFor(order), at(7));

    // Assess
    expect(act).toThrow(InvalidStateError);
  });

  it.each([
    ['a missing ticket', (order: Order) => ticketsFor(order).slice(1)],
    ['a ticket for another seat', (order: Order) => ticketsFor(order).map((t, i) => (i === 0 ? { ...t, seat: '02C' } : t))],
    ['a ticket for another ride', (order: Order) => ticketsFor(order).map((t, i) => (i === 0 ? { ...t, to: 'AOH' } : t))],
    ['two tickets for one seat', (order: Order) => {
      const [first] = ticketsFor(order);
      return first ? [first, { ...first, ticketNo: 'T-other' }] : [];
    }],
    ['a repeated ticket number', (order: Order) => ticketsFor(order).map((t) => ({ ...t, ticketNo: 'T-same' }))],
  ])('refuses %s', (_what, tickets) => {
    // Prepare
    const order = orderIn('PAID');

    // Act
    const act = () => ticket(order, tickets(order), at(7));

    // Assess
    expect(act).toThrow(TicketMismatchError);
  });
});
