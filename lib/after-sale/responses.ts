import { z } from 'zod';
import { orderResponseSchema } from '../orders/responses';
import { orderIdSchema } from '../orders/requests';
import { orderViewSchema } from '../orders/order-schema';

/** Response bodies of the after-sale routes. Loose: a response may carry fields beyond the ones it names. */

export const refundResponseSchema = z.looseObject({
  orderId: orderIdSchema,
  /** TICKETED while a ticket is still ACTIVE; REFUNDED once none is. */
  status: orderViewSchema.shape.status,
  refunds: z.array(
    z.looseObject({
      ticketNo: z.string(),
      /** Integer fen the ticket cost. */
      fare: z.int().min(0),
      /** Integer fen kept: by time left before departure (≥ 8 days 0; ≥ 48 h 5 %; ≥ 24 h 10 %; less 20 %), to 50 fen, at least 200. */
      fee: z.int().min(0),
      /** fare − fee: what goes back to the payer. */
      amount: z.int().min(0),
    }),
  ),
});

/** The new order of a change: RESERVED with the difference to pay, or PAID with the difference going back. */
export const changeResponseSchema = orderResponseSchema.extend({ changeOf: orderViewSchema.shape.changeOf.unwrap() });
