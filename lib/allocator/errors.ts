/** Base error of seat allocation. */
export class AllocatorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AllocatorError';
  }
}

/** The request or options cannot describe a ride on a service (a caller bug, not a sold-out train). */
export class InvalidAllocationRequestError extends AllocatorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidAllocationRequestError';
  }
}
