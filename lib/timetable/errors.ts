import { DomainError } from '../domain-error';

/** Base of the timetable's expected failures. */
export abstract class TimetableError extends DomainError {}

export class ServiceNotFoundError extends TimetableError {
  readonly problem = 'not-found';
}

/** The train has left the ride's boarding stop: its seats are no longer held or sold. */
export class SalesClosedError extends TimetableError {
  readonly problem = 'sales-closed';
}

/** Another definition was already published under this service id, or is being published. */
export class ServiceConflictError extends TimetableError {
  readonly problem = 'conflict';
}
