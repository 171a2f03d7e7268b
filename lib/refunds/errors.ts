/** Base of the refund outbox's failures: all of them ours, the provider's or the infrastructure's, none a client's. */
export abstract class RefundError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** An SQS message on the refund outbox that is not a refund job: retried, then left in the queue's DLQ. */
export class MalformedRefundJobError extends RefundError {}

/** The payment provider did not confirm a refund (down, or refusing): SQS delivers the job again. */
export class RefundProviderError extends RefundError {}
