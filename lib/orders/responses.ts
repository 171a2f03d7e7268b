import { z } from 'zod';
import { orderViewSchema } from './order-schema';
import { orderIdSchema } from './requests';

/**
 * Response bodies of the order and payment routes (shared/API.md). Loose: the
 * contract lets a response carry fields beyond the ones it names.
 */

const orderStatusSchema = orderViewSchema.shape.status;

export const orderResponseSchema = z.looseObject(orderViewSchema.shape);

export const orderListResponseSchema = z.looseObject({
  orders: z.array(orderResponseSchema),
  /** Present when there are more: pass it as `cursor` for the next page. */
  nextCursor: z.string().optional(),
});

export const cancelOrderResponseSchema = z.looseObject({
  orderId: orderIdSchema,
  /** CANCELLED; a prepaid waitlist request (WAITING) is refunded in full: REFUNDED. */
  status: z.enum(['CANCELLED', 'REFUNDED']),
});

/** PAID, REFUND_REQUIRED, or the order's status as it stands when the callback changed nothing (a replay, a declined payment). */
export const paymentCallbackResponseSchema = z.looseObject({
  orderId: orderIdSchema,
  status: orderStatusSchema,
});
