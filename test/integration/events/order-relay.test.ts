import { randomUUID } from 'node:crypto';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  type PutRecordsCommandOutput,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { OrderEventPublisher } from '../../../lib/events/order-event-publisher';
import type { OrderEvent } from '../../../lib/events/order-events';
import { OrderRelay } from '../../../lib/events/order-relay';
import { type Order, applyPayment, ticket } from '../../../lib/orders';
import { useEmulators } from '../../helpers/emulators';
import { lambdaContext } from '../../helpers/invoke';
import { at, payment, reservedOrder, ticketsFor } from '../../unit/orders/order-fixtures';
import { StreamRecords, idempotencyItem, orderItem, retriedRecords, sequenceNumbers, streamEvent } from '../../unit/events/stream-records';

useEmulators();

type Handler = (event: DynamoDBStreamEvent, context: ReturnType<typeof lambdaContext>) => Promise<DynamoDBBatchResponse>;

/** HTTP/1.1, as lib/aws/clients builds it: kinesis-mock fails a share of HTTP/2 requests. */
const kinesisClient = () => new KinesisClient({ requestHandler: new NodeHttpHandler() });

let kinesis: KinesisClient;
const streamNameBefore = process.env.ORDER_EVENTS_STREAM_NAME;

beforeAll(() => {
  kinesis = kinesisClient();
});

afterAll(() => {
  if (streamNameBefore === undefined) delete process.env.ORDER_EVENTS_STREAM_NAME;
  else process.env.ORDER_EVENTS_STREAM_NAME = streamNameBefore;
});

/** A fresh stream with two shards, ACTIVE. */
async function createStream(): Promise<string> {
  const name = `order-events-${randomUUID().slice(0, 8)}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30, minDelay: 1 }, { StreamName: name });
  return name;
}

/** Everything in the stream, shard by shard, oldest first. */
async function readStream(streamName: string): Promise<{ partitionKey: string; event: OrderEvent }[]> {
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const read: { partitionKey: string; event: OrderEvent }[] = [];
  for (const shard of Shards) {
    let { ShardIterator: iterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    while (iterator) {
      const { Records = [], NextShardIterator } = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      if (Records.length === 0) break;
      for (const record of Records) read.push({ partitionKey: record.PartitionKey ?? '', event: JSON.parse(new TextDecoder().decode(record.Data)) as OrderEvent });
      iterator = NextShardIterator;
    }
  }
  return read;
}

/** The event ids of one order, in the order its shard holds them. */
async function eventIdsOf(streamName: string, orderId: string): Promise<string[]> {
  return (await readStream(streamName)).filter(({ partitionKey }) => partitionKey === orderId).map(({ event }) => event.eventId);
}

/** Versions 1..3 of an order: RESERVED, PAID, TICKETED. */
function lifecycle(orderId: string): [Order, Order, Order] {
  const reserved = reservedOrder({ orderId });
  const outcome = applyPayment(reserved, payment({ orderId }), { seatsStillHeld: true, now: at(3) });
  if (outcome.kind !== 'paid') throw new Error(`fixture: expected paid, got ${outcome.kind}`);
  return [reserved, outcome.order, ticket(outcome.order, ticketsFor(outcome.order), at(4))];
}

/**
 * A Kinesis client whose `call`-th PutRecords gets Kinesis's per-entry
 * rejection for the entries of `rejectedOrder`; every other call reaches kinesis-local.
 */
function kinesisRejecting(call: number, rejectedOrder: string): KinesisClient {
  const client = kinesisClient();
  let calls = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutRecordsCommand' || ++calls !== call) return next(args);
      const entries = (args.input as { Records: { PartitionKey: string }[] }).Records;
      const accepted = entries.filter((entry) => entry.PartitionKey !== rejectedOrder);
      const response = (await next({ ...args, input: { ...(args.input as object), Records: accepted } })) as { output: PutRecordsCommandOutput };
      const results = [...(response.output.Records ?? [])];
      const output: PutRecordsCommandOutput = {
        ...response.output,
        FailedRecordCount: entries.length - accepted.length,
        Records: entries.map((entry) => (entry.PartitionKey === rejectedOrder ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' } : results.shift()!)),
      };
      return { ...response, output } as Awaited<ReturnType<typeof next>>;
    },
    { step: 'initialize', name: 'rejectOneOrder' },
  );
  return client;
}

describe('Function: order-relay (kinesis-local)', () => {
  it('publishes versions 1..3 of an order once each, in order, and nothing for other items', async () => {
    // Prepare
    const streamName = await createStream();
    process.env.ORDER_EVENTS_STREAM_NAME = streamName;
    const { handler } = (await import('../../../functions/events/order-relay')) as { handler: Handler };
    const orderId = randomUUID();
    const records = new StreamRecords();
    const [v1, ...rest] = records.versions(lifecycle(orderId)) as [DynamoDBRecord, ...DynamoDBRecord[]];
    const event = streamEvent([v1, records.insert(idempotencyItem()), ...rest]);

    // Act
    const result = await handler(event, lambdaContext('order-relay'));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const read = await readStream(streamName);
    expect(read.map(({ event: e }) => `${e.eventId} ${e.type}`)).toEqual([`${orderId}:1 OrderReserved`, `${orderId}:2 OrderPaid`, `${orderId}:3 OrderTicketed`]);
    expect(read.every(({ partitionKey }) => partitionKey === orderId)).toBe(true);
  });

  it('yields each version once, in order, when the first publish fails and Lambda retries the batch', async () => {
    // Prepare
    const streamName = await createStream();
    const orderId = randomUUID();
    const batch = new StreamRecords().versions(lifecycle(orderId));
    const missingStream = new OrderRelay(new OrderEventPublisher(kinesis, `${streamName}-missing`));
    const relay = new OrderRelay(new OrderEventPublisher(kinesis, streamName));

    // Act
    const first = await missingStream.relay(batch);
    const retried = retriedRecords(batch, first.batchItemFailures);
    const second = await relay.relay(retried);

    // Assess
    expect(first.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(sequenceNumbers(batch));
    expect(retried).toEqual(batch);
    expect(second).toEqual({ batchItemFailures: [] });
    expect(await eventIdsOf(streamName, orderId)).toEqual([`${orderId}:1`, `${orderId}:2`, `${orderId}:3`]);
  });

  it('yields each version once, in order, when version 2 is rejected and the retry starts from it', async () => {
    // Prepare
    const streamName = await createStream();
    const orderId = randomUUID();
    const batch = new StreamRecords().versions(lifecycle(orderId));
    const flaky = new OrderRelay(new OrderEventPublisher(kinesisRejecting(2, orderId), streamName));
    const relay = new OrderRelay(new OrderEventPublisher(kinesis, streamName));

    // Act
    const first = await flaky.relay(batch);
    const afterFirst = await eventIdsOf(streamName, orderId);
    const second = await relay.relay(retriedRecords(batch, first.batchItemFailures));

    // Assess
    expect(first.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(sequenceNumbers(batch.slice(1)));
    expect(afterFirst).toEqual([`${orderId}:1`]);
    expect(second).toEqual({ batchItemFailures: [] });
    expect(await eventIdsOf(streamName, orderId)).toEqual([`${orderId}:1`, `${orderId}:2`, `${orderId}:3`]);
  });

  it('never lets an order go backwards when another order of a partly rejected request is retried', async () => {
    // Prepare: A and B interleaved; the request [A2, B2] loses A2 and keeps B2.
    const streamName = await createStream();
    const [a, b] = [randomUUID(), randomUUID()];
    const [a1, a2, a3] = lifecycle(a);
    const [b1, b2] = lifecycle(b);
    const records = new StreamRecords();
    const batch = [
      records.insert(orderItem(a1)),
      records.insert(orderItem(b1)),
      records.modify(orderItem(a2), orderItem(a1)),
      records.modify(orderItem(b2), orderItem(b1)),
      records.modify(orderItem(a3), orderItem(a2)),
    ];
    const flaky = new OrderRelay(new OrderEventPublisher(kinesisRejecting(2, a), streamName));
    const relay = new OrderRelay(new OrderEventPublisher(kinesis, streamName));

    // Act
    const first = await flaky.relay(batch);
    const second = await relay.relay(retriedRecords(batch, first.batchItemFailures));

    // Assess: every version, in order; B2 was published, then published again by the retry (consumers drop the repeat).
    expect(first.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(sequenceNumbers(batch.slice(2)));
    expect(second).toEqual({ batchItemFailures: [] });
    expect(await eventIdsOf(streamName, a)).toEqual([`${a}:1`, `${a}:2`, `${a}:3`]);
    expect(await eventIdsOf(streamName, b)).toEqual([`${b}:1`, `${b}:2`, `${b}:2`]);
  });
});
