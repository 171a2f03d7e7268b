import { createHmac } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Order } from '../../../../lib/orders';
import { orderViewKeys } from '../../../../lib/views/order-view-store';
import { OCCUPANCY_TABLE } from '../occupancy-items';

/**
 * Items as the orders and seat-ledger tables hold them, for handler tests that
 * mock DynamoDB. Keys are spelled out rather than imported, so a test fails when
 * the table layout changes under stored data.
 */

export const LEDGER_TABLE = 'ledger';
export const ORDERS_TABLE = 'orders';
export const WEBHOOK_SECRET = 'whsec_local_7d1f0c9e4b2a6358';
/** The local dev keys of passengers' ID numbers, as the local cloud passes them. */
export const ID_HASH_KEY = 'test-passenger-id-hash-key-0123456789abcdef';
export const DATA_KEY = Buffer.alloc(32, 7).toString('base64');

/** The environment every order function reads at import time. */
export function setOrderEnv(): void {
  process.env.LEDGER_TABLE_NAME = LEDGER_TABLE;
  process.env.OCCUPANCY_TABLE_NAME = OCCUPANCY_TABLE;
  process.env.ORDERS_TABLE_NAME = ORDERS_TABLE;
  process.env.HOLD_TTL_SECONDS = '900';
  process.env.PAYMENT_WEBHOOK_SECRET = WEBHOOK_SECRET;
  process.env.ORDER_VIEW_TABLE_NAME = VIEW_TABLE;
  process.env.PASSENGER_ID_HASH_KEY = ID_HASH_KEY;
  process.env.PASSENGER_DATA_KEY = DATA_KEY;
}

export const VIEW_TABLE = 'order-views';

/** An order as the read model holds it: keyed by order and by user, no passengers' ID numbers. */
export function viewItem(order: Order): Record<string, unknown> {
  const { passengers: _passengers, holdId: _hold, paymentId: _payment, ...rest } = order;
  return { ...orderViewKeys.view(order.orderId), ...orderViewKeys.byUser(order.userId, order.createdAt, order.orderId), ...rest };
}

export const viewKey = (orderId: string) => orderViewKeys.view(orderId);

/** The `sub` of the traveller in events/orders/*.json. */
export const TRAVELLER = '3f6e2a10-8c1d-4b7e-9a55-2d0c7b1e4f21';
/** The order the sample events name. */
export const ORDER_ID = '0b8e6c2a-4f1d-4e7a-9c3b-5d2e1f0a6b74';
export const LI_LEI = { name: 'Li Lei', idNumber: '110101199003070011' };

const MINUTE = 60_000;

/** The traveller's order for Li Lei, G1 Beijing South → Shanghai Hongqiao, seat 02-01A; RESERVED until 15 minutes from now. */
export function anOrder(overrides: Partial<Order> = {}): Order {
  const createdAt = new Date(Date.now() - MINUTE).toISOString();
  return {
    orderId: ORDER_ID,
    userId: TRAVELLER,
    status: 'RESERVED',
    version: 1,
    serviceId: 'G1_2026-12-01',
    from: 'VNP',
    to: 'AOH',
    fromIndex: 0,
    toIndex: 2,
    seatClass: 'second',
    passengers: [LI_LEI],
    seats: [{ passengerName: LI_LEI.name, coach: '02', seat: '01A' }],
    amount: 55300,
    currency: 'CNY',
    holdId: overrides.orderId ?? ORDER_ID,
    expiresAt: new Date(Date.now() + 15 * MINUTE).toISOString(),
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

/** The order item: its keys, and the overdue index keys while RESERVED. */
export function orderItem(order: Order): Record<string, unknown> {
  return {
    pk: `ORDER#${order.orderId}`,
    sk: 'ORDER',
    ...(order.status === 'RESERVED' ? { overduePk: 'RESERVED#0', overdueSk: order.expiresAt } : {}),
    ...order,
  };
}

/** The seat-ledger hold record behind an order. */
export function holdItem(order: Order, status: 'HELD' | 'CONFIRMED' | 'RELEASED' = 'HELD'): Record<string, unknown> {
  return {
    pk: `HOLD#${order.holdId}`,
    sk: 'HOLD',
    holdId: order.holdId,
    serviceId: order.serviceId,
    from: order.from,
    to: order.to,
    fromIndex: order.fromIndex,
    toIndex: order.toIndex,
    seatClass: order.seatClass,
    seats: order.seats.map(({ coach, seat }) => ({ coach, seat })),
    expiresAt: order.expiresAt,
    status,
    fingerprint: 'f',
    createdAt: order.createdAt,
  };
}

/** One fewer unpaid order of `userId` (the traveller's unless given): what every way out of RESERVED writes with the order. */
export const unpaidCountDown = (userId = TRAVELLER) => ({
  Update: { TableName: ORDERS_TABLE, Key: { pk: `USER#${userId}`, sk: 'LIMITS' }, UpdateExpression: 'ADD unpaid :minusOne', ExpressionAttributeValues: { ':minusOne': -1 } },
});

/** One more cancellation of the traveller on a Beijing-time day, kept (ttl) for two days. */
export const cancellationCountUp = () => ({
  Update: {
    TableName: ORDERS_TABLE,
    Key: { pk: `USER#${TRAVELLER}`, sk: expect.stringMatching(/^CANCELS#\d{4}-\d{2}-\d{2}$/) },
    UpdateExpression: 'ADD cancels :one SET #ttl = :ttl',
    ExpressionAttributeValues: { ':one': 1, ':ttl': expect.any(Number) },
  },
});

export const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
export const holdKey = (holdId: string) => ({ pk: `HOLD#${holdId}`, sk: 'HOLD' });
/** A claim is keyed by HMAC-SHA256 of the ID number, never the number. */
export const claimKey = (serviceId: string, idNumber: string) => ({ pk: `CLAIM#${serviceId}#${createHmac('sha256', ID_HASH_KEY).update(idNumber).digest('hex')}`, sk: 'CLAIM' });

/**
 * DynamoDB cancelling a transaction because the condition of item `failed` (or of
 * each of several) was false. `existing` is the item that stood in the way, as DynamoDB hands it back
 * (marshalled) to a write asking for ReturnValuesOnConditionCheckFailure ALL_OLD.
 */
export function conditionFailedAt(failed: number | readonly number[], items: number, existing?: Record<string, unknown>): TransactionCanceledException {
  const failedItems = typeof failed === 'number' ? [failed] : failed;
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
    $metadata: {},
    CancellationReasons: Array.from({ length: items }, (_, i) =>
      failedItems.includes(i) ? { Code: 'ConditionalCheckFailed', ...(existing ? { Item: marshall(existing, { removeUndefinedValues: true }) } : {}) } : { Code: 'None' },
    ),
  });
}
