import { isAbsolute, join } from 'node:path';
import { readTopology, synthesizeApp, TopologyError, type CloudFormationTemplate, type LocalTopology, type SynthesizedApp } from '../../../infra/local/topology';

const ASSEMBLY_DIR = '/tmp/assembly';

/** Every table of the app is keyed by `pk` and `sk`, both strings. */
const PK_SK_KEY_SCHEMA = [
  { attributeName: 'pk', keyType: 'HASH' },
  { attributeName: 'sk', keyType: 'RANGE' },
];
const PK_SK_ATTRIBUTES = [
  { attributeName: 'pk', attributeType: 'S' },
  { attributeName: 'sk', attributeType: 'S' },
];

function templateWith(resources: CloudFormationTemplate['Resources']): SynthesizedApp {
  return { template: { Resources: resources }, assemblyDir: ASSEMBLY_DIR };
}

function lambda(metadata: Record<string, unknown> = { 'aws:asset:path': 'asset.abc' }, properties: Record<string, unknown> = {}) {
  return { Type: 'AWS::Lambda::Function', Metadata: metadata, Properties: { Handler: 'index.handler', ...properties } };
}

function routeTo(integration: string, properties: Record<string, unknown>) {
  return {
    Type: 'AWS::ApiGatewayV2::Route',
    Properties: { Target: { 'Fn::Join': ['', ['integrations/', { Ref: integration }]] }, ...properties },
  };
}

const integrationOf = (fn: string) => ({
  Type: 'AWS::ApiGatewayV2::Integration',
  Properties: { IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': [fn, 'Arn'] } },
});

describe('Function: readTopology', () => {
  describe('on the synthesized ticketing app', () => {
    let topology: LocalTopology;

    beforeAll(() => {
      topology = readTopology(synthesizeApp({ bundle: false }));
    });

    it('finds the orders table with its stream of new and old images', () => {
      expect(topology.tables.find((t) => t.logicalId === 'OrdersTable')).toMatchObject({
        tableName: 'OrdersTable',
        streamViewType: 'NEW_AND_OLD_IMAGES',
        globalSecondaryIndexes: [expect.objectContaining({ indexName: 'overdue' }), expect.objectContaining({ indexName: 'paid' }), expect.objectContaining({ indexName: 'waiting' })],
      });
    });

    it('finds the seat ledger under its logical id, with its keys, the byDate index and a stream of keys only', () => {
      expect(topology.tables.filter((t) => t.logicalId === 'SeatLedgerTable')).toEqual([
        {
          logicalId: 'SeatLedgerTable',
          tableName: 'SeatLedgerTable',
          keySchema: PK_SK_KEY_SCHEMA,
          attributeDefinitions: [
            ...PK_SK_ATTRIBUTES,
            { attributeName: 'gsi1pk', attributeType: 'S' },
            { attributeName: 'gsi1sk', attributeType: 'S' },
          ],
          globalSecondaryIndexes: [
            {
              indexName: 'byDate',
              keySchema: [
                { attributeName: 'gsi1pk', keyType: 'HASH' },
                { attributeName: 'gsi1sk', keyType: 'RANGE' },
              ],
              projection: { projectionType: 'ALL' },
            },
          ],
          localSecondaryIndexes: [],
          streamViewType: 'KEYS_ONLY',
          timeToLiveAttribute: 'ttl',
        },
      ]);
    });

    it('finds the occupancy table under its logical id: one item per coach, keyed pk/sk, no index and no stream', () => {
      expect(topology.tables.filter((t) => t.logicalId === 'OccupancyTable')).toEqual([
        {
          logicalId: 'OccupancyTable',
          tableName: 'OccupancyTable',
          keySchema: PK_SK_KEY_SCHEMA,
          attributeDefinitions: PK_SK_ATTRIBUTES,
          globalSecondaryIndexes: [],
          localSecondaryIndexes: [],
          streamViewType: undefined,
          timeToLiveAttribute: 'ttl',
        },
      ]);
    });

    it('finds the on-demand order-events stream and gives it one shard', () => {
      expect(topology.streams).toEqual([{ logicalId: expect.stringMatching(/^MessagingOrderEvents/), name: 'order-events', shardCount: 1 }]);
    });

    it('finds the ticket outbox redriving to its dead-letter queue after five receives', () => {
      const dlq = topology.queues.find((queue) => queue.name === 'ticket-outbox-dlq');
      const outbox = topology.queues.find((queue) => queue.name === 'ticket-outbox');

      expect(topology.queues.filter((queue) => queue.name.startsWith('ticket-outbox'))).toHaveLength(2);
      expect(dlq).toMatchObject({ fifo: false, visibilityTimeout: 30, messageRetentionPeriod: 14 * 24 * 3600 });
      expect(dlq?.redrive).toBeUndefined();
      expect(outbox).toMatchObject({ fifo: false, redrive: { deadLetterQueueLogicalId: dlq?.logicalId, maxReceiveCount: 5 } });
    });

    it.each([
      ['GET', '/healthz', 'HealthzFunction', 'NONE'],
      ['GET', '/readyz', 'ReadyzFunction', 'NONE'],
      ['POST', '/admin/services', 'PublishServiceFunction', 'JWT'],
      ['GET', '/services', 'SearchServicesFunction', 'NONE'],
      ['GET', '/services/{serviceId}/availability', 'GetServiceAvailabilityFunction', 'NONE'],
      ['GET', '/services/{serviceId}/seatmap', 'GetSeatmapFunction', 'NONE'],
      ['POST', '/inventory/holds', 'CreateHoldFunction', 'AWS_IAM'],
      ['POST', '/inventory/holds/{holdId}/confirm', 'ConfirmHoldFunction', 'AWS_IAM'],
      ['DELETE', '/inventory/holds/{holdId}', 'ReleaseHoldFunction', 'AWS_IAM'],
      ['GET', '/inventory/availability', 'GetInventoryAvailabilityFunction', 'AWS_IAM'],
    ])('routes %s %s to %s with %s authorization', (method, path, functionId, authorization) => {
      const route = topology.routes.find((candidate) => candidate.method === method && candidate.path === path);

      expect(route).toEqual({ method, path, authorization, functionLogicalId: expect.stringMatching(new RegExp(`^Api${functionId}[0-9A-F]{8}$`)) });
      expect(topology.functions.map((fn) => fn.logicalId)).toContain(route?.functionLogicalId);
    });

    it("finds the relay's mapping on the orders stream, with its partial-failure, bisect, retry and on-failure settings", () => {
      const relay = topology.eventSourceMappings.find((mapping) => mapping.kind === 'dynamodb' && mapping.sourceLogicalId === 'OrdersTable');

      expect(relay).toMatchObject({
        kind: 'dynamodb',
        sourceLogicalId: 'OrdersTable',
        eventSourceArn: { 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] },
        startingPosition: 'TRIM_HORIZON',
        reportBatchItemFailures: true,
        bisectBatchOnFunctionError: true,
        enabled: true,
        onFailure: { queueLogicalId: expect.any(String) },
      });
      expect(topology.functions.map((fn) => fn.logicalId)).toContain(relay?.functionLogicalId);
      expect(topology.queues.map((queue) => queue.logicalId)).toContain(relay?.kind === 'dynamodb' ? relay.onFailure?.queueLogicalId : undefined);
    });

    it("finds the occupancy projector's mapping on the seat ledger's stream: partial failures, no bisect, no on-failure queue, records over an hour old skipped", () => {
      const projector = topology.eventSourceMappings.filter((mapping) => mapping.kind === 'dynamodb' && mapping.sourceLogicalId === 'SeatLedgerTable');

      expect(projector).toEqual([
        expect.objectContaining({
          eventSourceArn: { 'Fn::GetAtt': ['SeatLedgerTable', 'StreamArn'] },
          functionLogicalId: expect.stringMatching(/^OccupancyWorkersRefreshOccupancyFunction/),
          startingPosition: 'TRIM_HORIZON',
          batchSize: 100,
          reportBatchItemFailures: true,
          bisectBatchOnFunctionError: false,
          maximumRetryAttempts: 20,
          maximumRecordAgeInSeconds: 3600,
          parallelizationFactor: 1,
          enabled: true,
        }),
      ]);
      expect(projector[0]?.kind === 'dynamodb' ? projector[0].onFailure : 'not a stream mapping').toBeUndefined();
      expect(topology.functions.map((fn) => fn.logicalId)).toContain(projector[0]?.functionLogicalId);
    });

    it("finds the expiry sweeper's one-minute schedule and the ticket reconciler's five-minute one, each targeting a function of the template", () => {
      expect(topology.schedules).toEqual([
        expect.objectContaining({ expression: 'rate(1 minute)', schedule: { kind: 'rate', seconds: 60 }, enabled: true, targets: [expect.objectContaining({ id: 'Target0' })] }),
        expect.objectContaining({ expression: 'rate(5 minutes)', schedule: { kind: 'rate', seconds: 300 }, enabled: true, targets: [expect.objectContaining({ id: 'Target0' })] }),
      ]);
      for (const schedule of topology.schedules) expect(topology.functions.map((fn) => fn.logicalId)).toContain(schedule.targets[0]?.functionLogicalId);
    });

    it('finds exactly the nineteen routes', () => {
      expect(topology.routes).toHaveLength(19);
    });

    it('reads every function with its handler, absolute code directory, timeout and memory', () => {
      expect(topology.functions).toHaveLength(29);
      for (const fn of topology.functions) {
        expect(fn).toMatchObject({ handler: 'index.handler' });
        expect(isAbsolute(fn.codeDir)).toBe(true);
        expect([256, 512]).toContain(fn.memorySize);
      }
    });

    it('keeps the environment raw, intrinsics unresolved', () => {
      const readyz = topology.functions.find((fn) => fn.logicalId.startsWith('ApiReadyzFunction'));

      expect(readyz?.environment).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'ticketing',
        LEDGER_TABLE_NAME: { Ref: 'SeatLedgerTable' },
        ORDER_EVENTS_STREAM_NAME: { Ref: topology.streams[0]?.logicalId },
        TICKET_OUTBOX_QUEUE_URL: { Ref: expect.stringMatching(/^MessagingTicketOutbox(?!Dlq)/) },
      });
    });
  });

  describe('on hand-written templates', () => {
    it('uses an explicit table name and reads the stream view type, TTL attribute and local indexes', () => {
      const app = templateWith({
        Orders: {
          Type: 'AWS::DynamoDB::Table',
          Properties: {
            TableName: 'orders',
            KeySchema: [
              { AttributeName: 'pk', KeyType: 'HASH' },
              { AttributeName: 'sk', KeyType: 'RANGE' },
            ],
            AttributeDefinitions: [
              { AttributeName: 'pk', AttributeType: 'S' },
              { AttributeName: 'sk', AttributeType: 'S' },
              { AttributeName: 'createdAt', AttributeType: 'N' },
            ],
            LocalSecondaryIndexes: [
              {
                IndexName: 'byCreated',
                KeySchema: [
                  { AttributeName: 'pk', KeyType: 'HASH' },
                  { AttributeName: 'createdAt', KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
              },
            ],
            StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
            TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          },
        },
      });

      const [table] = readTopology(app).tables;

      expect(table).toMatchObject({
        logicalId: 'Orders',
        tableName: 'orders',
        streamViewType: 'NEW_AND_OLD_IMAGES',
        timeToLiveAttribute: 'expiresAt',
        localSecondaryIndexes: [{ indexName: 'byCreated', projection: { projectionType: 'INCLUDE', nonKeyAttributes: ['status'] } }],
      });
    });

    it('keeps the shard count of a provisioned stream and names an unnamed one after its logical id', () => {
      const app = templateWith({ Events: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 4 } } });

      expect(readTopology(app).streams).toEqual([{ logicalId: 'Events', name: 'Events', shardCount: 4 }]);
    });

    it('reads a FIFO queue and a redrive policy written as JSON text', () => {
      const app = templateWith({
        Dlq: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true } },
        Jobs: {
          Type: 'AWS::SQS::Queue',
          Properties: {
            FifoQueue: 'true',
            ContentBasedDeduplication: true,
            VisibilityTimeout: '60',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: '3' }),
          },
        },
      });

      const jobs = readTopology(app).queues.find((queue) => queue.logicalId === 'Jobs');

      expect(jobs).toEqual({
        logicalId: 'Jobs',
        name: 'Jobs.fifo',
        fifo: true,
        contentBasedDeduplication: true,
        visibilityTimeout: 60,
        messageRetentionPeriod: 345_600,
        redrive: { deadLetterQueueLogicalId: 'Dlq', maxReceiveCount: 3 },
      });
    });

    it('refuses a redrive to something that is not a queue of the template', () => {
      const app = templateWith({
        Jobs: { Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:1:elsewhere', maxReceiveCount: 3 } } },
      });

      expect(() => readTopology(app)).toThrow(/Jobs: RedrivePolicy.deadLetterTargetArn/);
    });

    it('finds a function bundle relative to the assembly, with Lambda defaults for timeout and memory', () => {
      const app = templateWith({ Fn: lambda({ 'aws:asset:path': 'asset.abc' }, { Environment: { Variables: { A: '1' } } }) });

      expect(readTopology(app).functions).toEqual([
        { logicalId: 'Fn', handler: 'index.handler', codeDir: join(ASSEMBLY_DIR, 'asset.abc'), environment: { A: '1' }, timeoutSeconds: 3, memorySize: 128 },
      ]);
    });

    it('reads the reserved concurrency of a function that reserves some', () => {
      const app = templateWith({ Fn: lambda({ 'aws:asset:path': 'asset.abc' }, { ReservedConcurrentExecutions: 20 }), Other: lambda({ 'aws:asset:path': 'asset.def' }) });

      const [reserved, other] = readTopology(app).functions;
      expect(reserved?.reservedConcurrency).toBe(20);
      expect(other).not.toHaveProperty('reservedConcurrency');
    });

    it("names the function's execution role when it is a role of the template", () => {
      const app = templateWith({
        FnRole: { Type: 'AWS::IAM::Role', Properties: {} },
        Fn: lambda({ 'aws:asset:path': 'asset.abc' }, { Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] } }),
        Other: lambda({ 'aws:asset:path': 'asset.def' }, { Role: 'arn:aws:iam::123456789012:role/elsewhere' }),
      });

      expect(readTopology(app).functions.map((fn) => [fn.logicalId, fn.roleLogicalId])).toEqual([
        ['Fn', 'FnRole'],
        ['Other', undefined],
      ]);
    });

    it('refuses a function whose code it cannot locate', () => {
      const app = templateWith({ Fn: lambda({}) });

      expect(() => readTopology(app)).toThrow(TopologyError);
    });

    it('follows a route through its integration to the function and its JWT authorizer', () => {
      const app = templateWith({
        Fn: lambda(),
        Integration: integrationOf('Fn'),
        Authorizer: { Type: 'AWS::ApiGatewayV2::Authorizer', Properties: { AuthorizerType: 'JWT' } },
        Route: routeTo('Integration', { RouteKey: 'ANY /files/{proxy+}', AuthorizationType: 'JWT', AuthorizerId: { Ref: 'Authorizer' } }),
      });

      expect(readTopology(app).routes).toEqual([{ method: 'ANY', path: '/files/{proxy+}', functionLogicalId: 'Fn', authorization: 'JWT' }]);
    });

    it('treats a route without an authorization type as public', () => {
      const app = templateWith({ Fn: lambda(), Integration: integrationOf('Fn'), Route: routeTo('Integration', { RouteKey: 'GET /' }) });

      expect(readTopology(app).routes[0]?.authorization).toBe('NONE');
    });

    it('refuses authorization types the local cloud cannot honour', () => {
      const app = templateWith({
        Fn: lambda(),
        Integration: integrationOf('Fn'),
        Route: routeTo('Integration', { RouteKey: 'GET /', AuthorizationType: 'CUSTOM' }),
      });

      expect(() => readTopology(app)).toThrow(/CUSTOM is not supported locally/);
    });

    it('refuses a route whose integration reaches no function of the template', () => {
      const app = templateWith({
        Integration: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { IntegrationType: 'HTTP_PROXY', IntegrationUri: 'https://example.com' } },
        Route: routeTo('Integration', { RouteKey: 'GET /' }),
      });

      expect(() => readTopology(app)).toThrow(/names no AWS::Lambda::Function/);
    });

    it('names the resource and property when a value has the wrong shape', () => {
      const app = templateWith({ Table: { Type: 'AWS::DynamoDB::Table', Properties: { KeySchema: [{ AttributeName: 'pk', KeyType: 'SIDEWAYS' }] } } });

      expect(() => readTopology(app)).toThrow('Table.KeySchema[0].KeyType: expected one of HASH, RANGE, got "SIDEWAYS"');
    });
  });

  describe('event source mappings, on hand-written templates', () => {
    const table = {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      },
    };
    const sources = {
      Orders: table,
      Events: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 1 } },
      Jobs: { Type: 'AWS::SQS::Queue' },
      Dlq: { Type: 'AWS::SQS::Queue' },
      Relay: lambda(),
      RelayPermission: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': ['Relay', 'Arn'] } } },
    };
    const mapping = (properties: Record<string, unknown>) => ({ Type: 'AWS::Lambda::EventSourceMapping', Properties: { FunctionName: { Ref: 'Relay' }, ...properties } });

    it('reads a DynamoDB stream mapping as CDK writes a DynamoEventSource with every retry setting', () => {
      const app = templateWith({
        ...sources,
        RelayMapping: mapping({
          EventSourceArn: { 'Fn::GetAtt': ['Orders', 'StreamArn'] },
          BatchSize: 25,
          StartingPosition: 'TRIM_HORIZON',
          BisectBatchOnFunctionError: true,
          MaximumRetryAttempts: 8,
          MaximumRecordAgeInSeconds: 3600,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } },
        }),
      });

      expect(readTopology(app).eventSourceMappings).toEqual([
        {
          logicalId: 'RelayMapping',
          kind: 'dynamodb',
          functionLogicalId: 'Relay',
          sourceLogicalId: 'Orders',
          eventSourceArn: { 'Fn::GetAtt': ['Orders', 'StreamArn'] },
          batchSize: 25,
          maximumBatchingWindowInSeconds: 0,
          enabled: true,
          reportBatchItemFailures: true,
          startingPosition: 'TRIM_HORIZON',
          bisectBatchOnFunctionError: true,
          maximumRetryAttempts: 8,
          maximumRecordAgeInSeconds: 3600,
          parallelizationFactor: 1,
          onFailure: { queueLogicalId: 'Dlq' },
        },
      ]);
    });

    it("fills in Lambda's defaults for a stream mapping: 100 records, retried until they expire, no bisecting", () => {
      const app = templateWith({ ...sources, M: mapping({ EventSourceArn: { 'Fn::GetAtt': ['Orders', 'StreamArn'] }, StartingPosition: 'LATEST', Enabled: false }) });

      expect(readTopology(app).eventSourceMappings[0]).toEqual({
        logicalId: 'M',
        kind: 'dynamodb',
        functionLogicalId: 'Relay',
        sourceLogicalId: 'Orders',
        eventSourceArn: { 'Fn::GetAtt': ['Orders', 'StreamArn'] },
        batchSize: 100,
        maximumBatchingWindowInSeconds: 0,
        enabled: false,
        reportBatchItemFailures: false,
        startingPosition: 'LATEST',
        bisectBatchOnFunctionError: false,
        maximumRetryAttempts: -1,
        maximumRecordAgeInSeconds: -1,
        parallelizationFactor: 1,
      });
    });

    it('tells a Kinesis source from an SQS source by what the ARN points at', () => {
      const app = templateWith({
        ...sources,
        FromKinesis: mapping({ EventSourceArn: { 'Fn::GetAtt': ['Events', 'Arn'] }, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: 1_790_000_000, BatchSize: 50 }),
        FromQueue: mapping({
          EventSourceArn: { 'Fn::GetAtt': ['Jobs', 'Arn'] },
          FunctionName: { 'Fn::GetAtt': ['Relay', 'Arn'] },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: 2 },
          MaximumBatchingWindowInSeconds: 1,
        }),
      });

      const [kinesis, queue] = readTopology(app).eventSourceMappings;

      expect(kinesis).toMatchObject({ kind: 'kinesis', sourceLogicalId: 'Events', startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: 1_790_000_000, batchSize: 50 });
      expect(queue).toEqual({
        logicalId: 'FromQueue',
        kind: 'sqs',
        functionLogicalId: 'Relay',
        sourceLogicalId: 'Jobs',
        eventSourceArn: { 'Fn::GetAtt': ['Jobs', 'Arn'] },
        batchSize: 10,
        maximumBatchingWindowInSeconds: 1,
        enabled: true,
        reportBatchItemFailures: true,
        maximumConcurrency: 2,
      });
    });

    it("reads a Kinesis mapping's FilterCriteria as CDK writes FilterCriteria.filter, each pattern parsed", () => {
      const app = templateWith({
        ...sources,
        M: mapping({
          EventSourceArn: { 'Fn::GetAtt': ['Events', 'Arn'] },
          StartingPosition: 'TRIM_HORIZON',
          FilterCriteria: { Filters: [{ Pattern: '{"data":{"type":["OrderPaid","OrderCancelled"]}}' }, { Pattern: '{"partitionKey":["vip"]}' }] },
        }),
      });

      const [kinesis] = readTopology(app).eventSourceMappings;

      expect(kinesis).toMatchObject({ kind: 'kinesis', filters: [{ data: { type: ['OrderPaid', 'OrderCancelled'] } }, { partitionKey: ['vip'] }] });
    });

    it.each([
      ['a source outside the template', { EventSourceArn: 'arn:aws:dynamodb:us-east-1:1:table/x/stream/y', StartingPosition: 'LATEST' }, /M.EventSourceArn: expected/],
      ['a function outside the template', { EventSourceArn: { 'Fn::GetAtt': ['Jobs', 'Arn'] }, FunctionName: 'elsewhere' }, /M.FunctionName: expected/],
      ['a DynamoDB stream from a timestamp', { EventSourceArn: { 'Fn::GetAtt': ['Orders', 'StreamArn'] }, StartingPosition: 'AT_TIMESTAMP' }, /not AT_TIMESTAMP/],
      ['a stream without a starting position', { EventSourceArn: { 'Fn::GetAtt': ['Orders', 'StreamArn'] } }, /M.StartingPosition: expected one of/],
      [
        'an SNS on-failure destination',
        { EventSourceArn: { 'Fn::GetAtt': ['Orders', 'StreamArn'] }, StartingPosition: 'LATEST', DestinationConfig: { OnFailure: { Destination: { Ref: 'Topic' } } } },
        /M.DestinationConfig.OnFailure.Destination: only an SQS queue/,
      ],
      ['filter criteria on a queue', { EventSourceArn: { 'Fn::GetAtt': ['Jobs', 'Arn'] }, FilterCriteria: { Filters: [{ Pattern: '{"body":{"a":["b"]}}' }] } }, /M.FilterCriteria is supported locally on Kinesis mappings only/],
      [
        'a filter operator it does not apply',
        { EventSourceArn: { 'Fn::GetAtt': ['Events', 'Arn'] }, StartingPosition: 'LATEST', FilterCriteria: { Filters: [{ Pattern: '{"data":{"type":[{"prefix":"Order"}]}}' }] } },
        /M.FilterCriteria.Filters\[0\]: filter pattern at data.type: \{"prefix":"Order"\} is not supported locally/,
      ],
      ['a tumbling window', { EventSourceArn: { 'Fn::GetAtt': ['Events', 'Arn'] }, StartingPosition: 'LATEST', TumblingWindowInSeconds: 30 }, /M.TumblingWindowInSeconds is not supported locally/],
    ])('refuses %s, naming the mapping', (_, properties, message) => {
      const app = templateWith({ ...sources, M: mapping(properties) });

      expect(() => readTopology(app)).toThrow(message);
    });
  });

  describe('schedules, on hand-written templates', () => {
    const rule = (properties: Record<string, unknown>) => ({ Type: 'AWS::Events::Rule', Properties: properties });
    const target = (fn: string, extra: Record<string, unknown> = {}) => ({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, Id: 'Target0', ...extra });

    it('reads a rate rule as CDK writes Schedule.rate(Duration.minutes(1)), its Lambda target and the permission beside it', () => {
      const app = templateWith({
        Sweeper: lambda(),
        SweepRule: rule({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED', Targets: [target('Sweeper')] }),
        SweepPermission: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': ['Sweeper', 'Arn'] } } },
      });

      expect(readTopology(app).schedules).toEqual([
        {
          logicalId: 'SweepRule',
          name: 'SweepRule',
          expression: 'rate(1 minute)',
          schedule: { kind: 'rate', seconds: 60 },
          enabled: true,
          targets: [{ id: 'Target0', functionLogicalId: 'Sweeper' }],
        },
      ]);
    });

    it.each([
      ['rate(5 minutes)', 300],
      ['rate(1 hour)', 3_600],
      ['rate(2 hours)', 7_200],
      ['rate(1 day)', 86_400],
      ['rate(7 days)', 604_800],
    ])('reads %s as %i seconds', (expression, seconds) => {
      const app = templateWith({ Fn: lambda(), R: rule({ ScheduleExpression: expression, Targets: [target('Fn')] }) });

      expect(readTopology(app).schedules[0]?.schedule).toEqual({ kind: 'rate', seconds });
    });

    it('keeps a cron rule as written, its name, a disabled state and a constant input', () => {
      const app = templateWith({
        Fn: lambda(),
        Nightly: rule({ Name: 'nightly', ScheduleExpression: 'cron(0 3 * * ? *)', State: 'DISABLED', Targets: [target('Fn', { Input: '{"mode":"full"}' })] }),
      });

      expect(readTopology(app).schedules).toEqual([
        {
          logicalId: 'Nightly',
          name: 'nightly',
          expression: 'cron(0 3 * * ? *)',
          schedule: { kind: 'cron', expression: '0 3 * * ? *' },
          enabled: false,
          targets: [{ id: 'Target0', functionLogicalId: 'Fn', input: '{"mode":"full"}' }],
        },
      ]);
    });

    it('leaves out a rule that only matches events', () => {
      const app = templateWith({ Fn: lambda(), OnEvent: rule({ EventPattern: { source: ['aws.s3'] }, Targets: [target('Fn')] }) });

      expect(readTopology(app).schedules).toEqual([]);
    });

    it.each([
      ['a malformed rate', { ScheduleExpression: 'rate(30 seconds)', Targets: [target('Fn')] }, /R.ScheduleExpression: expected rate/],
      ['a zero rate', { ScheduleExpression: 'rate(0 minutes)', Targets: [target('Fn')] }, /R.ScheduleExpression: expected rate/],
      ['a target that is not a function', { ScheduleExpression: 'rate(1 minute)', Targets: [{ Arn: { 'Fn::GetAtt': ['Q', 'Arn'] }, Id: 'T' }] }, /R.Targets\[0\].Arn: only Lambda functions/],
      ['an input transformer', { ScheduleExpression: 'rate(1 minute)', Targets: [target('Fn', { InputTransformer: { InputTemplate: '{}' } })] }, /R.Targets\[0\].InputTransformer is not supported/],
      ['an input that is not JSON', { ScheduleExpression: 'rate(1 minute)', Targets: [target('Fn', { Input: '{oops' })] }, /R.Targets\[0\].Input: not valid JSON/],
    ])('refuses %s, naming the rule', (_, properties, message) => {
      const app = templateWith({ Fn: lambda(), Q: { Type: 'AWS::SQS::Queue' }, R: rule(properties) });

      expect(() => readTopology(app)).toThrow(message);
    });
  });
});
