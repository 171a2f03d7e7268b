import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createTicketingApp } from '../../infra/cdk/ticketing-app';
import { ledgerKeys } from '../../lib/ledger/ledger-keys';
import { orderKeys } from '../../lib/orders/order-keys';
import { orderViewKeys } from '../../lib/views/order-view-store';
import { WAITLIST_PROMPTS } from '../../lib/waitlist/prompts';
import type { TicketingStack } from '../../infra/cdk/ticketing-stack';

type Auth = 'NONE' | 'JWT' | 'AWS_IAM';
type Access = 'none' | 'readiness' | 'read' | 'stations' | 'readWrite' | 'publish' | 'orderViews:get' | 'orderViews:list' | 'orders:readWrite' | 'payments';

/** The contract, written out independently of the route table the stack is built from. */
const EXPECTED_ROUTES: ReadonlyArray<{ routeKey: string; functionId: string; auth: Auth; access: Access }> = [
  { routeKey: 'GET /healthz', functionId: 'HealthzFunction', auth: 'NONE', access: 'none' },
  { routeKey: 'GET /readyz', functionId: 'ReadyzFunction', auth: 'NONE', access: 'readiness' },
  { routeKey: 'GET /openapi.json', functionId: 'OpenApiFunction', auth: 'NONE', access: 'none' },
  { routeKey: 'POST /admin/services', functionId: 'PublishServiceFunction', auth: 'JWT', access: 'publish' },
  { routeKey: 'GET /stations', functionId: 'ListStationsFunction', auth: 'NONE', access: 'stations' },
  { routeKey: 'GET /services', functionId: 'SearchServicesFunction', auth: 'NONE', access: 'read' },
  { routeKey: 'GET /services/{serviceId}/availability', functionId: 'GetServiceAvailabilityFunction', auth: 'NONE', access: 'read' },
  { routeKey: 'GET /services/{serviceId}/seatmap', functionId: 'GetSeatmapFunction', auth: 'NONE', access: 'read' },
  { routeKey: 'POST /inventory/holds', functionId: 'CreateHoldFunction', auth: 'AWS_IAM', access: 'readWrite' },
  { routeKey: 'POST /inventory/holds/{holdId}/confirm', functionId: 'ConfirmHoldFunction', auth: 'AWS_IAM', access: 'readWrite' },
  { routeKey: 'DELETE /inventory/holds/{holdId}', functionId: 'ReleaseHoldFunction', auth: 'AWS_IAM', access: 'readWrite' },
  { routeKey: 'GET /inventory/availability', functionId: 'GetInventoryAvailabilityFunction', auth: 'AWS_IAM', access: 'read' },
  { routeKey: 'POST /orders', functionId: 'CreateOrderFunction', auth: 'JWT', access: 'orders:readWrite' },
  { routeKey: 'GET /orders', functionId: 'ListOrdersFunction', auth: 'JWT', access: 'orderViews:list' },
  { routeKey: 'GET /orders/{orderId}', functionId: 'GetOrderFunction', auth: 'JWT', access: 'orderViews:get' },
  { routeKey: 'POST /orders/{orderId}/cancel', functionId: 'CancelOrderFunction', auth: 'JWT', access: 'orders:readWrite' },
  { routeKey: 'POST /orders/{orderId}/refund', functionId: 'RefundOrderFunction', auth: 'JWT', access: 'orders:readWrite' },
  { routeKey: 'POST /orders/{orderId}/change', functionId: 'ChangeOrderFunction', auth: 'JWT', access: 'orders:readWrite' },
  { routeKey: 'POST /payments/callback', functionId: 'PaymentCallbackFunction', auth: 'NONE', access: 'payments' },
];
/** Functions without a route: the order relay, the expiry sweeper, the ticket dispatcher, issuer and reconciler, the order projector, the occupancy projector. */
const BACKGROUND_FUNCTIONS = 10;

const TABLE = 'SeatLedgerTable';
const LEDGER_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'];
const LEDGER_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];
const READINESS_ACTIONS = ['dynamodb:DescribeTable', 'kinesis:DescribeStreamSummary', 'sqs:GetQueueAttributes'];
const TRACING_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
const SHARED_ENVIRONMENT = {
  NODE_OPTIONS: '--enable-source-maps',
  POWERTOOLS_SERVICE_NAME: 'ticketing',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_NAMESPACE: 'Ticketing',
};

interface Statement {
  Action: string | string[];
  Effect: string;
  Resource: unknown;
}

function synthesize(context: Record<string, unknown> = {}): { stack: TicketingStack; template: Template } {
  const { stack } = createTicketingApp({ bundle: false, validate: false, context });
  return { stack, template: Template.fromStack(stack) };
}

function logicalIdOf(stack: TicketingStack, element: unknown): string {
  return stack.getLogicalId(element as CfnElement);
}

describe('Stack: TicketingStack', () => {
  let stack: TicketingStack;
  let template: Template;
  let resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;

  beforeAll(() => {
    ({ stack, template } = synthesize());
    resources = template.toJSON().Resources;
  });

  function functionLogicalId(functionId: string): string {
    const fn = stack.httpApi.functions.get(functionId);
    if (!fn) throw new Error(`no function ${functionId}`);
    return logicalIdOf(stack, fn.node.defaultChild);
  }

  /** The parsed filter patterns of each event source mapping of the function (undefined for a mapping without FilterCriteria). */
  function filtersOf(functionLogicalId: string): (unknown[] | undefined)[] {
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && (r.Properties.FunctionName as { Ref?: string }).Ref === functionLogicalId)
      .map((r) => (r.Properties.FilterCriteria as { Filters: { Pattern: string }[] } | undefined)?.Filters.map((f) => JSON.parse(f.Pattern)));
  }

  function streamLogicalId(): string {
    return logicalIdOf(stack, stack.messaging.orderEvents.node.defaultChild);
  }

  function secretLogicalId(): string {
    return logicalIdOf(stack, stack.paymentWebhookSecret.createdSecret?.node.defaultChild);
  }

  function atRestKeyLogicalId(): string {
    return logicalIdOf(stack, stack.dataKeys.atRest.node.defaultChild);
  }

  function queueLogicalId(which: 'ticketOutbox' | 'ticketOutboxDeadLetters'): string {
    return logicalIdOf(stack, stack.messaging[which].node.defaultChild);
  }

  /** Every statement of every policy attached to the function's execution role. */
  function statementsOf(functionId: string): Statement[] {
    const fn = stack.httpApi.functions.get(functionId);
    if (!fn?.role) throw new Error(`no role for ${functionId}`);
    const roleId = logicalIdOf(stack, fn.role.node.defaultChild);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })),
    );
    return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  }

  function actionsOf(functionId: string): string[] {
    return statementsOf(functionId).flatMap((statement) => [statement.Action].flat());
  }

  describe('Construct: SeatLedger', () => {
    it('keys the ledger table by pk and sk as strings, billed per request, under a fixed logical id', () => {
      expect(resources[TABLE]?.Type).toBe('AWS::DynamoDB::Table');
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ]),
      });
    });

    it('indexes services by date in the byDate index, projecting every attribute', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ]),
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byDate',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      });
    });

    it('keeps point-in-time recovery on, retains the table and protects it from deletion', () => {
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      });
    });

    it('leaves the table name to CloudFormation', () => {
      expect(resources[TABLE]?.Properties).not.toHaveProperty('TableName');
    });

    it('lets an ephemeral stage delete the table and the user pool with the stack', () => {
      const ephemeral = synthesize({ ephemeral: 'true' }).template;

      ephemeral.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
      });
      ephemeral.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Delete' });
    });
  });

  describe('Construct: Messaging', () => {
    it("creates the order-events stream on demand, encrypted with the stack's customer-managed key", () => {
      template.hasResourceProperties('AWS::Kinesis::Stream', {
        Name: 'order-events',
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [atRestKeyLogicalId(), 'Arn'] } },
      });
      expect(resources[streamLogicalId()]?.Properties).not.toHaveProperty('ShardCount');
    });

    it('redrives a ticket job to ticket-outbox-dlq after five receives', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: 'ticket-outbox',
        KmsMasterKeyId: { 'Fn::GetAtt': [atRestKeyLogicalId(), 'Arn'] },
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [queueLogicalId('ticketOutboxDeadLetters'), 'Arn'] },
          maxReceiveCount: 5,
        },
      });
    });

    it("keeps dead letters for 14 days, encrypted with the stack's customer-managed key", () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: 'ticket-outbox-dlq',
        MessageRetentionPeriod: 14 * 24 * 3600,
        KmsMasterKeyId: { 'Fn::GetAtt': [atRestKeyLogicalId(), 'Arn'] },
      });
    });

    it('refuses requests without TLS on both queues', () => {
      for (const queue of [queueLogicalId('ticketOutbox'), queueLogicalId('ticketOutboxDeadLetters')]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: queue }],
          PolicyDocument: Match.objectLike({
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          }),
        });
      }
    });

    it('prefixes the stream and queue names with the namePrefix context', () => {
      const prefixed = synthesize({ namePrefix: 'pr7-' }).template;

      prefixed.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'pr7-order-events' });
      prefixed.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'pr7-ticket-outbox' });
      prefixed.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'pr7-ticket-outbox-dlq' });
    });
  });

  describe('Construct: TicketingHttpApi', () => {
    it('serves exactly the routes of the contract', () => {
      const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties.RouteKey);

      expect(routeKeys.sort()).toEqual(EXPECTED_ROUTES.map((route) => route.routeKey).sort());
    });

    it.each(EXPECTED_ROUTES)('serves $routeKey with $functionId under $auth authorization', ({ routeKey, functionId, auth }) => {
      const [route] = Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }));
      const integrationId = (route?.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1].Ref;

      expect(route?.Properties.AuthorizationType).toBe(auth);
      expect(resources[integrationId]?.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [functionLogicalId(functionId), 'Arn'] },
      });
    });

    it('checks user tokens with a JWT authorizer trusting the Cognito user pool and its client', () => {
      const userPool = logicalIdOf(stack, stack.identity.userPool.node.defaultChild);
      const client = logicalIdOf(stack, stack.identity.userPoolClient.node.defaultChild);

      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Audience: [{ Ref: client }],
          Issuer: { 'Fn::Join': ['', Match.arrayWith([{ Ref: userPool }])] },
        },
      });
    });

    it('throttles the default stage and writes its access log to a log group', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiAccessLogs'), 'Arn'] },
          Format: Match.stringLikeRegexp('\\$context\\.requestId'),
        },
      });
    });

    it('names the API after the stage', () => {
      const prod = synthesize({ stage: 'prod' });

      expect(prod.stack.stackName).toBe('Ticketing-prod');
      prod.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'ticketing-prod', ProtocolType: 'HTTP' });
    });
  });

  describe('Construct: Identity', () => {
    it('asks for 12-character passwords with every character class, offers TOTP MFA and sends no SMS', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'ESSENTIALS',
        DeletionProtection: 'ACTIVE',
      });
      expect(JSON.stringify(template.findResources('AWS::Cognito::UserPool'))).not.toMatch(/SmsConfiguration|SMS_MFA/);
    });

    it('verifies email on self sign-up and lets the web client sign in with SRP only, without a client secret', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', { AutoVerifiedAttributes: ['email'], AdminCreateUserConfig: { AllowAdminCreateUserOnly: false } });
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        GenerateSecret: false,
        PreventUserExistenceErrors: 'ENABLED',
      });
    });

    it('has an admin group in the user pool', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
        GroupName: 'admin',
        UserPoolId: { Ref: logicalIdOf(stack, stack.identity.userPool.node.defaultChild) },
      });
    });
  });

  describe('Construct: TicketingFunction', () => {
    it('runs every function on Node.js 22, arm64, with active tracing and source maps; API functions within 10 s', () => {
      // Ours: not the handler CDK adds to copy the web console into its bucket (console-site.test.ts).
      const functions = Object.entries(template.findResources('AWS::Lambda::Function'))
        .filter(([logicalId]) => !logicalId.startsWith('CustomCDKBucketDeployment'))
        .map(([, fn]) => fn);

      expect(functions).toHaveLength(EXPECTED_ROUTES.length + BACKGROUND_FUNCTIONS);
      for (const fn of functions) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          Environment: { Variables: expect.objectContaining(SHARED_ENVIRONMENT) },
        });
        expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(256);
        expect(fn.Properties.MemorySize).toBeLessThanOrEqual(512);
      }
    });

    it('logs every function to its own log group with a retention', () => {
      const logGroups = template.findResources('AWS::Logs::LogGroup');

      for (const { functionId } of EXPECTED_ROUTES) {
        const fn = resources[functionLogicalId(functionId)];
        const logGroupId = (fn?.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
        expect(logGroups[logGroupId]?.Properties.RetentionInDays).toBeGreaterThan(0);
      }
      expect(template.findResources('Custom::LogRetention')).toEqual({});
    });

    it.each(EXPECTED_ROUTES)('answers $routeKey within 10 s', ({ functionId }) => {
      expect(resources[functionLogicalId(functionId)]?.Properties.Timeout).toBe(10);
    });

    it.each(EXPECTED_ROUTES)('gives $functionId only the resource names it needs', ({ functionId, access }) => {
      const expected: Record<string, unknown> = { ...SHARED_ENVIRONMENT };
      const viewsOnly = access === 'orderViews:get' || access === 'orderViews:list';
      if (access !== 'none' && !viewsOnly) expected.LEDGER_TABLE_NAME = { Ref: TABLE };
      if (viewsOnly) expected.ORDER_VIEW_TABLE_NAME = { Ref: 'OrderViewTable' };
      // Whoever picks or counts seats reads them from the occupancy snapshot.
      if (['read', 'readWrite', 'orders:readWrite', 'payments'].includes(access)) expected.OCCUPANCY_TABLE_NAME = { Ref: 'OccupancyTable' };
      if (access === 'orders:readWrite' || access === 'payments') expected.ORDERS_TABLE_NAME = { Ref: 'OrdersTable' };
      if (access === 'orders:readWrite' || access === 'payments') expected.HOLD_TTL_SECONDS = '1800';
      if (access === 'orders:readWrite' || access === 'payments') Object.assign(expected, { MAX_UNPAID_ORDERS: '2', MAX_CANCELLATIONS_PER_DAY: '3' });
      if (access === 'orders:readWrite' || access === 'payments') {
        expected.PASSENGER_ID_HASH_KEY_ARN = { Ref: logicalIdOf(stack, stack.dataKeys.passengerIdHashKey.node.defaultChild) };
        expected.PASSENGER_DATA_KMS_KEY_ARN = { 'Fn::GetAtt': [logicalIdOf(stack, stack.dataKeys.passengerIds.node.defaultChild), 'Arn'] };
      }
      if (access === 'payments') expected.PAYMENT_WEBHOOK_SECRET_ARN = { Ref: secretLogicalId() };
      if (access === 'readiness') {
        expected.ORDER_EVENTS_STREAM_NAME = { Ref: streamLogicalId() };
        expected.TICKET_OUTBOX_QUEUE_URL = { Ref: queueLogicalId('ticketOutbox') };
      }

      expect(resources[functionLogicalId(functionId)]?.Properties.Environment).toEqual({ Variables: expected });
    });

    it("grants no wildcard action to any function, but CDK's KMS grant actions on the stack's own keys", () => {
      const keys = [stack.dataKeys.atRest, stack.dataKeys.passengerIds].map((key) => JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(stack, key.node.defaultChild), 'Arn'] }));
      for (const { functionId } of EXPECTED_ROUTES) {
        for (const statement of statementsOf(functionId)) {
          const wildcards = [statement.Action].flat().filter((action) => action.includes('*'));
          if (wildcards.length === 0) continue;
          expect(wildcards.every((action) => action === 'kms:ReEncrypt*' || action === 'kms:GenerateDataKey*')).toBe(true);
          expect([statement.Resource].flat().every((resource) => keys.includes(JSON.stringify(resource)))).toBe(true);
        }
      }
    });

    it('gives the readiness probe only its three describe actions, each on its own resource', () => {
      const statements = statementsOf('ReadyzFunction').filter((statement) => !TRACING_ACTIONS.includes([statement.Action].flat()[0] ?? ''));

      expect(actionsOf('ReadyzFunction').filter((action) => !TRACING_ACTIONS.includes(action)).sort()).toEqual([...READINESS_ACTIONS].sort());
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Action: 'dynamodb:DescribeTable', Resource: { 'Fn::GetAtt': [TABLE, 'Arn'] } }),
          expect.objectContaining({ Action: 'kinesis:DescribeStreamSummary', Resource: { 'Fn::GetAtt': [streamLogicalId(), 'Arn'] } }),
          expect.objectContaining({ Action: 'sqs:GetQueueAttributes', Resource: { 'Fn::GetAtt': [queueLogicalId('ticketOutbox'), 'Arn'] } }),
        ]),
      );
    });

    it('gives the liveness probe nothing but tracing', () => {
      expect(actionsOf('HealthzFunction').sort()).toEqual([...TRACING_ACTIONS].sort());
    });

    it.each(EXPECTED_ROUTES.filter((route) => route.access === 'read'))(
      'lets $functionId read services and seats of the ledger, query its byDate index and the occupancy snapshot, never holds, claims or a write',
      ({ functionId }) => {
        const dynamo = statementsOf(functionId).filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')));

        expect(dynamo).toEqual([
          { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], Resource: { 'Fn::GetAtt': [TABLE, 'Arn'] }, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SVC#*'] } } },
          { Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [TABLE, 'Arn'] }, '/index/byDate']] } },
          { Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::GetAtt': ['OccupancyTable', 'Arn'] }, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['OCC#*'] } } },
        ]);
      },
    );

    it('keeps the public ledger reads to the key prefixes the ledger gives services and seats, and away from holds and claims', () => {
      expect(ledgerKeys.service('G1_2026-12-01').pk).toMatch(/^SVC#/);
      expect(ledgerKeys.seat('G1_2026-12-01', '01', '1A').pk).toMatch(/^SVC#/);
      expect(ledgerKeys.hold('h-1').pk).not.toMatch(/^SVC#/);
      expect(ledgerKeys.passengerClaim('G1_2026-12-01', '110101199003070011').pk).not.toMatch(/^SVC#/);
    });

    it.each(EXPECTED_ROUTES.filter((route) => route.access === 'readWrite'))('lets $functionId read and write ledger items', ({ functionId }) => {
      expect(actionsOf(functionId)).toEqual(expect.arrayContaining([...LEDGER_READ_ACTIONS, ...LEDGER_WRITE_ACTIONS]));
    });

    it('lets the publisher put and get service definitions of the ledger, and nothing else', () => {
      const dynamo = statementsOf('PublishServiceFunction').filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')));

      expect(dynamo).toEqual([
        { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:GetItem'], Resource: { 'Fn::GetAtt': [TABLE, 'Arn'] }, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SVC#*'] } } },
      ]);
    });

    it('lets only the occupancy projector write the occupancy snapshot', () => {
      const policies = Object.values(template.findResources('AWS::IAM::Policy'));
      const writers = policies
        .filter((policy) => (policy.Properties.PolicyDocument.Statement as Statement[]).some((st) => JSON.stringify(st.Resource).includes('OccupancyTable') && [st.Action].flat().some((a) => /Put|Update|Delete|BatchWrite/.test(a))))
        .map((policy) => JSON.stringify(policy.Properties.Roles));

      expect(writers).toEqual([expect.stringContaining('RefreshOccupancyFunction')]);
    });

    it('grants BatchWriteItem to no function, and Scan only to the stations list, on the byDate index', () => {
      const policies = Object.values(template.findResources('AWS::IAM::Policy'));
      const granting = (action: string) =>
        policies.filter((policy) => (policy.Properties.PolicyDocument.Statement as Statement[]).some((st) => [st.Action].flat().includes(action))).map((policy) => JSON.stringify(policy.Properties.Roles));

      expect(granting('dynamodb:BatchWriteItem')).toEqual([]);
      expect(granting('dynamodb:Scan')).toEqual([expect.stringContaining('ListStationsFunction')]);
    });

    it.each(EXPECTED_ROUTES.filter((route) => route.access === 'orders:readWrite' || route.access === 'payments'))(
      'lets $functionId write the orders and the ledger tables, which change in one transaction',
      ({ functionId }) => {
        const writes = statementsOf(functionId).filter((st) => [st.Action].flat().includes('dynamodb:PutItem'));
        const tables = writes.flatMap((st) => [st.Resource].flat()).map((r) => JSON.stringify(r));

        expect(tables).toEqual(expect.arrayContaining([JSON.stringify({ 'Fn::GetAtt': ['OrdersTable', 'Arn'] }), JSON.stringify({ 'Fn::GetAtt': [TABLE, 'Arn'] })]));
      },
    );

    it('lets GET /orders/{orderId} get view items only, and GET /orders query the byUser index only', () => {
      const dynamo = (functionId: string) => statementsOf(functionId).filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')));

      expect(dynamo('GetOrderFunction')).toEqual([
        { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': ['OrderViewTable', 'Arn'] }, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['VIEW#*'] } } },
      ]);
      expect(dynamo('ListOrdersFunction')).toEqual([{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['OrderViewTable', 'Arn'] }, '/index/byUser']] } }]);
      expect(orderViewKeys.view('o-1').pk).toMatch(/^VIEW#/);
    });

    it('names every index it grants on: no table grant spans all of a table\'s indexes', () => {
      expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('/index/*');
    });
  });

  describe('Construct: OrdersTable', () => {
    it('streams new and old images of every order change, keeps PITR and indexes orders by deadline, paid orders by payment and waiting orders per service and class', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'overdue' }), Match.objectLike({ IndexName: 'paid' }), Match.objectLike({ IndexName: 'waiting' })],
      });
      expect(resources.OrdersTable?.Type).toBe('AWS::DynamoDB::Table');
    });
  });

  describe('Construct: WaitlistWorkers', () => {
    const idOf = (construct: { node: { defaultChild?: unknown } }) => logicalIdOf(stack, construct.node.defaultChild);

    it('feeds the fulfiller from order-events, retrying from the failed record and parking poison in its own DLQ', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [streamLogicalId(), 'Arn'] },
        FunctionName: { Ref: idOf(stack.waitlistWorkers.fulfiller) },
        StartingPosition: 'TRIM_HORIZON',
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf(stack.waitlistWorkers.fulfillerDeadLetters), 'Arn'] } } },
      });
    });

    it('delivers the fulfiller only the events that may free seats for the waitlist (a filter on the event type), not the sale\'s', () => {
      const [filters] = filtersOf(idOf(stack.waitlistWorkers.fulfiller));

      expect(filters).toEqual([{ data: { type: [...WAITLIST_PROMPTS] } }]);
      expect(WAITLIST_PROMPTS).not.toContain('OrderReserved');
      expect(WAITLIST_PROMPTS).not.toContain('OrderPaid');
      expect(WAITLIST_PROMPTS).not.toContain('OrderTicketed');
    });

    it('lets the fulfiller query the waiting index of the orders table', () => {
      const roleId = logicalIdOf(stack, stack.waitlistWorkers.fulfiller.role?.node.defaultChild);
      const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId));

      expect(JSON.stringify(policies)).toContain('/index/waiting');
    });
  });

  describe('Construct: TicketWorkers', () => {
    const idOf = (construct: { node: { defaultChild?: unknown } }) => logicalIdOf(stack, construct.node.defaultChild);

    it('feeds the dispatcher and the projector from order-events, each retrying from the failed record and parking poison in its own DLQ', () => {
      for (const [fn, dlq] of [
        [stack.ticketWorkers.dispatcher, stack.ticketWorkers.dispatcherDeadLetters],
        [stack.ticketWorkers.projector, stack.ticketWorkers.projectorDeadLetters],
      ] as const) {
        template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: { 'Fn::GetAtt': [streamLogicalId(), 'Arn'] },
          FunctionName: { Ref: idOf(fn) },
          StartingPosition: 'TRIM_HORIZON',
          ParallelizationFactor: 1,
          BisectBatchOnFunctionError: true,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          MaximumRetryAttempts: Match.anyValue(),
          MaximumRecordAgeInSeconds: Match.anyValue(),
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf(dlq), 'Arn'] } } },
        });
      }
    });

    it('delivers the dispatcher OrderPaid only, and every event to the projector and the refund dispatcher', () => {
      expect(filtersOf(idOf(stack.ticketWorkers.dispatcher))).toEqual([[{ data: { type: ['OrderPaid'] } }]]);
      expect(filtersOf(idOf(stack.ticketWorkers.projector))).toEqual([undefined]);
      expect(filtersOf(idOf(stack.refundWorkers.dispatcher))).toEqual([undefined]);
    });

    it('feeds the issuer from ticket-outbox with partial batch responses and bounded concurrency', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueLogicalId('ticketOutbox'), 'Arn'] },
        FunctionName: { Ref: idOf(stack.ticketWorkers.issuer) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 5 },
      });
    });

    it('keeps a ticket job invisible for six times the issuer timeout', () => {
      const issuerTimeout = resources[idOf(stack.ticketWorkers.issuer)]?.Properties.Timeout as number;

      expect(resources[queueLogicalId('ticketOutbox')]?.Properties.VisibilityTimeout).toBe(issuerTimeout * 6);
    });

    it('lets the issuer only get and put orders (and free a changed ticket\'s seat and claim), and the projector only put views', () => {
      const dynamo = (fn: { role?: { node: { defaultChild?: unknown } } }) => {
        const roleId = logicalIdOf(stack, fn.role?.node.defaultChild);
        return Object.values(template.findResources('AWS::IAM::Policy'))
          .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
          .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
          .flatMap((st) => [st.Action].flat())
          .filter((a) => a.startsWith('dynamodb:'))
          .sort();
      };

      expect(dynamo(stack.ticketWorkers.issuer)).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
      expect(dynamo(stack.ticketWorkers.projector)).toEqual(['dynamodb:PutItem']);
    });

    it('keeps the issuer to order items (and seat and claim items, to free them) and the projector to view items', () => {
      const conditionsOf = (fn: { role?: { node: { defaultChild?: unknown } } }) => {
        const roleId = logicalIdOf(stack, fn.role?.node.defaultChild);
        return Object.values(template.findResources('AWS::IAM::Policy'))
          .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
          .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<Statement & { Condition?: unknown }>)
          .filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')) && !JSON.stringify(st.Resource).includes('StreamArn'))
          .map((st) => st.Condition);
      };

      expect(conditionsOf(stack.ticketWorkers.issuer)).toEqual([
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ORDER#*'] } },
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SVC#*'] } },
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CLAIM#*'] } },
      ]);
      expect(conditionsOf(stack.ticketWorkers.projector)).toEqual([{ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['VIEW#*'] } }]);
      expect(orderKeys.order('o-1').pk).toMatch(/^ORDER#/);
      expect(orderKeys.idempotency('u', 'k').pk).not.toMatch(/^ORDER#/);
    });
  });

  describe('Construct: OrderWorkers', () => {
    const relayId = () => logicalIdOf(stack, stack.orderWorkers.relay.node.defaultChild);
    const relayRoleStatements = () => {
      const roleId = logicalIdOf(stack, stack.orderWorkers.relay.role?.node.defaultChild);
      return Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
    };

    it('feeds the relay from the orders stream, in order, with partial failures, bisection, bounded retries and a DLQ', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] },
        FunctionName: { Ref: relayId() },
        StartingPosition: 'TRIM_HORIZON',
        ParallelizationFactor: 1,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: Match.anyValue(),
        MaximumRecordAgeInSeconds: Match.anyValue(),
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(stack, stack.orderWorkers.relayDeadLetters.node.defaultChild), 'Arn'] } } },
      });
    });

    it('lets the relay put records on order-events and nothing else on Kinesis', () => {
      const kinesis = relayRoleStatements()
        .flatMap((st) => [st.Action].flat())
        .filter((a) => a.startsWith('kinesis:'));

      expect(kinesis).toEqual(expect.arrayContaining(['kinesis:PutRecords', 'kinesis:PutRecord']));
      expect(kinesis.every((a) => !a.includes('*'))).toBe(true);
      expect(resources[relayId()]?.Properties.Environment).toEqual({ Variables: expect.objectContaining({ ORDER_EVENTS_STREAM_NAME: { Ref: streamLogicalId() } }) });
    });

    it('sweeps overdue orders every minute', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(stack, stack.orderWorkers.sweeper.node.defaultChild), 'Arn'] } })],
      });
    });

  });

  describe('Concurrency', () => {
    const reservations = (synthesized: { template: Template }) =>
      Object.entries(synthesized.template.findResources('AWS::Lambda::Function'))
        .filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined)
        .map(([id, fn]) => [id.replace(/[0-9A-F]{8}$/, ''), fn.Properties.ReservedConcurrentExecutions]);

    it('reserves nothing in dev, whose account may have no concurrency to spare', () => {
      expect(reservations({ template })).toEqual([]);
    });

    it('reserves room for payment callbacks and one sweeper at a time outside dev', () => {
      expect(reservations(synthesize({ stage: 'prod' })).sort()).toEqual([
        ['ApiCreateOrderFunction', 150],
        ['ApiPaymentCallbackFunction', 100],
        ['OrderWorkersExpireOrdersFunction', 1],
      ]);
    });

    it('reserves as the reserveConcurrency context says, whatever the stage', () => {
      expect(reservations(synthesize({ stage: 'prod', reserveConcurrency: 'false' }))).toEqual([]);
      expect(reservations(synthesize({ reserveConcurrency: true }))).toHaveLength(3);
    });

    it('bounds every request-driven function by the stage throttle', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 } });
    });
  });

  describe('Construct: PaymentWebhookSecret', () => {
    const EXISTING_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:payments/webhook-AbCdEf';

    it('keeps the signing secret in Secrets Manager with a generated value, retained with the data', () => {
      template.hasResource('AWS::SecretsManager::Secret', {
        Properties: { GenerateSecretString: Match.objectLike({ PasswordLength: 48, ExcludePunctuation: true }) },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      expect(Object.keys(template.findResources('AWS::SecretsManager::Secret'))).toEqual([logicalIdOf(stack, stack.dataKeys.passengerIdHashKey.node.defaultChild), secretLogicalId()]);
    });

    it('puts no secret value in the template: the callback function gets the ARN', () => {
      const variables = Object.values(template.findResources('AWS::Lambda::Function')).flatMap((fn) => Object.keys((fn.Properties.Environment as { Variables?: object } | undefined)?.Variables ?? {}));

      expect(variables).not.toContain('PAYMENT_WEBHOOK_SECRET');
      expect(variables.filter((name) => name === 'PAYMENT_WEBHOOK_SECRET_ARN')).toHaveLength(1);
      expect(JSON.stringify(template.toJSON())).not.toMatch(/dev-only-payment-webhook-secret/);
    });

    it('lets only the payment callback read the secret, and only that secret', () => {
      const secretStatements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
        (policy.Properties.PolicyDocument.Statement as Statement[]).filter(
          (st) => [st.Action].flat().some((action) => action.startsWith('secretsmanager:')) && JSON.stringify(st.Resource) === JSON.stringify({ Ref: secretLogicalId() }),
        ),
      );

      expect(secretStatements).toEqual([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: secretLogicalId() } }]);
      expect(statementsOf('PaymentCallbackFunction')).toContainEqual(secretStatements[0]);
    });

    it('deletes the secret with an ephemeral stack', () => {
      const dev = synthesize({ ephemeral: true });

      dev.template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    });

    it('uses a secret the operator already keeps when given its ARN, and creates none', () => {
      const given = synthesize({ stage: 'prod', paymentWebhookSecretArn: EXISTING_ARN });
      const callback = given.stack.httpApi.functions.get('PaymentCallbackFunction');
      const callbackProperties = given.template.toJSON().Resources[logicalIdOf(given.stack, callback?.node.defaultChild)].Properties;

      expect(Object.keys(given.template.findResources('AWS::SecretsManager::Secret'))).toEqual([logicalIdOf(given.stack, given.stack.dataKeys.passengerIdHashKey.node.defaultChild)]);
      expect(callbackProperties.Environment.Variables.PAYMENT_WEBHOOK_SECRET_ARN).toBe(EXISTING_ARN);
      given.template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: EXISTING_ARN }]) },
      });
    });
  });

  describe('Outputs', () => {
    it('exports the API URL, the user pool id, the user pool client id and the payment secret ARN', () => {
      template.hasOutput('ApiUrl', { Value: Match.anyValue() });
      template.hasOutput('PaymentWebhookSecretArn', { Value: { Ref: secretLogicalId() } });
      template.hasOutput('UserPoolId', { Value: { Ref: logicalIdOf(stack, stack.identity.userPool.node.defaultChild) } });
      template.hasOutput('UserPoolClientId', { Value: { Ref: logicalIdOf(stack, stack.identity.userPoolClient.node.defaultChild) } });
    });
  });

  describe('Synthesis', () => {
    it('passes the CloudFormation resource schema validation', () => {
      const { app } = createTicketingApp({ bundle: false });

      expect(() => app.synth()).not.toThrow();
    });
  });
});
