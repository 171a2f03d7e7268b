/** Base of ticket issuance's failures: all of them are ours or the infrastructure's, none a client's. */
export abstract class TicketError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** An SQS message on the ticket outbox that is not a ticket job: retried, then left in the queue's DLQ. */
export class MalformedTicketJobError extends TicketError {}

/** A ticket job for an order the orders table does not hold (the order is written before its events exist). */
export class TicketJobOrderMissingError extends TicketError {}

/** A ticket job that kept losing races on its order's version; SQS delivers it again. */
export class TicketIssueContentionError extends TicketError {}

/** Thrown for every job while `TICKET_ISSUER_FAIL=always`: the DLQ drill, never set in production. */
export class TicketIssuerDrillError extends TicketError {}

/** A dearer change was paid but its old ticket is no longer waiting for it (refunded, or changed otherwise): an operator decides. */
export class ChangeSwapError extends TicketError {}
