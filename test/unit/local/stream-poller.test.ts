import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { FunctionInvocationError } from '../../../infra/local/lambda-runtime';
import type { LocalResources } from '../../../infra/local/provision';
import {
  decideBatch,
  DynamoDbStreamPoller,
  dynamoDbStreamMappings,
  expiredRecordCount,
  onFailureRecord,
  parentsFirst,
  readBatchResponse,
  retryDelayMs,
  toEventRecord,
  type DynamoDbEventRecord,
  type DynamoDbStreamEvent,
  type DynamoDbStreamMapping,
} from '../../../infra/local/stream-poller';
import type { LocalTopology } from '../../../infra/local/topology';
import { eventually as retryUntil } from '../../helpers/eventually';
import { FAST_SHARD_POLLING, sentMessageBodies } from '../../helpers/pollers';

const STREAM_ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/orders/stream/2026-11-25T00:00:00.000';
const CREATED = new Date('2026-11-25T08:00:00Z');

function streamRecord(sequenceNumber: string, overrides: Partial<_Record> = {}): _Record {
  return {
    eventID: `event-${sequenceNumber}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: CREATED,
      Keys: { pk: { S: `K#${sequenceNumber}` } },
      NewImage: { pk: { S: `K#${sequenceNumber}` } },
      SequenceNumber: sequenceNumber,
      SizeBytes: 20,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    ...overrides,
  };
}

const eventRecord = (sequenceNumber: string) => toEventRecord(streamRecord(sequenceNumber), STREAM_ARN, 'us-east-1');
const seq = (n: number) => String(n).padStart(21, '0');

describe('Function: toEventRecord', () => {
  it('shapes a stream record as a record of Lambda event: version 1.1, the region, creation time in seconds, the stream ARN', () => {
    const record = streamRecord(seq(7), {
      eventName: 'MODIFY',
      dynamodb: {
        ApproximateCreationDateTime: CREATED,
        Keys: { pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' } },
        NewImage: { pk: { S: 'ORDER#1' }, amount: { N: '55300' }, tags: { SS: ['a'] } },
        OldImage: { pk: { S: 'ORDER#1' }, amount: { N: '55300' } },
        SequenceNumber: seq(7),
        SizeBytes: 120,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });

    expect(toEventRecord(record, STREAM_ARN, 'us-east-1')).toEqual({
      eventID: 'event-000000000000000000007',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: CREATED.getTime() / 1000,
        Keys: { pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' } },
        NewImage: { pk: { S: 'ORDER#1' }, amount: { N: '55300' }, tags: { SS: ['a'] } },
        OldImage: { pk: { S: 'ORDER#1' }, amount: { N: '55300' } },
        SequenceNumber: seq(7),
        SizeBytes: 120,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: STREAM_ARN,
    });
  });

  it('encodes binary values in base64, also inside maps, lists and sets, as the JSON event carries them', () => {
    const record = streamRecord(seq(1), {
      eventName: 'REMOVE',
      dynamodb: {
        Keys: { pk: { B: new Uint8Array([1, 2, 3]) } },
        OldImage: {
          pk: { B: new Uint8Array([1, 2, 3]) },
          nested: { M: { blob: { B: new Uint8Array([255]) }, list: { L: [{ BS: [new Uint8Array([0])] }, { NULL: true }, { BOOL: false }] } } },
        },
        SequenceNumber: seq(1),
      },
    });

    const event = toEventRecord(record, STREAM_ARN, 'us-east-1');

    expect(event.dynamodb).toEqual({
      Keys: { pk: { B: 'AQID' } },
      OldImage: { pk: { B: 'AQID' }, nested: { M: { blob: { B: '/w==' }, list: { L: [{ BS: ['AA=='] }, { NULL: true }, { BOOL: false }] } } } },
      SequenceNumber: seq(1),
    });
  });

  it('keeps the identity of a deletion by time to live', () => {
    const record = streamRecord(seq(2), { eventName: 'REMOVE', userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' } });

    expect(toEventRecord(record, STREAM_ARN, 'us-east-1').userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
  });
});

describe('Function: readBatchResponse', () => {
  const batch = [seq(1), seq(2), seq(3)];

  it.each([
    ['no response', undefined],
    ['null', null],
    ['an empty object', {}],
    ['a null list', { batchItemFailures: null }],
    ['an empty list', { batchItemFailures: [] }],
  ])('takes %s as success', (_, response) => {
    expect(readBatchResponse(response, batch, true)).toEqual({ kind: 'success' });
  });

  it('retries from the lowest sequence number reported, whatever the order of the report', () => {
    const response = { batchItemFailures: [{ itemIdentifier: seq(3) }, { itemIdentifier: seq(2) }] };

    expect(readBatchResponse(response, batch, true)).toMatchObject({ kind: 'partial', failedAt: 1 });
  });

  it.each([
    ['an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null identifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a misnamed key', { batchItemFailures: [{ itemId: seq(2) }] }],
    ['a record not in the batch', { batchItemFailures: [{ itemIdentifier: seq(9) }] }],
    ['a list that is not one', { batchItemFailures: 'all' }],
  ])('fails the whole batch on %s', (_, response) => {
    expect(readBatchResponse(response, batch, true)).toMatchObject({ kind: 'partial', failedAt: 0 });
  });

  it('ignores the response of a mapping without ReportBatchItemFailures', () => {
    expect(readBatchResponse({ batchItemFailures: [{ itemIdentifier: seq(1) }] }, batch, false)).toEqual({ kind: 'success' });
  });
});

describe('Function: decideBatch', () => {
  const error = { kind: 'function-error', reason: 'boom' } as const;
  const partialAt = (failedAt: number) => ({ kind: 'partial', failedAt, reason: 'reported' }) as const;
  const settings = (bisectBatchOnFunctionError: boolean, maximumRetryAttempts: number) => ({ bisectBatchOnFunctionError, maximumRetryAttempts });

  it('moves on after success', () => {
    expect(decideBatch({ kind: 'success' }, 10, 3, settings(true, 0))).toEqual({ action: 'next' });
  });

  it('retries a partial failure from the failed record, counting a retry, bisecting or not', () => {
    expect(decideBatch(partialAt(4), 10, 0, settings(false, 2))).toEqual({ action: 'retry', from: 4, retries: 1 });
    expect(decideBatch(partialAt(4), 10, 1, settings(true, 2))).toEqual({ action: 'retry', from: 4, retries: 2 });
  });

  it('retries the whole batch after a function error when not bisecting', () => {
    expect(decideBatch(error, 10, 0, settings(false, -1))).toEqual({ action: 'retry', from: 0, retries: 1 });
  });

  it('splits a failed batch in halves, the first the larger, using up no retry', () => {
    expect(decideBatch(error, 5, 2, settings(true, 2))).toEqual({ action: 'bisect', halves: [3, 2] });
  });

  it('retries a single failing record instead of splitting it', () => {
    expect(decideBatch(error, 1, 0, settings(true, 2))).toEqual({ action: 'retry', from: 0, retries: 1 });
  });

  it('gives up once MaximumRetryAttempts retries have failed, keeping what succeeded', () => {
    expect(decideBatch(error, 1, 2, settings(true, 2))).toEqual({ action: 'give-up', from: 0 });
    expect(decideBatch(partialAt(3), 10, 2, settings(false, 2))).toEqual({ action: 'give-up', from: 3 });
    expect(decideBatch(error, 4, 0, settings(false, 0))).toEqual({ action: 'give-up', from: 0 });
  });

  it('never gives up with -1 retries', () => {
    expect(decideBatch(error, 1, 10_000, settings(false, -1))).toEqual({ action: 'retry', from: 0, retries: 10_001 });
  });
});

describe('Function: retryDelayMs', () => {
  it('backs off from 200 ms, doubling, to 2 s', () => {
    expect([1, 2, 3, 4, 5, 6].map((retries) => retryDelayMs(retries))).toEqual([200, 400, 800, 1_600, 2_000, 2_000]);
  });
});

describe('Function: expiredRecordCount', () => {
  const now = 1_000_000;

  it('counts the records at the head that are older than the maximum age', () => {
    expect(expiredRecordCount([now - 70_000, now - 61_000, now - 59_000, now], 60, now)).toBe(2);
  });

  it('expires nothing without a maximum age', () => {
    expect(expiredRecordCount([0, 1], -1, now)).toBe(0);
  });
});

describe('Function: parentsFirst', () => {
  it('puts a parent listed after its child first, and keeps shards whose parent is gone', () => {
    const shards: Shard[] = [{ ShardId: 'child', ParentShardId: 'parent' }, { ShardId: 'orphan', ParentShardId: 'trimmed' }, { ShardId: 'parent' }];

    expect(parentsFirst(shards).map((shard) => shard.ShardId)).toEqual(['parent', 'child', 'orphan']);
  });
});

describe('Function: onFailureRecord', () => {
  it("is Lambda's invocation record for a stream: where the discarded records are, the condition and the last response", () => {
    const records = [eventRecord(seq(4)), eventRecord(seq(5))];

    const record = onFailureRecord({
      mapping: { functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Relay', streamArn: STREAM_ARN },
      shardId: 'shardId-1',
      records,
      condition: 'RetryAttemptsExhausted',
      invokeCount: 3,
      lastInvocation: { requestId: 'req-1', functionError: true },
      now: new Date('2026-11-25T08:05:00.123Z'),
    });

    expect(record).toEqual({
      requestContext: {
        requestId: 'req-1',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Relay',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-11-25T08:05:00.123Z',
      DDBStreamBatchInfo: {
        shardId: 'shardId-1',
        startSequenceNumber: seq(4),
        endSequenceNumber: seq(5),
        approximateArrivalOfFirstRecord: '2026-11-25T08:00:00Z',
        approximateArrivalOfLastRecord: '2026-11-25T08:00:00Z',
        batchSize: 2,
        streamArn: STREAM_ARN,
      },
    });
  });

  it('has no response context for records that expired before any invocation, and no function error after a partial failure', () => {
    const base = { mapping: { functionArn: 'fn', streamArn: STREAM_ARN }, shardId: 's', records: [eventRecord(seq(1))], now: new Date() };

    expect(onFailureRecord({ ...base, condition: 'RecordAgeExceeded', invokeCount: 0 })).not.toHaveProperty('responseContext');
    expect(
      onFailureRecord({ ...base, condition: 'RetryAttemptsExhausted', invokeCount: 2, lastInvocation: { requestId: 'r', functionError: false } }).responseContext,
    ).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
  });
});

describe('Function: dynamoDbStreamMappings', () => {
  it('resolves the stream ARN, the function and the on-failure queue, and leaves out the other kinds', () => {
    const topology: LocalTopology = {
      tables: [],
      streams: [],
      queues: [],
      functions: [],
      routes: [],
      schedules: [],
      eventSourceMappings: [
        {
          logicalId: 'RelayMapping',
          kind: 'dynamodb',
          functionLogicalId: 'Relay',
          sourceLogicalId: 'OrdersTable',
          eventSourceArn: { 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] },
          batchSize: 10,
          maximumBatchingWindowInSeconds: 0,
          enabled: true,
          reportBatchItemFailures: true,
          startingPosition: 'TRIM_HORIZON',
          bisectBatchOnFunctionError: true,
          maximumRetryAttempts: 5,
          maximumRecordAgeInSeconds: 3_600,
          parallelizationFactor: 1,
          onFailure: { queueLogicalId: 'RelayDlq' },
        },
        {
          logicalId: 'IssuerMapping',
          kind: 'sqs',
          functionLogicalId: 'Issuer',
          sourceLogicalId: 'Outbox',
          eventSourceArn: { 'Fn::GetAtt': ['Outbox', 'Arn'] },
          batchSize: 10,
          maximumBatchingWindowInSeconds: 0,
          enabled: true,
          reportBatchItemFailures: true,
        },
      ],
    };
    const resources: LocalResources = {
      tableName: (id) => id,
      streamName: (id) => id,
      queueUrl: (id) => `http://sqs.local/000000000000/${id}`,
      resolve: () => STREAM_ARN,
    };

    expect(dynamoDbStreamMappings(topology, resources)).toEqual([
      {
        id: 'RelayMapping',
        streamArn: STREAM_ARN,
        functionName: 'Relay',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Relay',
        batchSize: 10,
        startingPosition: 'TRIM_HORIZON',
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 5,
        maximumRecordAgeInSeconds: 3_600,
        reportBatchItemFailures: true,
        enabled: true,
        onFailureQueueUrl: 'http://sqs.local/000000000000/RelayDlq',
      },
    ]);
  });
});

// ---- the poller, over a fake stream ------------------------------------------------------------

const streamsClient = mockClient(DynamoDBStreamsClient);
const sqsClient = mockClient(SQSClient);

/** A DynamoDB stream in memory: shards of records; an iterator is `<shard>@<index>`. */
class FakeStream {
  readonly shards = new Map<string, { parent?: string; records: _Record[]; closed: boolean }>();
  /** Shards in the order DescribeStream lists them. */
  listing: string[] = [];
  /** Thrown by the next GetRecords, once. */
  failNextRead: Error | undefined;

  addShard(shardId: string, options: { parent?: string; closed?: boolean } = {}): void {
    this.shards.set(shardId, { ...(options.parent ? { parent: options.parent } : {}), records: [], closed: options.closed ?? false });
    this.listing.push(shardId);
  }

  write(shardId: string, ...sequenceNumbers: number[]): void {
    this.shards.get(shardId)?.records.push(...sequenceNumbers.map((n) => streamRecord(seq(n))));
  }

  install(client: typeof streamsClient): void {
    client.on(DescribeStreamCommand).callsFake(() => ({
      StreamDescription: {
        StreamArn: STREAM_ARN,
        Shards: this.listing.map((shardId) => {
          const shard = this.shards.get(shardId);
          const records = shard?.records ?? [];
          return {
            ShardId: shardId,
            ...(shard?.parent ? { ParentShardId: shard.parent } : {}),
            SequenceNumberRange: {
              StartingSequenceNumber: records[0]?.dynamodb?.SequenceNumber ?? seq(0),
              ...(shard?.closed ? { EndingSequenceNumber: records.at(-1)?.dynamodb?.SequenceNumber ?? seq(0) } : {}),
            },
          };
        }),
      },
    }));
    client.on(GetShardIteratorCommand).callsFake((input: { ShardId: string; ShardIteratorType: string; SequenceNumber?: string }) => {
      const records = this.shards.get(input.ShardId)?.records ?? [];
      const index =
        input.ShardIteratorType === 'LATEST'
          ? records.length
          : input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER'
            ? records.findIndex((record) => record.dynamodb?.SequenceNumber === input.SequenceNumber) + 1
            : 0;
      return { ShardIterator: `${input.ShardId}@${index}` };
    });
    client.on(GetRecordsCommand).callsFake((input: { ShardIterator: string; Limit?: number }) => {
      const failure = this.failNextRead;
      this.failNextRead = undefined;
      if (failure) throw failure;
      const [shardId = '', at = '0'] = input.ShardIterator.split('@');
      const shard = this.shards.get(shardId);
      const records = (shard?.records ?? []).slice(Number(at), Number(at) + (input.Limit ?? 1_000));
      const next = Number(at) + records.length;
      const atEnd = shard?.closed && next >= shard.records.length;
      return { Records: records, ...(atEnd ? {} : { NextShardIterator: `${shardId}@${next}` }) };
    });
  }
}

type Invocation = string[];

/** A function standing in for the runtime: records what each invocation carried, answers by `answer`. */
function recordingFunction(answer: (sequenceNumbers: string[], call: number) => unknown) {
  const invocations: Invocation[] = [];
  return {
    invocations,
    invoke: async (_name: string, event: unknown) => {
      const sequenceNumbers = (event as DynamoDbStreamEvent).Records.map((record) => record.dynamodb.SequenceNumber);
      invocations.push(sequenceNumbers);
      return answer(sequenceNumbers, invocations.length);
    },
  };
}

const fail = (): never => {
  throw new FunctionInvocationError('Relay', 'Error', 'boom');
};

const eventually = (check: () => void, timeoutMs = 5_000) => retryUntil(check, timeoutMs, 10);

describe('Class: DynamoDbStreamPoller (over a fake stream)', () => {
  let stream: FakeStream;
  let poller: DynamoDbStreamPoller | undefined;

  const mapping = (overrides: Partial<DynamoDbStreamMapping> = {}): DynamoDbStreamMapping => ({
    id: 'RelayMapping',
    streamArn: STREAM_ARN,
    functionName: 'Relay',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Relay',
    batchSize: 4,
    startingPosition: 'TRIM_HORIZON',
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: -1,
    maximumRecordAgeInSeconds: -1,
    reportBatchItemFailures: true,
    enabled: true,
    onFailureQueueUrl: 'http://sqs.local/000000000000/relay-dlq',
    ...overrides,
  });

  function startPoller(options: {
    mapping?: Partial<DynamoDbStreamMapping>;
    functions: { invoke(name: string, event: unknown): Promise<unknown> };
    now?: () => number;
    log?: (line: string) => void;
  }) {
    poller = new DynamoDbStreamPoller({
      mappings: [mapping(options.mapping)],
      streams: new DynamoDBStreamsClient({ region: 'us-east-1' }),
      sqs: new SQSClient({ region: 'us-east-1' }),
      functions: options.functions,
      ...FAST_SHARD_POLLING,
      ...(options.now ? { now: options.now } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    poller.start();
    return poller;
  }

  const sentRecords = () => sentMessageBodies(sqsClient);

  beforeEach(() => {
    streamsClient.reset();
    sqsClient.reset();
    sqsClient.on(SendMessageCommand).resolves({ MessageId: 'm' });
    stream = new FakeStream();
    stream.install(streamsClient);
  });

  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });

  it('delivers the records in order, in batches of BatchSize, each as Lambda shapes it', async () => {
    stream.addShard('shard-1');
    stream.write('shard-1', 1, 2, 3, 4, 5, 6);
    const events: DynamoDbStreamEvent[] = [];
    startPoller({ functions: { invoke: async (_, event) => void events.push(event as DynamoDbStreamEvent) } });

    await eventually(() => expect(events).toHaveLength(2));
    stream.write('shard-1', 7);
    await eventually(() => expect(events).toHaveLength(3));

    expect(events.map((event) => event.Records.map((record) => record.dynamodb.SequenceNumber))).toEqual([
      [seq(1), seq(2), seq(3), seq(4)],
      [seq(5), seq(6)],
      [seq(7)],
    ]);
    expect(events[0]?.Records[0]).toEqual<DynamoDbEventRecord>(eventRecord(seq(1)));
  });

  it('retries from the lowest record reported failed, and only the rest of that batch', async () => {
    stream.addShard('shard-1');
    stream.write('shard-1', 1, 2, 3, 4, 5);
    const fn = recordingFunction((batch, call) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: seq(4) }, { itemIdentifier: seq(3) }] } : {}));
    startPoller({ functions: fn });

    await eventually(() => expect(fn.invocations).toHaveLength(3));

    expect(fn.invocations).toEqual([[seq(1), seq(2), seq(3), seq(4)], [seq(3), seq(4)], [seq(5)]]);
  });

  it('bisects a failing batch down to the bad record, gives it up after MaximumRetryAttempts, then goes on in order', async () => {
    stream.addShard('shard-1');
    stream.write('shard-1', 1, 2, 3, 4, 5, 6);
    const fn = recordingFunction((batch) => (batch.includes(seq(3)) ? fail() : {}));
    startPoller({ mapping: { bisectBatchOnFunctionError: true, maximumRetryAttempts: 1 }, functions: fn });

    await eventually(() => expect(fn.invocations.at(-1)).toEqual([seq(5), seq(6)]));

    expect(fn.invocations).toEqual([
      [seq(1), seq(2), seq(3), seq(4)],
      [seq(1), seq(2)],
      [seq(3), seq(4)],
      [seq(3)],
      [seq(3)],
      [seq(4)],
      [seq(5), seq(6)],
    ]);
    expect(sentRecords()).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 4 }),
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        DDBStreamBatchInfo: expect.objectContaining({ shardId: 'shard-1', startSequenceNumber: seq(3), endSequenceNumber: seq(3), batchSize: 1, streamArn: STREAM_ARN }),
      }),
    ]);
    expect(sqsClient).toHaveReceivedCommandWith(SendMessageCommand, { QueueUrl: 'http://sqs.local/000000000000/relay-dlq' });
  });

  it('without bisecting, retries the whole batch and gives all of it up', async () => {
    stream.addShard('shard-1');
    stream.write('shard-1', 1, 2, 3);
    const fn = recordingFunction((batch) => (batch.includes(seq(1)) ? fail() : {}));
    startPoller({ mapping: { batchSize: 2, maximumRetryAttempts: 2 }, functions: fn });

    await eventually(() => expect(fn.invocations.at(-1)).toEqual([seq(3)]));

    expect(fn.invocations).toEqual([[seq(1), seq(2)], [seq(1), seq(2)], [seq(1), seq(2)], [seq(3)]]);
    expect(sentRecords()[0]?.DDBStreamBatchInfo).toMatchObject({ startSequenceNumber: seq(1), endSequenceNumber: seq(2), batchSize: 2 });
  });

  it('gives up records older than MaximumRecordAgeInSeconds before invoking with them', async () => {
    stream.addShard('shard-1');
    stream.write('shard-1', 1, 2);
    const fn = recordingFunction(() => ({}));
    // Two hours after the records were written: they count from the end of their minute at the latest.
    startPoller({ mapping: { maximumRecordAgeInSeconds: 3_600 }, functions: fn, now: () => CREATED.getTime() + 2 * 3_600_000 });

    await eventually(() => expect(sentRecords()).toHaveLength(1));

    expect(fn.invocations).toEqual([]);
    expect(sentRecords()[0]).toMatchObject({ requestContext: { condition: 'RecordAgeExceeded', approximateInvokeCount: 0 }, DDBStreamBatchInfo: { batchSize: 2 } });
    expect(sentRecords()[0]).not.toHaveProperty('responseContext');
  });

  it('reads a child shard only after its parent, even when the child is listed first', async () => {
    stream.addShard('child', { parent: 'parent' });
    stream.addShard('parent', { closed: true });
    stream.listing = ['child', 'parent'];
    stream.write('parent', 1, 2);
    stream.write('child', 3);
    const fn = recordingFunction(() => ({}));
    startPoller({ mapping: { batchSize: 1 }, functions: fn });

    await eventually(() => expect(fn.invocations).toHaveLength(3));

    expect(fn.invocations).toEqual([[seq(1)], [seq(2)], [seq(3)]]);
  });

  it('from LATEST, skips what the stream held at start and delivers what comes after', async () => {
    stream.addShard('shard-1');
    stream.write('shard-1', 1, 2);
    const fn = recordingFunction(() => ({}));
    startPoller({ mapping: { startingPosition: 'LATEST' }, functions: fn });
    await eventually(() => expect(streamsClient).toHaveReceivedCommand(GetRecordsCommand));

    stream.write('shard-1', 3);

    await eventually(() => expect(fn.invocations).toEqual([[seq(3)]]));
  });

  it('delivers nothing while the mapping is disabled, and everything, in order, once it is enabled', async () => {
    stream.addShard('shard-1');
    stream.write('shard-1', 1, 2);
    const fn = recordingFunction(() => ({}));
    const started = startPoller({ mapping: { enabled: false }, functions: fn });
    await new Promise((wake) => setTimeout(wake, 100));
    expect(fn.invocations).toEqual([]);

    started.setEnabled('RelayMapping', true);

    await eventually(() => expect(fn.invocations).toEqual([[seq(1), seq(2)]]));
  });

  it.each([
    ['an iterator expires', () => new ExpiredIteratorException({ message: 'expired', $metadata: {} })],
    ['DynamoDB Local calls an iterator trimmed', () => new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} })],
  ])('reads on after the last record read when %s, delivering nothing twice and losing nothing', async (_, failure) => {
    stream.addShard('shard-1');
    stream.write('shard-1', 1, 2);
    const fn = recordingFunction(() => ({}));
    startPoller({ functions: fn });
    await eventually(() => expect(fn.invocations).toEqual([[seq(1), seq(2)]]));

    stream.failNextRead = failure();
    await eventually(() => expect(stream.failNextRead).toBeUndefined());
    stream.write('shard-1', 3);

    await eventually(() => expect(fn.invocations).toEqual([[seq(1), seq(2)], [seq(3)]]));
    expect(streamsClient).toHaveReceivedCommandWith(GetShardIteratorCommand, { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: seq(2) });
  });

  it('says nothing when an iterator from before anything was read is called trimmed, and reads from the oldest record kept', async () => {
    stream.addShard('shard-1');
    stream.write('shard-1', 1, 2);
    stream.failNextRead = new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} });
    const lines: string[] = [];
    const fn = recordingFunction(() => ({}));

    startPoller({ functions: fn, log: (line) => lines.push(line) });

    await eventually(() => expect(fn.invocations).toEqual([[seq(1), seq(2)]]));
    expect(lines.filter((line) => /trimm|older than/.test(line))).toEqual([]);
  });

  it('stops at once, even with an invocation in flight', async () => {
    stream.addShard('shard-1');
    stream.write('shard-1', 1);
    let invoked = false;
    const started = startPoller({ functions: { invoke: () => ((invoked = true), new Promise(() => undefined)) } });
    await eventually(() => expect(invoked).toBe(true));

    const stopping = Date.now();
    await started.stop();

    expect(Date.now() - stopping).toBeLessThan(500);
  });
});
