import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { LinkedWrite, TransactItem } from '../ledger/seat-ledger';
import { idempotencyRecordTtl, TTL_ATTRIBUTE } from '../lifecycle/ttl';
import { OrderNotFoundError, OrderVersionConflictError } from './errors';
import { dueAt, type Order, type Passenger } from './order';
import { ORDER_SK, OVERDUE_INDEX, OVERDUE_SHARDS, PAID_INDEX, WAITING_INDEX, orderKeys } from './order-keys';
import { maskId, type PassengerData, type SealedId } from './passenger-data';

export interface IdempotencyRecord {
  requestHash: string;
  orderId: string;
  /** The first response's body, answered again to a retry. */
  response: unknown;
}

/** A passenger as the orders table holds it: the ID number sealed (passenger-data.ts), and masked for people to read. */
export interface StoredPassenger {
  name: string;
  idMasked: string;
  idSealed: SealedId;
}

/**
 * Orders on DynamoDB: every change is a conditional put on the version the writer read.
 * Passengers' ID numbers are sealed on the way in and opened on the way out;
 * a version written from a version read keeps the ciphertexts it read.
 */
export class OrderStore {
  /** The stored form of each passengers array read, so writing it back seals nothing again. */
  private readonly stored = new WeakMap<Passenger[], StoredPassenger[]>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly data: PassengerData,
  ) {}

  /** Loads the passenger data keys; every read awaits it, so a use case that starts with a read need not. */
  ready(): Promise<void> {
    return this.data.ready();
  }

  async get(orderId: string): Promise<Order | undefined> {
    await this.ready();
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: orderKeys.order(orderId), ConsistentRead: true }));
    return Item ? this.fromItem(Item) : undefined;
  }

  /** The caller's order; someone else's answers as if it did not exist. */
  async owned(userId: string, orderId: string): Promise<Order> {
    const order = await this.get(orderId);
    if (!order || order.userId !== userId) throw new OrderNotFoundError(`no order ${orderId}`);
    return order;
  }

  /** Orders due before `nowIso` (RESERVED or WAITLISTED past their payment window, WAITING past their deadline), one shard page at a time. */
  async overdue(shard: number, nowIso: string, limit: number): Promise<Order[]> {
    return this.queryIndex(OVERDUE_INDEX, 'overduePk = :shard AND overdueSk <= :now', { ':shard': orderKeys.overdueShard(shard), ':now': nowIso }, limit);
  }

  /** PAID orders that were paid at or before `beforeIso` (and are still PAID), one shard page at a time. */
  async paidBefore(shard: number, beforeIso: string, limit: number): Promise<Order[]> {
    return this.queryIndex(PAID_INDEX, 'paidPk = :shard AND paidSk <= :before', { ':shard': orderKeys.paidShard(shard), ':before': beforeIso }, limit);
  }

  /** WAITING orders of a service and class, oldest first (by when they were prepaid). */
  async waiting(serviceId: string, seatClass: string, limit: number): Promise<Order[]> {
    return this.queryIndex(WAITING_INDEX, 'waitingPk = :queue', { ':queue': orderKeys.waitingQueue(serviceId, seatClass) }, limit);
  }

  /** One page of orders from a sparse index of the table, in its sort order. */
  private async queryIndex(IndexName: string, KeyConditionExpression: string, ExpressionAttributeValues: Record<string, string>, Limit: number): Promise<Order[]> {
    await this.ready();
    const page = await this.db.send(new QueryCommand({ TableName: this.tableName, IndexName, KeyConditionExpression, ExpressionAttributeValues, Limit }));
    return Promise.all((page.Items ?? []).map((item) => this.fromItem(item)));
  }

  /** Every order of the table, a page at a time (a Scan: for operator tools, never a function). */
  async *allOrders(pageSize = 100): AsyncGenerator<Order[]> {
    await this.ready();
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({ TableName: this.tableName, FilterExpression: 'sk = :order', ExpressionAttributeValues: { ':order': ORDER_SK }, Limit: pageSize, ExclusiveStartKey }),
      );
      yield await Promise.all((page.Items ?? []).map((item) => this.fromItem(item)));
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
    return { Put: { TableName: this.tableName, Item: this.toItem(order), ConditionExpression: 'attribute_not_exists(pk)' } };
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
        Item: this.toItem(next),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': next.version - 1 },
      },
    };
  }

  /** replace() as a linked write of a transaction: a stored version other than the one read is a version conflict (read again, retry). */
  versioned(next: Order): LinkedWrite {
    return { item: this.replace(next), onConditionFailed: () => new OrderVersionConflictError(`order ${next.orderId} changed meanwhile`) };
  }

  /** The next version; with `alsoWrite`, in one transaction with those writes, which then happen only if it does. */
  async save(next: Order, alsoWrite: readonly TransactItem[] = []): Promise<void> {
    const put = this.replace(next).Put as NonNullable<TransactItem['Put']>;
    try {
      if (alsoWrite.length === 0) await this.db.send(new PutCommand(put));
      else await this.db.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...alsoWrite] }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new OrderVersionConflictError(`order ${next.orderId} changed meanwhile`, { cause: error });
      // The version moved on, or another transaction was writing these items: re-read and decide again.
      if (error instanceof TransactionCanceledException) throw new OrderVersionConflictError(`order ${next.orderId} changed meanwhile`, { cause: error });
      throw error;
    }
  }

  private toItem(order: Order): Record<string, unknown> {
    const shard = [...order.orderId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % OVERDUE_SHARDS;
    const passengers =
      this.stored.get(order.passengers) ??
      order.passengers.map((p, i): StoredPassenger => ({ name: p.name, idMasked: maskId(p.idNumber), idSealed: this.data.seal(p.idNumber, sealContext(order.orderId, i)) }));
    const due = dueAt(order);
    return {
      ...orderKeys.order(order.orderId),
      // Sparse: only orders with a deadline (RESERVED, WAITLISTED, WAITING) are in the overdue index, sharded so a popular sale spreads its writes.
      ...(due !== undefined ? { overduePk: orderKeys.overdueShard(shard), overdueSk: due } : {}),
      // Sparse: the waitlist queue of a service and class, oldest first.
      ...(order.status === 'WAITING' ? { waitingPk: orderKeys.waitingQueue(order.serviceId, order.seatClass), waitingSk: `${order.waitingSince ?? order.updatedAt}#${order.orderId}` } : {}),
      // Sparse too: only PAID orders, by when they were paid; an order leaves it when it is ticketed.
      ...(order.status === 'PAID' ? { paidPk: orderKeys.paidShard(shard), paidSk: order.updatedAt } : {}),
      ...order,
      passengers,
    };
  }

  private async fromItem(item: Record<string, unknown>): Promise<Order> {
    const { pk: _pk, sk: _sk, overduePk: _o1, overdueSk: _o2, paidPk: _p1, paidSk: _p2, waitingPk: _w1, waitingSk: _w2, ...rest } = item;
    // Orders written before ID numbers were sealed hold them as they came.
    const order = rest as unknown as Omit<Order, 'passengers'> & { passengers: Array<StoredPassenger | Passenger> };
    const passengers = await Promise.all(
      order.passengers.map(async (p, i): Promise<Passenger> => (isStored(p) ? { name: p.name, idNumber: await this.data.open(p.idSealed, sealContext(order.orderId, i)) } : p)),
    );
    const stored = order.passengers.filter(isStored);
    if (stored.length === passengers.length) this.stored.set(passengers, stored);
    return { ...order, passengers };
  }
}

const isStored = (p: StoredPassenger | Passenger): p is StoredPassenger => 'idSealed' in p;

/** A sealed ID opens only for the order and position it was sealed for. */
const sealContext = (orderId: string, position: number) => `order ${orderId} passenger ${position}`;
