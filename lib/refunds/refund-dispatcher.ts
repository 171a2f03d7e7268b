import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import type { OrderEvent } from '../events/order-events';
import { orderEventOf } from '../views/order-event-record';
import { RefundError } from './errors';
import { type RefundJob, refundJobsFor } from './refund-job';

export type RefundDispatcherLogger = Pick<Logger, 'info' | 'error'>;

/** SQS takes at most 10 messages per SendMessageBatch. */
const SQS_BATCH = 10;

/**
 * The consumer of `order-events` that feeds the refund outbox: every refund an
 * event announces (tickets refunded, a cheaper change's difference, a late
 * payment's REFUND_REQUIRED) becomes one job on `refund-outbox`. At least once:
 * a record delivered again sends its jobs again, and the sender refunds each
 * refund id once.
 */
export class RefundDispatcher {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #logger: RefundDispatcherLogger | undefined;

  constructor(sqs: SQSClient, queueUrl: string, options: { logger?: RefundDispatcherLogger } = {}) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
    this.#logger = options.logger;
  }

  /** The jobs sent for one event (none for most). */
  async dispatch(event: OrderEvent): Promise<RefundJob[]> {
    const jobs = refundJobsFor(event);
    for (let i = 0; i < jobs.length; i += SQS_BATCH) {
      const batch = jobs.slice(i, i + SQS_BATCH);
      const { Failed: failed = [] } = await this.#sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.#queueUrl, Entries: batch.map((job, n) => ({ Id: String(n), MessageBody: JSON.stringify(job) })) }),
      );
      if (failed.length > 0) throw new RefundQueueError(`${failed.length} refund jobs of event ${event.eventId} were not queued: ${failed.map((f) => f.Message).join('; ')}`);
    }
    if (jobs.length > 0) this.#logger?.info('refund jobs queued', { eventId: event.eventId, refundIds: jobs.map((j) => j.refundId) });
    return jobs;
  }

  /**
   * Decodes, dispatches and reports the records that failed (logged with their error).
   * @throws FullBatchFailureError when every record failed, so Lambda retries the batch as an error.
   */
  async dispatchBatch(records: readonly KinesisStreamRecord[]): Promise<KinesisStreamBatchResponse> {
    return processPartialResponse({ Records: [...records] }, (record: KinesisStreamRecord) => this.#dispatchRecord(record), new BatchProcessor(EventType.KinesisDataStreams));
  }

  async #dispatchRecord(record: KinesisStreamRecord): Promise<RefundJob[]> {
    try {
      return await this.dispatch(orderEventOf(record));
    } catch (error) {
      this.#logger?.error('order event not dispatched to the refund outbox; the record is reported for retry', { sequenceNumber: record.kinesis.sequenceNumber, error });
      throw error;
    }
  }
}

/** Some entries of a SendMessageBatch were refused: the record is retried whole (the sender deduplicates). */
export class RefundQueueError extends RefundError {}
