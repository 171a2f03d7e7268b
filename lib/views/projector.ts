import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import type { OrderEvent } from '../events/order-events';
import { orderEventOf } from './order-event-record';
import type { OrderViewWriter } from './order-view-store';

export type ProjectorLogger = Pick<Logger, 'debug' | 'error'>;

/** `applied`: the view moved to this event's version; `stale`: the view already was at it or past it. */
export type ProjectionOutcome = 'applied' | 'stale';

/**
 * The read-model consumer of `order-events`: every event's order, written to
 * the order-view table if it is newer than the view there.
 *
 * The version decides, not the arrival: a replayed batch, a duplicate or an
 * older event arriving after a newer one changes nothing and succeeds. So the
 * records of a batch, even two versions of one order, can be projected in
 * parallel, and a shard can be read with a parallelization factor above 1.
 */
export class OrderProjector {
  readonly #views: OrderViewWriter;
  readonly #logger: ProjectorLogger | undefined;

  constructor(views: OrderViewWriter, options: { logger?: ProjectorLogger } = {}) {
    this.#views = views;
    this.#logger = options.logger;
  }

  async project(event: OrderEvent): Promise<ProjectionOutcome> {
    const applied = await this.#views.apply(event.order);
    if (!applied) this.#logger?.debug('order view already at or past this version', { eventId: event.eventId });
    return applied ? 'applied' : 'stale';
  }

  /**
   * 1. Decodes each record into an order event.
   * 2. Projects it.
   * 3. Reports the records that failed either step (a failed record is logged with its error).
   * @throws FullBatchFailureError when every record failed, so Lambda retries the batch as an error.
   */
  async projectBatch(records: readonly KinesisStreamRecord[]): Promise<KinesisStreamBatchResponse> {
    return processPartialResponse({ Records: [...records] }, (record: KinesisStreamRecord) => this.#projectRecord(record), new BatchProcessor(EventType.KinesisDataStreams));
  }

  async #projectRecord(record: KinesisStreamRecord): Promise<ProjectionOutcome> {
    try {
      return await this.project(orderEventOf(record));
    } catch (error) {
      this.#logger?.error('order event not projected; the record is reported for retry', { sequenceNumber: record.kinesis.sequenceNumber, error });
      throw error;
    }
  }
}
