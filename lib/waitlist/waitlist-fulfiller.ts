import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import { ORDER_EVENT_TYPES, type OrderEvent, type OrderEventType } from '../events/order-events';
import { HoldContentionError, SoldOutError } from '../ledger/errors';
import type { SeatLedger } from '../ledger/seat-ledger';
import type { CountBusinessEvent } from '../observability/business-metrics';
import { OrderVersionConflictError } from '../orders/errors';
import { type Order, serveWaiting } from '../orders/order';
import type { OrderStore } from '../orders/order-store';
import { SalesClosedError } from '../timetable/errors';
import type { Timetable } from '../timetable/timetable';
import { orderEventOf } from '../views/order-event-record';

export type WaitlistLogger = Pick<Logger, 'info' | 'error'>;

export interface WaitlistFulfillerOptions {
  holdTtlSeconds: number;
  now?: () => number;
  count?: CountBusinessEvent;
  logger?: WaitlistLogger;
  /** WAITING orders read per service and class at each release, oldest first. */
  queueDepth?: number;
}

/**
 * The events after which seats of the order's service and class may be free: a
 * release (cancel, expiry, a refund, a change, a late payment's lost hold), or a
 * newly WAITING order that seats freed before it was paid may already fit.
 */
const RELEASING: ReadonlySet<OrderEventType> = new Set<OrderEventType>([
  ORDER_EVENT_TYPES.CANCELLED,
  ORDER_EVENT_TYPES.EXPIRED,
  ORDER_EVENT_TYPES.REFUND_REQUIRED,
  ORDER_EVENT_TYPES.WAITING,
  'TicketsRefunded',
  'TicketChanged',
]);

/**
 * The waitlist fulfiller (候补): a consumer of `order-events` that, after each
 * release, gives the freed seats of that service and class to its WAITING
 * orders, first come first served.
 *
 * For each WAITING order, oldest first (the waiting index, by when it was
 * prepaid): seats chosen from the ledger itself (one consistent read of the
 * class's coaches for the whole run, since the snapshot may not show the
 * release yet) are sold to it and the order moves
 * WAITING → PAID, one transaction conditional on each seat being free and on the
 * order's version. So a seat never goes to two orders, two fulfillers never serve
 * one order twice, and an order that gets nothing stays WAITING for the next
 * release. A PAID order is then ticketed as any (OrderPaid → ticket outbox).
 * An older order that does not fit (more passengers, a longer ride) does not
 * block a younger one that does.
 */
export class WaitlistFulfiller {
  private readonly now: () => number;
  private readonly count: CountBusinessEvent;
  private readonly queueDepth: number;

  constructor(
    private readonly store: OrderStore,
    private readonly timetable: Timetable,
    private readonly ledger: SeatLedger,
    private readonly options: WaitlistFulfillerOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.count = options.count ?? (() => undefined);
    this.queueDepth = options.queueDepth ?? 25;
  }

  /**
   * Serves the WAITING orders of a service and class while seats fit them; the orders it made PAID.
   * `releasedAt`, the time of the release that prompted it, is kept on each order served (the release → ticket figure).
   *
   * Every order of the run is decided on one consistent read of the class's seats. Reading
   * anew for each order would hand a seat freed while the queue is being gone through to
   * whichever order the run has reached, a younger one, though the oldest would fit:
   * a seat freed after the read waits for its own release event, whose run starts again
   * from the oldest order.
   */
  async serve(serviceId: string, seatClass: Order['seatClass'], releasedAt?: string): Promise<Order[]> {
    const queue = await this.store.waiting(serviceId, seatClass, this.queueDepth);
    if (queue.length === 0) return [];
    const service = await this.timetable.service(serviceId);
    const seats = await this.ledger.readClass(service, seatClass);
    const served: Order[] = [];
    for (const order of queue) {
      if (order.status !== 'WAITING') continue;
      let paid: Order | undefined;
      try {
        await this.ledger.hold(
          service,
          { holdId: order.orderId, serviceId, from: order.from, to: order.to, fromIndex: order.fromIndex, toIndex: order.toIndex, seatClass, count: order.passengers.length, ttlSeconds: this.options.holdTtlSeconds },
          (hold) => {
            const next = serveWaiting(order, hold.holdId, hold.seats, new Date(this.now()));
            paid = releasedAt === undefined ? next : { ...next, waitlistReleasedAt: releasedAt };
            return [{ item: this.store.replace(paid), onConditionFailed: () => new OrderVersionConflictError(`order ${order.orderId} changed meanwhile`) }];
          },
          { sell: true, occupancy: seats },
        );
      } catch (error) {
        // Does not fit now, or was served, cancelled or refunded meanwhile: the next one may fit.
        if (error instanceof SoldOutError || error instanceof HoldContentionError || error instanceof OrderVersionConflictError || error instanceof SalesClosedError) continue;
        throw error;
      }
      served.push(paid as Order);
      this.options.logger?.info('waitlisted order served', { orderId: order.orderId, serviceId, seatClass, waitingSince: order.waitingSince });
    }
    this.count('WaitlistServed', served.length);
    return served;
  }

  /** The orders served after one event (none for an event that frees no seat). */
  async handle(event: OrderEvent): Promise<Order[]> {
    if (!RELEASING.has(event.type)) return [];
    return this.serve(event.order.serviceId, event.order.seatClass, releaseTimeOf(event));
  }

  /**
   * Serves each service and class a batch's events name once, in the order they first appear
   * (one serve sees every release before it; the release → ticket figure counts from the
   * batch's first release of it); the records of a service that failed are reported.
   * @throws FullBatchFailureError when every record failed, so Lambda retries the batch as an error.
   */
  async handleBatch(records: readonly KinesisStreamRecord[]): Promise<KinesisStreamBatchResponse> {
    const serving = new Map<string, Promise<Order[]>>();
    const released = firstReleases(records);
    return processPartialResponse(
      { Records: [...records] },
      async (record: KinesisStreamRecord) => {
        try {
          const event = orderEventOf(record);
          if (!RELEASING.has(event.type)) return [];
          const key = queueKey(event);
          if (!serving.has(key)) serving.set(key, this.serve(event.order.serviceId, event.order.seatClass, released.get(key)));
          return await serving.get(key);
        } catch (error) {
          this.options.logger?.error('waitlist not served after an order event; the record is reported for retry', { sequenceNumber: record.kinesis.sequenceNumber, error });
          throw error;
        }
      },
      new BatchProcessor(EventType.KinesisDataStreams),
      { processInParallel: false },
    );
  }
}

const queueKey = (event: OrderEvent) => `${event.order.serviceId}#${event.order.seatClass}`;

/** Per service and class, when the first release among the records happened (a record that does not decode is reported by the handler). */
function firstReleases(records: readonly KinesisStreamRecord[]): Map<string, string> {
  const released = new Map<string, string>();
  for (const record of records) {
    let event: OrderEvent;
    try {
      event = orderEventOf(record);
    } catch {
      continue;
    }
    const at = RELEASING.has(event.type) ? releaseTimeOf(event) : undefined;
    if (at !== undefined && !released.has(queueKey(event))) released.set(queueKey(event), at);
  }
  return released;
}

/** When the seats the event announces were freed; undefined after a newly WAITING order, which freed none. */
function releaseTimeOf(event: OrderEvent): string | undefined {
  return event.type === ORDER_EVENT_TYPES.WAITING ? undefined : event.occurredAt;
}
