import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { FunctionInvocationError } from '../../../infra/local/lambda-runtime';
import { DynamoDbStreamPoller, type DynamoDbStreamEvent, type DynamoDbStreamMapping } from '../../../infra/local/stream-poller';
import { useEmulators } from '../../helpers/emulators';
import { eventually as retryUntil } from '../../helpers/eventually';

/**
 * The DynamoDB stream poller on DynamoDB Local and fauxqs, with a tiny function
 * standing in for the Lambda runtime.
 */
describe('Class: DynamoDbStreamPoller (on the emulators)', () => {
  useEmulators();
  let dynamodb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  let sqs: SQSClient;
  let poller: DynamoDbStreamPoller | undefined;

  beforeAll(() => {
    // Built after the emulators started: the SDK takes their endpoints from the environment.
    dynamodb = new DynamoDBClient({});
    streams = new DynamoDBStreamsClient({});
    sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  });

  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });

  afterAll(() => {
    dynamodb.destroy();
    streams.destroy();
    sqs.destroy();
  });

  async function tableWithStream(): Promise<{ tableName: string; streamArn: string }> {
    const tableName = `stream-${randomUUID()}`;
    const { TableDescription: table } = await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    if (!table?.LatestStreamArn) throw new Error('DynamoDB Local made no stream');
    return { tableName, streamArn: table.LatestStreamArn };
  }

  async function put(tableName: string, ...keys: string[]): Promise<void> {
    for (const key of keys) await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: key }, version: { N: '1' } } }));
  }

  /** A function that records the keys of every batch and answers through `answer`. */
  function standIn(answer: (event: DynamoDbStreamEvent, call: number) => unknown = () => ({})) {
    const batches: string[][] = [];
    const events: DynamoDbStreamEvent[] = [];
    return {
      batches,
      events,
      invoke: async (_name: string, payload: unknown) => {
        const event = payload as DynamoDbStreamEvent;
        events.push(event);
        batches.push(event.Records.map((record) => record.dynamodb.Keys?.pk && 'S' in record.dynamodb.Keys.pk ? record.dynamodb.Keys.pk.S : '?'));
        return answer(event, batches.length);
      },
    };
  }

  function start(streamArn: string, fn: { invoke(name: string, event: unknown): Promise<unknown> }, overrides: Partial<DynamoDbStreamMapping> = {}): void {
    poller = new DynamoDbStreamPoller({
      mappings: [
        {
          id: 'RelayMapping',
          streamArn,
          functionName: 'Relay',
          functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Relay',
          batchSize: 3,
          startingPosition: 'TRIM_HORIZON',
          bisectBatchOnFunctionError: false,
          maximumRetryAttempts: -1,
          maximumRecordAgeInSeconds: -1,
          reportBatchItemFailures: true,
          enabled: true,
          ...overrides,
        },
      ],
      streams,
      sqs,
      functions: fn,
      pollIntervalMs: 50,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    poller.start();
  }

  const eventually = (check: () => void | Promise<void>, timeoutMs = 20_000) => retryUntil(check, timeoutMs, 50);

  const keys = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

  it('delivers every change in order, in batches of at most BatchSize, shaped as Lambda shapes them', async () => {
    const { tableName, streamArn } = await tableWithStream();
    const fn = standIn();
    await put(tableName, ...keys('k', 4));
    start(streamArn, fn);
    await put(tableName, ...keys('k', 7).slice(4));
    await dynamodb.send(
      new UpdateItemCommand({ TableName: tableName, Key: { pk: { S: 'k1' } }, UpdateExpression: 'SET version = :two', ExpressionAttributeValues: { ':two': { N: '2' } } }),
    );

    await eventually(() => expect(fn.batches.flat()).toHaveLength(8));

    expect(fn.batches.flat()).toEqual([...keys('k', 7), 'k1']);
    for (const batch of fn.batches) expect(batch.length).toBeLessThanOrEqual(3);
    const records = fn.events.flatMap((event) => event.Records);
    const sequenceNumbers = records.map((record) => BigInt(record.dynamodb.SequenceNumber));
    expect(sequenceNumbers).toEqual([...sequenceNumbers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(records.at(-1)).toEqual({
      eventID: expect.any(String),
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'k1' } },
        NewImage: { pk: { S: 'k1' }, version: { N: '2' } },
        OldImage: { pk: { S: 'k1' }, version: { N: '1' } },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: streamArn,
    });
  });

  it('delivers a batch again after the function failed once, before anything after it', async () => {
    const { tableName, streamArn } = await tableWithStream();
    await put(tableName, ...keys('k', 5));
    const fn = standIn((_, call) => {
      if (call === 1) throw new FunctionInvocationError('Relay', 'Error', 'the stream is down');
      return {};
    });

    start(streamArn, fn);

    await eventually(() => expect(fn.batches).toHaveLength(3));
    expect(fn.batches).toEqual([['k1', 'k2', 'k3'], ['k1', 'k2', 'k3'], ['k4', 'k5']]);
  });

  it('retries from the record reported failed, not from the start of the batch', async () => {
    const { tableName, streamArn } = await tableWithStream();
    await put(tableName, ...keys('k', 5));
    const fn = standIn((event, call) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: event.Records[1]?.dynamodb.SequenceNumber }] } : {}));

    start(streamArn, fn);

    await eventually(() => expect(fn.batches.flat().at(-1)).toBe('k5'));
    expect(fn.batches).toEqual([['k1', 'k2', 'k3'], ['k2', 'k3'], ['k4', 'k5']]);
  });

  it('after MaximumRetryAttempts, sends the on-failure record to the queue and goes on with the next records', async () => {
    const { tableName, streamArn } = await tableWithStream();
    const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `relay-dlq-${randomUUID()}` }));
    await put(tableName, 'ok1', 'poison', 'ok2');
    const fn = standIn((event) => {
      if (event.Records.some((record) => record.dynamodb.Keys?.pk && 'S' in record.dynamodb.Keys.pk && record.dynamodb.Keys.pk.S === 'poison')) {
        throw new FunctionInvocationError('Relay', 'Error', 'cannot relay');
      }
      return {};
    });

    start(streamArn, fn, { batchSize: 1, maximumRetryAttempts: 2, onFailureQueueUrl: queueUrl });

    await eventually(() => expect(fn.batches.flat().at(-1)).toBe('ok2'));
    expect(fn.batches).toEqual([['ok1'], ['poison'], ['poison'], ['poison'], ['ok2']]);
    const poisonSequenceNumber = fn.events[1]?.Records[0]?.dynamodb.SequenceNumber;
    let body: string | undefined;
    await eventually(async () => {
      const { Messages: messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      body = messages[0]?.Body;
      expect(messages).toHaveLength(1);
    });
    expect(JSON.parse(body ?? '{}')).toEqual({
      requestContext: {
        requestId: expect.any(String),
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Relay',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.any(String),
      DDBStreamBatchInfo: {
        shardId: expect.stringMatching(/^shardId-/),
        startSequenceNumber: poisonSequenceNumber,
        endSequenceNumber: poisonSequenceNumber,
        approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        approximateArrivalOfLastRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        batchSize: 1,
        streamArn,
      },
    });
  });
});
