import type { LinkedWrite } from '../ledger/seat-ledger';
import { LimitReachedError } from './errors';
import { orderKeys } from './order-keys';

/** 12306 counts a day in Beijing time (UTC+8, no daylight saving). */
const BEIJING_OFFSET_MS = 8 * 3600_000;
/** A day's cancellation count is kept until a day after that day, then may expire (epoch seconds in `ttl`). */
const CANCELLATIONS_KEPT_MS = 2 * 86_400_000;

export interface UserLimitSettings {
  /** RESERVED orders one user may have at once. */
  maxUnpaidOrders: number;
  /** Cancellations a day (Beijing time) after which the user may order nothing more that day. */
  maxCancellationsPerDay: number;
}

/** The Beijing-time calendar day of an instant, `YYYY-MM-DD`. */
export const beijingDay = (epochMs: number): string => new Date(epochMs + BEIJING_OFFSET_MS).toISOString().slice(0, 10);

/**
 * Per-user limits, as 12306 has them: at most N unpaid orders at once, and after
 * M cancellations in a day no new order that day. Both are counter items in the
 * orders table, checked and changed in the same transaction as the order, under
 * a condition, so two concurrent requests can never both pass a limit (no
 * read-then-write).
 *
 * - reserve: `reserved(userId, now)` in the transaction that creates the order
 *   (one more unpaid order, below the maximum; today's cancellations below the cap);
 * - pay, expire, refund (every way out of RESERVED but a cancel): `settled(userId)`
 *   in the transaction that moves the order on;
 * - cancel: `cancelled(userId, now)` (one fewer unpaid, one more cancellation today).
 *   A cancel itself is never refused: refusing it would only keep seats locked
 *   until the order expires.
 *
 * The decrement has no condition: it is linked to a conditional transition out
 * of RESERVED, which happens once per order, so it only ever undoes its increment.
 */
export class UserLimits {
  constructor(
    private readonly ordersTable: string,
    readonly settings: UserLimitSettings,
  ) {}

  /** One more unpaid order; refused (LimitReachedError) at the maximum, or once today's cancellations reached the cap. */
  reserved(userId: string, now: number): LinkedWrite[] {
    const { maxUnpaidOrders, maxCancellationsPerDay } = this.settings;
    return [
      {
        item: {
          Update: {
            TableName: this.ordersTable,
            Key: orderKeys.userLimits(userId),
            UpdateExpression: 'ADD unpaid :one',
            ConditionExpression: 'attribute_not_exists(unpaid) OR unpaid < :max',
            ExpressionAttributeValues: { ':one': 1, ':max': maxUnpaidOrders },
          },
        },
        onConditionFailed: () => new LimitReachedError(`you already have ${plural(maxUnpaidOrders, 'unpaid order')}: pay or cancel one first`),
      },
      {
        item: {
          ConditionCheck: {
            TableName: this.ordersTable,
            Key: orderKeys.userCancellations(userId, beijingDay(now)),
            ConditionExpression: 'attribute_not_exists(cancels) OR cancels < :max',
            ExpressionAttributeValues: { ':max': maxCancellationsPerDay },
          },
        },
        onConditionFailed: () => new LimitReachedError(`you cancelled ${plural(maxCancellationsPerDay, 'order')} today: new orders are accepted again tomorrow (Beijing time)`),
      },
    ];
  }

  /** One fewer unpaid order: the order was paid, expired or needs a refund. */
  settled(userId: string): LinkedWrite {
    return {
      item: {
        Update: {
          TableName: this.ordersTable,
          Key: orderKeys.userLimits(userId),
          UpdateExpression: 'ADD unpaid :minusOne',
          ExpressionAttributeValues: { ':minusOne': -1 },
        },
      },
      // No condition of its own, so never the reason a transaction was cancelled.
      onConditionFailed: () => new Error(`the unpaid-order count of ${userId} refused a decrement that has no condition`),
    };
  }

  /** A cancel: one fewer unpaid order and one more cancellation today. */
  cancelled(userId: string, now: number): LinkedWrite[] {
    const day = beijingDay(now);
    const ttl = Math.floor((Date.parse(`${day}T00:00:00Z`) - BEIJING_OFFSET_MS + CANCELLATIONS_KEPT_MS) / 1000);
    return [
      this.settled(userId),
      {
        item: {
          Update: {
            TableName: this.ordersTable,
            Key: orderKeys.userCancellations(userId, day),
            UpdateExpression: 'ADD cancels :one SET #ttl = :ttl',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':one': 1, ':ttl': ttl },
          },
        },
        onConditionFailed: () => new Error(`the cancellation count of ${userId} refused an increment that has no condition`),
      },
    ];
  }
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
