import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactItem } from '../ledger/seat-ledger';
import { idempotencyRecordTtl, TTL_ATTRIBUTE } from '../lifecycle/ttl';
import { OrderVersionConflictError } from './errors';
import type { Order } from './order';
import { ORDER_SK, OVERDUE_INDEX, OVERDUE_SHARDS, PAID_INDEX, orderKeys } from './order-keys';

export interface IdempotencyRecord {
  requestHash: string;
  orderId: string;
  /** The first response's body, answered again to a retry. */
  response: unknown;
}

/** Orders on DynamoDB: every change is a conditional put on the version the writer read. */
export class OrderStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(orderId: string): Promise<Order | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: orderKeys.order(orderId), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  /** RESERVED orders whose payment window closed before `nowIso`, one shard page at a time. */
  async overdue(shard: number, nowIso: string, limit: number): Promise<Order[]> {
    return this.#shardUpTo(OVERDUE_INDEX, 'overdue', orderKeys.overdueShard(shard), nowIso, limit);
  }

  /** PAID orders that were paid at or before `beforeIso` (and are still PAID), one shard page at a time. */
  async paidBefore(shard: number, beforeIso: string, limit: number): Promise<Order[]> {
    return this.#shardUpTo(PAID_INDEX, 'paid', orderKeys.paidShard(shard), beforeIso, limit);
  }

  /** One page of a sparse, sharded index (`<prefix>Pk` = shard, `<prefix>Sk` ≤ bound). */
  async #shardUpTo(indexName: string, prefix: 'overdue' | 'paid', shardKey: string, bound: string, limit: number): Promise<Order[]> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: `${prefix}Pk = :shard AND ${prefix}Sk <= :now`,
        ExpressionAttributeValues: { ':shard': shardKey, ':now': bound },
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map(fromItem);
  }

  /** Every order of the table, a page at a time (a Scan: for operator tools, never a function). */
  async *allOrders(pageSize = 100): AsyncGenerator<Order[]> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({ TableName: this.tableName, FilterExpression: 'sk = :order', ExpressionAttributeValues: { ':order': ORDER_SK }, Limit: pageSize, ExclusiveStartKey }),
      );
      yield (page.Items ?? []).map(fromItem);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  async findIdempotencyRecord(userId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: orderKeys.idempotency(userId, key), ConsistentRead: true }));
    return Item ? this.idempotencyRecordOf(Item) : undefined;
  }

  /** The record in an idempotency item, as `putIdempotencyRecord`'s failed condition hands it back. */
  idempotencyRecordOf(item: Record<string, unknown>): IdempotencyRecord {
    return { requestHash: String(item.requestHash), orderId: String(item.orderId), response: item.response };
  }

  /** A new order: only if no order has its id. */
  putNew(order: Order): TransactItem {
    return { Put: { TableName: this.tableName, Item: toItem(order), ConditionExpression: 'attribute_not_exists(pk)' } };
  }

  putIdempotencyRecord(userId: string, key: string, record: IdempotencyRecord): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...orderKeys.idempotency(userId, key), ...record, userId, [TTL_ATTRIBUTE]: idempotencyRecordTtl(new Date()) },
        ConditionExpression: 'attribute_not_exists(pk)',
        // A used key answers with its record: the replay needs no read.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  /** The next version of an order, written only if the stored one is still `next.version - 1`. */
  replace(next: Order): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: toItem(next),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': next.version - 1 },
      },
    };
  }

  async save(next: Order): Promise<void> {
    const put = this.replace(next).Put as NonNullable<TransactItem['Put']>;
    try {
      await this.db.send(new PutCommand(put));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new OrderVersionConflictError(`order ${next.orderId} changed meanwhile`, { cause: error });
      throw error;
    }
  }
}

function toItem(order: Order): Record<string, unknown> {
  const shard = [...order.orderId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % OVERDUE_SHARDS;
  return {
    ...orderKeys.order(order.orderId),
    // Sparse: only RESERVED orders are in the overdue index, sharded so a popular sale spreads its writes.
    ...(order.status === 'RESERVED' ? { overduePk: orderKeys.overdueShard(shard), overdueSk: order.expiresAt } : {}),
    // Sparse too: only PAID orders, by when they were paid; an order leaves it when it is ticketed.
    ...(order.status === 'PAID' ? { paidPk: orderKeys.paidShard(shard), paidSk: order.updatedAt } : {}),
    ...order,
  };
}

function fromItem(item: Record<string, unknown>): Order {
  const { pk: _pk, sk: _sk, overduePk: _o1, overdueSk: _o2, paidPk: _p1, paidSk: _p2, ...order } = item;
  return order as unknown as Order;
}
