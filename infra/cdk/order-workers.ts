import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUE_RETENTION } from './messaging';
import { queueEncryption } from './data-keys';
import { reservedConcurrency } from './concurrency';
import { grantAccess, type StatefulResources } from './resource-access';
import { TicketingFunction } from './ticketing-function';

export interface OrderWorkersProps {
  readonly resources: StatefulResources;
  readonly namePrefix: string;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Apply the reservations of concurrency.ts. */
  readonly reserveConcurrency: boolean;
}

/**
 * The order flow's background functions:
 * - the outbox relay: the orders table's stream → Kinesis `order-events`, in order,
 *   retried from the first failed record, never dropped silently (bounded retries,
 *   then the record goes to a dead-letter queue to be replayed);
 * - the expiry sweeper: every minute, overdue RESERVED orders become EXPIRED.
 */
export class OrderWorkers extends Construct {
  readonly relay: TicketingFunction;
  readonly relayDeadLetters: Queue;
  readonly sweeper: TicketingFunction;
  readonly sweepSchedule: Rule;

  constructor(scope: Construct, id: string, props: OrderWorkersProps) {
    super(scope, id);
    const { resources } = props;

    this.relay = new TicketingFunction(this, 'OrderRelayFunction', {
      entry: 'functions/events/order-relay.ts',
      description: 'orders table stream → Kinesis order-events',
      timeout: Duration.seconds(30),
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.relay.addEnvironment('ORDER_EVENTS_STREAM_NAME', resources.orderEvents.streamName);
    resources.orderEvents.grantWrite(this.relay);
    this.relayDeadLetters = new Queue(this, 'OrderRelayDlq', {
      queueName: `${props.namePrefix}order-relay-dlq`,
      retentionPeriod: QUEUE_RETENTION,
      enforceSSL: true,
      ...queueEncryption(this),
    });
    this.relay.addEventSource(
      new DynamoEventSource(resources.orders, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        // The stream keeps records 24 h: retry for half of it, then park the pointer in the DLQ
        // with 12 h left for `npm run replay` to read the records back (the reconciler covers PAID orders after that).
        retryAttempts: 1000,
        maxRecordAge: Duration.hours(12),
        onFailure: new SqsDlq(this.relayDeadLetters),
      }),
    );

    this.sweeper = new TicketingFunction(this, 'ExpireOrdersFunction', {
      entry: 'functions/orders/expire-orders.ts',
      description: 'every minute: overdue RESERVED and WAITLISTED orders → EXPIRED, seats released; WAITING past their deadline → REFUNDED',
      timeout: Duration.seconds(60),
      logRemovalPolicy: props.logRemovalPolicy,
      reservedConcurrentExecutions: reservedConcurrency('ExpireOrdersFunction', props.reserveConcurrency),
    });
    grantAccess(this.sweeper, 'orders:expire', resources);
    this.sweepSchedule = new Rule(this, 'ExpireOrdersSchedule', {
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.sweeper, { retryAttempts: 0 })],
    });
  }
}
