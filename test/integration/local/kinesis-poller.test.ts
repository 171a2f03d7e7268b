import { randomUUID } from 'node:crypto';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { parseFilterPattern } from '../../../infra/local/event-filter';
import { KinesisStreamPoller, type KinesisStreamEvent, type KinesisStreamMapping } from '../../../infra/local/kinesis-poller';
import { FunctionInvocationError } from '../../../infra/local/lambda-runtime';
import { useEmulators } from '../../helpers/emulators';
import { eventually as retryUntil } from '../../helpers/eventually';

/**
 * The Kinesis poller on kinesis-local and fauxqs, with a tiny function standing
 * in for the Lambda runtime.
 */
describe('Class: KinesisStreamPoller (on the emulators)', () => {
  useEmulators();
  let kinesis: KinesisClient;
  let sqs: SQSClient;
  let poller: KinesisStreamPoller | undefined;

  beforeAll(() => {
    // Built after the emulators started: the SDK takes their endpoints from the environment. HTTP/1.1: kinesis-local fails HTTP/2.
    kinesis = new KinesisClient({ requestHandler: new NodeHttpHandler() });
    sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  });

  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });

  afterAll(() => {
    kinesis.destroy();
    sqs.destroy();
  });

  async function stream(): Promise<string> {
    const name = `events-${randomUUID()}`;
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    for (;;) {
      const { StreamDescriptionSummary: summary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      if (summary?.StreamStatus === 'ACTIVE' && summary.StreamARN) return summary.StreamARN;
      await new Promise((wake) => setTimeout(wake, 50));
    }
  }

  /** Publishes each event as its own record, in order, under one partition key (one shard). */
  async function publish(streamArn: string, ...events: string[]): Promise<void> {
    for (const event of events) {
      const { FailedRecordCount: failed } = await kinesis.send(
        new PutRecordsCommand({ StreamARN: streamArn, Records: [{ PartitionKey: 'order-1', Data: Buffer.from(JSON.stringify({ event })) }] }),
      );
      if (failed) throw new Error(`publishing ${event} failed`);
    }
  }

  const eventOf = (record: KinesisStreamEvent['Records'][number]) => (JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as { event: string }).event;

  /** A function that records the events of every batch and answers through `answer`. */
  function standIn(answer: (event: KinesisStreamEvent, call: number) => unknown = () => ({})) {
    const batches: string[][] = [];
    const events: KinesisStreamEvent[] = [];
    return {
      batches,
      events,
      invoke: async (_name: string, payload: unknown) => {
        const event = payload as KinesisStreamEvent;
        events.push(event);
        batches.push(event.Records.map(eventOf));
        return answer(event, batches.length);
      },
    };
  }

  const mapping = (streamArn: string, overrides: Partial<KinesisStreamMapping> = {}): KinesisStreamMapping => ({
    id: 'DispatcherMapping',
    streamArn,
    functionName: 'Dispatcher',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Dispatcher',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/DispatcherRole',
    batchSize: 3,
    startingPosition: 'TRIM_HORIZON',
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: -1,
    maximumRecordAgeInSeconds: -1,
    reportBatchItemFailures: true,
    enabled: true,
    ...overrides,
  });

  function start(mappings: KinesisStreamMapping[], fn: { invoke(name: string, event: unknown): Promise<unknown> }): void {
    poller = new KinesisStreamPoller({ mappings, kinesis, sqs, functions: fn, pollIntervalMs: 50, backoff: { initialMs: 20, maxMs: 100 } });
    poller.start();
  }

  const eventually = (check: () => void | Promise<void>, timeoutMs = 20_000) => retryUntil(check, timeoutMs, 50);

  const named = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

  it('delivers every record in order, in batches of at most BatchSize, shaped as Lambda shapes them', async () => {
    const streamArn = await stream();
    const fn = standIn();
    await publish(streamArn, ...named('e', 4));
    start([mapping(streamArn)], fn);
    await publish(streamArn, ...named('e', 7).slice(4));

    await eventually(() => expect(fn.batches.flat()).toHaveLength(7));

    expect(fn.batches.flat()).toEqual(named('e', 7));
    for (const batch of fn.batches) expect(batch.length).toBeLessThanOrEqual(3);
    const records = fn.events.flatMap((event) => event.Records);
    const sequenceNumbers = records.map((record) => BigInt(record.kinesis.sequenceNumber));
    expect(sequenceNumbers).toEqual([...sequenceNumbers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(records[0]).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'order-1',
        sequenceNumber: expect.stringMatching(/^\d+$/),
        data: Buffer.from(JSON.stringify({ event: 'e1' })).toString('base64'),
        approximateArrivalTimestamp: expect.any(Number),
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${records[0]?.kinesis.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/DispatcherRole',
      awsRegion: 'us-east-1',
      eventSourceARN: streamArn,
    });
    expect(Math.abs((records[0]?.kinesis.approximateArrivalTimestamp ?? 0) * 1000 - Date.now())).toBeLessThan(60_000);
  });

  it('retries from the record reported failed, not from the start of the batch, before anything after it', async () => {
    const streamArn = await stream();
    await publish(streamArn, ...named('e', 5));
    const fn = standIn((event, call) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: event.Records[1]?.kinesis.sequenceNumber }] } : {}));

    start([mapping(streamArn)], fn);

    await eventually(() => expect(fn.batches.flat().at(-1)).toBe('e5'));
    expect(fn.batches).toEqual([
      ['e1', 'e2', 'e3'],
      ['e2', 'e3'],
      ['e4', 'e5'],
    ]);
  });

  it('delivers a batch again after the function failed, then the rest in order', async () => {
    const streamArn = await stream();
    await publish(streamArn, ...named('e', 4));
    const fn = standIn((_, call) => {
      if (call === 1) throw new FunctionInvocationError('Dispatcher', 'Error', 'the queue is down');
      return {};
    });

    start([mapping(streamArn)], fn);

    await eventually(() => expect(fn.batches).toHaveLength(3));
    expect(fn.batches).toEqual([['e1', 'e2', 'e3'], ['e1', 'e2', 'e3'], ['e4']]);
  });

  it('keeps a position per mapping: two functions on one stream each get every record', async () => {
    const streamArn = await stream();
    await publish(streamArn, ...named('e', 4));
    const projector = standIn();
    const dispatcher = standIn((_, call) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: 'nonsense' }] } : {}));

    start([mapping(streamArn, { id: 'ProjectorMapping', functionName: 'Projector', batchSize: 10 }), mapping(streamArn, { batchSize: 10 })], {
      invoke: (name, event) => (name === 'Projector' ? projector.invoke(name, event) : dispatcher.invoke(name, event)),
    });

    await eventually(() => expect(dispatcher.batches).toHaveLength(2));
    expect(projector.batches).toEqual([named('e', 4)]);
    expect(dispatcher.batches).toEqual([named('e', 4), named('e', 4)]);
  });

  it('delivers only the records a filter of the mapping matches: the others are read past, never delivered, while a mapping without one gets them all', async () => {
    const streamArn = await stream();
    const fn = standIn();
    const other = standIn();
    await publish(streamArn, 'skip1', 'skip2', 'skip3', 'skip4');
    await publish(streamArn, 'keep1', 'skip5', 'keep2');

    start(
      [
        mapping(streamArn, { filters: [parseFilterPattern('{"data":{"event":["keep1","keep2"]}}')] }),
        mapping(streamArn, { id: 'ProjectorMapping', functionName: 'Projector', batchSize: 10 }),
      ],
      { invoke: (name, event) => (name === 'Projector' ? other.invoke(name, event) : fn.invoke(name, event)) },
    );

    await eventually(() => expect(other.batches.flat()).toHaveLength(7));
    await eventually(() => expect(fn.batches.flat()).toEqual(['keep1', 'keep2']));
    expect(fn.batches).toEqual([['keep1', 'keep2']]);
  });

  it('after MaximumRetryAttempts, sends the on-failure record with KinesisBatchInfo to the queue and goes on', async () => {
    const streamArn = await stream();
    const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `dispatcher-dlq-${randomUUID()}` }));
    await publish(streamArn, 'ok1', 'poison', 'ok2');
    const fn = standIn((event) => {
      if (event.Records.some((record) => eventOf(record) === 'poison')) throw new FunctionInvocationError('Dispatcher', 'Error', 'cannot dispatch');
      return {};
    });

    start([mapping(streamArn, { batchSize: 3, bisectBatchOnFunctionError: true, maximumRetryAttempts: 1, onFailureQueueUrl: queueUrl })], fn);

    await eventually(() => expect(fn.batches.flat().at(-1)).toBe('ok2'));
    const poison = fn.events.flatMap((event) => event.Records).find((record) => eventOf(record) === 'poison');
    let body: string | undefined;
    await eventually(async () => {
      const { Messages: messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      body = messages[0]?.Body;
      expect(messages).toHaveLength(1);
    });
    expect(JSON.parse(body ?? '{}')).toEqual({
      requestContext: {
        requestId: expect.any(String),
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Dispatcher',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: expect.any(Number),
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.any(String),
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: poison?.kinesis.sequenceNumber,
        endSequenceNumber: poison?.kinesis.sequenceNumber,
        approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        approximateArrivalOfLastRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        batchSize: 1,
        streamArn,
      },
    });
  });
});
