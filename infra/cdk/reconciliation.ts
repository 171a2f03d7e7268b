import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DataKeys } from './data-keys';
import { allow, INDEXES, indexArn } from './resource-access';
import { TicketingFunction } from './ticketing-function';

export interface ReconciliationProps {
  readonly orders: ITable;
  readonly ticketOutbox: IQueue;
  /** Functions fed by event source mappings: a stopped mapping of any of them is an alarm. */
  readonly mappedFunctions: readonly IFunction[];
  readonly logRemovalPolicy: RemovalPolicy;
}

/** How often the reconciler runs; an order must also have been PAID for five minutes to count as stuck. */
export const RECONCILE_EVERY = Duration.minutes(5);

/**
 * The scheduled safety net of the ticket flow: PAID orders left without
 * tickets go back on the ticket outbox, and stopped event source mappings are
 * counted. It publishes both as metrics (PaidOrdersUnticketed,
 * EventSourceMappingsDisabled) that the alarms watch.
 */
export class Reconciliation extends Construct {
  readonly reconciler: TicketingFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: ReconciliationProps) {
    super(scope, id);
    this.reconciler = new TicketingFunction(this, 'ReconcileTicketsFunction', {
      entry: 'functions/tickets/reconcile-tickets.ts',
      description: 'every five minutes: PAID orders without tickets → ticket-outbox again; stopped event source mappings counted',
      timeout: Duration.seconds(60),
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.reconciler.addEnvironment('ORDERS_TABLE_NAME', props.orders.tableName);
    this.reconciler.addEnvironment('TICKET_OUTBOX_QUEUE_URL', props.ticketOutbox.queueUrl);
    this.reconciler.addEnvironment('EVENT_SOURCE_MAPPING_FUNCTIONS', props.mappedFunctions.map((fn) => fn.functionName).join(','));
    allow(this.reconciler, ['dynamodb:Query'], [indexArn(props.orders, INDEXES.ordersPaid)]);
    props.orders.encryptionKey?.grantDecrypt(this.reconciler);
    // Orders it reads carry sealed ID numbers (lib/orders/passenger-data.ts).
    const { passengerIds } = DataKeys.of(this);
    this.reconciler.addEnvironment('PASSENGER_DATA_KMS_KEY_ARN', passengerIds.keyArn);
    passengerIds.grant(this.reconciler, 'kms:GenerateDataKey', 'kms:Decrypt');
    props.ticketOutbox.grantSendMessages(this.reconciler);
    // ListEventSourceMappings takes no resource: IAM knows it only as "*" (nag.ts).
    allow(this.reconciler, ['lambda:ListEventSourceMappings'], ['*']);
    this.schedule = new Rule(this, 'ReconcileTicketsSchedule', {
      schedule: Schedule.rate(RECONCILE_EVERY),
      targets: [new LambdaFunction(this.reconciler, { retryAttempts: 0 })],
    });
  }
}
