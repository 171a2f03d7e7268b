import { connect } from 'node:net';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startEmulators, type Emulators } from '../../../infra/local/emulators';
import { useEmulators } from '../../helpers/emulators';

function refusesConnections(endpoint: string): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('Function: startEmulators', () => {
  let emulators: Emulators;

  beforeAll(async () => {
    emulators = await startEmulators();
    Object.assign(process.env, emulators.env);
  }, 60_000);

  afterAll(async () => {
    for (const key of Object.keys(emulators.env)) delete process.env[key];
    await emulators.stop();
  });

  it('names every endpoint in the standard SDK variables', () => {
    // Prepare / Act: started in beforeAll
    // Assess
    expect(emulators.env).toEqual({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: emulators.endpoints.dynamodb,
      AWS_ENDPOINT_URL_KINESIS: emulators.endpoints.kinesis,
      AWS_ENDPOINT_URL_SQS: emulators.endpoints.sqs,
    });
    expect(new Set(Object.values(emulators.endpoints)).size).toBe(3);
  });

  it('serves DynamoDB: create a table, put and get an item', async () => {
    // Prepare
    const dynamodb = new DynamoDBClient({});
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'probe',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );

    // Act
    await dynamodb.send(new PutItemCommand({ TableName: 'probe', Item: { pk: { S: 'seat' }, coach: { S: '05' } } }));
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: 'probe', Key: { pk: { S: 'seat' } }, ConsistentRead: true }));

    // Assess
    expect(Item).toEqual({ pk: { S: 'seat' }, coach: { S: '05' } });
  });

  it('serves Kinesis: create a stream, put a record and read it back', async () => {
    // Prepare
    const kinesis = new KinesisClient({ requestHandler: new NodeHttpHandler() });
    await kinesis.send(new CreateStreamCommand({ StreamName: 'probe', ShardCount: 1 }));
    let description = await kinesis.send(new DescribeStreamCommand({ StreamName: 'probe' }));
    while (description.StreamDescription?.StreamStatus !== 'ACTIVE') {
      await new Promise((wake) => setTimeout(wake, 100));
      description = await kinesis.send(new DescribeStreamCommand({ StreamName: 'probe' }));
    }
    const shardId = description.StreamDescription.Shards?.[0]?.ShardId;

    // Act
    await kinesis.send(new PutRecordCommand({ StreamName: 'probe', PartitionKey: 'order-1', Data: Buffer.from('OrderPaid') }));
    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: 'probe', ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));

    // Assess
    expect(Records?.map((record) => Buffer.from(record.Data ?? []).toString())).toEqual(['OrderPaid']);
  });

  it('serves SQS: create a queue, send and receive a message', async () => {
    // Prepare
    const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'probe' }));

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'issue G1' }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));

    // Assess
    expect(Messages?.map((message) => message.Body)).toEqual(['issue G1']);
  });

  it('closes every port on stop', async () => {
    // Act
    await emulators.stop();

    // Assess
    for (const endpoint of Object.values(emulators.endpoints)) {
      expect(await refusesConnections(endpoint)).toBe(true);
    }
  });
});

describe('Function: useEmulators', () => {
  const emulators = useEmulators();

  it('points the SDK at the emulators through process.env', async () => {
    // Prepare
    const dynamodb = new DynamoDBClient({});

    // Act
    const { TableNames } = await dynamodb.send(new ListTablesCommand({}));

    // Assess
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(emulators.env().AWS_ENDPOINT_URL_DYNAMODB);
    expect(TableNames).toEqual([]);
  });
});
