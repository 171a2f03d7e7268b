import { DomainError } from '../domain-error';

/** Base of the seat ledger's expected failures. */
export abstract class LedgerError extends DomainError {}

/** Fewer seats are free over the ride than were asked for. */
export class SoldOutError extends LedgerError {
  readonly problem = 'sold-out';
}

export class HoldNotFoundError extends LedgerError {
  readonly problem = 'not-found';
}

/** A hold id was reused for a different request. */
export class HoldIdConflictError extends LedgerError {
  readonly problem = 'conflict';
}

/** The hold no longer owns its seats (it expired and another hold took them). */
export class HoldLostError extends LedgerError {
  readonly problem = 'conflict';
}

/** The hold is not in a state that allows the operation (confirming a released hold, releasing a sold one). */
export class HoldStateError extends LedgerError {
  readonly problem = 'invalid-state';
}

/**
 * Every attempt lost a race for seats that looked free: at a sale's peak, what is
 * left is going fast. Answered as sold out; the buyer may try again.
 */
export class HoldContentionError extends SoldOutError {}

/**
 * A hold told not to choose again (`HoldOptions.chooseAgain: false`) lost a race
 * for seats that looked free in the view it was given: the view is out of date.
 */
export class SeatsTakenError extends LedgerError {
  readonly problem = 'conflict';
}

/** Other requests kept writing the same items for every try: nothing changed, the caller may retry. */
export class LedgerBusyError extends LedgerError {
  readonly problem = 'conflict';
}

/** A seat to give back is not sold to the hold that should own it: another refund or change freed it first. */
export class SeatsNotSoldError extends LedgerError {
  readonly problem = 'conflict';
}
