import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ORDER_PK_PREFIX } from '../../lib/orders/order-keys';
import { queueEncryption } from './data-keys';
import { QUEUE_RETENTION } from './messaging';
import { allow } from './resource-access';
import { orderEventsSource } from './ticket-workers';
import { TicketingFunction } from './ticketing-function';

export interface RefundWorkersProps {
  readonly orders: ITable;
  readonly orderEvents: IStream;
  readonly refundOutbox: IQueue;
  /** The payment provider's refund endpoint (lib/refunds/payment-provider.ts). */
  readonly refundProviderUrl: string;
  readonly namePrefix: string;
  readonly logRemovalPolicy: RemovalPolicy;
}

/** The refund sender's budget per batch; the refund outbox's visibility timeout is six times this. */
export const REFUND_SENDER_TIMEOUT = Duration.seconds(30);

/** Refunds sent at once: the payment provider's refund API is not sized for a sale's peak. */
const SENDER_MAX_CONCURRENCY = 5;

/**
 * The refund outbox's two ends:
 * - dispatcher: `order-events` → one job per refund owed on `refund-outbox`;
 * - sender: a job → the payment provider, recorded once per refund id; a late
 *   payment's order REFUND_REQUIRED → REFUNDED with it.
 */
export class RefundWorkers extends Construct {
  readonly dispatcher: TicketingFunction;
  readonly sender: TicketingFunction;
  readonly dispatcherDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: RefundWorkersProps) {
    super(scope, id);

    this.dispatcherDeadLetters = new Queue(this, 'DispatchRefundsDlq', {
      queueName: `${props.namePrefix}dispatch-refunds-dlq`,
      retentionPeriod: QUEUE_RETENTION,
      enforceSSL: true,
      ...queueEncryption(this),
    });
    this.dispatcher = new TicketingFunction(this, 'DispatchRefundsFunction', {
      entry: 'functions/refunds/dispatch-refunds.ts',
      description: 'order-events refunds owed → refund-outbox',
      timeout: Duration.seconds(30),
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.dispatcher.addEnvironment('REFUND_OUTBOX_QUEUE_URL', props.refundOutbox.queueUrl);
    props.refundOutbox.grantSendMessages(this.dispatcher);
    this.dispatcher.addEventSource(orderEventsSource(props.orderEvents, this.dispatcherDeadLetters));

    this.sender = new TicketingFunction(this, 'SendRefundsFunction', {
      entry: 'functions/refunds/send-refunds.ts',
      description: 'refund-outbox → payment provider, once per refund id',
      timeout: REFUND_SENDER_TIMEOUT,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.sender.addEnvironment('ORDERS_TABLE_NAME', props.orders.tableName);
    this.sender.addEnvironment('REFUND_PROVIDER_URL', props.refundProviderUrl);
    // Its own records (`REFUND#…`): read and written once; order items: only the REFUND_REQUIRED → REFUNDED update.
    allow(this.sender, ['dynamodb:GetItem', 'dynamodb:PutItem'], [props.orders.tableArn], { leadingKeys: ['REFUND#*'] });
    allow(this.sender, ['dynamodb:UpdateItem'], [props.orders.tableArn], { leadingKeys: [`${ORDER_PK_PREFIX}*`] });
    props.orders.encryptionKey?.grantEncryptDecrypt(this.sender);
    this.sender.addEventSource(new SqsEventSource(props.refundOutbox, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: SENDER_MAX_CONCURRENCY }));
  }
}
