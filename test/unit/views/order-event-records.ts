import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { type OrderEvent, orderEventFor } from '../../../lib/events/order-events';
import { type Order, applyPayment, cancel, ticket } from '../../../lib/orders';
import { numberedTickets } from '../../../lib/tickets/ticket-numbers';
import { orderItem } from '../events/stream-records';
import { at, payment, reservedOrder } from '../orders/order-fixtures';

export const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/ticketing-order-events';

/** The event the relay publishes for this version of an order. */
export function eventOf(order: Order): OrderEvent {
  const event = orderEventFor(orderItem(order));
  if (!event) throw new Error(`fixture: order ${order.orderId} v${order.version} (${order.status}) has no event`);
  return event;
}

/** Versions 1..3 of an order: RESERVED, PAID, TICKETED (with its real ticket numbers). */
export function lifecycle(overrides: Partial<Order> = {}): { reserved: Order; paid: Order; ticketed: Order } {
  const reserved = reservedOrder(overrides);
  const outcome = applyPayment(reserved, payment({ orderId: reserved.orderId, amount: reserved.amount }), { seatsStillHeld: true, now: at(3) });
  if (outcome.kind !== 'paid') throw new Error(`fixture: expected paid, got ${outcome.kind}`);
  return { reserved, paid: outcome.order, ticketed: ticket(outcome.order, numberedTickets(outcome.order), at(4)) };
}

export const cancelledOrder = (overrides: Partial<Order> = {}): Order => cancel(reservedOrder(overrides), at(2));

/** Kinesis records numbered in the order they are made, as one shard numbers them. */
export class KinesisRecords {
  #next = 49_656_816_427_341_850_392_186_212_387_341_516_829_016_521_849_462_194_178n;

  /** A record carrying an order event (or anything else, as JSON). */
  of(event: unknown): KinesisStreamRecord {
    return this.raw(Buffer.from(JSON.stringify(event)).toString('base64'), typeof event === 'object' && event && 'orderId' in event ? String(event.orderId) : 'unknown');
  }

  /** A record whose base64 data is given as it is. */
  raw(data: string, partitionKey = 'unknown'): KinesisStreamRecord {
    const sequenceNumber = String(this.#next);
    this.#next += 1n;
    return {
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey, sequenceNumber, data, approximateArrivalTimestamp: 1_795_162_005.412 },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/ticketing-consumer-role',
      awsRegion: 'us-east-1',
      eventSourceARN: STREAM_ARN,
    };
  }
}

export const kinesisEvent = (records: KinesisStreamRecord[]): KinesisStreamEvent => ({ Records: records });

export const sequenceNumbers = (records: readonly KinesisStreamRecord[]): string[] => records.map((record) => record.kinesis.sequenceNumber);
