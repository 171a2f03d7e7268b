import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { changeOut, voidChange } from '../after-sale/after-sale-decisions';
import type { SoldSeats } from '../ledger/sold-seats';
import { type Order, OrderVersionConflictError, ticket } from '../orders';
import type { OrderStore } from '../orders/order-store';
import type { PassengerClaims } from '../orders/passenger-claims';
import type { CountBusinessEvent, MeasureBusinessDuration } from '../observability/business-metrics';
import { MAX_ISSUE_ATTEMPTS } from './constants';
import { ChangeSwapError, TicketIssueContentionError, TicketIssuerDrillError, TicketJobOrderMissingError } from './errors';
import { type TicketJob, parseTicketJob } from './ticket-job';
import { numberedTickets, ticketNumber } from './ticket-numbers';

export type IssuerLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/**
 * What one job did. Only `issued` wrote; `already-ticketed` is a repeated job
 * (or one that lost a race to its twin); `nothing-to-issue` is an order that is
 * not PAID (refunded, failed…), which no retry would change.
 */
export type IssueOutcome =
  | { kind: 'issued'; order: Order }
  | { kind: 'already-ticketed'; order: Order }
  | { kind: 'nothing-to-issue'; order: Order }
  /** A paid change whose old ticket was no longer waiting for it: its seats given back, its payment owed back (REFUND_REQUIRED). */
  | { kind: 'change-voided'; order: Order };

export interface TicketIssuerOptions {
  now?: () => Date;
  logger?: IssuerLogger;
  /** The DLQ drill (`TICKET_ISSUER_FAIL=always`): every job fails before it reads anything. */
  failEveryJob?: boolean;
  count?: CountBusinessEvent;
  /** Told, once per waitlist order ticketed, how long after the release that served it (WaitlistReleaseToTicket). */
  measure?: MeasureBusinessDuration;
  /** Frees the old ticket's seat when a dearer change (改签) is ticketed. */
  soldSeats?: Pick<SoldSeats, 'freeItem' | 'transact'>;
  /** Gives back the passenger's claim on the old train when a dearer change to another train is ticketed. */
  claims?: Pick<PassengerClaims, 'releaseIfHeld' | 'ready'>;
}

type IssuerOrders = Pick<OrderStore, 'get' | 'save' | 'replace'>;

/**
 * The consumer of the `ticket-outbox` queue: issues the tickets of a PAID order
 * and moves it to TICKETED.
 *
 * Once only, as a database fact: the tickets and the new status are one put of
 * the order conditional on the version read (`OrderStore.save`), and ticket
 * numbers are derived from the order id and passenger index. Two deliveries of
 * one job compute the same tickets; one write wins, the other finds the order
 * TICKETED and succeeds without writing.
 */
export class TicketIssuer {
  readonly #orders: IssuerOrders;
  readonly #now: () => Date;
  readonly #logger: IssuerLogger | undefined;
  readonly #failEveryJob: boolean;
  readonly #count: CountBusinessEvent;
  readonly #measure: MeasureBusinessDuration;
  readonly #soldSeats: TicketIssuerOptions['soldSeats'];
  readonly #claims: TicketIssuerOptions['claims'];

  constructor(orders: IssuerOrders, options: TicketIssuerOptions = {}) {
    this.#orders = orders;
    this.#now = options.now ?? (() => new Date());
    this.#logger = options.logger;
    this.#failEveryJob = options.failEveryJob ?? false;
    this.#count = options.count ?? (() => undefined);
    this.#measure = options.measure ?? (() => undefined);
    this.#soldSeats = options.soldSeats;
    this.#claims = options.claims;
  }

  /**
   * 1. Reads the order (consistently).
   * 2. TICKETED: done. Not PAID: nothing to issue, done.
   * 3. PAID: one ticket per passenger, written with the status TICKETED if the
   *    order is still at the version read; after a lost race, back to 1.
   *    A dearer change's order (`changeOf`) is ticketed in one transaction with its
   *    old ticket becoming CHANGED and that ticket's seat freed: only then.
   */
  async issue(job: TicketJob): Promise<IssueOutcome> {
    if (this.#failEveryJob) throw new TicketIssuerDrillError(`TICKET_ISSUER_FAIL=always: job ${job.eventId} fails on purpose`);
    for (let attempt = 1; attempt <= MAX_ISSUE_ATTEMPTS; attempt++) {
      const order = await this.#orders.get(job.orderId);
      if (!order) throw new TicketJobOrderMissingError(`job ${job.eventId}: order ${job.orderId} is not in the orders table`);
      if (order.status === 'TICKETED') return { kind: 'already-ticketed', order };
      if (order.status !== 'PAID') {
        this.#logger?.warn('order is not PAID; no tickets to issue', { eventId: job.eventId, orderId: order.orderId, status: order.status, version: order.version });
        return { kind: 'nothing-to-issue', order };
      }

      const next = ticket(order, numberedTickets(order), this.#now());
      try {
        if (order.changeOf) {
          const written = await this.#swap(order, next);
          if (written !== next) {
            this.#logger?.warn('the ticket this change replaces is no longer waiting for it; the change is voided and its payment owed back', { eventId: job.eventId, orderId: order.orderId });
            return { kind: 'change-voided', order: written };
          }
        } else {
          await this.#orders.save(next);
        }
      } catch (error) {
        if (error instanceof OrderVersionConflictError) continue;
        throw error;
      }
      this.#logger?.info('tickets issued', { eventId: job.eventId, orderId: next.orderId, version: next.version, tickets: next.tickets?.length });
      this.#count('TicketsIssued', next.tickets?.length ?? 0);
      // Here, where the tickets exist and once per order (a repeated job finds it TICKETED): the whole path from the release.
      if (next.waitlistReleasedAt) this.#measure('WaitlistReleaseToTicket', Date.parse(next.updatedAt) - Date.parse(next.waitlistReleasedAt));
      return { kind: 'issued', order: next };
    }
    throw new TicketIssueContentionError(`job ${job.eventId}: order ${job.orderId} changed under each of ${MAX_ISSUE_ATTEMPTS} attempts`);
  }

  /**
   * The new tickets of a change and the old ticket's end, in one transaction conditional
   * on both orders' versions and on the old seat still sold to the old order. A cheaper
   * change already swapped when it was paid: its tickets alone are written. An old
   * ticket no longer waiting for this change (refunded after the change lapsed, then the
   * change paid late) cannot be swapped: the change is voided instead, its seats freed
   * and its order REFUND_REQUIRED, so the refund outbox pays the difference back.
   * @returns what was written: `next`, or the voided order.
   */
  async #swap(order: Order, next: Order): Promise<Order> {
    const changeOf = next.changeOf as NonNullable<Order['changeOf']>;
    const old = await this.#orders.get(changeOf.orderId);
    const oldTicket = old?.tickets?.find((t) => t.ticketNo === changeOf.ticketNo);
    if (!old || !oldTicket) throw new ChangeSwapError(`order ${next.orderId} changes ticket ${changeOf.ticketNo} of order ${changeOf.orderId}, which does not exist`);
    if (oldTicket.status === 'CHANGED' && oldTicket.changedTo?.orderId === next.orderId) {
      await this.#orders.save(next);
      return next;
    }
    if (!this.#soldSeats) throw new ChangeSwapError(`order ${next.orderId} is a change, and this issuer cannot free seats`);
    if (oldTicket.status !== 'ACTIVE' || oldTicket.pendingChange !== next.orderId) {
      const voided = voidChange(order, this.#now());
      const soldSeats = this.#soldSeats;
      await soldSeats.transact([this.#orders.replace(voided), ...order.seats.map((seat) => soldSeats.freeItem(order, seat))], (index) =>
        index === 0 ? new OrderVersionConflictError(`order ${order.orderId} changed meanwhile`) : new ChangeSwapError(`the seats of order ${order.orderId} are no longer sold to it`),
      );
      return voided;
    }
    const changed = changeOut(old, oldTicket.ticketNo, { orderId: next.orderId, ticketNo: ticketNumber(next.orderId, 0) }, this.#now());
    // Another train: the passenger's claim on the old one goes with the old ticket (the new order claimed the new train).
    const passenger = next.passengers[0];
    const claims = old.serviceId !== next.serviceId ? this.#claims : undefined;
    // The claim key is read here, on the rare swap to another train, not at every cold start.
    if (claims && passenger) await claims.ready();
    const oldClaim = claims && passenger ? [claims.releaseIfHeld(old, passenger.idNumber)] : [];
    const items = [this.#orders.replace(next), this.#orders.replace(changed), this.#soldSeats.freeItem(old, oldTicket), ...oldClaim.map((c) => c.item)];
    await this.#soldSeats.transact(items, (index) =>
      index < 2
        ? new OrderVersionConflictError(`order ${index === 0 ? next.orderId : old.orderId} changed meanwhile`)
        : index === 2
          ? new ChangeSwapError(`the seat of ticket ${oldTicket.ticketNo} is no longer sold to order ${old.orderId}`)
          : new ChangeSwapError(`the claim on ${old.serviceId} of ticket ${oldTicket.ticketNo}'s passenger is another order's`, { cause: oldClaim[0]?.onConditionFailed() }),
    );
    this.#count('TicketsChanged');
    return next;
  }

  /**
   * Each message is one job, issued in parallel with the others; the failed
   * ones are logged and reported, so SQS redelivers only those (and parks one
   * in the DLQ after the queue's maxReceiveCount).
   * @throws FullBatchFailureError when every message failed.
   */
  async issueBatch(records: readonly SQSRecord[]): Promise<SQSBatchResponse> {
    return processPartialResponse({ Records: [...records] }, (record: SQSRecord) => this.#issueRecord(record), new BatchProcessor(EventType.SQS));
  }

  async #issueRecord(record: SQSRecord): Promise<IssueOutcome> {
    try {
      return await this.issue(parseTicketJob(record.body, record.messageId));
    } catch (error) {
      this.#logger?.error('ticket job failed; the message is reported for redelivery', { messageId: record.messageId, error });
      throw error;
    }
  }
}
