import type { KinesisStreamRecord } from 'aws-lambda';
import { z } from 'zod';
import { eventTypeOf, ORDER_EVENT_TYPES, type OrderEvent, orderEventId } from '../events/order-events';
import { AFTER_SALE_EVENT_TYPES, orderSchema as orderRecordSchema } from '../orders/order-schema';
import { MalformedOrderEventRecordError } from './errors';

/**
 * The order event in a Kinesis record of `order-events`, as the relay wrote it
 * (JSON, base64 in the Lambda event). Every consumer of the stream reads
 * records through here, so each checks the same envelope: the fields the
 * consumers use, and that the envelope agrees with the order it carries.
 * The order is checked as the order schema says (lib/orders/order-schema.ts),
 * its passengers as events carry them (name and masked ID number).
 */
const orderSchema = z.looseObject({
  ...orderRecordSchema.omit({ passengers: true }).shape,
  passengers: z.array(z.object({ name: z.string(), idMasked: z.string() })),
});

const eventSchema = z
  .object({
    eventId: z.string().min(1),
    type: z.enum([...Object.values(ORDER_EVENT_TYPES), ...AFTER_SALE_EVENT_TYPES]),
    orderId: z.string().min(1),
    version: z.int().positive(),
    occurredAt: z.iso.datetime(),
    order: orderSchema,
  })
  .superRefine((event, ctx) => {
    const { order } = event;
    if (event.eventId !== orderEventId(event.orderId, event.version)) ctx.addIssue({ code: 'custom', path: ['eventId'], message: 'is not <orderId>:<version>' });
    if (order.orderId !== event.orderId) ctx.addIssue({ code: 'custom', path: ['order', 'orderId'], message: `is not the event's ${event.orderId}` });
    if (order.version !== event.version) ctx.addIssue({ code: 'custom', path: ['order', 'version'], message: `is not the event's ${event.version}` });
    if (eventTypeOf(order) !== event.type) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: `${event.type} does not announce a ${order.status} order` });
    }
  });

/** @throws MalformedOrderEventRecordError for data that is not an order event. */
export function orderEventOf(record: KinesisStreamRecord): OrderEvent {
  const { sequenceNumber, data } = record.kinesis;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch (cause) {
    throw new MalformedOrderEventRecordError(`Kinesis record ${sequenceNumber} is not JSON`, { cause });
  }
  const result = eventSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`).join('; ');
    throw new MalformedOrderEventRecordError(`Kinesis record ${sequenceNumber} is not an order event: ${problems}`, { cause: result.error });
  }
  return result.data as unknown as OrderEvent;
}
