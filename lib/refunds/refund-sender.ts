import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { CountBusinessEvent } from '../observability/business-metrics';
import { orderKeys } from '../orders/order-keys';
import type { RefundProvider } from './payment-provider';
import { parseRefundJob, type RefundJob } from './refund-job';

export type RefundSenderLogger = Pick<Logger, 'info' | 'error'>;

/** `sent`: the provider was asked now; `already-sent`: this refund id was recorded before (a repeated job). */
export type SendOutcome = 'sent' | 'already-sent';

/**
 * The consumer of the `refund-outbox` queue: sends each refund to the payment
 * provider and records it, once per refund id.
 *
 * 1. A refund recorded as sent (`REFUND#<refundId>` in the orders table) is done.
 * 2. Otherwise the provider is asked, with the refund id as its idempotency key.
 * 3. The record is written, conditional on not existing, in one transaction with a
 *    late payment's order REFUND_REQUIRED → REFUNDED (conditional on that status).
 * A failure before 3 leaves no record: SQS delivers the job again and the provider,
 * which has seen the refund id, refunds nothing twice. Two deliveries at once both
 * reach the provider under one id; one record wins.
 */
export class RefundSender {
  readonly #db: DynamoDBDocumentClient;
  readonly #ordersTable: string;
  readonly #provider: RefundProvider;
  readonly #logger: RefundSenderLogger | undefined;
  readonly #count: CountBusinessEvent;
  readonly #now: () => Date;

  constructor(db: DynamoDBDocumentClient, ordersTable: string, provider: RefundProvider, options: { logger?: RefundSenderLogger; count?: CountBusinessEvent; now?: () => Date } = {}) {
    this.#db = db;
    this.#ordersTable = ordersTable;
    this.#provider = provider;
    this.#logger = options.logger;
    this.#count = options.count ?? (() => undefined);
    this.#now = options.now ?? (() => new Date());
  }

  async send(job: RefundJob): Promise<SendOutcome> {
    const { Item: recorded } = await this.#db.send(new GetCommand({ TableName: this.#ordersTable, Key: orderKeys.refund(job.refundId), ConsistentRead: true }));
    if (recorded) return 'already-sent';

    await this.#provider.refund(job);
    const sentAt = this.#now().toISOString();
    const record = { Put: { TableName: this.#ordersTable, Item: { ...orderKeys.refund(job.refundId), ...job, sentAt }, ConditionExpression: 'attribute_not_exists(pk)' } };
    const settled =
      job.reason === 'late-payment'
        ? {
            Update: {
              TableName: this.#ordersTable,
              Key: orderKeys.order(job.orderId),
              UpdateExpression: 'SET #status = :refunded, version = version + :one, updatedAt = :now',
              ConditionExpression: '#status = :required',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':refunded': 'REFUNDED', ':required': 'REFUND_REQUIRED', ':one': 1, ':now': sentAt },
            },
          }
        : undefined;
    try {
      await this.#db.send(new TransactWriteCommand({ TransactItems: settled ? [record, settled] : [record] }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [recordReason, orderReason] = error.CancellationReasons ?? [];
      // A twin delivery recorded it first (and moved the order on): this refund id is sent.
      if (recordReason?.Code === 'ConditionalCheckFailed') return 'already-sent';
      // The order is no longer REFUND_REQUIRED (moved on by hand): the refund is recorded all the same.
      if (orderReason?.Code === 'ConditionalCheckFailed') await this.#db.send(new TransactWriteCommand({ TransactItems: [record] }));
      else throw error;
    }
    this.#logger?.info('refund sent', { refundId: job.refundId, orderId: job.orderId, amount: job.amount });
    this.#count('RefundsSent');
    this.#count('RefundedAmount', job.amount);
    return 'sent';
  }

  /**
   * Each message is one job, sent in parallel with the others; the failed ones are
   * logged and reported, so SQS redelivers only those (and parks one in the DLQ after
   * the queue's maxReceiveCount).
   * @throws FullBatchFailureError when every message failed.
   */
  async sendBatch(records: readonly SQSRecord[]): Promise<SQSBatchResponse> {
    return processPartialResponse({ Records: [...records] }, (record: SQSRecord) => this.#sendRecord(record), new BatchProcessor(EventType.SQS));
  }

  async #sendRecord(record: SQSRecord): Promise<SendOutcome> {
    try {
      return await this.send(parseRefundJob(record.body, record.messageId));
    } catch (error) {
      this.#logger?.error('refund job failed; the message is reported for redelivery', { messageId: record.messageId, error });
      throw error;
    }
  }
}
