import { type _Record as StreamRecord, type DynamoDBStreamsClient, GetRecordsCommand as GetStreamRecordsCommand, GetShardIteratorCommand as GetStreamShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient, PutRecordsCommand, type _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord } from 'aws-lambda';
import { OrderEventPublisher } from '../events/order-event-publisher';
import { OrderRelay } from '../events/order-relay';

/**
 * Where Lambda says a stream batch it gave up on lies: the on-failure record of
 * a Kinesis (`KinesisBatchInfo`) or DynamoDB stream (`DDBStreamBatchInfo`)
 * event source mapping. It names the records, it does not carry them.
 */
export interface FailurePointer {
  kind: 'kinesis' | 'dynamodb';
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
}

export interface ReplayClients {
  sqs: SQSClient;
  kinesis: KinesisClient;
  dynamodbStreams: DynamoDBStreamsClient;
}

export interface ReplayOptions {
  /** Where the relay's replayed order events go (`order-events`): DynamoDB stream pointers are relayed, not re-put. */
  orderEventsStream: string;
  /** @default every message */
  max?: number;
}

export interface ReplayResult {
  /** Pointers replayed and deleted from the queue. */
  pointers: number;
  /** Records read back from the streams. */
  records: number;
}

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

/** @throws ReplayError for a message that is not a stream source's on-failure record. */
export function parseFailurePointer(body: string): FailurePointer {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new ReplayError('the message is not JSON', { cause });
  }
  const record = (json ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const kind = record.KinesisBatchInfo ? 'kinesis' : record.DDBStreamBatchInfo ? 'dynamodb' : undefined;
  const info = record.KinesisBatchInfo ?? record.DDBStreamBatchInfo;
  const fields = ['streamArn', 'shardId', 'startSequenceNumber', 'endSequenceNumber'] as const;
  if (kind === undefined || info === undefined || fields.some((field) => typeof info[field] !== 'string')) {
    throw new ReplayError('the message is not an on-failure record of a Kinesis or DynamoDB stream event source mapping');
  }
  return { kind, streamArn: String(info.streamArn), shardId: String(info.shardId), startSequenceNumber: String(info.startSequenceNumber), endSequenceNumber: String(info.endSequenceNumber) };
}

/**
 * Replays the pointers parked in an on-failure queue, one message at a time:
 * 1. reads the records it names back from their stream (AT_SEQUENCE_NUMBER,
 *    up to its end sequence number);
 * 2. Kinesis records are put again on their stream, with their partition key:
 *    every consumer reads them again (all are idempotent by event id and version);
 *    DynamoDB stream records go through the order relay to `order-events`, as the relay would;
 * 3. deletes the message only then. A record the stream no longer keeps is an
 *    error, and the message stays.
 */
export async function replayFailures(clients: ReplayClients, queueUrl: string, options: ReplayOptions): Promise<ReplayResult> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const relay = new OrderRelay(new OrderEventPublisher(clients.kinesis, options.orderEventsStream));
  const result: ReplayResult = { pointers: 0, records: 0 };
  while (result.pointers < max) {
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1, VisibilityTimeout: 120 }));
    const [message] = Messages;
    if (message === undefined) break;
    const pointer = parseFailurePointer(message.Body ?? '');
    if (pointer.kind === 'kinesis') {
      const records = await readKinesisRecords(clients.kinesis, pointer);
      await reput(clients.kinesis, pointer.streamArn, records);
      result.records += records.length;
    } else {
      const records = await readTableStreamRecords(clients.dynamodbStreams, pointer);
      const { batchItemFailures } = await relay.relay(records.map(lambdaShape));
      if (batchItemFailures.length > 0) throw new ReplayError(`${batchItemFailures.length} of ${records.length} records of ${pointer.shardId} were not relayed; the pointer stays in the queue`);
      result.records += records.length;
    }
    await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    result.pointers += 1;
  }
  return result;
}

async function readKinesisRecords(kinesis: KinesisClient, pointer: FailurePointer): Promise<KinesisRecord[]> {
  const { ShardIterator } = await gone(pointer, () =>
    kinesis.send(
      new GetShardIteratorCommand({ StreamName: streamName(pointer.streamArn), ShardId: pointer.shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: pointer.startSequenceNumber }),
    ),
  );
  return readUntil(pointer, ShardIterator, async (iterator) => {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
    return { records: page.Records ?? [], next: page.NextShardIterator, sequenceOf: (r: KinesisRecord) => r.SequenceNumber };
  });
}

async function readTableStreamRecords(streams: DynamoDBStreamsClient, pointer: FailurePointer): Promise<StreamRecord[]> {
  const { ShardIterator } = await gone(pointer, () =>
    streams.send(new GetStreamShardIteratorCommand({ StreamArn: pointer.streamArn, ShardId: pointer.shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: pointer.startSequenceNumber })),
  );
  return readUntil(pointer, ShardIterator, async (iterator) => {
    const page = await streams.send(new GetStreamRecordsCommand({ ShardIterator: iterator }));
    return { records: page.Records ?? [], next: page.NextShardIterator, sequenceOf: (r: StreamRecord) => r.dynamodb?.SequenceNumber };
  });
}

/** A stream refuses an iterator at a sequence number it no longer keeps (trimmed past its retention). */
async function gone<T>(pointer: FailurePointer, getIterator: () => Promise<T>): Promise<T> {
  try {
    return await getIterator();
  } catch (cause) {
    throw new ReplayError(`${pointer.shardId} no longer holds ${pointer.startSequenceNumber} (past the stream's retention?): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Pages through a shard from the pointer's start to its end sequence number; an empty page means the shard holds nothing more. */
async function readUntil<R>(
  pointer: FailurePointer,
  first: string | undefined,
  read: (iterator: string) => Promise<{ records: R[]; next: string | undefined; sequenceOf: (record: R) => string | undefined }>,
): Promise<R[]> {
  const end = BigInt(pointer.endSequenceNumber);
  const records: R[] = [];
  const sequences: string[] = [];
  for (let iterator = first, reached = false; iterator !== undefined && !reached; ) {
    const page = await read(iterator);
    for (const record of page.records) {
      const sequence = page.sequenceOf(record) ?? '';
      if (BigInt(sequence) > end) break;
      records.push(record);
      sequences.push(sequence);
    }
    reached = page.records.length === 0 || sequences.at(-1) === pointer.endSequenceNumber || page.records.some((r) => BigInt(page.sequenceOf(r) ?? '0') > end);
    iterator = page.next;
  }
  if (sequences[0] !== pointer.startSequenceNumber) {
    throw new ReplayError(`${pointer.shardId} no longer holds ${pointer.startSequenceNumber} (past the stream's retention?): read ${sequences[0] ?? 'nothing'} instead`);
  }
  return records;
}

/** Kinesis accepts 500 records per PutRecords; a failed entry fails the replay and the pointer stays. */
async function reput(kinesis: KinesisClient, streamArn: string, records: readonly KinesisRecord[]): Promise<void> {
  for (let start = 0; start < records.length; start += 500) {
    const batch = records.slice(start, start + 500);
    const { FailedRecordCount = 0 } = await kinesis.send(
      new PutRecordsCommand({ StreamName: streamName(streamArn), Records: batch.map((record) => ({ Data: record.Data, PartitionKey: record.PartitionKey ?? 'replay' })) }),
    );
    if (FailedRecordCount > 0) throw new ReplayError(`${FailedRecordCount} of ${batch.length} records could not be put again on ${streamName(streamArn)}; the pointer stays in the queue`);
  }
}

/** `arn:aws:kinesis:<region>:<account>:stream/<name>` → `<name>`. */
const streamName = (arn: string): string => arn.slice(arn.indexOf(':stream/') + ':stream/'.length);

/** The SDK's stream record as the relay receives it from Lambda (only its date differs). */
function lambdaShape(record: StreamRecord): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...dynamodb } = record.dynamodb ?? {};
  return {
    ...record,
    dynamodb: { ...dynamodb, ...(ApproximateCreationDateTime ? { ApproximateCreationDateTime: ApproximateCreationDateTime.getTime() / 1000 } : {}) },
  } as DynamoDBRecord;
}
