import type { OrderEvent } from './order-events';

/** Base of the order events' failures: all of them are ours or the infrastructure's, none the client's. */
export abstract class OrderEventError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** An item at an order key that is not an order (no status, no version…): retried, then left to the mapping's failure destination. */
export class MalformedOrderItemError extends OrderEventError {}

/** A stream record Lambda could not have sent (no sequence number): the batch cannot be reported record by record. */
export class MalformedStreamRecordError extends OrderEventError {}

/** One event that did not reach the stream, and why: a Kinesis `ErrorCode`, an SDK error name, or `NotSent`. */
export interface UnpublishedOrderEvent {
  event: OrderEvent;
  errorCode: string;
  errorMessage?: string;
}

/** How many unpublished events a message names; the error still carries all of them. */
const NAMED_IN_MESSAGE = 20;

/**
 * Some events of a publish call did not reach the stream. `unpublished` lists
 * them in the order they were given; every event not in it was published.
 */
export class OrderEventPublishError extends OrderEventError {
  readonly unpublished: readonly UnpublishedOrderEvent[];

  constructor(streamName: string, total: number, unpublished: readonly UnpublishedOrderEvent[], options?: { cause?: unknown }) {
    const named = unpublished.slice(0, NAMED_IN_MESSAGE).map(describe).join(', ');
    const more = unpublished.length > NAMED_IN_MESSAGE ? ` and ${unpublished.length - NAMED_IN_MESSAGE} more` : '';
    super(`${unpublished.length} of ${total} order events not published to ${streamName}: ${named}${more}`, options);
    this.unpublished = unpublished;
  }
}

function describe({ event, errorCode, errorMessage }: UnpublishedOrderEvent): string {
  return `${event.eventId} (${errorMessage ? `${errorCode}: ${errorMessage}` : errorCode})`;
}
