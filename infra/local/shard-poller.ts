import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { Gate, sleep, unlessAborted } from './abortable';
import type { FunctionInvoker } from './http-gateway';
import { FunctionInvocationError } from './lambda-runtime';

/**
 * Lambda's event source mapping for a sharded stream — a DynamoDB stream or a
 * Kinesis data stream, which share their semantics — on one machine: reads every
 * shard (parents before their children), invokes the function with batches, and
 * applies the mapping's partial-failure, retry, bisect, record-age and
 * on-failure settings. Records of a shard are delivered strictly in order: a
 * batch waits until the one before it succeeded or was given up on. Every
 * mapping keeps its own position, also when several read one stream.
 *
 * What differs between the services (their API, the event records, the
 * on-failure record) is a `ShardedStream`; the decisions (what a response
 * means, retry / bisect / give up, how old a record is) are pure functions.
 */

// ---- configuration -----------------------------------------------------------------

/** A stream mapping with every reference resolved against the local resources. */
export interface StreamMapping {
  /** The mapping's logical id, for logs and `setEnabled`. */
  id: string;
  streamArn: string;
  functionName: string;
  /** The function's ARN, as the on-failure record names it. */
  functionArn: string;
  batchSize: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
  /** Unix seconds, with AT_TIMESTAMP. */
  startingPositionTimestamp?: number;
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

// ---- decisions (pure) ------------------------------------------------------------------

/** What a response's `batchItemFailures` says, read as Lambda reads it (streams and queues alike). */
export type BatchItemFailures =
  | { kind: 'none' }
  /** The identifiers reported, each one of the batch. */
  | { kind: 'some'; itemIdentifiers: string[] }
  /** A report Lambda cannot use: the whole batch failed. */
  | { kind: 'invalid'; reason: string };

/**
 * No response, no or an empty `batchItemFailures` is no failure; an
 * `itemIdentifier` that is missing, empty or not one of `itemIdentifiers`
 * (sequence numbers, message ids) makes the report invalid.
 */
export function readBatchItemFailures(response: unknown, itemIdentifiers: readonly string[]): BatchItemFailures {
  if (typeof response !== 'object' || response === null) return { kind: 'none' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null || (Array.isArray(failures) && failures.length === 0)) return { kind: 'none' };
  if (!Array.isArray(failures)) return { kind: 'invalid', reason: 'batchItemFailures is not a list: the whole batch failed' };
  const reported: string[] = [];
  for (const failure of failures as unknown[]) {
    const identifier = typeof failure === 'object' && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof identifier !== 'string' || identifier === '' || !itemIdentifiers.includes(identifier)) {
      return { kind: 'invalid', reason: `batchItemFailures names ${JSON.stringify(identifier ?? null)}, not a record of the batch: the whole batch failed` };
    }
    reported.push(identifier);
  }
  return { kind: 'some', itemIdentifiers: reported };
}

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
  if (!reportBatchItemFailures) return { kind: 'success' };
  const failures = readBatchItemFailures(response, sequenceNumbers);
  switch (failures.kind) {
    case 'none':
      return { kind: 'success' };
    case 'invalid':
      return { kind: 'partial', failedAt: 0, reason: failures.reason };
    case 'some': {
      const failedAt = Math.min(...failures.itemIdentifiers.map((identifier) => sequenceNumbers.indexOf(identifier)));
      return { kind: 'partial', failedAt, reason: `${failures.itemIdentifiers.length} of ${sequenceNumbers.length} records reported failed` };
    }
  }
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

export const DEFAULT_BACKOFF = { initialMs: 200, maxMs: 2_000 };

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

/** A shard as DescribeStream (DynamoDB) or ListShards (Kinesis) lists it. */
export interface ListedShard {
  ShardId?: string;
  ParentShardId?: string;
  /** Kinesis: the other parent of a merged shard. */
  AdjacentParentShardId?: string;
  SequenceNumberRange?: { EndingSequenceNumber?: string };
}

/** Both parents of a shard (a merged Kinesis shard has two), those there are. */
export function parentShardIds(shard: Pick<ListedShard, 'ParentShardId' | 'AdjacentParentShardId'>): string[] {
  return [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => id !== undefined);
}

/** The shards ordered so that a parent listed with its child comes before it; otherwise as listed. */
export function parentsFirst<T extends Pick<ListedShard, 'ShardId' | 'ParentShardId' | 'AdjacentParentShardId'>>(shards: readonly T[]): T[] {
  const byId = new Map(shards.map((shard) => [shard.ShardId, shard]));
  const ordered: T[] = [];
  const placed = new Set<T>();
  const place = (shard: T, chain: Set<T>) => {
    if (placed.has(shard) || chain.has(shard)) return;
    chain.add(shard);
    for (const parentId of parentShardIds(shard)) {
      const parent = byId.get(parentId);
      if (parent) place(parent, chain);
    }
    placed.add(shard);
    ordered.push(shard);
  };
  for (const shard of shards) place(shard, new Set());
  return ordered;
}

export type OnFailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** What Lambda's on-failure record says of a discarded batch, apart from where its records are. */
export interface OnFailureContext {
  mapping: Pick<StreamMapping, 'functionArn' | 'streamArn'>;
  shardId: string;
  condition: OnFailureCondition;
  /** Invocations that carried these records. */
  invokeCount: number;
  /** How the last invocation ended: threw (`Unhandled`) or returned a partial failure; absent when never invoked. */
  lastInvocation?: { requestId: string; functionError: boolean };
  now: Date;
}

/** Where the discarded records are: the service's `…BatchInfo` (DDBStreamBatchInfo, KinesisBatchInfo). */
export interface BatchInfo {
  startSequenceNumber: string | undefined;
  endSequenceNumber: string | undefined;
  approximateArrivalOfFirstRecord: string | undefined;
  approximateArrivalOfLastRecord: string | undefined;
}

/** Lambda's on-failure invocation record for a stream source: where the discarded records are, not the records. */
export function streamOnFailureRecord(
  context: OnFailureContext,
  batchInfoKey: 'DDBStreamBatchInfo' | 'KinesisBatchInfo',
  batch: BatchInfo & { batchSize: number },
): Record<string, unknown> {
  return {
    requestContext: {
      requestId: context.lastInvocation?.requestId ?? randomUUID(),
      functionArn: context.mapping.functionArn,
      condition: context.condition,
      approximateInvokeCount: context.invokeCount,
    },
    ...(context.lastInvocation
      ? { responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(context.lastInvocation.functionError ? { functionError: 'Unhandled' } : {}) } }
      : {}),
    version: '1.0',
    timestamp: context.now.toISOString(),
    [batchInfoKey]: {
      shardId: context.shardId,
      startSequenceNumber: batch.startSequenceNumber,
      endSequenceNumber: batch.endSequenceNumber,
      approximateArrivalOfFirstRecord: batch.approximateArrivalOfFirstRecord,
      approximateArrivalOfLastRecord: batch.approximateArrivalOfLastRecord,
      batchSize: batch.batchSize,
      streamArn: context.mapping.streamArn,
    },
  };
}

// ---- the service ----------------------------------------------------------------------

/** Where to read a shard from. */
export type ShardPosition =
  | { type: 'TRIM_HORIZON' }
  | { type: 'LATEST' }
  | { type: 'AT_TIMESTAMP'; timestamp: Date }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string };

/** A record read from a shard, already shaped as a record of Lambda's event. */
export interface ReadRecord<R> {
  record: R;
  sequenceNumber: string;
  /** When its age (MaximumRecordAgeInSeconds) starts counting. */
  createdAtMs: number;
  /** Matches none of the mapping's filters: read past, never delivered (as Lambda drops it). */
  filteredOut?: boolean;
}

/**
 * One stream service as the poller reads it. Errors keep the service's names:
 * `ExpiredIteratorException` makes the poller take a fresh iterator after the
 * last record read; `TrimmedDataAccessException` does too, once, and then reads
 * on from the oldest record kept.
 */
export interface ShardedStream<R, M extends StreamMapping> {
  /** For logs: `DynamoDB stream`, `Kinesis stream`. */
  readonly description: string;
  /** Every shard of the stream (all pages). */
  listShards(mapping: M, signal: AbortSignal): Promise<ListedShard[]>;
  /** Undefined when the shard has nothing more to read (closed and read to its end). */
  shardIterator(mapping: M, shardId: string, position: ShardPosition, signal: AbortSignal): Promise<string | undefined>;
  /** Up to `limit` records; `nextIterator` is undefined at the end of a closed shard. */
  getRecords(mapping: M, shardId: string, iterator: string, limit: number, signal: AbortSignal): Promise<{ records: ReadRecord<R>[]; nextIterator: string | undefined }>;
  /** Lambda's on-failure record for these records. */
  onFailureRecord(context: OnFailureContext, records: readonly R[]): Record<string, unknown>;
}

// ---- the poller ------------------------------------------------------------------------

export interface ShardedStreamPollerOptions<R, M extends StreamMapping> {
  mappings: readonly M[];
  stream: ShardedStream<R, M>;
  /** Sends on-failure records. */
  sqs: SQSClient;
  functions: FunctionInvoker;
  /** How often an idle shard is read. @default 250 */
  pollIntervalMs?: number;
  /** How often the stream is listed for new shards (splits, merges). @default 1000 */
  shardDiscoveryIntervalMs?: number;
  /** @default { initialMs: 200, maxMs: 2000 } */
  backoff?: { initialMs: number; maxMs: number };
  log?: (line: string) => void;
  now?: () => number;
}

const DEFAULT_POLL_INTERVAL_MS = 250;
const DEFAULT_SHARD_DISCOVERY_MS = 1_000;
/** GetRecords returns at most 1000 records from a DynamoDB stream (10 000 from Kinesis). */
const GET_RECORDS_LIMIT = 1_000;

/** Polls every mapping over one kind of stream; `start()` once, `stop()` on shutdown. */
export class ShardedStreamPoller<R, M extends StreamMapping> {
  private readonly workers: MappingWorker<R, M>[];
  private readonly abort = new AbortController();
  private running: Promise<void>[] = [];

  constructor(options: ShardedStreamPollerOptions<R, M>) {
    const settings: PollerSettings<R, M> = {
      stream: options.stream,
      sqs: options.sqs,
      functions: options.functions,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      shardDiscoveryIntervalMs: options.shardDiscoveryIntervalMs ?? DEFAULT_SHARD_DISCOVERY_MS,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      log: options.log ?? (() => undefined),
      now: options.now ?? Date.now,
      signal: this.abort.signal,
    };
    this.workers = options.mappings.map((mapping) => new MappingWorker(mapping, settings));
  }

  /** The mappings polled, as given. */
  get mappings(): M[] {
    return this.workers.map((worker) => worker.mapping);
  }

  start(): void {
    if (this.running.length > 0 || this.abort.signal.aborted) return;
    this.running = this.workers.map((worker) => worker.run());
  }

  /** Pauses or resumes a mapping, as UpdateEventSourceMapping `Enabled` does; its position is kept. */
  setEnabled(mappingId: string, enabled: boolean): void {
    const worker = this.workers.find((candidate) => candidate.mapping.id === mappingId);
    if (!worker) throw new Error(`no stream mapping ${mappingId}`);
    worker.gate.set(enabled);
  }

  /** Stops reading at once; a batch in flight is not checkpointed (it would be delivered again, at least once). */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.running);
  }
}

interface PollerSettings<R, M extends StreamMapping> {
  stream: ShardedStream<R, M>;
  sqs: SQSClient;
  functions: FunctionInvoker;
  pollIntervalMs: number;
  shardDiscoveryIntervalMs: number;
  backoff: { initialMs: number; maxMs: number };
  log: (line: string) => void;
  now: () => number;
  signal: AbortSignal;
}

/** Where a shard found at the mapping's start begins: its starting position; a closed shard from LATEST holds only the past. */
function initialPosition(mapping: StreamMapping, closed: boolean): ShardPosition | 'SKIP' {
  switch (mapping.startingPosition) {
    case 'LATEST':
      return closed ? 'SKIP' : { type: 'LATEST' };
    case 'AT_TIMESTAMP':
      return { type: 'AT_TIMESTAMP', timestamp: new Date((mapping.startingPositionTimestamp ?? 0) * 1000) };
    case 'TRIM_HORIZON':
      return { type: 'TRIM_HORIZON' };
  }
}

/** One mapping: finds the stream's shards and runs one reader per shard, a child after its parents. */
class MappingWorker<R, M extends StreamMapping> {
  readonly gate: Gate;

  constructor(
    readonly mapping: M,
    private readonly settings: PollerSettings<R, M>,
  ) {
    this.gate = new Gate(mapping.enabled);
  }

  async run(): Promise<void> {
    const { signal, stream } = this.settings;
    const shards = new Map<string, Promise<void>>();
    let firstListing = true;
    while (!signal.aborted) {
      await this.gate.pass(signal);
      if (signal.aborted) break;
      let listed: ListedShard[];
      try {
        listed = await stream.listShards(this.mapping, signal);
      } catch (error) {
        if (signal.aborted) break;
        this.log(`cannot list the shards of the ${stream.description}: ${describeError(error)}`);
        await sleep(this.settings.backoff.maxMs, signal);
        continue;
      }
      for (const shard of parentsFirst(listed)) {
        const shardId = shard.ShardId;
        if (shardId === undefined || shards.has(shardId)) continue;
        const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
        // The starting position applies to the shards there when the mapping starts; later ones (splits) are read whole.
        const position: ShardPosition | 'SKIP' = firstListing ? initialPosition(this.mapping, closed) : { type: 'TRIM_HORIZON' };
        const parents = parentShardIds(shard).flatMap((id) => shards.get(id) ?? []);
        const reader = new ShardReader(this.mapping, this.settings, this.gate, shardId);
        const finished =
          position === 'SKIP'
            ? Promise.resolve()
            : (async () => {
                // A child shard's records come after its parents': it waits until they are read to their end.
                await Promise.all(parents);
                await reader.run(position);
              })();
        shards.set(shardId, finished);
      }
      firstListing = false;
      await sleep(this.settings.shardDiscoveryIntervalMs, signal);
    }
    await Promise.all(shards.values());
  }

  private log(line: string): void {
    this.settings.log(`[${this.mapping.id}] ${line}`);
  }
}

/** A run of records at the head of the buffer that is invoked together (a batch, or one half of a bisected one). */
interface Segment {
  size: number;
  retries: number;
  invokes: number;
  lastInvocation?: { requestId: string; functionError: boolean };
}

/** Reads one shard in order and delivers it batch by batch. */
class ShardReader<R, M extends StreamMapping> {
  private readonly buffer: ReadRecord<R>[] = [];
  private readonly segments: Segment[] = [];
  private iterator: string | undefined;
  private lastReadSequenceNumber: string | undefined;
  private endOfShard = false;
  private trimmedOnce = false;

  constructor(
    private readonly mapping: M,
    private readonly settings: PollerSettings<R, M>,
    private readonly gate: Gate,
    private readonly shardId: string,
  ) {}

  async run(position: ShardPosition): Promise<void> {
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
        this.log(`reading failed: ${describeError(error)}`);
        await sleep(retryDelayMs(failures, this.settings.backoff), signal);
      }
    }
  }

  /** Where to (re)start: after the last record read, else the mapping's starting position. */
  private async shardIterator(position: ShardPosition): Promise<string | undefined> {
    const after = this.lastReadSequenceNumber;
    const iterator = await this.settings.stream.shardIterator(
      this.mapping,
      this.shardId,
      after === undefined ? position : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: after },
      this.settings.signal,
    );
    if (iterator === undefined) this.endOfShard = true;
    return iterator;
  }

  private async read(): Promise<void> {
    if (this.iterator === undefined) return;
    let output;
    try {
      output = await this.settings.stream.getRecords(this.mapping, this.shardId, this.iterator, GET_RECORDS_LIMIT, this.settings.signal);
    } catch (error) {
      // An iterator lasts minutes (a long retry may outlive it); old records are trimmed.
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
        // Nothing read yet (a kept stream from an earlier run): starting from the oldest record kept is the normal course.
        if (this.lastReadSequenceNumber !== undefined) {
          this.log(`${this.shardId}: records after ${this.lastReadSequenceNumber} are older than the stream keeps them; reading on from the oldest it still has`);
        }
        this.lastReadSequenceNumber = undefined;
        this.iterator = await this.shardIterator({ type: 'TRIM_HORIZON' });
        return;
      }
      throw error;
    }
    this.trimmedOnce = false;
    for (const read of output.records) {
      if (!read.filteredOut) this.buffer.push(read);
      this.lastReadSequenceNumber = read.sequenceNumber;
    }
    this.iterator = output.nextIterator;
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

    const batch = this.buffer.slice(0, segment.size);
    const requestId = randomUUID();
    const invoked = await unlessAborted(this.invoke(batch), settings.signal);
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
        this.log(`${mapping.functionName} failed on ${batch.length} records (${reasonOf(result)}); retry ${decision.retries} of ${segment.size} in ${delay} ms`);
        await sleep(delay, settings.signal);
        return;
      }
      case 'bisect': {
        const [first, second] = decision.halves;
        this.log(`${mapping.functionName} failed on ${batch.length} records (${reasonOf(result)}); splitting the batch into ${first} + ${second}`);
        this.segments.splice(0, 1, { ...segment, size: first }, { ...segment, size: second });
        return;
      }
      case 'give-up': {
        this.buffer.splice(0, decision.from);
        segment.size -= decision.from;
        this.log(`${mapping.functionName} failed on ${batch.length} records (${reasonOf(result)}) after ${segment.retries} retries`);
        await this.giveUp(this.buffer.splice(0, segment.size), segment, 'RetryAttemptsExhausted');
        this.segments.shift();
        return;
      }
    }
  }

  private async invoke(batch: ReadRecord<R>[]): Promise<BatchResult> {
    try {
      const response = await this.settings.functions.invoke(this.mapping.functionName, { Records: batch.map((read) => read.record) });
      return readBatchResponse(
        response,
        batch.map((read) => read.sequenceNumber),
        this.mapping.reportBatchItemFailures,
      );
    } catch (error) {
      return { kind: 'function-error', reason: describeError(error) };
    }
  }

  /** Sends the on-failure record (until the queue takes it) and moves past the records. */
  private async giveUp(discarded: ReadRecord<R>[], segment: Segment, condition: OnFailureCondition): Promise<void> {
    const span = `${discarded[0]?.sequenceNumber}…${discarded.at(-1)?.sequenceNumber}`;
    const queueUrl = this.mapping.onFailureQueueUrl;
    if (queueUrl === undefined) {
      this.log(`${condition}: discarded ${discarded.length} records (${span}) of ${this.shardId}; no on-failure destination`);
      return;
    }
    const body = JSON.stringify(
      this.settings.stream.onFailureRecord(
        {
          mapping: this.mapping,
          shardId: this.shardId,
          condition,
          invokeCount: segment.invokes,
          ...(segment.lastInvocation ? { lastInvocation: segment.lastInvocation } : {}),
          now: new Date(this.settings.now()),
        },
        discarded.map((read) => read.record),
      ),
    );
    for (let attempt = 1; !this.settings.signal.aborted; attempt++) {
      try {
        await this.settings.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }), { abortSignal: this.settings.signal });
        this.log(`${condition}: sent ${discarded.length} records (${span}) of ${this.shardId} to the on-failure destination`);
        return;
      } catch (error) {
        if (this.settings.signal.aborted) return;
        this.log(`cannot send the on-failure record to ${queueUrl}: ${describeError(error)}`);
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

/** An error for a log line: a function error as Lambda reports it, else its name and message. */
export function describeError(error: unknown): string {
  if (error instanceof FunctionInvocationError) return `${error.errorType}: ${error.errorMessage}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
