import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { ResourceAccess } from '../../lib/http/api-routes';
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
  /** Makes the data keys that seal passengers' ID numbers in the orders table. */
  readonly passengerIds: IKey;
  /** The HMAC key of the passenger-claim keys. */
  readonly passengerIdHashKey: ISecret;
  readonly settings: OrderSettings;
}

/** Values of the order flow that are configuration, not resources. */
export interface OrderSettings {
  /** How long an order's seats are held for payment. */
  readonly holdTtlSeconds: number;
  /** Unpaid orders one user may have at once. */
  readonly maxUnpaidOrders: number;
  /** Cancellations a day after which a user may order nothing more that day. */
  readonly maxCancellationsPerDay: number;
}

export type { ResourceAccess };

/** Indexes the functions query, by table (stateful tables name them so: seat-ledger.ts, orders-table.ts, order-view-table.ts). */
export const INDEXES = { ledgerByDate: 'byDate', ordersOverdue: 'overdue', ordersPaid: 'paid', ordersWaiting: 'waiting', orderViewsByUser: 'byUser' } as const;

/**
 * The ledger items a public read may touch, by partition key: services and
 * their seats (`SVC#…`, lib/ledger/ledger-keys.ts). Holds (`HOLD#…`) and the
 * passenger claims (`CLAIM#…`, which carry ID numbers) are out of reach of
 * the anonymous routes, whatever their code asks for.
 */
export const PUBLIC_LEDGER_KEY_PREFIXES = ['SVC#'] as const;

const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
/** A TransactWriteItems is authorised item by item with these. */
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'];

export function grantAccess(fn: TicketingFunction, access: ResourceAccess, resources: StatefulResources): void {
  const { ledger, orders, orderViews } = resources;
  // Every table is encrypted with the stack's at-rest key (stateful-table.ts): whoever reads or writes one uses it.
  if (access !== 'payments' && access !== 'readiness') ledger.encryptionKey?.grantEncryptDecrypt(fn);
  switch (access) {
    case 'ledger:read':
      // Public: services and seats only, never holds or claims.
      fn.addEnvironment('LEDGER_TABLE_NAME', ledger.tableName);
      allow(fn, READ, [ledger.tableArn], { leadingKeys: PUBLIC_LEDGER_KEY_PREFIXES.map((prefix) => `${prefix}*`) });
      allow(fn, ['dynamodb:Query'], [indexArn(ledger, INDEXES.ledgerByDate)]);
      grantOccupancyRead(fn, resources);
      return;
    case 'ledger:readWrite':
      fn.addEnvironment('LEDGER_TABLE_NAME', ledger.tableName);
      allow(fn, [...READ, ...WRITE], [ledger.tableArn]);
      allow(fn, ['dynamodb:Query'], [indexArn(ledger, INDEXES.ledgerByDate)]);
      grantOccupancyRead(fn, resources);
      return;
    case 'ledger:publish':
      // A service is its definition, one conditional put: its seats have no items until first held.
      fn.addEnvironment('LEDGER_TABLE_NAME', ledger.tableName);
      allow(fn, ['dynamodb:PutItem', 'dynamodb:GetItem'], [ledger.tableArn], { leadingKeys: ['SVC#*'] });
      return;
    case 'ledger:stations':
      // GET /stations: one Scan of the sparse byDate index, which holds service items only.
      fn.addEnvironment('LEDGER_TABLE_NAME', ledger.tableName);
      allow(fn, ['dynamodb:Scan'], [indexArn(ledger, INDEXES.ledgerByDate)]);
      return;
    case 'occupancy:write':
      // Only the snapshot's projector writes it: one item per coach.
      fn.addEnvironment('OCCUPANCY_TABLE_NAME', resources.occupancy.tableName);
      allow(fn, ['dynamodb:PutItem'], [resources.occupancy.tableArn], { leadingKeys: ['OCC#*'] });
      return;
    case 'orderViews:get':
      // Travellers read the read model, never the orders table; one view item by order id.
      fn.addEnvironment('ORDER_VIEW_TABLE_NAME', orderViews.tableName);
      allow(fn, ['dynamodb:GetItem'], [orderViews.tableArn], { leadingKeys: ['VIEW#*'] });
      return;
    case 'orderViews:list':
      // One user's partition of the byUser index; the user comes from the token, so IAM cannot pin it: the key condition does.
      fn.addEnvironment('ORDER_VIEW_TABLE_NAME', orderViews.tableName);
      allow(fn, ['dynamodb:Query'], [indexArn(orderViews, INDEXES.orderViewsByUser)]);
      return;
    case 'orders:readWrite':
      // An order change and its seat-ledger change are one transaction over both tables.
      fn.addEnvironment('ORDERS_TABLE_NAME', orders.tableName);
      fn.addEnvironment('LEDGER_TABLE_NAME', ledger.tableName);
      fn.addEnvironment('HOLD_TTL_SECONDS', String(resources.settings.holdTtlSeconds));
      fn.addEnvironment('MAX_UNPAID_ORDERS', String(resources.settings.maxUnpaidOrders));
      fn.addEnvironment('MAX_CANCELLATIONS_PER_DAY', String(resources.settings.maxCancellationsPerDay));
      allow(fn, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'], [orders.tableArn]);
      allow(fn, [...READ, ...WRITE], [ledger.tableArn]);
      grantOccupancyRead(fn, resources);
      // Passengers' ID numbers: claims keyed by their keyed hash, stored sealed (lib/aws/passenger-keys.ts).
      fn.addEnvironment('PASSENGER_ID_HASH_KEY_ARN', resources.passengerIdHashKey.secretArn);
      fn.addEnvironment('PASSENGER_DATA_KMS_KEY_ARN', resources.passengerIds.keyArn);
      resources.passengerIdHashKey.grantRead(fn);
      resources.passengerIds.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
      return;
    case 'orders:expire':
      // The sweeper: the order flow, plus the sparse index of RESERVED orders by expiry.
      grantAccess(fn, 'orders:readWrite', resources);
      allow(fn, ['dynamodb:Query'], [indexArn(orders, INDEXES.ordersOverdue)]);
      return;
    case 'payments':
      // Read once per cold start (lib/aws/payment-webhook-secret.ts): GetSecretValue on this one secret.
      fn.addEnvironment('PAYMENT_WEBHOOK_SECRET_ARN', resources.paymentWebhookSecret.secretArn);
      resources.paymentWebhookSecret.grantRead(fn);
      return;
    case 'readiness':
      // Describe calls only: the readiness probe proves reachability, it reads no data.
      fn.addEnvironment('LEDGER_TABLE_NAME', ledger.tableName);
      fn.addEnvironment('ORDER_EVENTS_STREAM_NAME', resources.orderEvents.streamName);
      fn.addEnvironment('TICKET_OUTBOX_QUEUE_URL', resources.ticketOutbox.queueUrl);
      allow(fn, ['dynamodb:DescribeTable'], [ledger.tableArn]);
      resources.orderEvents.grant(fn, 'kinesis:DescribeStreamSummary');
      resources.ticketOutbox.grant(fn, 'sqs:GetQueueAttributes');
      return;
  }
}

/** Whoever picks or counts seats reads them from the occupancy snapshot: one Query per train. */
function grantOccupancyRead(fn: TicketingFunction, resources: StatefulResources): void {
  fn.addEnvironment('OCCUPANCY_TABLE_NAME', resources.occupancy.tableName);
  allow(fn, ['dynamodb:Query'], [resources.occupancy.tableArn], { leadingKeys: ['OCC#*'] });
}

/**
 * Adds one statement to the function's role. `leadingKeys`: only items whose
 * partition key matches one of these patterns (`dynamodb:LeadingKeys`), so a
 * function is kept to the kinds of items it works on.
 */
export function allow(fn: IGrantable, actions: string[], resources: string[], options: { leadingKeys?: string[] } = {}): void {
  fn.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions,
      resources,
      ...(options.leadingKeys ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': options.leadingKeys } } } : {}),
    }),
  );
}

export const indexArn = (table: ITable, indexName: string): string => `${table.tableArn}/index/${indexName}`;
