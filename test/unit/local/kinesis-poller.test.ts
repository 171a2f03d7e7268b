import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, type _Record } from '@aws-sdk/client-kinesis';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  KinesisStreamPoller,
  kinesisOnFailureRecord,
  kinesisStreamMappings,
  toKinesisEventRecord,
  type KinesisStreamEvent,
  type KinesisStreamMapping,
} from '../../../infra/local/kinesis-poller';
import { FunctionInvocationError } from '../../../infra/local/lambda-runtime';
import type { LocalResources } from '../../../infra/local/provision';
import type { LocalTopology } from '../../../infra/local/topology';
import { eventually as retryUntil } from '../../helpers/eventually';
import { FAST_SHARD_POLLING, sentMessageBodies } from '../../helpers/pollers';

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/order-events';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/DispatcherRole';
const ARRIVED = new Date('2026-11-25T08:00:00.123Z');
const seq = (n: number) => `4968056435860255435433124258925226876612540212427${String(n).padStart(7, '0')}`;

function kinesisRecord(sequenceNumber: string, overrides: Partial<_Record> = {}): _Record {
  return {
    SequenceNumber: sequenceNumber,
    Data: Buffer.from(JSON.stringify({ n: sequenceNumber })),
    PartitionKey: 'order-1',
    ApproximateArrivalTimestamp: ARRIVED,
    EncryptionType: 'NONE',
    ...overrides,
  };
}

const mappingFields = { streamArn: STREAM_ARN, invokeIdentityArn: ROLE_ARN };

describe('Function: toKinesisEventRecord', () => {
  it("shapes a Kinesis record as a record of Lambda's event: base64 data, arrival in seconds, the shard in the event id", () => {
    const record = kinesisRecord(seq(7), { Data: Buffer.from('{"type":"OrderPaid"}'), PartitionKey: '0193a8c2' });

    expect(toKinesisEventRecord(record, 'shardId-000000000000', mappingFields, 'us-east-1')).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: '0193a8c2',
        sequenceNumber: seq(7),
        data: Buffer.from('{"type":"OrderPaid"}').toString('base64'),
        approximateArrivalTimestamp: 1_795_593_600.123,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${seq(7)}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: ROLE_ARN,
      awsRegion: 'us-east-1',
      eventSourceARN: STREAM_ARN,
    });
  });
});

describe('Function: kinesisOnFailureRecord', () => {
  it("is Lambda's invocation record for Kinesis: KinesisBatchInfo with arrival times to the millisecond", () => {
    const records = [seq(4), seq(5)].map((n) => toKinesisEventRecord(kinesisRecord(n), 'shardId-000000000001', mappingFields, 'us-east-1'));

    expect(
      kinesisOnFailureRecord({
        mapping: { functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Dispatcher', streamArn: STREAM_ARN },
        shardId: 'shardId-000000000001',
        records,
        condition: 'RetryAttemptsExhausted',
        invokeCount: 3,
        lastInvocation: { requestId: 'req-1', functionError: true },
        now: new Date('2026-11-25T08:05:00.000Z'),
      }),
    ).toEqual({
      requestContext: {
        requestId: 'req-1',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Dispatcher',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-11-25T08:05:00.000Z',
      KinesisBatchInfo: {
        shardId: 'shardId-000000000001',
        startSequenceNumber: seq(4),
        endSequenceNumber: seq(5),
        approximateArrivalOfFirstRecord: '2026-11-25T08:00:00.123Z',
        approximateArrivalOfLastRecord: '2026-11-25T08:00:00.123Z',
        batchSize: 2,
        streamArn: STREAM_ARN,
      },
    });
  });
});

describe('Function: kinesisStreamMappings', () => {
  it("resolves the stream, the function, its role and the on-failure queue, and leaves out the other kinds", () => {
    const topology: LocalTopology = {
      tables: [],
      streams: [],
      queues: [],
      routes: [],
      schedules: [],
      functions: [
        { logicalId: 'Dispatcher', handler: 'index.handler', codeDir: '/x', environment: {}, timeoutSeconds: 10, memorySize: 256, roleLogicalId: 'DispatcherRole' },
      ],
      eventSourceMappings: [
        {
          logicalId: 'DispatcherMapping',
          kind: 'kinesis',
          functionLogicalId: 'Dispatcher',
          sourceLogicalId: 'OrderEvents',
          eventSourceArn: { 'Fn::GetAtt': ['OrderEvents', 'Arn'] },
          batchSize: 100,
          maximumBatchingWindowInSeconds: 0,
          enabled: true,
          reportBatchItemFailures: true,
          startingPosition: 'TRIM_HORIZON',
          bisectBatchOnFunctionError: true,
          maximumRetryAttempts: 5,
          maximumRecordAgeInSeconds: 3_600,
          parallelizationFactor: 1,
          onFailure: { queueLogicalId: 'DispatcherDlq' },
        },
        {
          logicalId: 'RelayMapping',
          kind: 'dynamodb',
          functionLogicalId: 'Relay',
          sourceLogicalId: 'OrdersTable',
          eventSourceArn: { 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] },
          batchSize: 100,
          maximumBatchingWindowInSeconds: 0,
          enabled: true,
          reportBatchItemFailures: true,
          startingPosition: 'TRIM_HORIZON',
          bisectBatchOnFunctionError: false,
          maximumRetryAttempts: -1,
          maximumRecordAgeInSeconds: -1,
          parallelizationFactor: 1,
        },
      ],
    };
    const resources: LocalResources = {
      tableName: (id) => id,
      streamName: (id) => id,
      queueUrl: (id) => `http://sqs.local/000000000000/${id}`,
      resolve: () => STREAM_ARN,
    };

    expect(kinesisStreamMappings(topology, resources)).toEqual<KinesisStreamMapping[]>([
      {
        id: 'DispatcherMapping',
        streamArn: STREAM_ARN,
        functionName: 'Dispatcher',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Dispatcher',
        invokeIdentityArn: ROLE_ARN,
        batchSize: 100,
        startingPosition: 'TRIM_HORIZON',
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 5,
        maximumRecordAgeInSeconds: 3_600,
        reportBatchItemFailures: true,
        enabled: true,
        onFailureQueueUrl: 'http://sqs.local/000000000000/DispatcherDlq',
      },
    ]);
  });
});

// ---- the poller, over a fake stream ------------------------------------------------------------

const kinesisClient = mockClient(KinesisClient);
const sqsClient = mockClient(SQSClient);

/** A Kinesis stream in memory: shards of records; an iterator is `<shard>@<index>`. */
class FakeKinesis {
  readonly shards = new Map<string, { parents: string[]; records: _Record[]; closed: boolean }>();
  listing: string[] = [];

  addShard(shardId: string, options: { parents?: string[]; closed?: boolean } = {}): void {
    this.shards.set(shardId, { parents: options.parents ?? [], records: [], closed: options.closed ?? false });
    this.listing.push(shardId);
  }

  write(shardId: string, ...sequenceNumbers: number[]): void {
    this.shards.get(shardId)?.records.push(...sequenceNumbers.map((n) => kinesisRecord(seq(n))));
  }

  install(client: typeof kinesisClient): void {
    client.on(ListShardsCommand).callsFake(() => ({
      Shards: this.listing.map((shardId) => {
        const shard = this.shards.get(shardId);
        const [parent, adjacent] = shard?.parents ?? [];
        return {
          ShardId: shardId,
          ...(parent ? { ParentShardId: parent } : {}),
          ...(adjacent ? { AdjacentParentShardId: adjacent } : {}),
          HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' },
          SequenceNumberRange: { StartingSequenceNumber: seq(0), ...(shard?.closed ? { EndingSequenceNumber: shard.records.at(-1)?.SequenceNumber ?? seq(0) } : {}) },
        };
      }),
    }));
    client
      .on(GetShardIteratorCommand)
      .callsFake((input: { ShardId: string; ShardIteratorType: string; StartingSequenceNumber?: string; Timestamp?: Date }) => {
        const records = this.shards.get(input.ShardId)?.records ?? [];
        const index =
          input.ShardIteratorType === 'LATEST'
            ? records.length
            : input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER'
              ? records.findIndex((record) => record.SequenceNumber === input.StartingSequenceNumber) + 1
              : input.ShardIteratorType === 'AT_TIMESTAMP'
                ? Math.max(0, records.findIndex((record) => (record.ApproximateArrivalTimestamp?.getTime() ?? 0) >= (input.Timestamp?.getTime() ?? 0)))
                : 0;
        return { ShardIterator: `${input.ShardId}@${index}` };
      });
    client.on(GetRecordsCommand).callsFake((input: { ShardIterator: string; Limit?: number }) => {
      const [shardId = '', at = '0'] = input.ShardIterator.split('@');
      const shard = this.shards.get(shardId);
      const records = (shard?.records ?? []).slice(Number(at), Number(at) + (input.Limit ?? 10_000));
      const next = Number(at) + records.length;
      const atEnd = shard?.closed && next >= shard.records.length;
      return { Records: records, MillisBehindLatest: 0, ...(atEnd ? {} : { NextShardIterator: `${shardId}@${next}` }) };
    });
  }
}

/** A function standing in for the runtime: records what each invocation carried, answers by `answer`. */
function recordingFunction(answer: (sequenceNumbers: string[], call: number) => unknown = () => ({})) {
  const invocations: string[][] = [];
  const events: KinesisStreamEvent[] = [];
  return {
    invocations,
    events,
    invoke: async (_name: string, event: unknown) => {
      const kinesisEvent = event as KinesisStreamEvent;
      events.push(kinesisEvent);
      const sequenceNumbers = kinesisEvent.Records.map((record) => record.kinesis.sequenceNumber);
      invocations.push(sequenceNumbers);
      return answer(sequenceNumbers, invocations.length);
    },
  };
}

const fail = (): never => {
  throw new FunctionInvocationError('Dispatcher', 'Error', 'boom');
};

const eventually = (check: () => void, timeoutMs = 5_000) => retryUntil(check, timeoutMs, 10);

describe('Class: KinesisStreamPoller (over a fake stream)', () => {
  let stream: FakeKinesis;
  let poller: KinesisStreamPoller | undefined;

  const mapping = (overrides: Partial<KinesisStreamMapping> = {}): KinesisStreamMapping => ({
    id: 'DispatcherMapping',
    streamArn: STREAM_ARN,
    functionName: 'Dispatcher',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Dispatcher',
    invokeIdentityArn: ROLE_ARN,
    batchSize: 4,
    startingPosition: 'TRIM_HORIZON',
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: -1,
    maximumRecordAgeInSeconds: -1,
    reportBatchItemFailures: true,
    enabled: true,
    onFailureQueueUrl: 'http://sqs.local/000000000000/dispatcher-dlq',
    ...overrides,
  });

  function startPoller(options: { mappings: KinesisStreamMapping[]; functions: { invoke(name: string, event: unknown): Promise<unknown> }; now?: () => number }) {
    poller = new KinesisStreamPoller({
      mappings: options.mappings,
      kinesis: new KinesisClient({ region: 'us-east-1' }),
      sqs: new SQSClient({ region: 'us-east-1' }),
      functions: options.functions,
      ...FAST_SHARD_POLLING,
      ...(options.now ? { now: options.now } : {}),
    });
    poller.start();
    return poller;
  }

  const sentRecords = () => sentMessageBodies(sqsClient);

  beforeEach(() => {
    kinesisClient.reset();
    sqsClient.reset();
    sqsClient.on(SendMessageCommand).resolves({ MessageId: 'm' });
    stream = new FakeKinesis();
    stream.install(kinesisClient);
  });

  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });

  it('delivers every shard in order, in batches of BatchSize, each record as Lambda shapes it', async () => {
    stream.addShard('shardId-000000000000');
    stream.write('shardId-000000000000', 1, 2, 3, 4, 5, 6);
    const fn = recordingFunction();
    startPoller({ mappings: [mapping()], functions: fn });

    await eventually(() => expect(fn.invocations).toHaveLength(2));
    stream.write('shardId-000000000000', 7);
    await eventually(() => expect(fn.invocations).toHaveLength(3));

    expect(fn.invocations).toEqual([[seq(1), seq(2), seq(3), seq(4)], [seq(5), seq(6)], [seq(7)]]);
    expect(fn.events[0]?.Records[0]).toEqual(toKinesisEventRecord(kinesisRecord(seq(1)), 'shardId-000000000000', mappingFields, 'us-east-1'));
  });

  it('retries from the earliest record reported failed, and only the rest of that batch', async () => {
    stream.addShard('shardId-000000000000');
    stream.write('shardId-000000000000', 1, 2, 3, 4, 5);
    const fn = recordingFunction((_, call) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: seq(4) }, { itemIdentifier: seq(3) }] } : {}));
    startPoller({ mappings: [mapping()], functions: fn });

    await eventually(() => expect(fn.invocations).toHaveLength(3));

    expect(fn.invocations).toEqual([[seq(1), seq(2), seq(3), seq(4)], [seq(3), seq(4)], [seq(5)]]);
  });

  it('keeps a position per mapping: two functions on one stream each get every record, one failing does not hold up the other', async () => {
    stream.addShard('shardId-000000000000');
    stream.write('shardId-000000000000', 1, 2, 3);
    const projector = recordingFunction();
    const dispatcher = recordingFunction((_, call) => (call === 1 ? fail() : {}));
    startPoller({
      mappings: [mapping({ id: 'ProjectorMapping', functionName: 'Projector' }), mapping({ id: 'DispatcherMapping', functionName: 'Dispatcher' })],
      functions: { invoke: (name, event) => (name === 'Projector' ? projector.invoke(name, event) : dispatcher.invoke(name, event)) },
    });

    await eventually(() => expect(dispatcher.invocations).toHaveLength(2));

    expect(projector.invocations).toEqual([[seq(1), seq(2), seq(3)]]);
    expect(dispatcher.invocations).toEqual([
      [seq(1), seq(2), seq(3)],
      [seq(1), seq(2), seq(3)],
    ]);
  });

  it('bisects a failing batch down to the bad record, sends its KinesisBatchInfo to the on-failure queue and goes on', async () => {
    stream.addShard('shardId-000000000000');
    stream.write('shardId-000000000000', 1, 2, 3, 4);
    const fn = recordingFunction((batch) => (batch.includes(seq(2)) ? fail() : {}));
    startPoller({ mappings: [mapping({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 })], functions: fn });

    await eventually(() => expect(sentRecords()).toHaveLength(1));
    await eventually(() => expect(fn.invocations.at(-1)).toEqual([seq(3), seq(4)]));

    expect(fn.invocations).toEqual([[seq(1), seq(2), seq(3), seq(4)], [seq(1), seq(2)], [seq(1)], [seq(2)], [seq(3), seq(4)]]);
    expect(sentRecords()[0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      KinesisBatchInfo: { shardId: 'shardId-000000000000', startSequenceNumber: seq(2), endSequenceNumber: seq(2), batchSize: 1, streamArn: STREAM_ARN },
    });
  });

  it('gives up records older than MaximumRecordAgeInSeconds, counted from their arrival, before invoking with them', async () => {
    stream.addShard('shardId-000000000000');
    stream.write('shardId-000000000000', 1);
    const fn = recordingFunction();
    startPoller({ mappings: [mapping({ maximumRecordAgeInSeconds: 60 })], functions: fn, now: () => ARRIVED.getTime() + 61_000 });

    await eventually(() => expect(sentRecords()).toHaveLength(1));

    expect(fn.invocations).toEqual([]);
    expect(sentRecords()[0]).toMatchObject({ requestContext: { condition: 'RecordAgeExceeded', approximateInvokeCount: 0 }, KinesisBatchInfo: { batchSize: 1 } });
  });

  it('reads a merged shard only after both its parents', async () => {
    stream.addShard('merged', { parents: ['left', 'right'] });
    stream.addShard('left', { closed: true });
    stream.addShard('right', { closed: true });
    stream.write('left', 1);
    stream.write('right', 2);
    stream.write('merged', 3);
    const fn = recordingFunction();
    startPoller({ mappings: [mapping({ batchSize: 1 })], functions: fn });

    await eventually(() => expect(fn.invocations).toHaveLength(3));

    expect(fn.invocations.at(-1)).toEqual([seq(3)]);
  });

  it('from LATEST, delivers only what is written after the start', async () => {
    stream.addShard('shardId-000000000000');
    stream.write('shardId-000000000000', 1, 2);
    const fn = recordingFunction();
    startPoller({ mappings: [mapping({ startingPosition: 'LATEST' })], functions: fn });
    await eventually(() => expect(kinesisClient).toHaveReceivedCommand(GetRecordsCommand));

    stream.write('shardId-000000000000', 3);

    await eventually(() => expect(fn.invocations).toEqual([[seq(3)]]));
  });

  it('starts AT_TIMESTAMP from the first record that arrived then', async () => {
    stream.addShard('shardId-000000000000');
    stream.write('shardId-000000000000', 1);
    const fn = recordingFunction();
    startPoller({ mappings: [mapping({ startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: ARRIVED.getTime() / 1000 })], functions: fn });

    await eventually(() => expect(fn.invocations).toEqual([[seq(1)]]));
    expect(kinesisClient).toHaveReceivedCommandWith(GetShardIteratorCommand, { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: ARRIVED });
  });

  it('delivers nothing while the mapping is paused, then everything in order', async () => {
    stream.addShard('shardId-000000000000');
    stream.write('shardId-000000000000', 1, 2);
    const fn = recordingFunction();
    const started = startPoller({ mappings: [mapping({ enabled: false })], functions: fn });
    await new Promise((wake) => setTimeout(wake, 100));
    expect(fn.invocations).toEqual([]);

    started.setEnabled('DispatcherMapping', true);

    await eventually(() => expect(fn.invocations).toEqual([[seq(1), seq(2)]]));
  });
});
