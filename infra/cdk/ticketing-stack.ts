import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApiEdge, type EdgeLimits } from './api-edge';
import { API_ROUTES } from '../../lib/http/api-routes';
import type { ApiThrottles } from './api-throttles';
import { DataKeys } from './data-keys';
import { ConsoleSite } from './console-site';
import { TicketingHttpApi } from './http-api';
import { Identity } from './identity';
import { InventoryCallers } from './inventory-callers';
import { Messaging } from './messaging';
import { Observability } from './observability';
import { OccupancyWorkers } from './occupancy-workers';
import { OrderWorkers } from './order-workers';
import { OrdersTable } from './orders-table';
import { OrderViewTable } from './order-view-table';
import { PaymentWebhookSecret } from './payment-webhook-secret';
import { Reconciliation } from './reconciliation';
import { TicketWorkers } from './ticket-workers';
import type { OrderSettings, StatefulResources } from './resource-access';
import { RefundWorkers } from './refund-workers';
import { WaitlistWorkers } from './waitlist-workers';
import { SeatLedger } from './seat-ledger';
import { TableBackups } from './table-backups';

export interface TicketingStackProps extends StackProps {
  /** dev, staging, prod…: names the API and the stack. */
  readonly stage: string;
  /** Stateful resources may be deleted with the stack (no deletion protection, no retention). */
  readonly ephemeral: boolean;
  /** Prepended to the physical names of the stream and queues. */
  readonly namePrefix: string;
  readonly orderSettings: OrderSettings;
  /** Use this Secrets Manager secret (complete ARN) for payment callbacks instead of creating one. */
  readonly paymentWebhookSecretArn?: string;
  /** The payment provider's refund endpoint the refund sender POSTs to (`-c refundProviderUrl=…`). */
  readonly refundProviderUrl: string;
  /** Reserve concurrency for the functions listed in concurrency.ts. */
  readonly reserveConcurrency: boolean;
  /** Per-route limits of the HTTP API's stage. */
  readonly throttles: ApiThrottles;
  /** CloudFront and WAF in front of the API with these limits; none without. */
  readonly edge?: EdgeLimits;
  /** The web console's static build, hosted behind CloudFront when given (infra/ops/console-build.ts). */
  readonly consoleBuildDir?: string;
}

/** The whole backend: stateful resources first, then the functions and the API that use them. */
export class TicketingStack extends Stack {
  readonly dataKeys: DataKeys;
  readonly ledger: SeatLedger;
  readonly orders: OrdersTable;
  readonly orderViews: OrderViewTable;
  readonly messaging: Messaging;
  readonly identity: Identity;
  readonly paymentWebhookSecret: PaymentWebhookSecret;
  readonly httpApi: TicketingHttpApi;
  readonly edge?: ApiEdge;
  readonly inventoryCallers: InventoryCallers;
  readonly orderWorkers: OrderWorkers;
  readonly occupancyWorkers: OccupancyWorkers;
  readonly ticketWorkers: TicketWorkers;
  readonly reconciliation: Reconciliation;
  readonly backups: TableBackups;
  readonly observability: Observability;
  readonly refundWorkers: RefundWorkers;
  readonly waitlistWorkers: WaitlistWorkers;
  readonly consoleSite: ConsoleSite | undefined;

  constructor(scope: Construct, id: string, props: TicketingStackProps) {
    super(scope, id, props);
    const removalPolicy = props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // First: every table, stream, queue and log group below is encrypted with these.
    this.dataKeys = new DataKeys(this, { ephemeral: props.ephemeral });
    this.ledger = new SeatLedger(this, 'SeatLedger', { ephemeral: props.ephemeral });
    this.orders = new OrdersTable(this, 'Orders', { ephemeral: props.ephemeral });
    this.orderViews = new OrderViewTable(this, 'OrderViews', { ephemeral: props.ephemeral });
    this.backups = new TableBackups(this, 'Backups', { tables: [this.ledger.table, this.orders.table, this.orderViews.table], ephemeral: props.ephemeral });
    this.messaging = new Messaging(this, 'Messaging', { namePrefix: props.namePrefix });
    this.identity = new Identity(this, 'Identity', { ephemeral: props.ephemeral });
    this.paymentWebhookSecret = new PaymentWebhookSecret(this, 'PaymentWebhook', { existingSecretArn: props.paymentWebhookSecretArn, ephemeral: props.ephemeral });

    const resources: StatefulResources = {
      ledger: this.ledger.table,
      occupancy: this.ledger.occupancy,
      orders: this.orders.table,
      orderViews: this.orderViews.table,
      orderEvents: this.messaging.orderEvents,
      ticketOutbox: this.messaging.ticketOutbox,
      paymentWebhookSecret: this.paymentWebhookSecret.secret,
      passengerIds: this.dataKeys.passengerIds,
      passengerIdHashKey: this.dataKeys.passengerIdHashKey,
      settings: props.orderSettings,
    };
    this.httpApi = new TicketingHttpApi(this, 'Api', {
      stage: props.stage,
      routes: API_ROUTES,
      resources,
      userPool: this.identity.userPool,
      userPoolClient: this.identity.userPoolClient,
      logRemovalPolicy: removalPolicy,
      reserveConcurrency: props.reserveConcurrency,
      throttles: props.throttles,
    });
    this.inventoryCallers = new InventoryCallers(this, 'InventoryCallers', { api: this.httpApi.api, routes: API_ROUTES, stage: props.stage, namePrefix: props.namePrefix });
    if (props.edge) this.edge = new ApiEdge(this, 'Edge', { api: this.httpApi.api, routes: API_ROUTES, limits: props.edge, stage: props.stage });

    this.consoleSite =
      props.consoleBuildDir === undefined
        ? undefined
        : new ConsoleSite(this, 'Console', {
            buildDir: props.consoleBuildDir,
            httpApi: this.httpApi.api,
            apiUrl: this.httpApi.url.replace(/\/$/, ''),
            userPool: this.identity.userPool,
            userPoolClient: this.identity.userPoolClient,
            stage: props.stage,
          });

    this.orderWorkers = new OrderWorkers(this, 'OrderWorkers', {
      resources,
      namePrefix: props.namePrefix,
      logRemovalPolicy: removalPolicy,
      reserveConcurrency: props.reserveConcurrency,
    });
    this.occupancyWorkers = new OccupancyWorkers(this, 'OccupancyWorkers', { resources, logRemovalPolicy: removalPolicy });
    this.ticketWorkers = new TicketWorkers(this, 'TicketWorkers', {
      orders: this.orders.table,
      ledger: this.ledger.table,
      orderViews: this.orderViews.table,
      orderEvents: this.messaging.orderEvents,
      ticketOutbox: this.messaging.ticketOutbox,
      namePrefix: props.namePrefix,
      logRemovalPolicy: removalPolicy,
    });

    this.refundWorkers = new RefundWorkers(this, 'RefundWorkers', {
      orders: this.orders.table,
      orderEvents: this.messaging.orderEvents,
      refundOutbox: this.messaging.refundOutbox,
      refundProviderUrl: props.refundProviderUrl,
      namePrefix: props.namePrefix,
      logRemovalPolicy: removalPolicy,
    });

    this.waitlistWorkers = new WaitlistWorkers(this, 'WaitlistWorkers', { resources, namePrefix: props.namePrefix, logRemovalPolicy: removalPolicy });

    const { dispatcher, issuer, projector } = this.ticketWorkers;
    this.reconciliation = new Reconciliation(this, 'Reconciliation', {
      orders: this.orders.table,
      ticketOutbox: this.messaging.ticketOutbox,
      mappedFunctions: [this.orderWorkers.relay, dispatcher, projector, issuer, this.occupancyWorkers.projector, this.refundWorkers.dispatcher, this.refundWorkers.sender, this.waitlistWorkers.fulfiller],
      logRemovalPolicy: removalPolicy,
    });

    // Last: it watches every function, table, stream and queue built above.
    this.observability = new Observability(this, 'Observability', { dashboardName: `${props.namePrefix}ticketing-${props.stage}` });

    new CfnOutput(this, 'ApiUrl', { value: this.edge?.url ?? this.httpApi.url, description: 'Base URL of the API for clients: CloudFront and WAF in front of the HTTP API, unless -c edge=false' });
    new CfnOutput(this, 'HttpApiUrl', { value: this.httpApi.url, description: 'The HTTP API itself (execute-api): for SigV4-signed /inventory/* callers, and what CloudFront forwards to' });
    if (this.consoleSite) new CfnOutput(this, 'ConsoleUrl', { value: this.consoleSite.url, description: 'The web console' });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'PaymentWebhookSecretArn', {
      value: this.paymentWebhookSecret.secret.secretArn,
      description: "Store the payment provider's signing secret here: aws secretsmanager put-secret-value --secret-id <arn> --secret-string …",
    });
  }
}
