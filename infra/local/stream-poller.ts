import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type AttributeValue,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionInvoker } from './http-gateway';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, type LocalResources } from './provision';
import {
  ShardedStreamPoller,
  streamOnFailureRecord,
  type OnFailureContext,
  type ReadRecord,
  type ShardedStream,
  type ShardPosition,
  type StreamMapping,
} from './shard-poller';
import type { LocalTopology, StreamEventSourceMappingSpec } from './topology';

/**
 * Lambda's event source mapping for DynamoDB streams, on one machine: the
 * sharded stream poller (shard-poller.ts: in-order batches, partial failures,
 * bisect, bounded retries, record age, on-failure destination) over DynamoDB
 * Streams, with events and on-failure records shaped as Lambda shapes them.
 */

// The decisions are shared with the Kinesis poller; they are exported here too, where they were first.
export {
  decideBatch,
  expiredRecordCount,
  parentsFirst,
  readBatchResponse,
  retryDelayMs,
  type BatchDecision,
  type BatchResult,
  type OnFailureCondition,
  type RetrySettings,
} from './shard-poller';

// ---- configuration -----------------------------------------------------------------

/** A DynamoDB stream mapping with every reference resolved against the local resources. */
export interface DynamoDbStreamMapping extends StreamMapping {
  /** A DynamoDB stream has no AT_TIMESTAMP. */
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
}

/** The topology's DynamoDB stream mappings, resolved: stream ARN, function name, on-failure queue URL. */
export function dynamoDbStreamMappings(topology: LocalTopology, resources: LocalResources, region = LOCAL_REGION): DynamoDbStreamMapping[] {
  return topology.eventSourceMappings
    .filter((spec): spec is StreamEventSourceMappingSpec & { kind: 'dynamodb' } => spec.kind === 'dynamodb')
    .map((spec) => {
      if (spec.startingPosition === 'AT_TIMESTAMP') throw new Error(`${spec.logicalId}: a DynamoDB stream starts at TRIM_HORIZON or LATEST`);
      return {
        id: spec.logicalId,
        streamArn: resources.resolve(spec.eventSourceArn),
        functionName: spec.functionLogicalId,
        functionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${spec.functionLogicalId}`,
        batchSize: spec.batchSize,
        startingPosition: spec.startingPosition,
        bisectBatchOnFunctionError: spec.bisectBatchOnFunctionError,
        maximumRetryAttempts: spec.maximumRetryAttempts,
        maximumRecordAgeInSeconds: spec.maximumRecordAgeInSeconds,
        reportBatchItemFailures: spec.reportBatchItemFailures,
        enabled: spec.enabled,
        ...(spec.onFailure ? { onFailureQueueUrl: resources.queueUrl(spec.onFailure.queueLogicalId) } : {}),
      };
    });
}

// ---- the event, as Lambda builds it ------------------------------------------------------

/** An attribute value as a Lambda event carries it: binary values base64-encoded. */
export type EventAttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { M: Record<string, EventAttributeValue> }
  | { L: EventAttributeValue[] }
  | { NULL: boolean }
  | { BOOL: boolean };

export interface DynamoDbEventRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    /** Unix seconds. */
    ApproximateCreationDateTime?: number;
    Keys?: Record<string, EventAttributeValue>;
    NewImage?: Record<string, EventAttributeValue>;
    OldImage?: Record<string, EventAttributeValue>;
    SequenceNumber: string;
    SizeBytes?: number;
    StreamViewType?: string;
  };
  /** On a deletion by time to live: `{ type: 'Service', principalId: 'dynamodb.amazonaws.com' }`. */
  userIdentity?: { type: string; principalId: string };
  eventSourceARN: string;
}

export interface DynamoDbStreamEvent {
  Records: DynamoDbEventRecord[];
}

/** One stream record (as GetRecords returns it through the SDK) as a record of Lambda's event. */
export function toEventRecord(record: _Record, streamArn: string, region: string): DynamoDbEventRecord {
  const stream = record.dynamodb;
  const sequenceNumber = stream?.SequenceNumber;
  if (!stream || sequenceNumber === undefined) throw new Error(`stream record ${record.eventID ?? '?'} has no sequence number`);
  const created = stream.ApproximateCreationDateTime;
  return {
    eventID: record.eventID ?? '',
    eventName: record.eventName ?? 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : {}),
      ...(stream.Keys ? { Keys: toEventImage(stream.Keys) } : {}),
      ...(stream.NewImage ? { NewImage: toEventImage(stream.NewImage) } : {}),
      ...(stream.OldImage ? { OldImage: toEventImage(stream.OldImage) } : {}),
      SequenceNumber: sequenceNumber,
      ...(stream.SizeBytes === undefined ? {} : { SizeBytes: stream.SizeBytes }),
      ...(stream.StreamViewType ? { StreamViewType: stream.StreamViewType } : {}),
    },
    ...(record.userIdentity?.Type && record.userIdentity.PrincipalId
      ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }
      : {}),
    eventSourceARN: streamArn,
  };
}

function toEventImage(image: Record<string, AttributeValue>): Record<string, EventAttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toEventAttributeValue(value)]));
}

function toEventAttributeValue(value: AttributeValue): EventAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((bytes) => Buffer.from(bytes).toString('base64')) };
  if (value.M !== undefined) return { M: toEventImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toEventAttributeValue) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  throw new Error(`unknown attribute value ${JSON.stringify(value)}`);
}

// ---- Lambda's on-failure record --------------------------------------------------------

export interface OnFailureRecordInput extends OnFailureContext {
  records: readonly DynamoDbEventRecord[];
}

/** Lambda's on-failure invocation record for a DynamoDB stream: where the discarded records are, not the records. */
export function onFailureRecord(input: OnFailureRecordInput): Record<string, unknown> {
  const { records, ...context } = input;
  const first = records[0];
  const last = records.at(-1);
  const arrival = (record: DynamoDbEventRecord | undefined) =>
    record?.dynamodb.ApproximateCreationDateTime === undefined ? undefined : isoSeconds(new Date(record.dynamodb.ApproximateCreationDateTime * 1000));
  return streamOnFailureRecord(context, 'DDBStreamBatchInfo', {
    startSequenceNumber: first?.dynamodb.SequenceNumber,
    endSequenceNumber: last?.dynamodb.SequenceNumber,
    approximateArrivalOfFirstRecord: arrival(first),
    approximateArrivalOfLastRecord: arrival(last),
    batchSize: records.length,
  });
}

function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

// ---- the poller ------------------------------------------------------------------------

export interface DynamoDbStreamPollerOptions {
  mappings: readonly DynamoDbStreamMapping[];
  streams: DynamoDBStreamsClient;
  /** Sends on-failure records. */
  sqs: SQSClient;
  functions: FunctionInvoker;
  /** The events' awsRegion. @default us-east-1 */
  region?: string;
  /** How often an idle shard is read. @default 250 */
  pollIntervalMs?: number;
  /** How often the stream is described for new shards (splits). @default 1000 */
  shardDiscoveryIntervalMs?: number;
  /** @default { initialMs: 200, maxMs: 2000 } */
  backoff?: { initialMs: number; maxMs: number };
  log?: (line: string) => void;
  now?: () => number;
}

/**
 * DynamoDB Local rounds ApproximateCreationDateTime down to the minute (AWS to the
 * second): a record's age counts from no earlier than the end of that minute,
 * or when the poller first read it if that is earlier, so no record expires early.
 */
const CREATION_TIME_PRECISION_MS = 60_000;

/** Polls every DynamoDB stream mapping; `start()` once, `stop()` on shutdown. */
export class DynamoDbStreamPoller extends ShardedStreamPoller<DynamoDbEventRecord, DynamoDbStreamMapping> {
  constructor(options: DynamoDbStreamPollerOptions) {
    const { streams, region, ...rest } = options;
    super({ ...rest, stream: new DynamoDbStream(streams, region ?? LOCAL_REGION, options.now ?? Date.now) });
  }
}

/** DynamoDB Streams, as the sharded stream poller reads it. */
class DynamoDbStream implements ShardedStream<DynamoDbEventRecord, DynamoDbStreamMapping> {
  readonly description = 'DynamoDB stream';

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly region: string,
    private readonly now: () => number,
  ) {}

  async listShards(mapping: DynamoDbStreamMapping, signal: AbortSignal): Promise<Shard[]> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription: description } = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: mapping.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
        { abortSignal: signal },
      );
      const page = description?.Shards ?? [];
      shards.push(...page);
      exclusiveStartShardId = page.length > 0 ? description?.LastEvaluatedShardId : undefined;
    } while (exclusiveStartShardId !== undefined);
    return shards;
  }

  async shardIterator(mapping: DynamoDbStreamMapping, shardId: string, position: ShardPosition, signal: AbortSignal): Promise<string | undefined> {
    if (position.type === 'AT_TIMESTAMP') throw new Error(`${mapping.id}: a DynamoDB stream starts at TRIM_HORIZON or LATEST`);
    const { ShardIterator: iterator } = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: mapping.streamArn,
        ShardId: shardId,
        ...(position.type === 'AFTER_SEQUENCE_NUMBER'
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position.sequenceNumber }
          : { ShardIteratorType: position.type }),
      }),
      { abortSignal: signal },
    );
    return iterator;
  }

  async getRecords(mapping: DynamoDbStreamMapping, _shardId: string, iterator: string, limit: number, signal: AbortSignal) {
    const output = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }), { abortSignal: signal });
    const now = this.now();
    const records = (output.Records ?? []).map((record): ReadRecord<DynamoDbEventRecord> => {
      const event = toEventRecord(record, mapping.streamArn, this.region);
      const created = record.dynamodb?.ApproximateCreationDateTime?.getTime();
      return {
        record: event,
        sequenceNumber: event.dynamodb.SequenceNumber,
        createdAtMs: created === undefined ? now : Math.min(now, created + CREATION_TIME_PRECISION_MS),
      };
    });
    return { records, nextIterator: output.NextShardIterator };
  }

  onFailureRecord(context: OnFailureContext, records: readonly DynamoDbEventRecord[]): Record<string, unknown> {
    return onFailureRecord({ ...context, records });
  }
}
