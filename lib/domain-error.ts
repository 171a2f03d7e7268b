/**
 * The problem types of shared/API.md. Domain errors name the problem they are;
 * only the HTTP edge (lib/http) turns a problem into a status code.
 */
export type ProblemType =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'sold-out'
  | 'duplicate-passenger'
  | 'invalid-state'
  | 'idempotency-conflict'
  | 'payment-mismatch'
  | 'payload-too-large'
  | 'limit-reached'
  | 'sales-closed'
  | 'conflict';

export interface FieldError {
  path: string;
  message: string;
}

/** Base of every expected, client-caused failure. Anything else is a bug and answers 500. */
export abstract class DomainError extends Error {
  abstract readonly problem: ProblemType;
  readonly errors?: FieldError[];

  constructor(message: string, options?: { cause?: unknown; errors?: FieldError[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.errors) this.errors = options.errors;
  }
}

/** Input that passed the schema but names something that does not exist or does not fit (unknown station, from ≥ to). */
export class InvalidRequestError extends DomainError {
  readonly problem = 'validation';
}

export class NotFoundError extends DomainError {
  readonly problem = 'not-found';
}
