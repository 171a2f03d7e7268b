export { EVENT_ID_ATTRIBUTE, MAX_TICKETS_PER_ORDER, TICKET_NUMBER_ALPHABET, TICKET_NUMBER_PREFIX } from './constants';
export { type DispatcherLogger, TicketDispatcher } from './dispatcher';
export { MalformedTicketJobError, TicketError, TicketIssueContentionError, TicketIssuerDrillError, TicketJobOrderMissingError } from './errors';
export { type IssueOutcome, type IssuerLogger, TicketIssuer, type TicketIssuerOptions } from './issuer';
export { type TicketJob, parseTicketJob, ticketJobFor } from './ticket-job';
export { numberedTickets, ticketNumber } from './ticket-numbers';
