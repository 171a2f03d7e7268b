import { DomainError } from '../domain-error';

/** Refusals the edge itself raises, before any use case runs. */

/** No (valid) credentials on a route that needs them. */
export class UnauthorizedError extends DomainError {
  readonly problem = 'unauthorized';
}

/** Authenticated, but not allowed on this route. */
export class ForbiddenError extends DomainError {
  readonly problem = 'forbidden';
}

/** The raw request body is over the API's limit. */
export class PayloadTooLargeError extends DomainError {
  readonly problem = 'payload-too-large';
}
