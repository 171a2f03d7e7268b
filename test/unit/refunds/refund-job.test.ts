import { refundIds } from '../../../lib/after-sale/after-sale-decisions';
import { orderEventFor } from '../../../lib/events/order-events';
import { type Order } from '../../../lib/orders';
import { refundJobsFor } from '../../../lib/refunds/refund-job';
import { reservedOrder } from '../orders/order-fixtures';

const item = (order: Order) => ({ pk: `ORDER#${order.orderId}`, sk: 'ORDER', ...order });

describe('Function: refundJobsFor', () => {
  it('sends the refunds an after-sale version owes, none of the earlier ones, and none of 0 fen', () => {
    const refunds = [
      { refundId: 'r-old', reason: 'refund' as const, fare: 100, fee: 0, amount: 100, version: 4 },
      { refundId: 'r-new', reason: 'refund' as const, fare: 27_650, fee: 1_400, amount: 26_250, version: 5 },
      { refundId: 'r-zero', reason: 'refund' as const, fare: 150, fee: 150, amount: 0, version: 5 },
    ];
    const order = { ...reservedOrder(), status: 'TICKETED' as const, version: 5, paymentId: 'pay-1', refunds, lastEvent: { type: 'TicketsRefunded' as const, version: 5 } };

    const jobs = refundJobsFor(orderEventFor(item(order)) as never);

    expect(jobs).toEqual([{ refundId: 'r-new', orderId: 'ord-1', paymentId: 'pay-1', amount: 26_250, reason: 'refund' }]);
  });

  it('sends the whole payment of an order that became REFUND_REQUIRED', () => {
    const order = { ...reservedOrder(), status: 'REFUND_REQUIRED' as const, version: 2, paymentId: 'pay-9' };

    expect(refundJobsFor(orderEventFor(item(order)) as never)).toEqual([{ refundId: refundIds.payment('ord-1', 'pay-9'), orderId: 'ord-1', paymentId: 'pay-9', amount: 55_300, reason: 'late-payment' }]);
  });

  it('sends nothing for an ordinary state change', () => {
    expect(refundJobsFor(orderEventFor(item({ ...reservedOrder(), status: 'PAID', version: 2, paymentId: 'pay-1' })) as never)).toEqual([]);
  });
});
