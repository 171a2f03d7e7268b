import { applyPayment, cancel, expire, isOverdue } from '../../../lib/orders';
import { serveWaiting } from '../../../lib/orders/order';
import { refundJobsFor } from '../../../lib/refunds/refund-job';
import { ORDER_EVENT_TYPES, type OrderEvent } from '../../../lib/events/order-events';
import { at, EXPIRES_AT, payment, WAITLIST_UNTIL, waitlistedOrder } from './order-fixtures';

const waiting = () => {
  const outcome = applyPayment(waitlistedOrder(), payment(), { seatsStillHeld: false, now: at(3) });
  if (outcome.kind !== 'waiting') throw new Error(`fixture: expected waiting, got ${outcome.kind}`);
  return outcome.order;
};

describe('Waitlist orders (候补)', () => {
  describe('Function: applyPayment', () => {
    it('makes a prepaid WAITLISTED order WAITING, queued from the payment', () => {
      // Act
      const outcome = applyPayment(waitlistedOrder(), payment(), { seatsStillHeld: false, now: at(3) });

      // Assess
      expect(outcome.kind).toBe('waiting');
      expect(outcome.order).toMatchObject({ status: 'WAITING', version: 2, paymentId: 'pay-1', waitingSince: at(3).toISOString(), seats: [] });
    });

    it('refuses a wrong amount and owes back a payment after the payment window', () => {
      expect(applyPayment(waitlistedOrder(), payment({ amount: 1 }), { seatsStillHeld: false, now: at(3) }).kind).toBe('refused');
      expect(applyPayment(waitlistedOrder(), payment(), { seatsStillHeld: false, now: at(31) })).toMatchObject({ kind: 'refund-required', order: { status: 'REFUND_REQUIRED' } });
    });

    it('treats a second payment of a WAITING order as a duplicate', () => {
      expect(applyPayment(waiting(), payment({ paymentId: 'pay-2' }), { seatsStillHeld: false, now: at(4) }).kind).toBe('duplicate');
    });
  });

  describe('Function: cancel', () => {
    it('cancels an unpaid WAITLISTED order', () => {
      expect(cancel(waitlistedOrder(), at(5))).toMatchObject({ status: 'CANCELLED', version: 2 });
    });

    it('refunds a WAITING order in full, once', () => {
      // Act
      const refunded = cancel(waiting(), at(5));

      // Assess
      expect(refunded).toMatchObject({ status: 'REFUNDED', version: 3, refunds: [{ reason: 'waitlist', fare: 55300, fee: 0, amount: 55300, version: 3 }] });
      expect(cancel(refunded, at(6))).toBe(refunded);
    });
  });

  describe('Function: expire', () => {
    it('expires an unpaid WAITLISTED order after its payment window', () => {
      expect(isOverdue(waitlistedOrder(), new Date(EXPIRES_AT.getTime() - 1))).toBe(false);
      expect(expire(waitlistedOrder(), EXPIRES_AT)).toMatchObject({ status: 'EXPIRED' });
    });

    it('refunds a WAITING order at its deadline and not before', () => {
      const order = waiting();
      expect(expire(order, new Date(WAITLIST_UNTIL.getTime() - 1))).toBe(order);
      expect(expire(order, WAITLIST_UNTIL)).toMatchObject({ status: 'REFUNDED', refunds: [{ reason: 'waitlist', amount: 55300 }] });
    });
  });

  describe('Function: serveWaiting', () => {
    it('makes a WAITING order PAID with one seat per passenger under the new hold', () => {
      // Act
      const paid = serveWaiting(waiting(), 'hold-w', [{ coach: '01', seat: '02A' }, { coach: '01', seat: '02C' }], at(10));

      // Assess
      expect(paid).toMatchObject({ status: 'PAID', version: 3, holdId: 'hold-w', seats: [{ passengerName: 'Li Lei', coach: '01', seat: '02A' }, { passengerName: 'Han Meimei', coach: '01', seat: '02C' }] });
    });

    it('refuses an order that is not WAITING', () => {
      expect(() => serveWaiting(waitlistedOrder(), 'h', [], at(10))).toThrow(/WAITING/);
    });
  });

  describe('Function: refundJobsFor', () => {
    it('sends the whole prepayment of a refunded WAITING order through the refund outbox', () => {
      // Prepare
      const refunded = cancel(waiting(), at(5));
      const event = { eventId: `ord-1:${refunded.version}`, type: ORDER_EVENT_TYPES.REFUNDED, orderId: 'ord-1', version: refunded.version, occurredAt: refunded.updatedAt, order: refunded } as unknown as OrderEvent;

      // Act
      const jobs = refundJobsFor(event);

      // Assess
      expect(jobs).toEqual([{ refundId: 'ord-1.waitlist.pay-1', orderId: 'ord-1', paymentId: 'pay-1', amount: 55300, reason: 'waitlist' }]);
    });
  });
});
