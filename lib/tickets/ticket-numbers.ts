import { createHash } from 'node:crypto';
import { type Order, passengerFare, type Ticket } from '../orders';
import { MAX_TICKETS_PER_ORDER, ORDER_HASH_CHARACTERS, TICKET_NUMBER_ALPHABET, TICKET_NUMBER_PREFIX } from './constants';

/**
 * Ticket numbers are derived, not drawn: `E` + 11 base32 characters of
 * SHA-256(orderId) + 1 base32 character for the passenger's index in the order.
 * The same job always computes the same numbers, so a re-delivered job cannot
 * mint a second set, and no counter or uniqueness table is needed.
 *
 * Distinctness:
 * - within one order, guaranteed: the last character is the passenger index;
 * - across orders, two orders share numbers only if their 55-bit hash prefixes
 *   collide: 2^-55 ≈ 2.8e-17 per pair. Over n orders the chance of any collision
 *   is about n² / 2^56: 1.4e-5 for a million orders, 1.4e-3 for ten million,
 *   about 13 % for a hundred million. Past that scale, lengthen the hash part
 *   (each character divides the odds by 32) or claim numbers in a table.
 * No secret is involved: a ticket number is not a credential, and anyone can
 * recompute one only from an order id they already know.
 */
export function ticketNumber(orderId: string, passengerIndex: number): string {
  if (!Number.isInteger(passengerIndex) || passengerIndex < 0 || passengerIndex >= MAX_TICKETS_PER_ORDER) {
    throw new RangeError(`passenger index ${passengerIndex} is outside 0–${MAX_TICKETS_PER_ORDER - 1}`);
  }
  return `${TICKET_NUMBER_PREFIX}${orderHash(orderId)}${TICKET_NUMBER_ALPHABET[passengerIndex]}`;
}

/** One ticket per seat (one seat per passenger), in the order's seat order, for the order's ride. */
export function numberedTickets(order: Pick<Order, 'orderId' | 'seats' | 'from' | 'to' | 'amount' | 'fare'>): Ticket[] {
  const fare = passengerFare(order);
  return order.seats.map((seat, index) => ({
    ticketNo: ticketNumber(order.orderId, index),
    passengerName: seat.passengerName,
    coach: seat.coach,
    seat: seat.seat,
    from: order.from,
    to: order.to,
    status: 'ACTIVE',
    fare,
  }));
}

const BITS_PER_CHARACTER = 5n;

/** The top 55 bits of SHA-256(orderId) in base32, most significant character first. */
function orderHash(orderId: string): string {
  const digest = createHash('sha256').update(orderId, 'utf8').digest();
  let bits = digest.readBigUInt64BE(0) >> (64n - BigInt(ORDER_HASH_CHARACTERS) * BITS_PER_CHARACTER);
  const characters: string[] = [];
  for (let i = 0; i < ORDER_HASH_CHARACTERS; i++) {
    characters.push(TICKET_NUMBER_ALPHABET[Number(bits & 31n)] as string);
    bits >>= BITS_PER_CHARACTER;
  }
  return characters.reverse().join('');
}
