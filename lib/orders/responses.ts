import { z } from 'zod';
import { heldSeatSchema } from '../ledger/responses';
import { seatClassSchema, serviceIdSchema, stationCode } from '../timetable/requests';
import { ORDER_CURRENCY } from './constants';
import { ORDER_STATUSES } from './order-status';
import { orderIdSchema } from './requests';

/**
 * Response bodies of the order and payment routes (shared/API.md). Loose: the
 * contract lets a response carry fields beyond the ones it names.
 */

/** INIT never leaves the service: an order is RESERVED by the time anyone can read it. */
export const orderStatusSchema = z.enum(ORDER_STATUSES).exclude(['INIT']);

export const orderSeatSchema = heldSeatSchema.extend({ passengerName: z.string() });

export const ticketSchema = orderSeatSchema.extend({
  ticketNo: z.string(),
  from: stationCode,
  to: stationCode,
});

export const orderResponseSchema = z.looseObject({
  orderId: orderIdSchema,
  status: orderStatusSchema,
  serviceId: serviceIdSchema,
  from: stationCode,
  to: stationCode,
  seatClass: seatClassSchema,
  seats: z.array(orderSeatSchema),
  /** Integer fen for every passenger's ride. */
  amount: z.int().min(0),
  currency: z.literal(ORDER_CURRENCY),
  /** The end of the payment window: a RESERVED order not paid by then becomes EXPIRED. */
  expiresAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  /** Once TICKETED: one per passenger. */
  tickets: z.array(ticketSchema).optional(),
});

export const orderListResponseSchema = z.looseObject({
  orders: z.array(orderResponseSchema),
  /** Present when there are more: pass it as `cursor` for the next page. */
  nextCursor: z.string().optional(),
});

export const cancelOrderResponseSchema = z.looseObject({
  orderId: orderIdSchema,
  status: z.literal('CANCELLED'),
});

/** PAID, REFUND_REQUIRED, or the order's status as it stands when the callback changed nothing (a replay, a declined payment). */
export const paymentCallbackResponseSchema = z.looseObject({
  orderId: orderIdSchema,
  status: orderStatusSchema,
});
