import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { Gate, sleep, unlessAborted } from './abortable';
import type { FunctionInvoker } from './http-gateway';
import { LOCAL_REGION, type LocalResources } from './provision';
import { DEFAULT_BACKOFF, describeError, readBatchItemFailures, retryDelayMs } from './shard-poller';
import type { LocalTopology, QueueEventSourceMappingSpec } from './topology';

/**
 * Lambda's event source mapping for SQS, on one machine: a few pollers per
 * mapping (up to its ScalingConfig.MaximumConcurrency) long-poll the queue,
 * invoke the function with batches shaped as Lambda's, and delete the messages
 * that succeeded — all of them on success, all but the reported
 * `batchItemFailures` with ReportBatchItemFailures, none when the function
 * fails. The rest reappear after the visibility timeout, so the queue's own
 * redrive policy moves them to its dead-letter queue after maxReceiveCount.
 */

// ---- configuration -----------------------------------------------------------------

/** An SQS mapping with every reference resolved against the local resources. */
export interface QueueMapping {
  /** The mapping's logical id, for logs and `setEnabled`. */
  id: string;
  queueUrl: string;
  queueArn: string;
  /** The queue's name, by which the local cloud finds a mapping (the ticket outbox's). */
  queueName: string;
  functionName: string;
  /** Messages per invocation; more than 10 are gathered over MaximumBatchingWindowInSeconds. */
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  reportBatchItemFailures: boolean;
  enabled: boolean;
  /** ScalingConfig.MaximumConcurrency: concurrent pollers (each one batch at a time); a few when absent. */
  maximumConcurrency?: number;
  /** The queue's visibility timeout, which every receive asks for. */
  visibilityTimeoutSeconds: number;
}

/** The topology's SQS mappings, resolved: queue URL, ARN, name and visibility timeout, the function. */
export function queueMappings(topology: LocalTopology, resources: LocalResources): QueueMapping[] {
  return topology.eventSourceMappings
    .filter((spec): spec is QueueEventSourceMappingSpec => spec.kind === 'sqs')
    .map((spec) => {
      const queue = topology.queues.find((candidate) => candidate.logicalId === spec.sourceLogicalId);
      if (!queue) throw new Error(`${spec.logicalId}: its queue ${spec.sourceLogicalId} is not in the topology`);
      return {
        id: spec.logicalId,
        queueUrl: resources.queueUrl(queue.logicalId),
        queueArn: resources.resolve(spec.eventSourceArn),
        queueName: queue.name,
        functionName: spec.functionLogicalId,
        batchSize: spec.batchSize,
        maximumBatchingWindowInSeconds: spec.maximumBatchingWindowInSeconds,
        reportBatchItemFailures: spec.reportBatchItemFailures,
        enabled: spec.enabled,
        ...(spec.maximumConcurrency === undefined ? {} : { maximumConcurrency: spec.maximumConcurrency }),
        visibilityTimeoutSeconds: queue.visibilityTimeout,
      };
    });
}

// ---- the event, as Lambda builds it ------------------------------------------------------

/** A message attribute as Lambda's SQS event carries it: binary values base64-encoded, the list fields always there. */
export interface SqsEventMessageAttribute {
  stringValue?: string;
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

export interface SqsEventRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** The message's system attributes: ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp (and a FIFO queue's). */
  attributes: Record<string, string>;
  messageAttributes: Record<string, SqsEventMessageAttribute>;
  md5OfBody: string;
  /** When the message has attributes. */
  md5OfMessageAttributes?: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

export interface SqsEvent {
  Records: SqsEventRecord[];
}

/** One received message (as ReceiveMessage returns it through the SDK) as a record of Lambda's event. */
export function toSqsEventRecord(message: Message, queueArn: string, region: string): SqsEventRecord {
  if (message.MessageId === undefined || message.ReceiptHandle === undefined) throw new Error('a received message has no id or receipt handle');
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? '',
    attributes: { ...message.Attributes },
    messageAttributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, toEventMessageAttribute(value)])),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes === undefined ? {} : { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

function toEventMessageAttribute(value: MessageAttributeValue): SqsEventMessageAttribute {
  return {
    ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
    ...(value.BinaryValue === undefined ? {} : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map((bytes) => Buffer.from(bytes).toString('base64')),
    dataType: value.DataType ?? 'String',
  };
}

// ---- decisions (pure) ------------------------------------------------------------------

/** What an invocation said about its batch of messages. */
export type QueueBatchResult =
  | { kind: 'success' }
  /** These messages failed (the others succeeded). */
  | { kind: 'partial'; failedMessageIds: string[] }
  /** The function threw, timed out or crashed, or reported failures Lambda cannot use: every message failed. */
  | { kind: 'failure'; reason: string };

/**
 * Reads a function's response as Lambda does for a queue: without
 * ReportBatchItemFailures any response is success; with it, no response, no or
 * an empty `batchItemFailures` is success, a list of message ids fails those,
 * and an identifier that is missing, empty or not in the batch fails them all.
 */
export function readQueueBatchResponse(response: unknown, messageIds: readonly string[], reportBatchItemFailures: boolean): QueueBatchResult {
  if (!reportBatchItemFailures) return { kind: 'success' };
  const failures = readBatchItemFailures(response, messageIds);
  switch (failures.kind) {
    case 'none':
      return { kind: 'success' };
    case 'invalid':
      return { kind: 'failure', reason: failures.reason };
    case 'some':
      return { kind: 'partial', failedMessageIds: [...new Set(failures.itemIdentifiers)] };
  }
}

/** The messages to delete after an invocation: the ones that succeeded. */
export function messagesToDelete(result: QueueBatchResult, messageIds: readonly string[]): string[] {
  switch (result.kind) {
    case 'success':
      return [...messageIds];
    case 'failure':
      return [];
    case 'partial':
      return messageIds.filter((id) => !result.failedMessageIds.includes(id));
  }
}

/** Pollers per mapping without ScalingConfig.MaximumConcurrency. */
export const DEFAULT_QUEUE_POLLERS = 3;

/** Concurrent pollers for a mapping: its MaximumConcurrency, else a few. */
export function pollerCount(mapping: Pick<QueueMapping, 'maximumConcurrency'>): number {
  return Math.max(1, Math.floor(mapping.maximumConcurrency ?? DEFAULT_QUEUE_POLLERS));
}

// ---- the poller ------------------------------------------------------------------------

export interface QueuePollerOptions {
  mappings: readonly QueueMapping[];
  /** Built with `useQueueUrlAsEndpoint: false` (fauxqs answers queue URLs on a host of its own). */
  sqs: SQSClient;
  functions: FunctionInvoker;
  /** The events' awsRegion. @default us-east-1 */
  region?: string;
  /** The long poll of each receive. @default 1 */
  waitTimeSeconds?: number;
  /** After a failed receive. @default { initialMs: 200, maxMs: 2000 } */
  backoff?: { initialMs: number; maxMs: number };
  log?: (line: string) => void;
}

/** ReceiveMessage returns at most 10 messages. */
const RECEIVE_LIMIT = 10;
/** DeleteMessageBatch and ChangeMessageVisibilityBatch take at most 10 entries. */
const BATCH_ENTRY_LIMIT = 10;
const DEFAULT_WAIT_TIME_SECONDS = 1;

/** Polls every SQS mapping; `start()` once, `stop()` on shutdown, `setEnabled()` to pause one. */
export class QueuePoller {
  private readonly workers: QueueMappingWorker[];
  private readonly abort = new AbortController();
  private running: Promise<void>[] = [];

  constructor(options: QueuePollerOptions) {
    const settings: QueuePollerSettings = {
      sqs: options.sqs,
      functions: options.functions,
      region: options.region ?? LOCAL_REGION,
      waitTimeSeconds: options.waitTimeSeconds ?? DEFAULT_WAIT_TIME_SECONDS,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      log: options.log ?? (() => undefined),
      signal: this.abort.signal,
    };
    this.workers = options.mappings.map((mapping) => new QueueMappingWorker(mapping, settings));
  }

  /** The mappings polled, as given. */
  get mappings(): QueueMapping[] {
    return this.workers.map((worker) => worker.mapping);
  }

  start(): void {
    if (this.running.length > 0 || this.abort.signal.aborted) return;
    this.running = this.workers.flatMap((worker) => worker.run());
  }

  /**
   * Pauses or resumes a mapping, as UpdateEventSourceMapping `Enabled` does:
   * paused, nothing is received and messages wait in the queue (a receive in
   * flight gives its messages back at once); resumed, the pollers go on.
   */
  setEnabled(mappingId: string, enabled: boolean): void {
    const worker = this.workers.find((candidate) => candidate.mapping.id === mappingId);
    if (!worker) throw new Error(`no queue mapping ${mappingId}`);
    worker.gate.set(enabled);
  }

  /** Stops receiving at once; messages received and not yet deleted reappear after their visibility timeout. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.running);
  }
}

interface QueuePollerSettings {
  sqs: SQSClient;
  functions: FunctionInvoker;
  region: string;
  waitTimeSeconds: number;
  backoff: { initialMs: number; maxMs: number };
  log: (line: string) => void;
  signal: AbortSignal;
}

/** One mapping: its pollers, each receiving a batch, invoking with it and deleting what succeeded. */
class QueueMappingWorker {
  readonly gate: Gate;

  constructor(
    readonly mapping: QueueMapping,
    private readonly settings: QueuePollerSettings,
  ) {
    this.gate = new Gate(mapping.enabled);
  }

  run(): Promise<void>[] {
    return Array.from({ length: pollerCount(this.mapping) }, () => this.poll());
  }

  private async poll(): Promise<void> {
    const { signal } = this.settings;
    let failures = 0;
    while (!signal.aborted) {
      await this.gate.pass(signal);
      if (signal.aborted) return;
      try {
        const messages = await this.receiveBatch();
        failures = 0;
        if (messages.length === 0 || signal.aborted) continue;
        if (!this.gate.isOpen) {
          // Paused while this receive waited: the messages wait in the queue instead.
          await this.release(messages);
          continue;
        }
        await this.deliver(messages);
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        this.log(`receiving from ${this.mapping.queueName} failed: ${describeError(error)}`);
        await sleep(retryDelayMs(failures, this.settings.backoff), signal);
      }
    }
  }

  /**
   * Up to BatchSize messages: one long poll, then — with a batching window —
   * more receives until the batch is full or the window has passed.
   */
  private async receiveBatch(): Promise<Message[]> {
    const { mapping, settings } = this;
    const windowEnds = Date.now() + mapping.maximumBatchingWindowInSeconds * 1000;
    const messages: Message[] = [];
    for (;;) {
      const wanted = Math.min(RECEIVE_LIMIT, mapping.batchSize - messages.length);
      const remainingMs = windowEnds - Date.now();
      const waitTimeSeconds = messages.length === 0 ? settings.waitTimeSeconds : Math.min(settings.waitTimeSeconds, Math.ceil(remainingMs / 1000));
      const { Messages: received = [] } = await settings.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: mapping.queueUrl,
          MaxNumberOfMessages: wanted,
          WaitTimeSeconds: waitTimeSeconds,
          VisibilityTimeout: mapping.visibilityTimeoutSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: settings.signal },
      );
      messages.push(...received);
      if (messages.length >= mapping.batchSize || Date.now() >= windowEnds || settings.signal.aborted || !this.gate.isOpen) return messages;
      if (messages.length === 0) return messages;
    }
  }

  private async deliver(messages: Message[]): Promise<void> {
    const { mapping, settings } = this;
    const records = messages.map((message) => toSqsEventRecord(message, mapping.queueArn, settings.region));
    const messageIds = records.map((record) => record.messageId);
    const invoked = await unlessAborted(this.invoke({ Records: records }, messageIds), settings.signal);
    // Shutting down: nothing is deleted, the messages reappear (at least once).
    if (invoked.aborted) return;
    const result = invoked.value;
    if (result.kind === 'failure') this.log(`${mapping.functionName} failed on ${records.length} messages (${result.reason}); they reappear after ${mapping.visibilityTimeoutSeconds} s`);
    if (result.kind === 'partial') {
      this.log(`${mapping.functionName} reported ${result.failedMessageIds.length} of ${records.length} messages failed; they reappear after ${mapping.visibilityTimeoutSeconds} s`);
    }
    const deleting = new Set(messagesToDelete(result, messageIds));
    await this.deleteMessages(records.filter((record) => deleting.has(record.messageId)));
  }

  private async invoke(event: SqsEvent, messageIds: string[]): Promise<QueueBatchResult> {
    try {
      const response = await this.settings.functions.invoke(this.mapping.functionName, event);
      return readQueueBatchResponse(response, messageIds, this.mapping.reportBatchItemFailures);
    } catch (error) {
      return { kind: 'failure', reason: describeError(error) };
    }
  }

  private async deleteMessages(records: SqsEventRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += BATCH_ENTRY_LIMIT) {
      const chunk = records.slice(start, start + BATCH_ENTRY_LIMIT);
      try {
        const { Failed: failed = [] } = await this.settings.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.mapping.queueUrl,
            Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
          }),
        );
        for (const failure of failed) {
          const record = chunk[Number(failure.Id)];
          this.log(`cannot delete message ${record?.messageId ?? failure.Id}: ${failure.Code ?? 'error'} ${failure.Message ?? ''}; it will be delivered again`);
        }
      } catch (error) {
        this.log(`cannot delete ${chunk.length} messages: ${describeError(error)}; they will be delivered again`);
      }
    }
  }

  /** Makes received messages visible again at once. */
  private async release(messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += BATCH_ENTRY_LIMIT) {
      const chunk = messages.slice(start, start + BATCH_ENTRY_LIMIT);
      try {
        await this.settings.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.mapping.queueUrl,
            Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })),
          }),
        );
      } catch (error) {
        this.log(`cannot give back ${chunk.length} messages: ${describeError(error)}; they reappear after ${this.mapping.visibilityTimeoutSeconds} s`);
      }
    }
  }

  private log(line: string): void {
    this.settings.log(`[${this.mapping.id}] ${line}`);
  }
}
