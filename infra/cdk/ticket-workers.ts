import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUE_RETENTION } from './messaging';
import { ORDER_EVENT_TYPES, type OrderEventType } from '../../lib/events/order-events';
import { ORDER_PK_PREFIX } from '../../lib/orders/order-keys';
import { ISSUER_MAX_CONCURRENCY } from './concurrency';
import { allow } from './resource-access';
import { DataKeys, queueEncryption } from './data-keys';
import { TicketingFunction } from './ticketing-function';

export interface TicketWorkersProps {
  readonly orders: ITable;
  /** The seat ledger: a dearer change's old seat is freed when its new ticket is issued. */
  readonly ledger: ITable;
  readonly orderViews: ITable;
  readonly orderEvents: IStream;
  readonly ticketOutbox: IQueue;
  readonly namePrefix: string;
  readonly logRemovalPolicy: RemovalPolicy;
}

/** The ticket issuer's budget per batch; the outbox's visibility timeout is six times this. */
export const ISSUER_TIMEOUT = Duration.seconds(30);

/**
 * The consumers of `order-events` and of the ticket outbox:
 * - dispatcher: OrderPaid → one job on `ticket-outbox`;
 * - issuer: a job → tickets, PAID → TICKETED (bounded concurrency, so a backlog
 *   drains without overrunning the orders table);
 * - projector: every order event → the order view (newer versions only).
 * Kinesis consumers retry from the first failed record, split failing batches,
 * and park what keeps failing in a DLQ of their own.
 */
export class TicketWorkers extends Construct {
  readonly dispatcher: TicketingFunction;
  readonly issuer: TicketingFunction;
  readonly projector: TicketingFunction;
  readonly dispatcherDeadLetters: Queue;
  readonly projectorDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: TicketWorkersProps) {
    super(scope, id);

    this.dispatcherDeadLetters = this.deadLetters('DispatchTicketsDlq', `${props.namePrefix}dispatch-tickets-dlq`);
    this.dispatcher = new TicketingFunction(this, 'DispatchTicketsFunction', {
      entry: 'functions/tickets/dispatch-tickets.ts',
      description: 'order-events OrderPaid → ticket-outbox',
      timeout: Duration.seconds(30),
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.dispatcher.addEnvironment('TICKET_OUTBOX_QUEUE_URL', props.ticketOutbox.queueUrl);
    props.ticketOutbox.grantSendMessages(this.dispatcher);
    this.dispatcher.addEventSource(orderEventsSource(props.orderEvents, this.dispatcherDeadLetters, [ORDER_EVENT_TYPES.PAID]));

    this.issuer = new TicketingFunction(this, 'IssueTicketsFunction', {
      entry: 'functions/tickets/issue-tickets.ts',
      description: 'ticket-outbox → tickets, PAID → TICKETED',
      timeout: ISSUER_TIMEOUT,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.issuer.addEnvironment('ORDERS_TABLE_NAME', props.orders.tableName);
    this.issuer.addEnvironment('TICKET_ISSUER_FAIL', 'never');
    // Order items only (`ORDER#…`): never an idempotency record or another kind of item.
    allow(this.issuer, ['dynamodb:GetItem', 'dynamodb:PutItem'], [props.orders.tableArn], { leadingKeys: [`${ORDER_PK_PREFIX}*`] });
    props.orders.encryptionKey?.grantEncryptDecrypt(this.issuer);
    // Seat items only (`SVC#…#<coach>`), and only to give one back (a change's old seat);
    // claim items only to delete one (a change to another train lets go of the old one).
    this.issuer.addEnvironment('LEDGER_TABLE_NAME', props.ledger.tableName);
    allow(this.issuer, ['dynamodb:UpdateItem'], [props.ledger.tableArn], { leadingKeys: ['SVC#*'] });
    allow(this.issuer, ['dynamodb:DeleteItem'], [props.ledger.tableArn], { leadingKeys: ['CLAIM#*'] });
    props.ledger.encryptionKey?.grantEncryptDecrypt(this.issuer);
    // Opens the passengers' ID numbers it reads and writes them back sealed (lib/orders/passenger-data.ts).
    const { passengerIds, passengerIdHashKey } = DataKeys.of(this);
    this.issuer.addEnvironment('PASSENGER_DATA_KMS_KEY_ARN', passengerIds.keyArn);
    passengerIds.grant(this.issuer, 'kms:GenerateDataKey', 'kms:Decrypt');
    // And finds the old claim by the keyed hash of the ID number.
    this.issuer.addEnvironment('PASSENGER_ID_HASH_KEY_ARN', passengerIdHashKey.secretArn);
    passengerIdHashKey.grantRead(this.issuer);
    this.issuer.addEventSource(new SqsEventSource(props.ticketOutbox, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: ISSUER_MAX_CONCURRENCY }));

    this.projectorDeadLetters = this.deadLetters('ProjectOrderEventsDlq', `${props.namePrefix}project-order-events-dlq`);
    this.projector = new TicketingFunction(this, 'ProjectOrderEventsFunction', {
      entry: 'functions/views/project-order-events.ts',
      description: 'order-events → order view',
      timeout: Duration.seconds(30),
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.projector.addEnvironment('ORDER_VIEW_TABLE_NAME', props.orderViews.tableName);
    allow(this.projector, ['dynamodb:PutItem'], [props.orderViews.tableArn], { leadingKeys: ['VIEW#*'] });
    props.orderViews.encryptionKey?.grantEncryptDecrypt(this.projector);
    this.projector.addEventSource(orderEventsSource(props.orderEvents, this.projectorDeadLetters));
  }

  private deadLetters(id: string, queueName: string): Queue {
    return new Queue(this, id, { queueName, retentionPeriod: QUEUE_RETENTION, enforceSSL: true, ...queueEncryption(this) });
  }
}

/**
 * How a consumer of `order-events` reads it: retried from the first failed
 * record, failing batches split, what keeps failing parked in its own DLQ.
 * Given `types`, only events of those types are delivered (a filter on the
 * record's JSON `type`): the others cost the consumer no invocation. A record
 * that is not JSON then reaches it no more; the read model's consumer, which
 * takes every event, still parks it.
 */
export function orderEventsSource(stream: IStream, deadLetters: IQueue, types?: readonly OrderEventType[]): KinesisEventSource {
  return new KinesisEventSource(stream, {
    ...(types ? { filters: [FilterCriteria.filter({ data: { type: FilterRule.or(...types) } })] } : {}),
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: 100,
    // One batch per shard at a time: an order's events stay in order, and concurrency follows the shard count.
    parallelizationFactor: 1,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    retryAttempts: 50,
    maxRecordAge: Duration.hours(6),
    onFailure: new SqsDlq(deadLetters),
  });
}
