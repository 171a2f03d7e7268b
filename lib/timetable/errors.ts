import { DomainError } from '../domain-error';

/** Base of the timetable's expected failures. */
export abstract class TimetableError extends DomainError {}

export class ServiceNotFoundError extends TimetableError {
  readonly problem = 'not-found';
}

/** Another definition was already published under this service id, or is being published. */
export class ServiceConflictError extends TimetableError {
  readonly problem = 'conflict';
}
