/** Every ticket number starts with this letter (12306's e-tickets do too). */
export const TICKET_NUMBER_PREFIX = 'E';

/**
 * Crockford's base32: digits and capitals without I, L, O and U, so a number
 * read aloud or copied by hand is not mistaken for another.
 */
export const TICKET_NUMBER_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Characters of a ticket number drawn from the hash of the order id (5 bits each: 55 bits). */
export const ORDER_HASH_CHARACTERS = 11;

/** The last character numbers the passenger, so one order can carry at most this many tickets. */
export const MAX_TICKETS_PER_ORDER = TICKET_NUMBER_ALPHABET.length;

/** The SQS message attribute that carries a ticket job's event id (`<orderId>:<version>`). */
export const EVENT_ID_ATTRIBUTE = 'eventId';

/**
 * Reads and writes of one issue job before it gives up and is retried by SQS.
 * A PAID order can only become TICKETED, so a lost race settles on the second read.
 */
export const MAX_ISSUE_ATTEMPTS = 3;
