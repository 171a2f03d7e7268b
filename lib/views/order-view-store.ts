import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidRequestError } from '../domain-error';
import { finishedOrderViewTtl, TTL_ATTRIBUTE } from '../lifecycle/ttl';
import { type Order, type OrderView, toView } from '../orders/order-schema';
import { isSettled } from '../orders/order-status';

/** What the read model keeps of an order: anything but its passengers. */
type ViewedOrder = Omit<Order, 'passengers'>;

/**
 * The order-view table, the read model of GET /orders and GET /orders/{id}.
 * Every key is built here.
 *
 * | item | pk              | sk   | byUser (gsi1pk / gsi1sk)                 |
 * |------|-----------------|------|------------------------------------------|
 * | view | VIEW#<orderId>  | VIEW | USER#<userId> / <createdAt>#<orderId>    |
 *
 * An item holds the API's view of one order at one version, its owner and that
 * version; never the passengers' ID numbers, the hold or the payment.
 */
export const ORDER_VIEW_BY_USER_INDEX = 'byUser';

export const orderViewKeys = {
  view: (orderId: string) => ({ pk: `VIEW#${orderId}`, sk: 'VIEW' }),
  byUser: (userId: string, createdAt: string, orderId: string) => ({ gsi1pk: `USER#${userId}`, gsi1sk: `${createdAt}#${orderId}` }),
  userPartition: (userId: string) => `USER#${userId}`,
};

export interface OrderViewPage {
  orders: OrderView[];
  nextCursor?: string;
}

/** What the projector needs of the store. */
export interface OrderViewWriter {
  apply(order: ViewedOrder): Promise<boolean>;
}

export class OrderViewStore implements OrderViewWriter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /**
   * Writes the view of `order` unless the table holds this version or a newer
   * one. True when written; false when the view already was as new (a replay, a
   * duplicate, or an older event arriving late), which is not an error.
   */
  async apply(order: ViewedOrder): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(order),
          ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
          ExpressionAttributeValues: { ':version': order.version },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The user's order; another user's answers undefined, as an unknown id does. */
  async findForUser(userId: string, orderId: string): Promise<OrderView | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: orderViewKeys.view(orderId) }));
    return Item && Item.userId === userId ? toView(Item) : undefined;
  }

  /** The user's orders, newest first; `cursor` is a `nextCursor` this method returned for the same user. */
  async listForUser(userId: string, limit: number, cursor?: string): Promise<OrderViewPage> {
    const partition = orderViewKeys.userPartition(userId);
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: ORDER_VIEW_BY_USER_INDEX,
        KeyConditionExpression: 'gsi1pk = :user',
        ExpressionAttributeValues: { ':user': partition },
        ScanIndexForward: false,
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor, partition) } : {}),
      }),
    );
    return {
      orders: (page.Items ?? []).map(toView),
      ...(page.LastEvaluatedKey ? { nextCursor: encodeCursor(page.LastEvaluatedKey) } : {}),
    };
  }
}

function toItem(order: ViewedOrder): Record<string, unknown> {
  return {
    ...orderViewKeys.view(order.orderId),
    ...orderViewKeys.byUser(order.userId, order.createdAt, order.orderId),
    userId: order.userId,
    version: order.version,
    updatedAt: order.updatedAt,
    // What travellers are shown.
    ...toView(order),
    // A settled order's view expires after the retention policy; one still in play never does.
    ...(isSettled(order.status) ? { [TTL_ATTRIBUTE]: finishedOrderViewTtl(new Date(order.updatedAt)) } : {}),
  };
}

const CURSOR_KEYS = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;

const encodeCursor = (key: Record<string, unknown>): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** A cursor this store issued for this user's listing, or a 400. */
function decodeCursor(cursor: string, userPartition: string): Record<string, string> {
  const refuse = (cause?: unknown) =>
    new InvalidRequestError('cursor is not one this API issued', { ...(cause === undefined ? {} : { cause }), errors: [{ path: 'cursor', message: 'unknown cursor' }] });
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (cause) {
    throw refuse(cause);
  }
  if (!key || typeof key !== 'object' || Array.isArray(key)) throw refuse();
  const fields = key as Record<string, unknown>;
  const exact = Object.keys(fields).length === CURSOR_KEYS.length && CURSOR_KEYS.every((name) => typeof fields[name] === 'string');
  if (!exact || fields.gsi1pk !== userPartition) throw refuse();
  return fields as Record<string, string>;
}
