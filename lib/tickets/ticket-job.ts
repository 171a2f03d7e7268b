import { z } from 'zod';
import { parseJsonMessage } from '../messages/json-message';
import { type OrderPaid, orderEventId } from '../events/order-events';
import { MalformedTicketJobError } from './errors';

/**
 * A message of the `ticket-outbox` queue: "issue the tickets of this order,
 * paid at this version". It names the order rather than carrying it: the
 * issuer decides on the order as the orders table holds it now.
 */
export interface TicketJob {
  orderId: string;
  version: number;
  /** `<orderId>:<version>` of the OrderPaid event the job came from. */
  eventId: string;
}

const ticketJobSchema = z
  .object({
    orderId: z.string().min(1),
    version: z.int().positive(),
    eventId: z.string().min(1),
  })
  .refine((job) => job.eventId === orderEventId(job.orderId, job.version), { message: 'eventId is not <orderId>:<version>', path: ['eventId'] });

export function ticketJobFor(event: OrderPaid): TicketJob {
  return { orderId: event.orderId, version: event.version, eventId: event.eventId };
}

/** @throws MalformedTicketJobError for a body that is not a ticket job. */
export const parseTicketJob = (body: string, messageId: string): TicketJob =>
  parseJsonMessage(ticketJobSchema, body, { messageId, kind: 'a ticket job' }, (message, options) => new MalformedTicketJobError(message, options));
