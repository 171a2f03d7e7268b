import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { functionEnvironment, provision, type LocalResources, type ProvisionClients } from '../../../infra/local/provision';
import { readTopology, synthesizeApp, type LocalTopology } from '../../../infra/local/topology';
import { useEmulators } from '../../helpers/emulators';

describe('Function: provision (on the emulators)', () => {
  useEmulators();
  let topology: LocalTopology;
  let clients: ProvisionClients;
  let first: LocalResources;

  beforeAll(async () => {
    topology = readTopology(synthesizeApp({ bundle: false }));
    // Built after the emulators started: the SDK takes their endpoints from the environment.
    clients = {
      dynamodb: new DynamoDBClient({}),
      kinesis: new KinesisClient({ requestHandler: new NodeHttpHandler() }),
      sqs: new SQSClient({ useQueueUrlAsEndpoint: false }),
    };
    first = await provision(topology, clients);
  });

  afterAll(() => {
    clients.dynamodb.destroy();
    clients.kinesis.destroy();
    clients.sqs.destroy();
  });

  const queueId = (name: string) => topology.queues.find((queue) => queue.name === name)?.logicalId ?? name;
  const streamId = () => topology.streams[0]?.logicalId ?? 'order-events';

  it('creates the seat ledger ACTIVE, with its keys and the byDate index', async () => {
    const { Table: table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: first.tableName('SeatLedgerTable') }));

    expect(table).toMatchObject({
      TableStatus: 'ACTIVE',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'byDate', Projection: { ProjectionType: 'ALL' } })],
    });
  });

  it('creates the order-events stream ACTIVE', async () => {
    const { StreamDescriptionSummary: summary } = await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: first.streamName(streamId()) }));

    expect(summary).toMatchObject({ StreamName: 'order-events', StreamStatus: 'ACTIVE' });
  });

  it('creates the ticket outbox redriving to its dead-letter queue after five receives', async () => {
    const outbox = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: first.queueUrl(queueId('ticket-outbox')), AttributeNames: ['RedrivePolicy'] }),
    );
    const deadLetters = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: first.queueUrl(queueId('ticket-outbox-dlq')), AttributeNames: ['QueueArn', 'MessageRetentionPeriod'] }),
    );

    expect(JSON.parse(outbox.Attributes?.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: deadLetters.Attributes?.QueueArn, maxReceiveCount: 5 });
    expect(deadLetters.Attributes?.MessageRetentionPeriod).toBe('1209600');
  });

  it('provisions again without error, keeping the data and the same resources', async () => {
    const tableName = first.tableName('SeatLedgerTable');
    const key = { pk: { S: 'SVC#G1_2026-12-01#01' }, sk: { S: 'SEAT#01A' } };
    await clients.dynamodb.send(new PutItemCommand({ TableName: tableName, Item: key }));

    const second = await provision(topology, clients);

    const { Item: item } = await clients.dynamodb.send(new GetItemCommand({ TableName: tableName, Key: key }));
    expect(item).toEqual(key);
    for (const queue of topology.queues) expect(second.queueUrl(queue.logicalId)).toBe(first.queueUrl(queue.logicalId));
    expect(second.resolve({ 'Fn::GetAtt': [streamId(), 'Arn'] })).toBe(first.resolve({ 'Fn::GetAtt': [streamId(), 'Arn'] }));
  });

  it('gives the readiness probe an environment that reaches every resource', async () => {
    const readyz = topology.functions.find((fn) => fn.environment.TICKET_OUTBOX_QUEUE_URL !== undefined);
    if (!readyz) throw new Error('no function with the ticket outbox in its environment');

    const environment = functionEnvironment(readyz, first);

    await expect(clients.dynamodb.send(new DescribeTableCommand({ TableName: environment.LEDGER_TABLE_NAME }))).resolves.toBeDefined();
    await expect(clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: environment.ORDER_EVENTS_STREAM_NAME }))).resolves.toBeDefined();
    await expect(
      clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: environment.TICKET_OUTBOX_QUEUE_URL, AttributeNames: ['QueueArn'] })),
    ).resolves.toBeDefined();
  });

  it('provisions a table with a stream and time to live, and a FIFO queue, as later templates will', async () => {
    const later: LocalTopology = {
      tables: [
        {
          logicalId: 'OrdersTable',
          tableName: 'orders',
          keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
          attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
          globalSecondaryIndexes: [],
          localSecondaryIndexes: [],
          streamViewType: 'NEW_AND_OLD_IMAGES',
          timeToLiveAttribute: 'expiresAt',
        },
      ],
      streams: [],
      queues: [{ logicalId: 'Jobs', name: 'jobs.fifo', fifo: true, contentBasedDeduplication: true, visibilityTimeout: 30, messageRetentionPeriod: 345_600 }],
      functions: [],
      routes: [],
      eventSourceMappings: [],
      schedules: [],
    };

    const resources = await provision(later, clients);
    await provision(later, clients);

    const ttl = await clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: 'orders' }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    expect(resources.resolve({ 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] })).toMatch(/^arn:aws:dynamodb:.*:table\/orders\/stream\//);
    const jobs = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: resources.queueUrl('Jobs'), AttributeNames: ['FifoQueue'] }));
    expect(jobs.Attributes?.FifoQueue).toBe('true');
  });
});
