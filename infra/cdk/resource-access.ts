import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { TicketingFunction } from './ticketing-function';

/** The stateful resources functions may be given access to. */
export interface StatefulResources {
  readonly ledger: ITable;
  /** The ledger's occupancy snapshot, one item per coach. */
  readonly occupancy: ITable;
  readonly orders: ITable;
  readonly orderViews: ITable;
  readonly orderEvents: IStream;
  readonly ticketOutbox: IQueue;
  /** The payment provider's signing secret; functions get its ARN, never its value. */
  readonly paymentWebhookSecret: ISecret;
  readonly settings: OrderSettings;
}

/** Values of the order flow that are configuration, not resources. */
export interface OrderSettings {
  /** How long an order's seats are held for payment. */
  readonly holdTtlSeconds: number;
}

/**
 * What a function may do, named by intent. Each kind grants exactly its IAM
 * actions and sets exactly the environment variables naming what it touches, so
 * a function's environment and its permissions cannot drift apart.
 */
export type ResourceAccess = 'ledger:read' | 'ledger:readWrite' | 'occupancy:write' | 'readiness' | 'orderViews:read' | 'orders:readWrite' | 'payments';

export function grantAccess(fn: TicketingFunction, access: ResourceAccess, resources: StatefulResources): void {
  switch (access) {
    case 'ledger:read':
      fn.addEnvironment('LEDGER_TABLE_NAME', resources.ledger.tableName);
      resources.ledger.grantReadData(fn);
      grantOccupancyRead(fn, resources);
      return;
    case 'ledger:readWrite':
      fn.addEnvironment('LEDGER_TABLE_NAME', resources.ledger.tableName);
      resources.ledger.grantReadWriteData(fn);
      grantOccupancyRead(fn, resources);
      return;
    case 'occupancy:write':
      // Only the snapshot's projector writes it.
      fn.addEnvironment('OCCUPANCY_TABLE_NAME', resources.occupancy.tableName);
      resources.occupancy.grantReadWriteData(fn);
      return;
    case 'orderViews:read':
      // Travellers read the read model, never the orders table.
      fn.addEnvironment('ORDER_VIEW_TABLE_NAME', resources.orderViews.tableName);
      resources.orderViews.grantReadData(fn);
      return;
    case 'orders:readWrite':
      // An order change and its seat-ledger change are one transaction over both tables.
      fn.addEnvironment('ORDERS_TABLE_NAME', resources.orders.tableName);
      fn.addEnvironment('LEDGER_TABLE_NAME', resources.ledger.tableName);
      fn.addEnvironment('HOLD_TTL_SECONDS', String(resources.settings.holdTtlSeconds));
      resources.orders.grantReadWriteData(fn);
      resources.ledger.grantReadWriteData(fn);
      grantOccupancyRead(fn, resources);
      return;
    case 'payments':
      // Read once per cold start (lib/aws/payment-webhook-secret.ts): GetSecretValue on this one secret.
      fn.addEnvironment('PAYMENT_WEBHOOK_SECRET_ARN', resources.paymentWebhookSecret.secretArn);
      resources.paymentWebhookSecret.grantRead(fn);
      return;
    case 'readiness':
      // Describe calls only: the readiness probe proves reachability, it reads no data.
      fn.addEnvironment('LEDGER_TABLE_NAME', resources.ledger.tableName);
      fn.addEnvironment('ORDER_EVENTS_STREAM_NAME', resources.orderEvents.streamName);
      fn.addEnvironment('TICKET_OUTBOX_QUEUE_URL', resources.ticketOutbox.queueUrl);
      resources.ledger.grant(fn, 'dynamodb:DescribeTable');
      resources.orderEvents.grant(fn, 'kinesis:DescribeStreamSummary');
      resources.ticketOutbox.grant(fn, 'sqs:GetQueueAttributes');
      return;
  }
}

/** Whoever picks or counts seats reads them from the occupancy snapshot. */
function grantOccupancyRead(fn: TicketingFunction, resources: StatefulResources): void {
  fn.addEnvironment('OCCUPANCY_TABLE_NAME', resources.occupancy.tableName);
  resources.occupancy.grantReadData(fn);
}
