import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { API_ROUTES } from './api-routes';
import { ConsoleSite } from './console-site';
import { TicketingHttpApi } from './http-api';
import { Identity } from './identity';
import { Messaging } from './messaging';
import { Observability } from './observability';
import { OccupancyWorkers } from './occupancy-workers';
import { OrderWorkers } from './order-workers';
import { OrdersTable } from './orders-table';
import { OrderViewTable } from './order-view-table';
import { PaymentWebhookSecret } from './payment-webhook-secret';
import { TicketWorkers } from './ticket-workers';
import type { OrderSettings, StatefulResources } from './resource-access';
import { SeatLedger } from './seat-ledger';

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
  /** Reserve concurrency for the functions listed in concurrency.ts. */
  readonly reserveConcurrency: boolean;
  /** The web console's static build, hosted behind CloudFront when given (infra/ops/console-build.ts). */
  readonly consoleBuildDir?: string;
}

/** The whole backend: stateful resources first, then the functions and the API that use them. */
export class TicketingStack extends Stack {
  readonly ledger: SeatLedger;
  readonly orders: OrdersTable;
  readonly orderViews: OrderViewTable;
  readonly messaging: Messaging;
  readonly identity: Identity;
  readonly paymentWebhookSecret: PaymentWebhookSecret;
  readonly httpApi: TicketingHttpApi;
  readonly orderWorkers: OrderWorkers;
  readonly occupancyWorkers: OccupancyWorkers;
  readonly ticketWorkers: TicketWorkers;
  readonly observability: Observability;
  readonly consoleSite: ConsoleSite | undefined;

  constructor(scope: Construct, id: string, props: TicketingStackProps) {
    super(scope, id, props);
    const removalPolicy = props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.ledger = new SeatLedger(this, 'SeatLedger', { ephemeral: props.ephemeral });
    this.orders = new OrdersTable(this, 'Orders', { ephemeral: props.ephemeral });
    this.orderViews = new OrderViewTable(this, 'OrderViews', { ephemeral: props.ephemeral });
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
    });

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
      orderViews: this.orderViews.table,
      orderEvents: this.messaging.orderEvents,
      ticketOutbox: this.messaging.ticketOutbox,
      namePrefix: props.namePrefix,
      logRemovalPolicy: removalPolicy,
    });

    // Last: it watches every function, table, stream and queue built above.
    this.observability = new Observability(this, 'Observability', { dashboardName: `${props.namePrefix}ticketing-${props.stage}` });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url, description: 'Base URL of the HTTP API' });
    if (this.consoleSite) new CfnOutput(this, 'ConsoleUrl', { value: this.consoleSite.url, description: 'The web console' });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'PaymentWebhookSecretArn', {
      value: this.paymentWebhookSecret.secret.secretArn,
      description: "Store the payment provider's signing secret here: aws secretsmanager put-secret-value --secret-id <arn> --secret-string …",
    });
  }
}
