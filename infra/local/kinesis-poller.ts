import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type _Record,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { type FilterPattern, kinesisFilterEvent, matchesPattern } from './event-filter';
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
 * Lambda's event source mapping for Kinesis data streams, on one machine: the
 * sharded stream poller (shard-poller.ts: in-order batches per shard, partial
 * failures, bisect, bounded retries, record age, on-failure destination) over
 * Kinesis, reading every shard with GetRecords (kinesis-local has no
 * SubscribeToShard), with events and on-failure records shaped as Lambda's.
 * Every mapping keeps its own iterators: two functions on one stream each see
 * every record. ParallelizationFactor is not applied: a shard is read by one
 * batch at a time, which keeps the order per partition key all the same.
 */

// ---- configuration -----------------------------------------------------------------

/** A Kinesis mapping with every reference resolved against the local resources. */
export interface KinesisStreamMapping extends StreamMapping {
  /** The function's execution role: the event's records name it. */
  invokeIdentityArn: string;
  /** FilterCriteria: only records one of these matches are delivered. */
  filters?: readonly FilterPattern[];
}

/** The topology's Kinesis mappings, resolved: stream ARN, function, its role, the on-failure queue URL. */
export function kinesisStreamMappings(topology: LocalTopology, resources: LocalResources, region = LOCAL_REGION): KinesisStreamMapping[] {
  return topology.eventSourceMappings
    .filter((spec): spec is StreamEventSourceMappingSpec & { kind: 'kinesis' } => spec.kind === 'kinesis')
    .map((spec) => {
      const role = topology.functions.find((fn) => fn.logicalId === spec.functionLogicalId)?.roleLogicalId ?? `${spec.functionLogicalId}Role`;
      return {
        id: spec.logicalId,
        streamArn: resources.resolve(spec.eventSourceArn),
        functionName: spec.functionLogicalId,
        functionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${spec.functionLogicalId}`,
        invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${role}`,
        batchSize: spec.batchSize,
        startingPosition: spec.startingPosition,
        ...(spec.startingPositionTimestamp === undefined ? {} : { startingPositionTimestamp: spec.startingPositionTimestamp }),
        bisectBatchOnFunctionError: spec.bisectBatchOnFunctionError,
        maximumRetryAttempts: spec.maximumRetryAttempts,
        maximumRecordAgeInSeconds: spec.maximumRecordAgeInSeconds,
        reportBatchItemFailures: spec.reportBatchItemFailures,
        enabled: spec.enabled,
        ...(spec.onFailure ? { onFailureQueueUrl: resources.queueUrl(spec.onFailure.queueLogicalId) } : {}),
        ...(spec.filters ? { filters: spec.filters } : {}),
      };
    });
}

// ---- the event, as Lambda builds it ------------------------------------------------------

export interface KinesisEventRecord {
  kinesis: {
    kinesisSchemaVersion: '1.0';
    partitionKey: string;
    sequenceNumber: string;
    /** The record's bytes, base64-encoded. */
    data: string;
    /** Unix seconds, with milliseconds as the fraction. */
    approximateArrivalTimestamp: number;
  };
  eventSource: 'aws:kinesis';
  eventVersion: '1.0';
  /** `<shard id>:<sequence number>`. */
  eventID: string;
  eventName: 'aws:kinesis:record';
  invokeIdentityArn: string;
  awsRegion: string;
  eventSourceARN: string;
}

export interface KinesisStreamEvent {
  Records: KinesisEventRecord[];
}

/** One Kinesis record (as GetRecords returns it through the SDK) as a record of Lambda's event. */
export function toKinesisEventRecord(
  record: _Record,
  shardId: string,
  mapping: Pick<KinesisStreamMapping, 'streamArn' | 'invokeIdentityArn'>,
  region: string,
  now: number = Date.now(),
): KinesisEventRecord {
  const sequenceNumber = record.SequenceNumber;
  if (sequenceNumber === undefined) throw new Error(`a record of ${shardId} has no sequence number`);
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? now) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: mapping.invokeIdentityArn,
    awsRegion: region,
    eventSourceARN: mapping.streamArn,
  };
}

export interface KinesisOnFailureRecordInput extends OnFailureContext {
  records: readonly KinesisEventRecord[];
}

/** Lambda's on-failure invocation record for a Kinesis stream: where the discarded records are (arrival times to the millisecond), not the records. */
export function kinesisOnFailureRecord(input: KinesisOnFailureRecordInput): Record<string, unknown> {
  const { records, ...context } = input;
  const first = records[0];
  const last = records.at(-1);
  const arrival = (record: KinesisEventRecord | undefined) =>
    record === undefined ? undefined : new Date(Math.round(record.kinesis.approximateArrivalTimestamp * 1000)).toISOString();
  return streamOnFailureRecord(context, 'KinesisBatchInfo', {
    startSequenceNumber: first?.kinesis.sequenceNumber,
    endSequenceNumber: last?.kinesis.sequenceNumber,
    approximateArrivalOfFirstRecord: arrival(first),
    approximateArrivalOfLastRecord: arrival(last),
    batchSize: records.length,
  });
}

// ---- the poller ------------------------------------------------------------------------

export interface KinesisStreamPollerOptions {
  mappings: readonly KinesisStreamMapping[];
  /** Reads the streams; an HTTP/1.1 client (kinesis-local fails requests over HTTP/2). */
  kinesis: KinesisClient;
  /** Sends on-failure records. */
  sqs: SQSClient;
  functions: FunctionInvoker;
  /** The events' awsRegion. @default us-east-1 */
  region?: string;
  /** How often an idle shard is read. @default 250 */
  pollIntervalMs?: number;
  /** How often the stream is listed for new shards (splits, merges). @default 1000 */
  shardDiscoveryIntervalMs?: number;
  /** @default { initialMs: 200, maxMs: 2000 } */
  backoff?: { initialMs: number; maxMs: number };
  log?: (line: string) => void;
  now?: () => number;
}

/** Polls every Kinesis mapping; `start()` once, `stop()` on shutdown, `setEnabled()` to pause one. */
export class KinesisStreamPoller extends ShardedStreamPoller<KinesisEventRecord, KinesisStreamMapping> {
  constructor(options: KinesisStreamPollerOptions) {
    const { kinesis, region, ...rest } = options;
    super({ ...rest, stream: new KinesisStream(kinesis, region ?? LOCAL_REGION, options.now ?? Date.now) });
  }
}

/** Kinesis Data Streams, as the sharded stream poller reads it. */
class KinesisStream implements ShardedStream<KinesisEventRecord, KinesisStreamMapping> {
  readonly description = 'Kinesis stream';

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly region: string,
    private readonly now: () => number,
  ) {}

  async listShards(mapping: KinesisStreamMapping, signal: AbortSignal): Promise<Shard[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      // A page token stands for the stream: the two may not be sent together.
      const output = await this.kinesis.send(new ListShardsCommand(nextToken === undefined ? { StreamARN: mapping.streamArn } : { NextToken: nextToken }), {
        abortSignal: signal,
      });
      shards.push(...(output.Shards ?? []));
      nextToken = output.NextToken;
    } while (nextToken !== undefined);
    return shards;
  }

  async shardIterator(mapping: KinesisStreamMapping, shardId: string, position: ShardPosition, signal: AbortSignal): Promise<string | undefined> {
    const { ShardIterator: iterator } = await this.kinesis.send(
      new GetShardIteratorCommand({
        StreamARN: mapping.streamArn,
        ShardId: shardId,
        ShardIteratorType: position.type,
        ...(position.type === 'AFTER_SEQUENCE_NUMBER' ? { StartingSequenceNumber: position.sequenceNumber } : {}),
        ...(position.type === 'AT_TIMESTAMP' ? { Timestamp: position.timestamp } : {}),
      }),
      { abortSignal: signal },
    );
    return iterator;
  }

  async getRecords(mapping: KinesisStreamMapping, shardId: string, iterator: string, limit: number, signal: AbortSignal) {
    const output = await this.kinesis.send(new GetRecordsCommand({ StreamARN: mapping.streamArn, ShardIterator: iterator, Limit: limit }), {
      abortSignal: signal,
    });
    const now = this.now();
    const records = (output.Records ?? []).map((record): ReadRecord<KinesisEventRecord> => {
      const event = toKinesisEventRecord(record, shardId, mapping, this.region, now);
      const read = { record: event, sequenceNumber: event.kinesis.sequenceNumber, createdAtMs: record.ApproximateArrivalTimestamp?.getTime() ?? now };
      const { filters } = mapping;
      if (filters === undefined) return read;
      const filterEvent = kinesisFilterEvent(event.kinesis);
      return filters.some((pattern) => matchesPattern(pattern, filterEvent)) ? read : { ...read, filteredOut: true };
    });
    return { records, nextIterator: output.NextShardIterator };
  }

  onFailureRecord(context: OnFailureContext, records: readonly KinesisEventRecord[]): Record<string, unknown> {
    return kinesisOnFailureRecord({ ...context, records });
  }
}
