/**
 * Every key of the orders table is built here.
 *
 * | item        | pk                        | sk      | byUser                          | overdue (sparse)                   |
 * |-------------|---------------------------|---------|---------------------------------|------------------------------------|
 * | order       | ORDER#<orderId>           | ORDER   | USER#<userId> / <createdAt>#<id> | RESERVED#<shard> / <expiresAt> while RESERVED |
 * | idempotency | IDEMP#<userId>#<key>      | IDEMP   |                                 |                                    |
 *
 * The table's stream is the order outbox: every write of an order item is an event.
 */
export const OVERDUE_SHARDS = 8;
export const BY_USER_INDEX = 'byUser';
export const OVERDUE_INDEX = 'overdue';

export const ORDER_PK_PREFIX = 'ORDER#';
export const ORDER_SK = 'ORDER';

export const orderKeys = {
  order: (orderId: string) => ({ pk: `${ORDER_PK_PREFIX}${orderId}`, sk: ORDER_SK }),
  byUser: (userId: string, createdAt: string, orderId: string) => ({ gsi1pk: `USER#${userId}`, gsi1sk: `${createdAt}#${orderId}` }),
  userPartition: (userId: string) => `USER#${userId}`,
  overdueShard: (shard: number) => `RESERVED#${shard}`,
  idempotency: (userId: string, key: string) => ({ pk: `IDEMP#${userId}#${key}`, sk: 'IDEMP' }),
};
