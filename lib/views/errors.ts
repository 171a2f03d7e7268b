/** Base of the read model's failures: ours or the infrastructure's, none a client's (a bad cursor is an `InvalidRequestError`). */
export abstract class OrderViewError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** A Kinesis record of `order-events` that is not an order event: retried, then left to the mapping's failure destination. */
export class MalformedOrderEventRecordError extends OrderViewError {}
