import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { MAX_BYTES_PER_PUT, MAX_RECORDS_PER_PUT, NOT_SENT } from './constants';
import { OrderEventPublishError, type UnpublishedOrderEvent } from './errors';
import type { OrderEvent } from './order-events';

/** Where the relay sends events: all of them, in the order given per order, or an `OrderEventPublishError`. */
export interface OrderEventSink {
  publish(events: readonly OrderEvent[]): Promise<void>;
}

/**
 * Publishes order events to the `order-events` Kinesis stream with PutRecords:
 * partition key = orderId, so the events of one order share a shard; data =
 * the event as JSON.
 *
 * PutRecords does not keep the order of the entries of one request (a failed
 * entry does not stop the next one), so the events are cut, in the order given,
 * into requests in which no order appears twice, and a request is sent only
 * once the one before it is wholly published. Per order, then, version n + 1 is
 * never in the stream unless version n is.
 *
 * Nothing is dropped: an entry with an `ErrorCode` (or without a sequence
 * number), a failed request, and every request after it end in an
 * `OrderEventPublishError` naming each event that did not reach the stream.
 */
export class OrderEventPublisher implements OrderEventSink {
  readonly #kinesis: KinesisClient;
  readonly #streamName: string;

  constructor(kinesis: KinesisClient, streamName: string) {
    this.#kinesis = kinesis;
    this.#streamName = streamName;
  }

  async publish(events: readonly OrderEvent[]): Promise<void> {
    const requests = putRequests(events);
    for (const [index, request] of requests.entries()) {
      const { unpublished, cause } = await this.#put(request);
      if (unpublished.length > 0) {
        const notSent = requests.slice(index + 1).flatMap((later) => later.map(({ event }) => ({ event, errorCode: NOT_SENT })));
        throw new OrderEventPublishError(this.#streamName, events.length, [...unpublished, ...notSent], { cause });
      }
    }
  }

  async #put(request: readonly Entry[]): Promise<{ unpublished: UnpublishedOrderEvent[]; cause?: unknown }> {
    let results: PutRecordsResultEntry[];
    let failedRecordCount: number;
    try {
      const output = await this.#kinesis.send(new PutRecordsCommand({ StreamName: this.#streamName, Records: request.map(({ entry }) => entry) }));
      results = output.Records ?? [];
      failedRecordCount = output.FailedRecordCount ?? 0;
    } catch (error) {
      const errorCode = error instanceof Error ? error.name : 'Error';
      const errorMessage = error instanceof Error ? error.message : String(error);
      return { unpublished: request.map(({ event }) => ({ event, errorCode, errorMessage })), cause: error };
    }

    const unpublished = request.flatMap(({ event }, i): UnpublishedOrderEvent[] => {
      const result = results[i];
      if (result?.ErrorCode !== undefined) return [{ event, errorCode: result.ErrorCode, ...(result.ErrorMessage ? { errorMessage: result.ErrorMessage } : {}) }];
      return result?.SequenceNumber === undefined ? [{ event, errorCode: 'MissingResult' }] : [];
    });
    // A count of failures that no entry owns up to: which entries made it is unknown, so none did.
    if (failedRecordCount > unpublished.length) {
      const errorMessage = `FailedRecordCount is ${failedRecordCount} but ${unpublished.length} entries report an error`;
      return { unpublished: request.map(({ event }) => ({ event, errorCode: 'InconsistentResult', errorMessage })) };
    }
    return { unpublished };
  }
}

interface Entry {
  event: OrderEvent;
  entry: PutRecordsRequestEntry;
  bytes: number;
}

const encoder = new TextEncoder();

function entryOf(event: OrderEvent): Entry {
  const data = encoder.encode(JSON.stringify(event));
  return { event, entry: { PartitionKey: event.orderId, Data: data }, bytes: data.byteLength + encoder.encode(event.orderId).byteLength };
}

/** Consecutive runs of the events, each within the PutRecords limits and holding each order at most once. */
function putRequests(events: readonly OrderEvent[]): Entry[][] {
  const requests: Entry[][] = [];
  let current: Entry[] = [];
  let bytes = 0;
  const orders = new Set<string>();
  for (const event of events) {
    const entry = entryOf(event);
    const full = current.length === MAX_RECORDS_PER_PUT || bytes + entry.bytes > MAX_BYTES_PER_PUT || orders.has(event.orderId);
    if (full && current.length > 0) {
      requests.push(current);
      current = [];
      bytes = 0;
      orders.clear();
    }
    current.push(entry);
    bytes += entry.bytes;
    orders.add(event.orderId);
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
