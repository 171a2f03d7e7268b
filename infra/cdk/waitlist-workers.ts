import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WAITLIST_PROMPTS } from '../../lib/waitlist/prompts';
import { queueEncryption } from './data-keys';
import { QUEUE_RETENTION } from './messaging';
import { allow, grantAccess, INDEXES, indexArn, type StatefulResources } from './resource-access';
import { orderEventsSource } from './ticket-workers';
import { TicketingFunction } from './ticketing-function';

export interface WaitlistWorkersProps {
  readonly resources: StatefulResources;
  readonly namePrefix: string;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The waitlist fulfiller (候补): `order-events` releases → the freed seats sold to
 * WAITING orders of that service and class, oldest first (WAITING → PAID, then
 * ticketed as any paid order). Its deadline sweep is the expiry sweeper's.
 */
export class WaitlistWorkers extends Construct {
  readonly fulfiller: TicketingFunction;
  readonly fulfillerDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: WaitlistWorkersProps) {
    super(scope, id);
    const { resources } = props;

    this.fulfillerDeadLetters = new Queue(this, 'FulfilWaitlistDlq', {
      queueName: `${props.namePrefix}fulfil-waitlist-dlq`,
      retentionPeriod: QUEUE_RETENTION,
      enforceSSL: true,
      ...queueEncryption(this),
    });
    this.fulfiller = new TicketingFunction(this, 'FulfilWaitlistFunction', {
      entry: 'functions/waitlist/fulfil-waitlist.ts',
      description: 'order-events releases → freed seats sold to WAITING orders, oldest first',
      timeout: Duration.seconds(60),
      logRemovalPolicy: props.logRemovalPolicy,
    });
    // The order flow's access (orders and ledger in one transaction), plus the waiting queue's index.
    grantAccess(this.fulfiller, 'orders:readWrite', resources);
    allow(this.fulfiller, ['dynamodb:Query'], [indexArn(resources.orders, INDEXES.ordersWaiting)]);
    this.fulfiller.addEventSource(orderEventsSource(resources.orderEvents, this.fulfillerDeadLetters, WAITLIST_PROMPTS));
  }
}
