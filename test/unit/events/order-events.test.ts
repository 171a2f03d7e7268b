import { MalformedOrderItemError } from '../../../lib/events/errors';
import { ORDER_EVENT_TYPES, isOrderItem, orderEventFor, orderEventId } from '../../../lib/events/order-events';
import { type Order, type OrderStatus, applyPayment, cancel, expire, ticket } from '../../../lib/orders';
import { at, payment, reservedOrder, ticketsFor, waitlistedOrder } from '../orders/order-fixtures';
import { idempotencyItem, orderItem } from './stream-records';

const reserved = reservedOrder();
const paid = (() => {
  const outcome = applyPayment(reserved, payment(), { seatsStillHeld: true, now: at(3) });
  if (outcome.kind !== 'paid') throw new Error(`fixture: expected paid, got ${outcome.kind}`);
  return outcome.order;
})();
const refundRequired = (() => {
  const outcome = applyPayment(reserved, payment(), { seatsStillHeld: false, now: at(3) });
  if (outcome.kind !== 'refund-required') throw new Error(`fixture: expected refund-required, got ${outcome.kind}`);
  return outcome.order;
})();

/** The order as it stands after the decision that leads to each status. */
const ordersByStatus: Record<OrderStatus, { order: Order; previous?: Order }> = {
  RESERVED: { order: reserved },
  PAID: { order: paid, previous: reserved },
  TICKETED: { order: ticket(paid, ticketsFor(paid), at(4)), previous: paid },
  CANCELLED: { order: cancel(reserved, at(5)), previous: reserved },
  EXPIRED: { order: expire(reserved, at(31)), previous: reserved },
  REFUND_REQUIRED: { order: refundRequired, previous: reserved },
  REFUNDED: { order: { ...refundRequired, status: 'REFUNDED', version: 3, updatedAt: at(40).toISOString() }, previous: refundRequired },
  WAITLISTED: { order: waitlistedOrder() },
  WAITING: { order: applyPayment(waitlistedOrder(), payment(), { seatsStillHeld: false, now: at(3) }).order, previous: waitlistedOrder() },
};

/** Events carry each passenger's name and masked ID number, never the number. */
const withMaskedIds = (order: Order) => ({ ...order, passengers: order.passengers.map((p) => ({ name: p.name, idMasked: `${p.idNumber.slice(0, 6)}********${p.idNumber.slice(-4)}` })) });

describe('Function: orderEventFor', () => {
  it('carries no ID number, nor its ciphertext, from an order item as the store writes it', () => {
    // Prepare
    const stored = {
      ...orderItem(reserved),
      passengers: [{ name: 'Li Lei', idMasked: '110101********0011', idSealed: { key: 'local-dev-key', data: 'c2VhbGVk' } }],
      passengerDataKey: 'wrapped',
    };

    // Act
    const event = orderEventFor(stored);

    // Assess
    expect(event?.order.passengers).toEqual([{ name: 'Li Lei', idMasked: '110101********0011' }]);
    expect(JSON.stringify(event)).not.toMatch(/idSealed|c2VhbGVk|wrapped|110101199003070011/);
  });

  it('masks the ID numbers of an order stored before they were sealed', () => {
    // Act
    const event = orderEventFor(orderItem(reserved));

    // Assess
    expect(JSON.stringify(event)).not.toContain(reserved.passengers[0]?.idNumber);
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  describe('an order state change', () => {
    it.each([
      ['RESERVED', 'OrderReserved', 1],
      ['PAID', 'OrderPaid', 2],
      ['TICKETED', 'OrderTicketed', 3],
      ['CANCELLED', 'OrderCancelled', 2],
      ['EXPIRED', 'OrderExpired', 2],
      ['REFUND_REQUIRED', 'OrderRefundRequired', 2],
      ['REFUNDED', 'OrderRefunded', 3],
    ] as const)('maps an order that became %s to %s at its version', (status, type, version) => {
      // Prepare
      const { order, previous } = ordersByStatus[status];

      // Act
      const event = orderEventFor(orderItem(order), previous && orderItem(previous));

      // Assess
      expect(event).toEqual({ eventId: `ord-1:${version}`, type, orderId: 'ord-1', version, occurredAt: order.updatedAt, order: withMaskedIds(order) });
      expect(event?.order.status).toBe(status);
    });

    it('has an event type for every status', () => {
      expect(Object.keys(ORDER_EVENT_TYPES).sort()).toEqual(['CANCELLED', 'EXPIRED', 'PAID', 'REFUNDED', 'REFUND_REQUIRED', 'RESERVED', 'TICKETED', 'WAITING', 'WAITLISTED']);
    });

    it('takes occurredAt from the order, not from the clock', () => {
      // Prepare
      jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });

      // Act
      const event = orderEventFor(orderItem(ordersByStatus.CANCELLED.order), orderItem(reserved));

      // Assess
      expect(event?.occurredAt).toBe(at(5).toISOString());
    });

    it('leaves the table attributes (keys, index keys, TTL) out of the snapshot', () => {
      // Prepare
      const item = { ...orderItem(reserved), ttl: 1_800_000_000 };

      // Act
      const event = orderEventFor(item);

      // Assess
      expect(Object.keys(event?.order ?? {}).sort()).toEqual(Object.keys(reserved).sort());
      expect(event?.order).not.toHaveProperty('pk');
      expect(event?.order).not.toHaveProperty('gsi1pk');
      expect(event?.order).not.toHaveProperty('overduePk');
      expect(event?.order).not.toHaveProperty('ttl');
    });

    it('carries the tickets of a ticketed order and the payment of a paid one', () => {
      // Act
      const ticketed = orderEventFor(orderItem(ordersByStatus.TICKETED.order), orderItem(paid));

      // Assess
      expect(ticketed?.order.paymentId).toBe('pay-1');
      expect(ticketed?.order.tickets).toEqual(ticketsFor(paid));
    });

    it('names the event <orderId>:<version>', () => {
      expect(orderEventId('ord-9', 4)).toBe('ord-9:4');
    });

    it('maps an update whose old image has no readable version (a repeat is harmless, a loss is not)', () => {
      // Prepare
      const { version: _dropped, ...withoutVersion } = orderItem(reserved);

      // Act
      const event = orderEventFor(orderItem(paid), withoutVersion);

      // Assess
      expect(event?.eventId).toBe('ord-1:2');
    });
  });

  describe('records that are not an order state change', () => {
    it('ignores an idempotency record', () => {
      expect(orderEventFor(idempotencyItem())).toBeUndefined();
    });

    it('ignores another item in an order partition', () => {
      expect(orderEventFor({ ...orderItem(paid), sk: 'PAYMENT#pay-1' })).toBeUndefined();
    });

    it('ignores a REMOVE (no new image)', () => {
      expect(orderEventFor(undefined, orderItem(reserved))).toBeUndefined();
    });

    it('ignores an update that changes neither status nor version', () => {
      expect(orderEventFor({ ...orderItem(reserved), ttl: 1_800_000_000 }, orderItem(reserved))).toBeUndefined();
    });

    it('ignores an update that does not advance the version, whatever else changed', () => {
      // Prepare: a writer that changed the status without a new version would reuse an event id.
      const sameVersion = { ...orderItem(reserved), status: 'CANCELLED' };

      // Act & Assess
      expect(orderEventFor(sameVersion, orderItem(reserved))).toBeUndefined();
      expect(orderEventFor(orderItem(reserved), orderItem(paid))).toBeUndefined();
    });

    it('announces a version an after-sale write made as that write says, and the next version by its status again', () => {
      const ticketed = ordersByStatus.TICKETED.order;
      const refunded = { ...ticketed, version: 4, lastEvent: { type: 'TicketsRefunded' as const, version: 4 } };

      expect(orderEventFor(orderItem(refunded))?.type).toBe('TicketsRefunded');
      expect(orderEventFor(orderItem({ ...refunded, version: 5, status: 'REFUNDED' }))?.type).toBe('OrderRefunded');
    });
  });

  describe('malformed order items', () => {
    it.each([
      ['without a status', { status: undefined }, /status/],
      ['with an unknown status', { status: 'SHIPPED' }, /status/],
      ['with a version that is not a positive integer', { version: 0 }, /version/],
      ['without updatedAt', { updatedAt: undefined }, /updatedAt/],
    ])('refuses an order item %s', (_case, change, message) => {
      // Prepare
      const item = { ...orderItem(reserved), ...change };

      // Act & Assess
      expect(() => orderEventFor(item)).toThrow(MalformedOrderItemError);
      expect(() => orderEventFor(item)).toThrow(message);
    });

    it('refuses an order item whose key names another order', () => {
      expect(() => orderEventFor({ ...orderItem(reserved), pk: 'ORDER#ord-2' })).toThrow(/ORDER#ord-2 holds order ord-1/);
    });
  });
});

describe('Function: isOrderItem', () => {
  it.each([
    [{ pk: 'ORDER#ord-1', sk: 'ORDER' }, true],
    [{ pk: 'IDEMP#user-1#key', sk: 'IDEMP' }, false],
    [{ pk: 'ORDER#ord-1', sk: 'PAYMENT#pay-1' }, false],
    [{ pk: 'ORDERS', sk: 'ORDER' }, false],
    [{ sk: 'ORDER' }, false],
  ])('%j is an order item: %s', (item, expected) => {
    expect(isOrderItem(item)).toBe(expected);
  });
});
