/**
 * When items expire: every table keeps its time to live in one attribute,
 * epoch seconds, and DynamoDB deletes an item some time (typically within a
 * few days) after it. Reads must not rely on the deletion: an expired item
 * may still be read until it is gone. Pure: the writers add the attribute.
 */
export const TTL_ATTRIBUTE = 'ttl';

const DAY_SECONDS = 86_400;

/** How long each kind of item outlives the moment that ends its use, in days, and why. */
export const RETENTION_DAYS = {
  /** An Idempotency-Key answers its retry for a week; clients retry within minutes (API.md keeps no longer promise). */
  idempotencyRecord: 7,
  /** A released or expired hold: a late confirm or release of it still finds it, and answers consistently, for a day. */
  releasedHold: 1,
  /** A passenger's claim on a service ends a day after the train leaves: no ticket of it can be sold or changed after that. */
  passengerClaim: 1,
  /** A finished order's view (ticketed, cancelled, expired, refunded) stays 400 days: a year of order history, and a margin, as 12306 shows. */
  finishedOrderView: 400,
} as const;

export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

const plusDays = (at: Date, days: number): number => epochSeconds(at) + days * DAY_SECONDS;

/** The idempotency record written at `createdAt`. */
export const idempotencyRecordTtl = (createdAt: Date): number => plusDays(createdAt, RETENTION_DAYS.idempotencyRecord);

/** A hold released (cancelled, expired or swept) at `releasedAt`; a confirmed hold keeps none. */
export const releasedHoldTtl = (releasedAt: Date): number => plusDays(releasedAt, RETENTION_DAYS.releasedHold);

/** A passenger claim on a service whose train departs at `departsAt`. */
export const passengerClaimTtl = (departsAt: Date): number => plusDays(departsAt, RETENTION_DAYS.passengerClaim);

/** The view of an order that reached a final state at `finishedAt`; a view of an order still in play keeps none. */
export const finishedOrderViewTtl = (finishedAt: Date): number => plusDays(finishedAt, RETENTION_DAYS.finishedOrderView);
