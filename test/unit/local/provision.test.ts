import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceInUseException as TableInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, ResourceInUseException as StreamInUseException } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, QueueNameExists, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { functionEnvironment, provision, ProvisioningError, type LocalResources } from '../../../infra/local/provision';
import type { FunctionSpec, LocalTopology, QueueSpec, TableSpec } from '../../../infra/local/topology';

const dynamodb = mockClient(DynamoDBClient);
const kinesis = mockClient(KinesisClient);
const sqs = mockClient(SQSClient);
const clients = () => ({ dynamodb: new DynamoDBClient({}), kinesis: new KinesisClient({}), sqs: new SQSClient({}) });
const FAST = { pollIntervalMs: 1, activeTimeoutMs: 200 };

const LEDGER: TableSpec = {
  logicalId: 'SeatLedgerTable',
  tableName: 'SeatLedgerTable',
  keySchema: [
    { attributeName: 'pk', keyType: 'HASH' },
    { attributeName: 'sk', keyType: 'RANGE' },
  ],
  attributeDefinitions: [
    { attributeName: 'pk', attributeType: 'S' },
    { attributeName: 'sk', attributeType: 'S' },
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
};
const ORDERS: TableSpec = { ...LEDGER, logicalId: 'OrdersTable', tableName: 'orders', globalSecondaryIndexes: [], streamViewType: 'NEW_AND_OLD_IMAGES', timeToLiveAttribute: 'expiresAt' };
const DLQ: QueueSpec = { logicalId: 'OutboxDlq', name: 'ticket-outbox-dlq', fifo: false, contentBasedDeduplication: false, visibilityTimeout: 30, messageRetentionPeriod: 1_209_600 };
const OUTBOX: QueueSpec = {
  logicalId: 'Outbox',
  name: 'ticket-outbox',
  fifo: false,
  contentBasedDeduplication: false,
  visibilityTimeout: 60,
  messageRetentionPeriod: 345_600,
  redrive: { deadLetterQueueLogicalId: 'OutboxDlq', maxReceiveCount: 5 },
};
/** The outbox is listed before its dead-letter queue on purpose. */
const TOPOLOGY: LocalTopology = {
  tables: [LEDGER, ORDERS],
  streams: [{ logicalId: 'OrderEvents', name: 'order-events', shardCount: 1 }],
  queues: [OUTBOX, DLQ],
  functions: [],
  routes: [],
  eventSourceMappings: [],
  schedules: [],
};

const tableArn = (name: string) => `arn:aws:dynamodb:ddblocal:000000000000:table/${name}`;
const queueUrl = (name: string) => `http://sqs.us-east-1.localhost:9324/000000000000/${name}`;
const queueArn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/order-events';
const ORDERS_STREAM_ARN = `${tableArn('orders')}/stream/2026-11-25T00:00:00.000`;

const ACTIVE_LEDGER = {
  Table: { TableName: 'SeatLedgerTable', TableStatus: 'ACTIVE' as const, TableArn: tableArn('SeatLedgerTable'), GlobalSecondaryIndexes: [{ IndexName: 'byDate', IndexStatus: 'ACTIVE' as const }] },
};
const streamSummary = (status: 'CREATING' | 'ACTIVE') => ({
  StreamDescriptionSummary: {
    StreamName: 'order-events',
    StreamARN: STREAM_ARN,
    StreamStatus: status,
    RetentionPeriodHours: 24,
    StreamCreationTimestamp: new Date(),
    EnhancedMonitoring: [],
    OpenShardCount: 1,
  },
});

function emulatorsAnswer(): void {
  dynamodb.on(CreateTableCommand).resolves({});
  dynamodb.on(DescribeTableCommand, { TableName: 'SeatLedgerTable' }).resolves(ACTIVE_LEDGER);
  dynamodb.on(DescribeTableCommand, { TableName: 'orders' }).resolves({
    Table: {
      TableName: 'orders',
      TableStatus: 'ACTIVE',
      TableArn: tableArn('orders'),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      LatestStreamArn: ORDERS_STREAM_ARN,
    },
  });
  dynamodb.on(DescribeTimeToLiveCommand).resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
  dynamodb.on(UpdateTimeToLiveCommand).resolves({});
  kinesis.on(CreateStreamCommand).resolves({});
  kinesis.on(DescribeStreamSummaryCommand).resolves(streamSummary('ACTIVE'));
  for (const name of ['ticket-outbox', 'ticket-outbox-dlq', 'jobs.fifo']) {
    sqs.on(CreateQueueCommand, { QueueName: name }).resolves({ QueueUrl: queueUrl(name) });
    sqs.on(GetQueueUrlCommand, { QueueName: name }).resolves({ QueueUrl: queueUrl(name) });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: queueUrl(name) }).resolves({ Attributes: { QueueArn: queueArn(name) } });
  }
  sqs.on(SetQueueAttributesCommand).resolves({});
}

afterEach(() => {
  dynamodb.reset();
  kinesis.reset();
  sqs.reset();
});

describe('Function: provision', () => {
  describe('tables', () => {
    it('creates each table billed per request with its keys, indexes and stream, and nothing the emulator lacks', async () => {
      // Prepare
      emulatorsAnswer();

      // Act
      await provision(TOPOLOGY, clients(), FAST);

      // Assess
      expect(dynamodb).toHaveReceivedCommandWith(CreateTableCommand, {
        TableName: 'SeatLedgerTable',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byDate',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL', NonKeyAttributes: undefined },
          },
        ],
      });
      expect(dynamodb).toHaveReceivedCommandWith(CreateTableCommand, {
        TableName: 'orders',
        GlobalSecondaryIndexes: undefined,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      });
      for (const call of dynamodb.commandCalls(CreateTableCommand)) {
        for (const unsupported of ['SSESpecification', 'Tags', 'DeletionProtectionEnabled', 'ProvisionedThroughput']) {
          expect(call.args[0].input).not.toHaveProperty(unsupported);
        }
      }
    });

    it('enables time to live on the attribute the template names', async () => {
      emulatorsAnswer();

      await provision(TOPOLOGY, clients(), FAST);

      expect(dynamodb).toHaveReceivedCommandTimes(UpdateTimeToLiveCommand, 1);
      expect(dynamodb).toHaveReceivedCommandWith(UpdateTimeToLiveCommand, {
        TableName: 'orders',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      });
    });

    it('keeps a table that exists from an earlier run', async () => {
      emulatorsAnswer();
      dynamodb.on(CreateTableCommand).rejects(new TableInUseException({ message: 'Table already exists', $metadata: {} }));
      dynamodb.on(DescribeTimeToLiveCommand).resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' } });

      const resources = await provision(TOPOLOGY, clients(), FAST);

      expect(resources.tableName('SeatLedgerTable')).toBe('SeatLedgerTable');
      expect(dynamodb).not.toHaveReceivedCommand(UpdateTableCommand);
      expect(dynamodb).not.toHaveReceivedCommand(UpdateTimeToLiveCommand);
    });

    it('adds to a kept table the index the template has gained since', async () => {
      emulatorsAnswer();
      dynamodb.on(CreateTableCommand).rejects(new TableInUseException({ message: 'Table already exists', $metadata: {} }));
      dynamodb
        .on(DescribeTableCommand, { TableName: 'SeatLedgerTable' })
        .resolvesOnce({ Table: { TableName: 'SeatLedgerTable', TableStatus: 'ACTIVE', TableArn: tableArn('SeatLedgerTable') } })
        .resolves(ACTIVE_LEDGER);
      dynamodb.on(UpdateTableCommand).resolves({});

      await provision({ ...TOPOLOGY, tables: [LEDGER] }, clients(), FAST);

      expect(dynamodb).toHaveReceivedCommandWith(UpdateTableCommand, {
        TableName: 'SeatLedgerTable',
        GlobalSecondaryIndexUpdates: [{ Create: expect.objectContaining({ IndexName: 'byDate' }) }],
      });
    });

    it('waits until a new table is ACTIVE', async () => {
      emulatorsAnswer();
      dynamodb
        .on(DescribeTableCommand, { TableName: 'SeatLedgerTable' })
        .resolvesOnce({ Table: { TableName: 'SeatLedgerTable', TableStatus: 'CREATING' } })
        .resolves(ACTIVE_LEDGER);

      await provision({ ...TOPOLOGY, tables: [LEDGER] }, clients(), FAST);

      expect(dynamodb).toHaveReceivedCommandTimes(DescribeTableCommand, 2);
    });

    it('gives up on a table that never becomes ACTIVE', async () => {
      emulatorsAnswer();
      dynamodb.on(DescribeTableCommand).resolves({ Table: { TableName: 'SeatLedgerTable', TableStatus: 'CREATING' } });

      await expect(provision({ ...TOPOLOGY, tables: [LEDGER] }, clients(), FAST)).rejects.toThrow('table SeatLedgerTable did not become ACTIVE');
    });

    it('passes on an error other than an existing table', async () => {
      emulatorsAnswer();
      dynamodb.on(CreateTableCommand).rejects(new Error('connect ECONNREFUSED'));

      await expect(provision(TOPOLOGY, clients(), FAST)).rejects.toThrow('ECONNREFUSED');
    });
  });

  describe('streams', () => {
    it('creates a stream with its shard count and waits until it is ACTIVE', async () => {
      emulatorsAnswer();
      kinesis.on(DescribeStreamSummaryCommand).resolvesOnce(streamSummary('CREATING')).resolves(streamSummary('ACTIVE'));

      await provision(TOPOLOGY, clients(), FAST);

      expect(kinesis).toHaveReceivedCommandWith(CreateStreamCommand, { StreamName: 'order-events', ShardCount: 1 });
      expect(kinesis).toHaveReceivedCommandTimes(DescribeStreamSummaryCommand, 2);
    });

    it('keeps a stream that exists', async () => {
      emulatorsAnswer();
      kinesis.on(CreateStreamCommand).rejects(new StreamInUseException({ message: 'exists', $metadata: {} }));

      const resources = await provision(TOPOLOGY, clients(), FAST);

      expect(resources.streamName('OrderEvents')).toBe('order-events');
    });
  });

  describe('queues', () => {
    it('creates the dead-letter queue first and redrives the outbox to its ARN', async () => {
      emulatorsAnswer();

      await provision(TOPOLOGY, clients(), FAST);

      const created = sqs.commandCalls(CreateQueueCommand).map((call) => call.args[0].input);
      expect(created.map((input) => input.QueueName)).toEqual(['ticket-outbox-dlq', 'ticket-outbox']);
      expect(created[1]?.Attributes).toEqual({
        VisibilityTimeout: '60',
        MessageRetentionPeriod: '345600',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn('ticket-outbox-dlq'), maxReceiveCount: 5 }),
      });
    });

    it('creates a FIFO queue as FIFO', async () => {
      emulatorsAnswer();
      const jobs: QueueSpec = { ...DLQ, logicalId: 'Jobs', name: 'jobs.fifo', fifo: true, contentBasedDeduplication: true };

      await provision({ ...TOPOLOGY, queues: [jobs] }, clients(), FAST);

      expect(sqs).toHaveReceivedCommandWith(CreateQueueCommand, {
        QueueName: 'jobs.fifo',
        Attributes: expect.objectContaining({ FifoQueue: 'true', ContentBasedDeduplication: 'true' }),
      });
    });

    it('keeps a queue that exists with other attributes and applies the template’s', async () => {
      emulatorsAnswer();
      sqs.on(CreateQueueCommand, { QueueName: 'ticket-outbox' }).rejects(new QueueNameExists({ message: 'exists', $metadata: {} }));

      const resources = await provision(TOPOLOGY, clients(), FAST);

      expect(resources.queueUrl('Outbox')).toBe(queueUrl('ticket-outbox'));
      expect(sqs).toHaveReceivedCommandWith(SetQueueAttributesCommand, {
        QueueUrl: queueUrl('ticket-outbox'),
        Attributes: expect.objectContaining({ VisibilityTimeout: '60', RedrivePolicy: expect.stringContaining(queueArn('ticket-outbox-dlq')) }),
      });
    });

    it('refuses queues that redrive to each other', async () => {
      emulatorsAnswer();
      const a: QueueSpec = { ...DLQ, logicalId: 'A', name: 'a', redrive: { deadLetterQueueLogicalId: 'B', maxReceiveCount: 1 } };
      const b: QueueSpec = { ...DLQ, logicalId: 'B', name: 'b', redrive: { deadLetterQueueLogicalId: 'A', maxReceiveCount: 1 } };

      await expect(provision({ ...TOPOLOGY, queues: [a, b] }, clients(), FAST)).rejects.toThrow(ProvisioningError);
      expect(sqs).not.toHaveReceivedCommand(CreateQueueCommand);
    });
  });
});

describe('Class: LocalResources', () => {
  let resources: LocalResources;

  beforeEach(async () => {
    emulatorsAnswer();
    resources = await provision(TOPOLOGY, clients(), FAST);
  });

  describe('Method: resolve', () => {
    it.each([
      ['a table', { Ref: 'SeatLedgerTable' }, 'SeatLedgerTable'],
      ['a stream', { Ref: 'OrderEvents' }, 'order-events'],
      ['a queue', { Ref: 'Outbox' }, queueUrl('ticket-outbox')],
      ['the region', { Ref: 'AWS::Region' }, 'us-east-1'],
      ['the account', { Ref: 'AWS::AccountId' }, '000000000000'],
    ])('resolves a Ref to %s', (_, value, expected) => {
      expect(resources.resolve(value)).toBe(expected);
    });

    it.each([
      [['SeatLedgerTable', 'Arn'], tableArn('SeatLedgerTable')],
      [['OrdersTable', 'StreamArn'], ORDERS_STREAM_ARN],
      [['OrderEvents', 'Arn'], STREAM_ARN],
      [['Outbox', 'Arn'], queueArn('ticket-outbox')],
      [['Outbox', 'QueueUrl'], queueUrl('ticket-outbox')],
      [['Outbox', 'QueueName'], 'ticket-outbox'],
      ['OutboxDlq.Arn', queueArn('ticket-outbox-dlq')],
    ])('resolves Fn::GetAtt %j to what the emulator reports', (argument, expected) => {
      expect(resources.resolve({ 'Fn::GetAtt': argument })).toBe(expected);
    });

    it('resolves Fn::Join over nested intrinsics', () => {
      const value = { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['SeatLedgerTable', 'Arn'] }, '/index/', 'byDate']] };

      expect(resources.resolve(value)).toBe(`${tableArn('SeatLedgerTable')}/index/byDate`);
    });

    it('resolves Fn::Sub with references, attributes, variables and escaped literals', () => {
      const value = { 'Fn::Sub': ['${OrderEvents}:${Outbox.QueueName}:${AWS::Region}:${stage}:${!Literal}', { stage: { Ref: 'SeatLedgerTable' } }] };

      expect(resources.resolve(value)).toBe('order-events:ticket-outbox:us-east-1:SeatLedgerTable:${Literal}');
    });

    it('passes literals through as text', () => {
      expect([resources.resolve('INFO'), resources.resolve(512), resources.resolve(true)]).toEqual(['INFO', '512', 'true']);
    });

    it('refuses a reference to something that was not provisioned', () => {
      expect(() => resources.resolve({ Ref: 'SomeFunction' })).toThrow('Ref SomeFunction: not a table, stream or queue');
    });

    it('refuses an attribute the resource does not have', () => {
      expect(() => resources.resolve({ 'Fn::GetAtt': ['SeatLedgerTable', 'StreamArn'] })).toThrow('the table has no stream');
    });

    it('refuses intrinsics it does not implement', () => {
      expect(() => resources.resolve({ 'Fn::ImportValue': 'shared-vpc' })).toThrow('Fn::ImportValue is not supported locally');
    });
  });

  describe('Function: functionEnvironment', () => {
    const readyz: FunctionSpec = {
      logicalId: 'ReadyzFunction',
      handler: 'index.handler',
      codeDir: '/tmp/asset',
      timeoutSeconds: 10,
      memorySize: 256,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'ticketing',
        LEDGER_TABLE_NAME: { Ref: 'SeatLedgerTable' },
        ORDER_EVENTS_STREAM_NAME: { Ref: 'OrderEvents' },
        TICKET_OUTBOX_QUEUE_URL: { Ref: 'Outbox' },
      },
    };

    it('resolves every variable against the local resources', () => {
      expect(functionEnvironment(readyz, resources)).toEqual({
        POWERTOOLS_SERVICE_NAME: 'ticketing',
        LEDGER_TABLE_NAME: 'SeatLedgerTable',
        ORDER_EVENTS_STREAM_NAME: 'order-events',
        TICKET_OUTBOX_QUEUE_URL: queueUrl('ticket-outbox'),
      });
    });

    it('names the function and the variable it cannot resolve', () => {
      const broken: FunctionSpec = { ...readyz, environment: { PEER: { Ref: 'OtherFunction' } } };

      expect(() => functionEnvironment(broken, resources)).toThrow('ReadyzFunction: environment variable PEER: Ref OtherFunction');
    });
  });
});
