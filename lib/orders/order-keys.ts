/**
 * Every key of the orders table is built here.
 *
 * | item        | pk                   | sk    | overdue index (sparse)                        | paid index (sparse)                 |
 * |-------------|----------------------|-------|-----------------------------------------------|-------------------------------------|
 * | order       | ORDER#<orderId>      | ORDER | RESERVED#<shard> / <due> while RESERVED, WAITLISTED or WAITING | PAID#<shard> / <updatedAt> while PAID |
 * | idempotency | IDEMP#<userId>#<key> | IDEMP |                                               |                                     |
 * | refund sent | REFUND#<refundId>    | REFUND |                                              |                                     |
 * | user limits | USER#<userId>        | LIMITS                  (unpaid orders now)                                             |
 * | cancels     | USER#<userId>        | CANCELS#<day>           (cancellations that day)                                        |
 *
 * A WAITING order is also in the waiting index: WAITING#<serviceId>#<seatClass> / <waitingSince>#<orderId>,
 * the queue of its service and class, oldest first. `<due>` is a RESERVED or WAITLISTED order's
 * payment window and a WAITING order's waitlist deadline.
 *
 * The table's stream is the order outbox: every write of an order item is an event.
 * Travellers list their orders from the read model (lib/views), not from here.
 */
export const OVERDUE_SHARDS = 8;
export const OVERDUE_INDEX = 'overdue';
/** PAID orders by when they were paid: what the ticket reconciler reads (lib/tickets/reconciler.ts). */
export const PAID_INDEX = 'paid';
/** WAITING orders per service and class by when they were prepaid: the waitlist fulfiller's queue. */
export const WAITING_INDEX = 'waiting';

export const ORDER_PK_PREFIX = 'ORDER#';
export const ORDER_SK = 'ORDER';

export const orderKeys = {
  order: (orderId: string) => ({ pk: `${ORDER_PK_PREFIX}${orderId}`, sk: ORDER_SK }),
  overdueShard: (shard: number) => `RESERVED#${shard}`,
  paidShard: (shard: number) => `PAID#${shard}`,
  waitingQueue: (serviceId: string, seatClass: string) => `WAITING#${serviceId}#${seatClass}`,
  idempotency: (userId: string, key: string) => ({ pk: `IDEMP#${userId}#${key}`, sk: 'IDEMP' }),
  /** One per refund sent to the payment provider (lib/refunds/refund-sender.ts): a refund id is sent once. */
  refund: (refundId: string) => ({ pk: `REFUND#${refundId}`, sk: 'REFUND' }),
  /** One per user: how many of their orders are RESERVED (unpaid) right now. */
  userLimits: (userId: string) => ({ pk: `USER#${userId}`, sk: 'LIMITS' }),
  /** One per user and day (`YYYY-MM-DD`, Beijing time): how many orders they cancelled that day. */
  userCancellations: (userId: string, day: string) => ({ pk: `USER#${userId}`, sk: `CANCELS#${day}` }),
};
