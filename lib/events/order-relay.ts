import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { MalformedStreamRecordError, OrderEventPublishError } from './errors';
import type { OrderEventSink } from './order-event-publisher';
import { type OrderEvent, type TableItem, orderEventFor } from './order-events';

export type RelayLogger = Pick<Logger, 'info' | 'error'>;

interface Relayed {
  record: DynamoDBRecord;
  event?: OrderEvent;
}

/**
 * The outbox relay: the orders table's stream in, one event per order version
 * out to the `order-events` stream, in stream order.
 *
 * Lambda retries a DynamoDB stream batch from the lowest sequence number
 * reported failed, so once a record fails every later record of the batch is
 * reported failed too, published or not: a later version must never get ahead
 * of an earlier one, and a repeat is harmless (consumers drop known event ids).
 *
 * This is a plain loop rather than Powertools' BatchProcessor: that processor
 * handles records one by one (in parallel by default) and has no "fail the rest
 * after the first failure" mode for streams, while here one PutRecords call
 * carries many records and a failure is known only per event.
 */
export class OrderRelay {
  readonly #publisher: OrderEventSink;
  readonly #logger: RelayLogger | undefined;

  constructor(publisher: OrderEventSink, options: { logger?: RelayLogger } = {}) {
    this.#publisher = publisher;
    this.#logger = options.logger;
  }

  /**
   * 1. Maps the records, in order, to events, up to the first that cannot be mapped.
   * 2. Publishes those events.
   * 3. Reports as failed the first record that was not relayed and every record after it.
   */
  async relay(records: readonly DynamoDBRecord[]): Promise<DynamoDBBatchResponse> {
    const { relayed, failedAt: unmappedAt } = this.#map(records);
    const events = relayed.flatMap(({ event }) => (event ? [event] : []));
    const unpublishedAt = await this.#publish(relayed, events);
    const failedAt = Math.min(unmappedAt, unpublishedAt);

    const failed = records.slice(failedAt);
    if (failed.length === 0) {
      this.#logger?.info('order events relayed', { records: records.length, events: events.length });
    }
    return { batchItemFailures: failed.map((record) => ({ itemIdentifier: sequenceNumberOf(record) })) };
  }

  #map(records: readonly DynamoDBRecord[]): { relayed: Relayed[]; failedAt: number } {
    const relayed: Relayed[] = [];
    for (const record of records) {
      try {
        relayed.push({ record, event: eventOf(record) });
      } catch (error) {
        this.#logger?.error('stream record is not a valid order change; it and the rest of the batch are retried', {
          sequenceNumber: record.dynamodb?.SequenceNumber,
          error,
        });
        return { relayed, failedAt: relayed.length };
      }
    }
    return { relayed, failedAt: records.length };
  }

  /** The index of the first record whose event was not published; Infinity when every event was. */
  async #publish(relayed: readonly Relayed[], events: readonly OrderEvent[]): Promise<number> {
    if (events.length === 0) return Number.POSITIVE_INFINITY;
    try {
      await this.#publisher.publish(events);
      return Number.POSITIVE_INFINITY;
    } catch (error) {
      // Which events made it is known only from a publish error; after anything else, assume none did.
      const unpublished = new Set(error instanceof OrderEventPublishError ? error.unpublished.map(({ event }) => event) : events);
      let failedAt = relayed.findIndex(({ event }) => event !== undefined && unpublished.has(event));
      if (failedAt < 0) failedAt = relayed.findIndex(({ event }) => event !== undefined);
      this.#logger?.error('order events not published; the batch is retried from the first of them', {
        sequenceNumber: relayed[failedAt]?.record.dynamodb?.SequenceNumber,
        error,
      });
      return failedAt;
    }
  }
}

function eventOf(record: DynamoDBRecord): OrderEvent | undefined {
  if (record.eventName === 'REMOVE') return undefined;
  return orderEventFor(imageOf(record.dynamodb?.NewImage), imageOf(record.dynamodb?.OldImage));
}

/** aws-lambda's AttributeValue and the SDK's describe the same JSON. */
function imageOf(image: Record<string, unknown> | undefined): TableItem | undefined {
  return image === undefined ? undefined : unmarshall(image as Record<string, AttributeValue>);
}

function sequenceNumberOf(record: DynamoDBRecord): string {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  if (!sequenceNumber) throw new MalformedStreamRecordError(`stream record ${record.eventID ?? '(no eventID)'} has no SequenceNumber`);
  return sequenceNumber;
}
