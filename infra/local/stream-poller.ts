import { randomUUID } from 'node:crypto';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type AttributeValue,
  type DynamoDBStreamsClient,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { Gate, sleep, unlessAborted } from './abortable';
import type { FunctionInvoker } from './http-gateway';
import { FunctionInvocationError } from './lambda-runtime';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, type LocalResources } from './provision';
import type { LocalTopology, StreamEventSourceMappingSpec } from './topology';

/**
 * Lambda's event source mapping for DynamoDB streams, on one machine: reads
 * every shard of the stream (parents before their children), invokes the
 * function with batches shaped as Lambda's, and applies the mapping's
 * partial-failure, retry, bisect, record-age and on-failure settings. Records
 * of a shard are delivered strictly in order: a batch waits until the one
 * before it succeeded or was given up on.
 *
 * The decisions (what a response means, retry / bisect / give up, how old a
 * record is) are pure functions below the poller, so they can be tested alone.
 */

// ---- configuration -----------------------------------------------------------------

/** A DynamoDB stream mapping with every reference resolved against the local resources. */
export interface DynamoDbStreamMapping {
  /** The mapping's logical id, for logs. */
  id: string;
  streamArn: string;
  functionName: string;
  /** The function's ARN, as the on-failure record names it. */
  functionArn: string;
  batchSize: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  bisectBatchOnFunctionError: boolean;
  /** -1: until the record expires. */
  maximumRetryAttempts: number;
  /** -1: no limit. */
  maximumRecordAgeInSeconds: number;
  reportBatchItemFailures: boolean;
  enabled: boolean;
  /** The on-failure destination, when the mapping has one. */
  onFailureQueueUrl?: string;
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

// ---- decisions (pure) ------------------------------------------------------------------

/** What an invocation said about its batch. */
export type BatchResult =
  | { kind: 'success' }
  /** Records before `failedAt` (an index into the batch) succeeded; the rest are retried. */
  | { kind: 'partial'; failedAt: number; reason: string }
  /** The function threw, timed out or crashed. */
  | { kind: 'function-error'; reason: string };

/**
 * Reads a function's response as Lambda does for a stream with
 * ReportBatchItemFailures: no response, no or an empty `batchItemFailures` is
 * success; otherwise the batch is retried from the lowest sequence number
 * reported. An `itemIdentifier` that is missing, empty or not in the batch
 * fails the whole batch. Without ReportBatchItemFailures any response is success.
 */
export function readBatchResponse(response: unknown, sequenceNumbers: readonly string[], reportBatchItemFailures: boolean): BatchResult {
  if (!reportBatchItemFailures || typeof response !== 'object' || response === null) return { kind: 'success' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null || (Array.isArray(failures) && failures.length === 0)) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'partial', failedAt: 0, reason: 'batchItemFailures is not a list: the whole batch failed' };
  let failedAt = Number.POSITIVE_INFINITY;
  for (const failure of failures as unknown[]) {
    const identifier = typeof failure === 'object' && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    const index = typeof identifier === 'string' && identifier !== '' ? sequenceNumbers.indexOf(identifier) : -1;
    if (index < 0) {
      return { kind: 'partial', failedAt: 0, reason: `batchItemFailures names ${JSON.stringify(identifier ?? null)}, not a record of the batch: the whole batch failed` };
    }
    failedAt = Math.min(failedAt, index);
  }
  return { kind: 'partial', failedAt, reason: `${failures.length} of ${sequenceNumbers.length} records reported failed` };
}

export interface RetrySettings {
  bisectBatchOnFunctionError: boolean;
  /** -1: retry until the record expires. */
  maximumRetryAttempts: number;
}

export type BatchDecision =
  /** The whole batch is done. */
  | { action: 'next' }
  /** Records before `from` are done; the rest of the batch is invoked again, its `retries`th retry. */
  | { action: 'retry'; from: number; retries: number }
  /** Split the batch in two and invoke each half on its own; splitting uses up no retry. */
  | { action: 'bisect'; halves: [number, number] }
  /** Records before `from` are done; the rest are given up on (sent to the on-failure destination). */
  | { action: 'give-up'; from: number };

/**
 * After invoking a batch of `size` records that had been retried `retries`
 * times: a partial failure retries from the failed record (as Lambda does,
 * BisectBatchOnFunctionError or not); a function error splits the batch when
 * bisecting and it has more than one record, else retries all of it. A retry
 * beyond MaximumRetryAttempts gives up instead.
 */
export function decideBatch(result: BatchResult, size: number, retries: number, settings: RetrySettings): BatchDecision {
  if (result.kind === 'success') return { action: 'next' };
  if (result.kind === 'function-error' && settings.bisectBatchOnFunctionError && size > 1) {
    const first = Math.ceil(size / 2);
    return { action: 'bisect', halves: [first, size - first] };
  }
  const from = result.kind === 'partial' ? result.failedAt : 0;
  const exhausted = settings.maximumRetryAttempts >= 0 && retries >= settings.maximumRetryAttempts;
  return exhausted ? { action: 'give-up', from } : { action: 'retry', from, retries: retries + 1 };
}

/** Retries back off: 200 ms, 400 ms, 800 ms, 1.6 s, then 2 s. */
export function retryDelayMs(retries: number, backoff: { initialMs: number; maxMs: number } = DEFAULT_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, retries - 1));
}

/**
 * How many records at the head of the batch are older than MaximumRecordAgeInSeconds.
 * Records are in stream order, so the old ones come first.
 */
export function expiredRecordCount(createdAtMs: readonly number[], maximumRecordAgeInSeconds: number, nowMs: number): number {
  if (maximumRecordAgeInSeconds < 0) return 0;
  const index = createdAtMs.findIndex((created) => nowMs - created <= maximumRecordAgeInSeconds * 1000);
  return index < 0 ? createdAtMs.length : index;
}

/** The shards ordered so that a parent listed with its child comes before it; otherwise as listed. */
export function parentsFirst<T extends Pick<Shard, 'ShardId' | 'ParentShardId'>>(shards: readonly T[]): T[] {
  const byId = new Map(shards.map((shard) => [shard.ShardId, shard]));
  const ordered: T[] = [];
  const placed = new Set<T>();
  const place = (shard: T, chain: Set<T>) => {
    if (placed.has(shard) || chain.has(shard)) return;
    chain.add(shard);
    const parent = shard.ParentShardId === undefined ? undefined : byId.get(shard.ParentShardId);
    if (parent) place(parent, chain);
    placed.add(shard);
    ordered.push(shard);
  };
  for (const shard of shards) place(shard, new Set());
  return ordered;
}

export type OnFailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface OnFailureRecordInput {
  mapping: Pick<DynamoDbStreamMapping, 'functionArn' | 'streamArn'>;
  shardId: string;
  records: readonly DynamoDbEventRecord[];
  condition: OnFailureCondition;
  /** Invocations that carried these records. */
  invokeCount: number;
  /** How the last invocation ended: threw (`Unhandled`) or returned a partial failure; absent when never invoked. */
  lastInvocation?: { requestId: string; functionError: boolean };
  now: Date;
}

/** Lambda's on-failure invocation record for a stream source: where the discarded records are, not the records. */
export function onFailureRecord(input: OnFailureRecordInput): Record<string, unknown> {
  const first = input.records[0];
  const last = input.records.at(-1);
  const arrival = (record: DynamoDbEventRecord | undefined) =>
    record?.dynamodb.ApproximateCreationDateTime === undefined ? undefined : isoSeconds(new Date(record.dynamodb.ApproximateCreationDateTime * 1000));
  return {
    requestContext: {
      requestId: input.lastInvocation?.requestId ?? randomUUID(),
      functionArn: input.mapping.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.invokeCount,
    },
    ...(input.lastInvocation
      ? { responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(input.lastInvocation.functionError ? { functionError: 'Unhandled' } : {}) } }
      : {}),
    version: '1.0',
    timestamp: input.now.toISOString(),
    DDBStreamBatchInfo: {
      shardId: input.shardId,
      startSequenceNumber: first?.dynamodb.SequenceNumber,
      endSequenceNumber: last?.dynamodb.SequenceNumber,
      approximateArrivalOfFirstRecord: arrival(first),
      approximateArrivalOfLastRecord: arrival(last),
      batchSize: input.records.length,
      streamArn: input.mapping.streamArn,
    },
  };
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

const DEFAULT_BACKOFF = { initialMs: 200, maxMs: 2_000 };
const DEFAULT_POLL_INTERVAL_MS = 250;
const DEFAULT_SHARD_DISCOVERY_MS = 1_000;
/** GetRecords returns at most 1000 records. */
const GET_RECORDS_LIMIT = 1_000;
/**
 * DynamoDB Local rounds ApproximateCreationDateTime down to the minute (AWS to the
 * second): a record's age counts from no earlier than the end of that minute,
 * or when the poller first read it if that is earlier, so no record expires early.
 */
const CREATION_TIME_PRECISION_MS = 60_000;

/** Polls every DynamoDB stream mapping; `start()` once, `stop()` on shutdown. */
export class DynamoDbStreamPoller {
  private readonly workers: MappingWorker[];
  private readonly abort = new AbortController();
  private running: Promise<void>[] = [];

  constructor(options: DynamoDbStreamPollerOptions) {
    const settings: PollerSettings = {
      streams: options.streams,
      sqs: options.sqs,
      functions: options.functions,
      region: options.region ?? LOCAL_REGION,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      shardDiscoveryIntervalMs: options.shardDiscoveryIntervalMs ?? DEFAULT_SHARD_DISCOVERY_MS,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      log: options.log ?? (() => undefined),
      now: options.now ?? Date.now,
      signal: this.abort.signal,
    };
    this.workers = options.mappings.map((mapping) => new MappingWorker(mapping, settings));
  }

  start(): void {
    if (this.running.length > 0 || this.abort.signal.aborted) return;
    this.running = this.workers.map((worker) => worker.run());
  }

  /** Pauses or resumes a mapping, as UpdateEventSourceMapping `Enabled` does; its position is kept. */
  setEnabled(mappingId: string, enabled: boolean): void {
    const worker = this.workers.find((candidate) => candidate.mapping.id === mappingId);
    if (!worker) throw new Error(`no DynamoDB stream mapping ${mappingId}`);
    worker.gate.set(enabled);
  }

  /** Stops reading at once; a batch in flight is not checkpointed (it would be delivered again, at least once). */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.running);
  }
}

interface PollerSettings {
  streams: DynamoDBStreamsClient;
  sqs: SQSClient;
  functions: FunctionInvoker;
  region: string;
  pollIntervalMs: number;
  shardDiscoveryIntervalMs: number;
  backoff: { initialMs: number; maxMs: number };
  log: (line: string) => void;
  now: () => number;
  signal: AbortSignal;
}

interface ShardRun {
  shardId: string;
  parentShardId: string | undefined;
  finished: Promise<void>;
}

/** One mapping: finds the stream's shards and runs one reader per shard, a child after its parent. */
class MappingWorker {
  readonly gate: Gate;

  constructor(
    readonly mapping: DynamoDbStreamMapping,
    private readonly settings: PollerSettings,
  ) {
    this.gate = new Gate(mapping.enabled);
  }

  async run(): Promise<void> {
    const { signal } = this.settings;
    const shards = new Map<string, ShardRun>();
    let firstListing = true;
    while (!signal.aborted) {
      await this.gate.pass(signal);
      if (signal.aborted) break;
      let listed: Shard[];
      try {
        listed = await this.describeShards();
      } catch (error) {
        if (signal.aborted) break;
        this.log(`cannot describe the stream: ${describe(error)}`);
        await sleep(this.settings.backoff.maxMs, signal);
        continue;
      }
      for (const shard of parentsFirst(listed)) {
        const shardId = shard.ShardId;
        if (shardId === undefined || shards.has(shardId)) continue;
        const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
        // LATEST applies to the shards open when the mapping starts; closed ones hold only the past, later ones are read whole.
        const position: ShardIteratorType | 'SKIP' =
          firstListing && this.mapping.startingPosition === 'LATEST' ? (closed ? 'SKIP' : 'LATEST') : 'TRIM_HORIZON';
        const parent = shard.ParentShardId === undefined ? undefined : shards.get(shard.ParentShardId);
        const reader = new ShardReader(this.mapping, this.settings, this.gate, shardId);
        const finished = position === 'SKIP' ? Promise.resolve() : (async () => {
          // A child shard's records come after its parent's: it waits until the parent is read to its end.
          await parent?.finished;
          await reader.run(position);
        })();
        shards.set(shardId, { shardId, parentShardId: shard.ParentShardId, finished });
      }
      firstListing = false;
      await sleep(this.settings.shardDiscoveryIntervalMs, signal);
    }
    await Promise.all([...shards.values()].map((shard) => shard.finished));
  }

  private async describeShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription: description } = await this.settings.streams.send(
        new DescribeStreamCommand({ StreamArn: this.mapping.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
        { abortSignal: this.settings.signal },
      );
      const page = description?.Shards ?? [];
      shards.push(...page);
      exclusiveStartShardId = page.length > 0 ? description?.LastEvaluatedShardId : undefined;
    } while (exclusiveStartShardId !== undefined);
    return shards;
  }

  private log(line: string): void {
    this.settings.log(`[${this.mapping.id}] ${line}`);
  }
}

interface BufferedRecord {
  record: DynamoDbEventRecord;
  /** When its age starts counting (see CREATION_TIME_PRECISION_MS). */
  createdAtMs: number;
}

/** A run of records at the head of the buffer that is invoked together (a batch, or one half of a bisected one). */
interface Segment {
  size: number;
  retries: number;
  invokes: number;
  lastInvocation?: { requestId: string; functionError: boolean };
}

/** Reads one shard in order and delivers it batch by batch. */
class ShardReader {
  private readonly buffer: BufferedRecord[] = [];
  private readonly segments: Segment[] = [];
  private iterator: string | undefined;
  private lastReadSequenceNumber: string | undefined;
  private endOfShard = false;
  private trimmedOnce = false;

  constructor(
    private readonly mapping: DynamoDbStreamMapping,
    private readonly settings: PollerSettings,
    private readonly gate: Gate,
    private readonly shardId: string,
  ) {}

  async run(position: ShardIteratorType): Promise<void> {
    const { signal } = this.settings;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (this.iterator === undefined && !this.endOfShard) this.iterator = await this.shardIterator(position);
        // Up to a batch ahead. A paused mapping keeps reading that far, so its iterator never goes stale.
        if (this.buffer.length < this.mapping.batchSize && !this.endOfShard) await this.read();
        if (this.buffer.length === 0 && this.endOfShard) return;
        if (this.buffer.length === 0 || !this.gate.isOpen) {
          await sleep(this.settings.pollIntervalMs, signal);
          continue;
        }
        await this.deliverNext();
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        this.log(`reading failed: ${describe(error)}`);
        await sleep(retryDelayMs(failures, this.settings.backoff), signal);
      }
    }
  }

  /** Where to (re)start: after the last record read, else the mapping's starting position. */
  private async shardIterator(position: ShardIteratorType): Promise<string | undefined> {
    const after = this.lastReadSequenceNumber;
    const { ShardIterator: iterator } = await this.settings.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.mapping.streamArn,
        ShardId: this.shardId,
        ...(after === undefined ? { ShardIteratorType: position } : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
      }),
      { abortSignal: this.settings.signal },
    );
    if (iterator === undefined) this.endOfShard = true;
    return iterator;
  }

  private async read(): Promise<void> {
    if (this.iterator === undefined) return;
    let output;
    try {
      output = await this.settings.streams.send(new GetRecordsCommand({ ShardIterator: this.iterator, Limit: GET_RECORDS_LIMIT }), {
        abortSignal: this.settings.signal,
      });
    } catch (error) {
      // An iterator lasts 15 minutes (a long retry may outlive it); records older than 24 h are trimmed.
      if (isNamed(error, 'ExpiredIteratorException')) {
        this.iterator = undefined;
        return;
      }
      if (isNamed(error, 'TrimmedDataAccessException')) {
        // First a fresh iterator after the last record read (DynamoDB Local can refuse an old iterator this way too);
        // if that fails as well, the records really are gone: on from the oldest kept.
        if (this.lastReadSequenceNumber !== undefined && !this.trimmedOnce) {
          this.trimmedOnce = true;
          this.iterator = undefined;
          return;
        }
        this.log(`${this.shardId}: the stream trimmed records after ${this.lastReadSequenceNumber ?? 'the iterator'}; reading on from the oldest it keeps`);
        this.lastReadSequenceNumber = undefined;
        this.iterator = await this.shardIterator('TRIM_HORIZON');
        return;
      }
      throw error;
    }
    this.trimmedOnce = false;
    const now = this.settings.now();
    for (const record of output.Records ?? []) {
      const created = record.dynamodb?.ApproximateCreationDateTime?.getTime();
      this.buffer.push({
        record: toEventRecord(record, this.mapping.streamArn, this.settings.region),
        createdAtMs: created === undefined ? now : Math.min(now, created + CREATION_TIME_PRECISION_MS),
      });
      this.lastReadSequenceNumber = record.dynamodb?.SequenceNumber ?? this.lastReadSequenceNumber;
    }
    this.iterator = output.NextShardIterator;
    // No next iterator: the shard is closed and read to its end.
    if (this.iterator === undefined) this.endOfShard = true;
  }

  /** Invokes the head segment once and acts on the result. */
  private async deliverNext(): Promise<void> {
    const { mapping, settings } = this;
    let segment = this.segments[0];
    if (!segment) {
      segment = { size: Math.min(mapping.batchSize, this.buffer.length), retries: 0, invokes: 0 };
      this.segments.push(segment);
    }

    const expired = expiredRecordCount(
      this.buffer.slice(0, segment.size).map((buffered) => buffered.createdAtMs),
      mapping.maximumRecordAgeInSeconds,
      settings.now(),
    );
    if (expired > 0) {
      await this.giveUp(this.buffer.splice(0, expired), segment, 'RecordAgeExceeded');
      segment.size -= expired;
      if (segment.size === 0) this.segments.shift();
      return;
    }

    const records = this.buffer.slice(0, segment.size).map((buffered) => buffered.record);
    const requestId = randomUUID();
    const invoked = await unlessAborted(this.invoke(records), settings.signal);
    if (invoked.aborted) return;
    const result = invoked.value;
    segment.invokes += 1;
    segment.lastInvocation = { requestId, functionError: result.kind === 'function-error' };

    const decision = decideBatch(result, segment.size, segment.retries, mapping);
    switch (decision.action) {
      case 'next':
        this.buffer.splice(0, segment.size);
        this.segments.shift();
        return;
      case 'retry': {
        this.buffer.splice(0, decision.from);
        segment.size -= decision.from;
        segment.retries = decision.retries;
        const delay = retryDelayMs(decision.retries, settings.backoff);
        this.log(`${mapping.functionName} failed on ${records.length} records (${reasonOf(result)}); retry ${decision.retries} of ${segment.size} in ${delay} ms`);
        await sleep(delay, settings.signal);
        return;
      }
      case 'bisect': {
        const [first, second] = decision.halves;
        this.log(`${mapping.functionName} failed on ${records.length} records (${reasonOf(result)}); splitting the batch into ${first} + ${second}`);
        this.segments.splice(0, 1, { ...segment, size: first }, { ...segment, size: second });
        return;
      }
      case 'give-up': {
        this.buffer.splice(0, decision.from);
        segment.size -= decision.from;
        this.log(`${mapping.functionName} failed on ${records.length} records (${reasonOf(result)}) after ${segment.retries} retries`);
        await this.giveUp(this.buffer.splice(0, segment.size), segment, 'RetryAttemptsExhausted');
        this.segments.shift();
        return;
      }
    }
  }

  private async invoke(records: DynamoDbEventRecord[]): Promise<BatchResult> {
    const event: DynamoDbStreamEvent = { Records: records };
    try {
      const response = await this.settings.functions.invoke(this.mapping.functionName, event);
      return readBatchResponse(
        response,
        records.map((record) => record.dynamodb.SequenceNumber),
        this.mapping.reportBatchItemFailures,
      );
    } catch (error) {
      return { kind: 'function-error', reason: describe(error) };
    }
  }

  /** Sends the on-failure record (until the queue takes it) and moves past the records. */
  private async giveUp(discarded: BufferedRecord[], segment: Segment, condition: OnFailureCondition): Promise<void> {
    const records = discarded.map((buffered) => buffered.record);
    const span = `${records[0]?.dynamodb.SequenceNumber}…${records.at(-1)?.dynamodb.SequenceNumber}`;
    const queueUrl = this.mapping.onFailureQueueUrl;
    if (queueUrl === undefined) {
      this.log(`${condition}: discarded ${records.length} records (${span}) of ${this.shardId}; no on-failure destination`);
      return;
    }
    const body = JSON.stringify(
      onFailureRecord({
        mapping: this.mapping,
        shardId: this.shardId,
        records,
        condition,
        invokeCount: segment.invokes,
        ...(segment.lastInvocation ? { lastInvocation: segment.lastInvocation } : {}),
        now: new Date(this.settings.now()),
      }),
    );
    for (let attempt = 1; !this.settings.signal.aborted; attempt++) {
      try {
        await this.settings.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }), { abortSignal: this.settings.signal });
        this.log(`${condition}: sent ${records.length} records (${span}) of ${this.shardId} to the on-failure destination`);
        return;
      } catch (error) {
        if (this.settings.signal.aborted) return;
        this.log(`cannot send the on-failure record to ${queueUrl}: ${describe(error)}`);
        await sleep(retryDelayMs(attempt, this.settings.backoff), this.settings.signal);
      }
    }
  }

  private log(line: string): void {
    this.settings.log(`[${this.mapping.id}] ${line}`);
  }
}

function reasonOf(result: BatchResult): string {
  return result.kind === 'success' ? 'success' : result.reason;
}

function describe(error: unknown): string {
  if (error instanceof FunctionInvocationError) return `${error.errorType}: ${error.errorMessage}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
