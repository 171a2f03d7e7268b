import type { Logger } from '@aws-lambda-powertools/logger';
import { orderEventId } from '../events/order-events';
import { OVERDUE_SHARDS } from '../orders/order-keys';
import type { OrderStore } from '../orders/order-store';
import type { TicketDispatcher } from './dispatcher';

export type ReconcilerLogger = Pick<Logger, 'warn'>;

export interface TicketReconcilerOptions {
  now?: () => Date;
  /** How long an order may stay PAID before it counts as stuck: the relay, dispatcher and issuer take seconds. @default 300 */
  graceSeconds?: number;
  /** Orders read per shard and run. @default 100 */
  pageSize?: number;
  logger?: ReconcilerLogger;
}

export interface ReconcileOutcome {
  /** PAID orders older than the grace period, up to pageSize per shard. */
  unticketed: number;
}

/**
 * The safety net under the ticket flow: an order paid minutes ago and still
 * PAID lost its way (its event outlived the relay's retries or the stream's
 * retention, a job was redriven nowhere…). Each is sent to the ticket outbox
 * again, as a job for its current version.
 *
 * Harmless when nothing is lost: the issuer decides on the order as the table
 * holds it, its ticket numbers are derived from the order, and its write is
 * conditional on the version; a job for an order ticketed meanwhile writes
 * nothing.
 */
export class TicketReconciler {
  readonly #orders: Pick<OrderStore, 'paidBefore'>;
  readonly #jobs: Pick<TicketDispatcher, 'send'>;
  readonly #now: () => Date;
  readonly #graceMs: number;
  readonly #pageSize: number;
  readonly #logger: ReconcilerLogger | undefined;

  constructor(orders: Pick<OrderStore, 'paidBefore'>, jobs: Pick<TicketDispatcher, 'send'>, options: TicketReconcilerOptions = {}) {
    this.#orders = orders;
    this.#jobs = jobs;
    this.#now = options.now ?? (() => new Date());
    this.#graceMs = (options.graceSeconds ?? 300) * 1000;
    this.#pageSize = options.pageSize ?? 100;
    this.#logger = options.logger;
  }

  /**
   * 1. Reads, shard by shard, the PAID orders paid before now − grace.
   * 2. Sends a ticket job for each.
   */
  async reconcile(): Promise<ReconcileOutcome> {
    const before = new Date(this.#now().getTime() - this.#graceMs).toISOString();
    let unticketed = 0;
    for (let shard = 0; shard < OVERDUE_SHARDS; shard++) {
      const stuck = await this.#orders.paidBefore(shard, before, this.#pageSize);
      for (const order of stuck) {
        this.#logger?.warn('order still PAID without tickets; its ticket job is sent again', { orderId: order.orderId, version: order.version, paidAt: order.updatedAt });
        await this.#jobs.send({ orderId: order.orderId, version: order.version, eventId: orderEventId(order.orderId, order.version) });
      }
      unticketed += stuck.length;
    }
    return { unticketed };
  }
}
