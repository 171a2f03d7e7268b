import { z } from 'zod';
import { IDEMPOTENCY_KEY_HEADER } from '../orders/constants';
import { idempotencyKeySchema, orderIdSchema } from '../orders/requests';
import { seatClassSchema, serviceIdSchema } from '../timetable/requests';

/** Request schemas of the after-sale routes (shared/API.md, "After-sale"). */

export const afterSaleHeadersSchema = z.looseObject({ [IDEMPOTENCY_KEY_HEADER]: idempotencyKeySchema });

const ticketNoSchema = z.string().regex(/^[A-Z0-9]{1,32}$/, 'ticket numbers are capital letters and digits');

export const refundRequestSchema = z.strictObject({
  /** Default: every ACTIVE ticket of the order. */
  tickets: z
    .array(ticketNoSchema)
    .min(1, 'name at least one ticket, or leave tickets out to refund them all')
    .max(5)
    .refine((tickets) => new Set(tickets).size === tickets.length, 'a ticket is named once')
    .optional(),
});

export const changeRequestSchema = z.strictObject({
  ticketNo: ticketNoSchema,
  serviceId: serviceIdSchema,
  seatClass: seatClassSchema,
});

export type RefundRequest = z.output<typeof refundRequestSchema>;
export type ChangeRequest = z.output<typeof changeRequestSchema>;

export { orderIdSchema };
