import { z } from 'zod';
import { parseJsonMessage } from '../messages/json-message';
import { latePaymentRefund } from '../after-sale/after-sale-decisions';
import { ORDER_EVENT_TYPES, type OrderEvent } from '../events/order-events';
import { type Order, REFUND_REASONS } from '../orders/order-schema';
import { MalformedRefundJobError } from './errors';

/**
 * A message of the `refund-outbox` queue: money to send back to a payer, once.
 * `refundId` names the refund for good (the payment provider deduplicates on it,
 * and the sender records it), so a job delivered twice refunds once.
 */
export const refundJobSchema = z.object({
  refundId: z.string().min(1),
  orderId: z.string().min(1),
  paymentId: z.string().min(1),
  /** Integer fen, > 0. */
  amount: z.int().positive(),
  reason: z.enum(REFUND_REASONS),
});

export type RefundJob = z.output<typeof refundJobSchema>;

/**
 * The refunds an order event announces: those its order owes from this version
 * (a refund, a cheaper change), or the whole payment of an order that became
 * REFUND_REQUIRED. Nothing for a refund of 0 fen or an order nobody paid.
 */
export function refundJobsFor(event: OrderEvent): RefundJob[] {
  const order = event.order as unknown as Order;
  const paymentId = order.paymentId;
  if (paymentId === undefined) return [];
  const owed = event.type === ORDER_EVENT_TYPES.REFUND_REQUIRED ? [latePaymentRefund(order)] : (order.refunds ?? []).filter((r) => r.version === event.version);
  return owed.flatMap((r) => (r && r.amount > 0 ? [{ refundId: r.refundId, orderId: order.orderId, paymentId, amount: r.amount, reason: r.reason }] : []));
}

/** @throws MalformedRefundJobError for a body that is not a refund job. */
export const parseRefundJob = (body: string, messageId: string): RefundJob =>
  parseJsonMessage(refundJobSchema, body, { messageId, kind: 'a refund job' }, (message, options) => new MalformedRefundJobError(message, options));
