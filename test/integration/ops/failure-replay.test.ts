import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand as GetStreamRecords, GetShardIteratorCommand as GetStreamIterator } from '@aws-sdk/client-dynamodb-streams';
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { replayFailures } from '../../../lib/aws/failure-replay';
import { OrderStore } from '../../../lib/orders/order-store';
import { useEmulators } from '../../helpers/emulators';
import { reservedOrder } from '../../unit/orders/order-fixtures';
import { testPassengerData } from '../../helpers/passenger-data';

useEmulators();

let sqs: SQSClient;
let kinesis: KinesisClient;
let dynamodbStreams: DynamoDBStreamsClient;

beforeAll(() => {
  sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  kinesis = new KinesisClient({ requestHandler: new NodeHttpHandler() });
  dynamodbStreams = new DynamoDBStreamsClient({});
});

async function createStream(): Promise<string> {
  const name = `order-events-${randomUUID().slice(0, 8)}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30, minDelay: 1 }, { StreamName: name });
  return name;
}

async function readAll(streamName: string): Promise<Array<{ data: string; partitionKey: string }>> {
  const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
  const { Records = [] } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
  return Records.map((r) => ({ data: Buffer.from(r.Data ?? new Uint8Array()).toString(), partitionKey: r.PartitionKey ?? '' }));
}

async function queueWith(bodies: unknown[]): Promise<string> {
  const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: `consumer-dlq-${randomUUID().slice(0, 8)}` }));
  for (const body of bodies) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(body) }));
  return QueueUrl;
}

async function messagesIn(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}

/** Lambda's on-failure record for a stream batch (requestContext and the rest trimmed to what the tool reads). */
const pointer = (key: 'KinesisBatchInfo' | 'DDBStreamBatchInfo', streamArn: string, shardId: string, start: string, end: string, batchSize: number) => ({
  requestContext: { requestId: randomUUID(), functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:consumer', condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
  version: '1.0',
  timestamp: new Date().toISOString(),
  [key]: { shardId, startSequenceNumber: start, endSequenceNumber: end, batchSize, streamArn },
});

describe('Function: replayFailures', () => {
  it('puts the Kinesis records a pointer names back on their stream, with their partition keys, and deletes the pointer', async () => {
    // Prepare
    const stream = await createStream();
    const sequences: string[] = [];
    for (const key of ['a', 'b', 'c']) {
      const { SequenceNumber = '', ShardId = '' } = await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: key, Data: Buffer.from(`event-${key}`) }));
      expect(ShardId).toBe('shardId-000000000000');
      sequences.push(SequenceNumber);
    }
    const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`;
    const queueUrl = await queueWith([pointer('KinesisBatchInfo', arn, 'shardId-000000000000', sequences[1] ?? '', sequences[2] ?? '', 2)]);

    // Act
    const result = await replayFailures({ sqs, kinesis, dynamodbStreams }, queueUrl, { orderEventsStream: stream });

    // Assess
    expect(result).toEqual({ pointers: 1, records: 2 });
    expect(await readAll(stream)).toEqual([
      { data: 'event-a', partitionKey: 'a' },
      { data: 'event-b', partitionKey: 'b' },
      { data: 'event-c', partitionKey: 'c' },
      { data: 'event-b', partitionKey: 'b' },
      { data: 'event-c', partitionKey: 'c' },
    ]);
    expect(await messagesIn(queueUrl)).toBe(0);
  });

  it('relays the orders-table stream records a relay pointer names to order-events, as the relay would', async () => {
    // Prepare
    const dynamodb = new DynamoDBClient({});
    const table = `orders-${randomUUID().slice(0, 8)}`;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['pk', 'sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await waitUntilTableExists({ client: dynamodb, maxWaitTime: 30, minDelay: 1 }, { TableName: table });
    const store = new OrderStore(DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }), table, testPassengerData());
    await store.ready();
    const order = reservedOrder({ orderId: `o-${randomUUID()}` });
    await DynamoDBDocumentClient.from(dynamodb).send(new TransactWriteCommand({ TransactItems: [store.putNew(order)] }));
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
    const streamArn = Table?.LatestStreamArn ?? '';
    const { StreamDescription } = await dynamodbStreams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shardId = StreamDescription?.Shards?.[0]?.ShardId ?? '';
    const { ShardIterator } = await dynamodbStreams.send(new GetStreamIterator({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const { Records = [] } = await dynamodbStreams.send(new GetStreamRecords({ ShardIterator }));
    const sequence = Records[0]?.dynamodb?.SequenceNumber ?? '';
    const events = await createStream();
    const queueUrl = await queueWith([pointer('DDBStreamBatchInfo', streamArn, shardId, sequence, sequence, 1)]);

    // Act
    const result = await replayFailures({ sqs, kinesis, dynamodbStreams }, queueUrl, { orderEventsStream: events });

    // Assess
    expect(result).toEqual({ pointers: 1, records: 1 });
    const published = (await readAll(events)).map(({ data, partitionKey }) => ({ partitionKey, event: JSON.parse(data) as { eventId: string; type: string } }));
    expect(published).toEqual([{ partitionKey: order.orderId, event: expect.objectContaining({ eventId: `${order.orderId}:1`, type: 'OrderReserved' }) }]);
    expect(await messagesIn(queueUrl)).toBe(0);
  });

  it('leaves a pointer whose records the stream no longer holds in its queue, and says so', async () => {
    const stream = await createStream();
    const { SequenceNumber = '' } = await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'a', Data: Buffer.from('kept') }));
    const gone = (BigInt(SequenceNumber) - 1n).toString();
    const queueUrl = await queueWith([pointer('KinesisBatchInfo', `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`, 'shardId-000000000000', gone, gone, 1)]);

    await expect(replayFailures({ sqs, kinesis, dynamodbStreams }, queueUrl, { orderEventsStream: stream })).rejects.toThrow(/no longer holds/);
    expect(await messagesIn(queueUrl)).toBe(1);
  });

  it('refuses a message that is not an on-failure record', async () => {
    const queueUrl = await queueWith([{ orderId: 'o-1', version: 2 }]);

    await expect(replayFailures({ sqs, kinesis, dynamodbStreams }, queueUrl, { orderEventsStream: 'order-events' })).rejects.toThrow(/not an on-failure record/);
  });
});
