import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { OrderEvent } from '../../../lib/events/order-events';
import type { Order } from '../../../lib/orders';

export const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/ticketing-orders/stream/2026-11-01T00:00:00.000';

/** An order as the orders table holds it: its keys and index keys (the overdue index only while RESERVED) next to the order's own fields. */
export function orderItem(order: Order): Record<string, unknown> {
  return {
    pk: `ORDER#${order.orderId}`,
    sk: 'ORDER',
    ...(order.status === 'RESERVED' ? { overduePk: 'RESERVED#3', overdueSk: order.expiresAt } : {}),
    ...order,
  };
}

/** An idempotency record of the same table: never an order. */
export function idempotencyItem(key = 'checkout-1'): Record<string, unknown> {
  return { pk: `IDEMP#user-1#${key}`, sk: 'IDEMP', requestHash: 'sha256:0f1e2d3c', orderId: 'ord-1', responseStatus: 201, expiresAt: 1795248000 };
}

const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as Record<string, LambdaAttributeValue>;

/** Stream records numbered in the order they are made, as one shard of a DynamoDB stream would number them. */
export class StreamRecords {
  #next = 1000n;

  insert(item: Record<string, unknown>): DynamoDBRecord {
    return this.#record('INSERT', item, { NewImage: image(item) });
  }

  modify(newItem: Record<string, unknown>, oldItem: Record<string, unknown>): DynamoDBRecord {
    return this.#record('MODIFY', newItem, { NewImage: image(newItem), OldImage: image(oldItem) });
  }

  remove(oldItem: Record<string, unknown>): DynamoDBRecord {
    return this.#record('REMOVE', oldItem, { OldImage: image(oldItem) });
  }

  /** INSERT of the first order, then a MODIFY from each order to the next. */
  versions(orders: readonly Order[]): DynamoDBRecord[] {
    return orders.map((order, i) => {
      const previous = orders[i - 1];
      return previous === undefined ? this.insert(orderItem(order)) : this.modify(orderItem(order), orderItem(previous));
    });
  }

  #record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', item: Record<string, unknown>, images: Pick<NonNullable<DynamoDBRecord['dynamodb']>, 'NewImage' | 'OldImage'>): DynamoDBRecord {
    const sequenceNumber = `44215845000000000${this.#next}`;
    this.#next += 1n;
    return {
      eventID: `event-${sequenceNumber}`,
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: STREAM_ARN,
      dynamodb: {
        ApproximateCreationDateTime: 1795161600,
        Keys: image({ pk: item.pk, sk: item.sk }),
        ...images,
        SequenceNumber: sequenceNumber,
        SizeBytes: 512,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
  }
}

export const streamEvent = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

export const sequenceNumbers = (records: readonly DynamoDBRecord[]): string[] => records.map((record) => record.dynamodb?.SequenceNumber ?? '');

/** What Lambda sends again after a partial failure: the batch from the lowest sequence number reported, on. */
export function retriedRecords(records: readonly DynamoDBRecord[], failures: readonly { itemIdentifier: string }[]): DynamoDBRecord[] {
  const failed = new Set(failures.map((failure) => failure.itemIdentifier));
  const from = records.findIndex((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''));
  return from < 0 ? [] : records.slice(from);
}

export const eventIds = (events: readonly OrderEvent[]): string[] => events.map((event) => event.eventId);
