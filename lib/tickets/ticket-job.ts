import { z } from 'zod';
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
export function parseTicketJob(body: string, messageId: string): TicketJob {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new MalformedTicketJobError(`message ${messageId} is not JSON`, { cause });
  }
  const result = ticketJobSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
    throw new MalformedTicketJobError(`message ${messageId} is not a ticket job: ${problems}`, { cause: result.error });
  }
  return result.data;
}
