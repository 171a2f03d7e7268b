import type { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { Annotations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DataKeys } from './data-keys';
import type { ApiRoute, RouteAuth } from '../../lib/http/api-routes';
import { type ApiThrottles, routeKey, throttleOf, worstCaseRate } from './api-throttles';
import { reservedConcurrency } from './concurrency';
import { grantAccess, type StatefulResources } from './resource-access';
import { TicketingFunction } from './ticketing-function';

export interface TicketingHttpApiProps {
  readonly stage: string;
  readonly routes: readonly ApiRoute[];
  readonly resources: StatefulResources;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Apply the reservations of concurrency.ts. */
  readonly reserveConcurrency: boolean;
  /** Per-route limits, before any function runs (api-throttles.ts). */
  readonly throttles: ApiThrottles;
}

/** HTTP API variables only (the REST API's `jsonWithStandardFields` names some that HTTP APIs lack). */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latency: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

/**
 * The public edge: an HTTP API whose default stage throttles and writes access
 * logs, one function per route, a Cognito JWT authorizer for user routes and IAM
 * authorization for the internal inventory routes.
 */
export class TicketingHttpApi extends Construct {
  readonly api: HttpApi;
  readonly defaultStage: HttpStage;
  /** The function serving each route, by its construct id. */
  readonly functions: ReadonlyMap<string, TicketingFunction>;

  constructor(scope: Construct, id: string, props: TicketingHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'HttpApi', { apiName: `ticketing-${props.stage}`, createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: props.logRemovalPolicy, encryptionKey: DataKeys.of(this).logs });
    this.defaultStage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttles.perRoute,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });
    this.throttleRoutes(props.routes, props.throttles);

    const authorizers: Record<RouteAuth, IHttpRouteAuthorizer | undefined> = {
      none: undefined,
      jwt: new HttpUserPoolAuthorizer('UserPoolAuthorizer', props.userPool, { userPoolClients: [props.userPoolClient] }),
      iam: new HttpIamAuthorizer(),
    };
    const functions = new Map<string, TicketingFunction>();
    for (const route of props.routes) {
      const fn = new TicketingFunction(this, route.functionId, {
        entry: route.entry,
        description: `${route.method} ${route.path}`,
        memorySize: route.memorySize,
        logRemovalPolicy: props.logRemovalPolicy,
        reservedConcurrentExecutions: reservedConcurrency(route.functionId, props.reserveConcurrency),
      });
      for (const access of route.access) grantAccess(fn, access, props.resources);
      const httpRoutes = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(route.functionId.replace(/Function$/, 'Integration'), fn),
        authorizer: authorizers[route.auth],
      });
      // The stage's route settings name routes by key: CloudFormation must create them first.
      if (route.throttle !== undefined) for (const httpRoute of httpRoutes) this.defaultStage.node.addDependency(httpRoute);
      functions.set(route.functionId, fn);
    }
    this.functions = functions;
  }

  get url(): string {
    return this.defaultStage.url;
  }

  /** Routes of a throttle group get their group's limits; the others keep the stage's per-route default. */
  private throttleRoutes(routes: readonly ApiRoute[], throttles: ApiThrottles): void {
    const grouped = routes.filter((route) => route.throttle !== undefined);
    (this.defaultStage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      grouped.map((route) => {
        const { rateLimit, burstLimit } = throttleOf(route, throttles);
        // RouteSettings is raw JSON to CDK: CloudFormation's own property names.
        return [routeKey(route), { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit }];
      }),
    );
    const worstCase = worstCaseRate(routes, throttles);
    if (worstCase > throttles.accountRateLimit) {
      Annotations.of(this).addWarningV2(
        'ticketing:throttle-over-account-limit',
        `every route at its limit adds up to ${worstCase} requests/s, over the account's ${throttles.accountRateLimit}/s: a search surge could take the room of orders and payments`,
      );
    }
  }
}
