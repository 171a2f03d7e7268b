import { DomainError } from '../domain-error';

/** Base of the orders area's expected failures. */
export abstract class OrderError extends DomainError {}

/** The order is not in a state that allows the operation (cancelling a paid order, paying a cancelled one). */
export class InvalidStateError extends OrderError {
  readonly problem = 'invalid-state';
  override name = 'InvalidStateError';
}

/** A payment whose amount, currency or order does not match the order; the order is left as it was. */
export class PaymentMismatchError extends OrderError {
  readonly problem = 'payment-mismatch';
  override name = 'PaymentMismatchError';
}

/** A payment callback without a valid, fresh signature. */
export class PaymentSignatureError extends OrderError {
  readonly problem = 'unauthorized';
  override name = 'PaymentSignatureError';
}

/** A well-formed signature that no secret we hold produced: the one case a rotated secret can explain. */
export class PaymentSignatureMismatchError extends PaymentSignatureError {
  override name = 'PaymentSignatureMismatchError';
}

/** No order with that id, or not the caller's: both answer 404 so ids cannot be probed. */
export class OrderNotFoundError extends OrderError {
  readonly problem = 'not-found';
  override name = 'OrderNotFoundError';
}

/** Another writer changed the order first (its version moved on); re-read and decide again. */
export class OrderVersionConflictError extends OrderError {
  readonly problem = 'conflict';
  override name = 'OrderVersionConflictError';
}

/** An Idempotency-Key reused with a different request body. */
export class IdempotencyConflictError extends OrderError {
  readonly problem = 'idempotency-conflict';
  override name = 'IdempotencyConflictError';
}

/** Tickets that do not cover exactly the order's seats and ride: a bug in the issuer, never the client's fault. */
export class TicketMismatchError extends OrderError {
  readonly problem = 'conflict';
  override name = 'TicketMismatchError';
}

/** A passenger already has an active ticket or hold on this service. */
export class DuplicatePassengerError extends OrderError {
  readonly problem = 'duplicate-passenger';
  override name = 'DuplicatePassengerError';
}

/** A per-user limit (unpaid orders at once, cancellations a day) would be passed; nothing was written. */
export class LimitReachedError extends OrderError {
  readonly problem = 'limit-reached';
  override name = 'LimitReachedError';
}
