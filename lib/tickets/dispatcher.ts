import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import { ORDER_EVENT_TYPES, type OrderEvent, type OrderPaid } from '../events/order-events';
import { orderEventOf } from '../views/order-event-record';
import { EVENT_ID_ATTRIBUTE } from './constants';
import { type TicketJob, ticketJobFor } from './ticket-job';

export type DispatcherLogger = Pick<Logger, 'info' | 'error'>;

/**
 * The OrderPaid consumer of `order-events`: one ticket job per OrderPaid event
 * on the `ticket-outbox` queue, every other event skipped.
 *
 * At least once, not exactly once: a record that Kinesis delivers again (a
 * retried batch, a replay from the stream) sends its job again, and so does a
 * SendMessage that succeeded but whose answer was lost. Nothing here
 * deduplicates; the issuer makes a repeated job harmless: its write is
 * conditional on the order's version and its ticket numbers are derived from
 * the order, so a second job for a TICKETED order writes nothing.
 *
 * Each record stands alone (a job per event, no order between them), so
 * Powertools' BatchProcessor handles them in parallel and reports each failure.
 */
export class TicketDispatcher {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #logger: DispatcherLogger | undefined;

  constructor(sqs: SQSClient, queueUrl: string, options: { logger?: DispatcherLogger } = {}) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
    this.#logger = options.logger;
  }

  /** The job sent for an OrderPaid event; undefined for every other event. */
  async dispatch(event: OrderEvent): Promise<TicketJob | undefined> {
    if (!isOrderPaid(event)) return undefined;
    return this.send(ticketJobFor(event));
  }

  /** Puts one job on the outbox: an OrderPaid's, or the reconciler's for an order still PAID. */
  async send(job: TicketJob): Promise<TicketJob> {
    await this.#sqs.send(
      new SendMessageCommand({
        QueueUrl: this.#queueUrl,
        MessageBody: JSON.stringify(job),
        MessageAttributes: { [EVENT_ID_ATTRIBUTE]: { DataType: 'String', StringValue: job.eventId } },
      }),
    );
    this.#logger?.info('ticket job queued', { eventId: job.eventId });
    return job;
  }

  /**
   * 1. Decodes each record into an order event.
   * 2. Sends a job for each OrderPaid.
   * 3. Reports the records that failed either step (a failed record is logged with its error).
   * @throws FullBatchFailureError when every record failed, so Lambda retries the batch as an error.
   */
  async dispatchBatch(records: readonly KinesisStreamRecord[]): Promise<KinesisStreamBatchResponse> {
    return processPartialResponse({ Records: [...records] }, (record: KinesisStreamRecord) => this.#dispatchRecord(record), new BatchProcessor(EventType.KinesisDataStreams));
  }

  async #dispatchRecord(record: KinesisStreamRecord): Promise<TicketJob | undefined> {
    try {
      return await this.dispatch(orderEventOf(record));
    } catch (error) {
      this.#logger?.error('order event not dispatched; the record is reported for retry', { sequenceNumber: record.kinesis.sequenceNumber, error });
      throw error;
    }
  }
}

const isOrderPaid = (event: OrderEvent): event is OrderPaid => event.type === ORDER_EVENT_TYPES.PAID;
