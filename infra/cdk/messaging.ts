import { Duration } from 'aws-cdk-lib';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DataKeys, queueEncryption } from './data-keys';
import { REFUND_SENDER_TIMEOUT } from './refund-workers';
import { ISSUER_TIMEOUT } from './ticket-workers';

export interface MessagingProps {
  /** Prepended to every physical name, so several copies can share one account. */
  readonly namePrefix: string;
}

const TICKET_OUTBOX_MAX_RECEIVES = 5;
const REFUND_OUTBOX_MAX_RECEIVES = 5;

/**
 * A week of order events: the on-failure queues of the stream's consumers hold
 * pointers (shard, sequence numbers), not records, and `npm run replay` reads
 * the records back from the stream; a week covers a long weekend's incident.
 * Beyond 24 h Kinesis bills extended retention per shard-hour.
 */
export const ORDER_EVENTS_RETENTION = Duration.days(7);
/** SQS's maximum, for the outbox and every dead-letter queue: a job or a pointer waits two weeks for an operator. */
export const QUEUE_RETENTION = Duration.days(14);

/**
 * The asynchronous spine: the `order-events` stream (the seed's Kafka topic) and
 * the `ticket-outbox` queue between the OrderPaid consumer and the ticket issuer,
 * with a dead-letter queue for jobs that keep failing; the `refund-outbox` queue
 * (+ DLQ) between the order events that owe money back and the refund sender.
 */
export class Messaging extends Construct {
  readonly orderEvents: Stream;
  readonly ticketOutbox: Queue;
  readonly ticketOutboxDeadLetters: Queue;
  readonly refundOutbox: Queue;
  readonly refundOutboxDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    this.orderEvents = new Stream(this, 'OrderEvents', {
      streamName: `${props.namePrefix}order-events`,
      streamMode: StreamMode.ON_DEMAND,
      retentionPeriod: ORDER_EVENTS_RETENTION,
      encryption: StreamEncryption.KMS,
      encryptionKey: DataKeys.of(this).atRest,
    });
    this.ticketOutboxDeadLetters = new Queue(this, 'TicketOutboxDlq', {
      queueName: `${props.namePrefix}ticket-outbox-dlq`,
      retentionPeriod: QUEUE_RETENTION,
      enforceSSL: true,
      ...queueEncryption(this),
    });
    this.ticketOutbox = new Queue(this, 'TicketOutbox', {
      queueName: `${props.namePrefix}ticket-outbox`,
      retentionPeriod: QUEUE_RETENTION,
      // Six times the issuer's timeout: a job being worked on never reappears to a second issuer.
      visibilityTimeout: Duration.seconds(ISSUER_TIMEOUT.toSeconds() * 6),
      enforceSSL: true,
      ...queueEncryption(this),
      deadLetterQueue: { queue: this.ticketOutboxDeadLetters, maxReceiveCount: TICKET_OUTBOX_MAX_RECEIVES },
    });
    this.refundOutboxDeadLetters = new Queue(this, 'RefundOutboxDlq', {
      queueName: `${props.namePrefix}refund-outbox-dlq`,
      retentionPeriod: QUEUE_RETENTION,
      enforceSSL: true,
      ...queueEncryption(this),
    });
    this.refundOutbox = new Queue(this, 'RefundOutbox', {
      queueName: `${props.namePrefix}refund-outbox`,
      retentionPeriod: QUEUE_RETENTION,
      // Six times the sender's timeout: a refund being sent never reappears to a second sender meanwhile.
      visibilityTimeout: Duration.seconds(REFUND_SENDER_TIMEOUT.toSeconds() * 6),
      enforceSSL: true,
      ...queueEncryption(this),
      deadLetterQueue: { queue: this.refundOutboxDeadLetters, maxReceiveCount: REFUND_OUTBOX_MAX_RECEIVES },
    });
  }
}
