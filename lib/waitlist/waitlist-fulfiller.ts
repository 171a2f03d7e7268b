import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import { ORDER_EVENT_TYPES, type OrderEvent, type OrderEventType } from '../events/order-events';
import { LedgerBusyError, SeatsTakenError, SoldOutError } from '../ledger/errors';
import type { SeatLedger } from '../ledger/seat-ledger';
import type { ServiceOccupancy } from '../ledger/service-occupancy';
import type { CountBusinessEvent } from '../observability/business-metrics';
import { OrderVersionConflictError } from '../orders/errors';
import { type Order, serveWaiting } from '../orders/order';
import type { OrderStore } from '../orders/order-store';
import { SalesClosedError } from '../timetable/errors';
import type { Service } from '../timetable/service';
import type { Timetable } from '../timetable/timetable';
import { orderEventOf } from '../views/order-event-record';
import { WAITLIST_PROMPTS } from './prompts';

export type WaitlistLogger = Pick<Logger, 'info' | 'error'>;

export interface WaitlistFulfillerOptions {
  holdTtlSeconds: number;
  now?: () => number;
  count?: CountBusinessEvent;
  logger?: WaitlistLogger;
  /** WAITING orders read per service and class at each release, oldest first. */
  queueDepth?: number;
}

const RELEASING: ReadonlySet<OrderEventType> = new Set(WAITLIST_PROMPTS);

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
   * `releasedAt`, the time of the event that prompted it, is kept on each order served, or when
   * the order began waiting if that is later (the release → ticket figure).
   *
   * Every order of the run is decided on one consistent read of the class's seats. Reading
   * anew for each order would hand a seat freed while the queue is being gone through to
   * whichever order the run has reached, a younger one, though the oldest would fit:
   * a seat freed after the read waits for its own release event, whose run starts again
   * from the oldest order. For the same reason a hold that loses a race for a seat of the
   * read (a buyer took it first) does not choose again on its own: the run reads again and
   * starts over from the oldest order not yet served.
   * @throws LedgerBusyError when races are lost more than a few times in one run (the event is retried).
   */
  async serve(serviceId: string, seatClass: Order['seatClass'], releasedAt?: string): Promise<Order[]> {
    const queue = (await this.store.waiting(serviceId, seatClass, this.queueDepth)).filter((order) => order.status === 'WAITING');
    if (queue.length === 0) return [];
    const service = await this.timetable.service(serviceId);
    const served: Order[] = [];
    try {
      let seats = await this.ledger.readClass(service, seatClass);
      let rereads = 0;
      for (let next = 0; next < queue.length; ) {
        const order = queue[next] as Order;
        const outcome = await this.serveOne(service, order, seats, releasedAt);
        if (outcome === 'raced') {
          if (++rereads > MAX_REREADS) throw new LedgerBusyError(`${serviceId} ${seatClass}: the waitlist lost ${rereads} races for freed seats in one run; retry`);
          seats = await this.ledger.readClass(service, seatClass);
          next = 0;
        } else if (outcome === 'not-served') {
          next++;
        } else {
          served.push(outcome);
          queue.splice(next, 1);
          this.options.logger?.info('waitlisted order served', { orderId: order.orderId, serviceId, seatClass, waitingSince: order.waitingSince });
        }
      }
    } finally {
      this.count('WaitlistServed', served.length);
    }
    return served;
  }

  /** Sells seats of the read to one WAITING order: the order now PAID, 'not-served' when it does not fit or changed meanwhile, 'raced' when the read is out of date. */
  private async serveOne(service: Service, order: Order, seats: ServiceOccupancy, releasedAt: string | undefined): Promise<Order | 'not-served' | 'raced'> {
    let paid: Order | undefined;
    try {
      await this.ledger.hold(
        service,
        { holdId: order.orderId, serviceId: order.serviceId, from: order.from, to: order.to, fromIndex: order.fromIndex, toIndex: order.toIndex, seatClass: order.seatClass, count: order.passengers.length, ttlSeconds: this.options.holdTtlSeconds },
        (hold) => {
          paid = { ...serveWaiting(order, hold.holdId, hold.seats, new Date(this.now())), waitlistReleasedAt: later(releasedAt, order.waitingSince) };
          return [this.store.versioned(paid)];
        },
        { sell: true, occupancy: seats, chooseAgain: false },
      );
    } catch (error) {
      if (error instanceof SeatsTakenError) return 'raced';
      // Does not fit now, or was served, cancelled or refunded meanwhile: the next one may fit.
      if (error instanceof SoldOutError || error instanceof OrderVersionConflictError || error instanceof SalesClosedError) return 'not-served';
      throw error;
    }
    return paid as Order;
  }

  /** The orders served after one event (none for an event that frees no seat). */
  async handle(event: OrderEvent): Promise<Order[]> {
    if (!RELEASING.has(event.type)) return [];
    return this.serve(event.order.serviceId, event.order.seatClass, event.occurredAt);
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

/** Times a run reads the class again after losing a race for one of its seats, before it gives up and the event is retried. */
const MAX_REREADS = 3;

const queueKey = (event: OrderEvent) => `${event.order.serviceId}#${event.order.seatClass}`;

/** Per service and class, when the first release among the records happened, else the first newly WAITING order (a record that does not decode is reported by the handler). */
function firstReleases(records: readonly KinesisStreamRecord[]): Map<string, string> {
  const released = new Map<string, string>();
  const waited = new Map<string, string>();
  for (const record of records) {
    let event: OrderEvent;
    try {
      event = orderEventOf(record);
    } catch {
      continue;
    }
    if (!RELEASING.has(event.type)) continue;
    // A newly WAITING order's event freed no seat: its time stands in only when no release of that class came with it.
    const first = event.type === ORDER_EVENT_TYPES.WAITING ? waited : released;
    if (!first.has(queueKey(event))) first.set(queueKey(event), event.occurredAt);
  }
  for (const [key, at] of waited) if (!released.has(key)) released.set(key, at);
  return released;
}

/**
 * When seats were there for an order at the latest: the prompting event, or when the
 * order began waiting if later. After a newly WAITING order's event (which freed no
 * seat) a seat freed just before the run is counted from that event: a slight overstatement.
 */
function later(releasedAt: string | undefined, waitingSince: string | undefined): string | undefined {
  if (releasedAt === undefined || waitingSince === undefined) return releasedAt ?? waitingSince;
  return Date.parse(waitingSince) > Date.parse(releasedAt) ? waitingSince : releasedAt;
}
