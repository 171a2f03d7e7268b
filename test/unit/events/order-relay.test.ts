import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { MalformedStreamRecordError } from '../../../lib/events/errors';
import { OrderEventPublisher, type OrderEventSink } from '../../../lib/events/order-event-publisher';
import type { OrderEvent } from '../../../lib/events/order-events';
import { OrderRelay, type RelayLogger } from '../../../lib/events/order-relay';
import { type Order, cancel } from '../../../lib/orders';
import { loadEvent } from '../../helpers/events';
import { at, reservedOrder } from '../orders/order-fixtures';
import { StreamRecords, eventIds, idempotencyItem, orderItem, sequenceNumbers } from './stream-records';

const STREAM_NAME = 'ticketing-order-events';

const kinesis = mockClient(KinesisClient);

/** A sink that keeps what it is given, one array per publish call. */
class RecordingSink implements OrderEventSink {
  readonly calls: OrderEvent[][] = [];
  async publish(events: readonly OrderEvent[]): Promise<void> {
    this.calls.push([...events]);
  }
}

/** Versions 1..n of one order (the status does not matter to the relay). */
const versionsOf = (orderId: string, count: number): Order[] =>
  Array.from({ length: count }, (_, i) => reservedOrder({ orderId, version: i + 1, updatedAt: at(i).toISOString() }));

/** Event ids of every PutRecords entry, in call order. */
const putEventIds = (): string[][] =>
  kinesis.commandCalls(PutRecordsCommand).map((call) =>
    (call.args[0].input as PutRecordsCommandInput).Records!.map((entry) => (JSON.parse(new TextDecoder().decode(entry.Data)) as OrderEvent).eventId),
  );

const acceptAll = () =>
  kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
    FailedRecordCount: 0,
    Records: (input.Records ?? []).map((_, i) => ({ SequenceNumber: `4960${i}`, ShardId: 'shardId-000000000000' })),
  }));

const silentLogger = (): jest.Mocked<RelayLogger> => ({ info: jest.fn(), error: jest.fn() }) as unknown as jest.Mocked<RelayLogger>;

describe('Class: OrderRelay', () => {
  let records: StreamRecords;
  let logger: jest.Mocked<RelayLogger>;

  beforeEach(() => {
    records = new StreamRecords();
    logger = silentLogger();
  });

  afterEach(() => {
    kinesis.reset();
  });

  describe('Method: relay', () => {
    it('publishes the sample batch in stream order and ignores the idempotency record', async () => {
      // Prepare
      const sink = new RecordingSink();
      const event = loadEvent<DynamoDBStreamEvent>('streams/order-relay.json');

      // Act
      const result = await new OrderRelay(sink, { logger }).relay(event.Records);

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(sink.calls).toHaveLength(1);
      const [a, b] = ['0193a8c2-7d4e-7b1a-9f3c-2e5d8a6b4c10', '0193a8c3-1f02-7c55-8d0e-6b9a3f2c7d41'];
      expect(sink.calls[0]?.map(({ eventId, type }) => `${eventId} ${type}`)).toEqual([
        `${a}:1 OrderReserved`,
        `${b}:1 OrderReserved`,
        `${a}:2 OrderPaid`,
        `${a}:3 OrderTicketed`,
        `${b}:2 OrderCancelled`,
      ]);
      expect(sink.calls[0]?.[3]?.order).not.toHaveProperty('pk');
      expect(logger.info).toHaveBeenCalledWith('order events relayed', { records: 6, events: 5 });
    });

    it('keeps stream order in what reaches Kinesis, one order at most once per request', async () => {
      // Prepare
      acceptAll();
      const [a1, a2, a3] = versionsOf('ord-A', 3) as [Order, Order, Order];
      const [b1] = versionsOf('ord-B', 1) as [Order];
      const batch = [records.insert(orderItem(a1)), records.insert(orderItem(b1)), records.modify(orderItem(a2), orderItem(a1)), records.modify(orderItem(a3), orderItem(a2))];

      // Act
      const result = await new OrderRelay(new OrderEventPublisher(new KinesisClient({}), STREAM_NAME), { logger }).relay(batch);

      // Assess
      expect(result.batchItemFailures).toEqual([]);
      expect(putEventIds()).toEqual([['ord-A:1', 'ord-B:1'], ['ord-A:2'], ['ord-A:3']]);
    });

    it('reports records 2, 3 and 4 when record 2 of 4 fails, and publishes nothing after it', async () => {
      // Prepare: four versions of one order, one request each; Kinesis rejects the second.
      kinesis
        .on(PutRecordsCommand)
        .resolvesOnce({ FailedRecordCount: 0, Records: [{ SequenceNumber: '49601', ShardId: 'shardId-000000000000' }] })
        .resolvesOnce({ FailedRecordCount: 1, Records: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' }] })
        .resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '49609', ShardId: 'shardId-000000000000' }] });
      const batch = records.versions(versionsOf('ord-A', 4));

      // Act
      const result = await new OrderRelay(new OrderEventPublisher(new KinesisClient({}), STREAM_NAME), { logger }).relay(batch);

      // Assess
      expect(result.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(sequenceNumbers(batch.slice(1)));
      expect(putEventIds()).toEqual([['ord-A:1'], ['ord-A:2']]);
      expect(logger.error).toHaveBeenCalledWith(
        'order events not published; the batch is retried from the first of them',
        expect.objectContaining({ sequenceNumber: batch[1]?.dynamodb?.SequenceNumber }),
      );
    });

    it('reports from the first rejected entry on, even when entries after it in the same request were accepted', async () => {
      // Prepare: A1 and B1 share a request; Kinesis rejects A1 and accepts B1.
      kinesis.on(PutRecordsCommand).resolvesOnce({
        FailedRecordCount: 1,
        Records: [{ ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' }, { SequenceNumber: '49601', ShardId: 'shardId-000000000001' }],
      });
      const [a1, a2] = versionsOf('ord-A', 2) as [Order, Order];
      const [b1] = versionsOf('ord-B', 1) as [Order];
      const batch = [records.insert(idempotencyItem()), records.insert(orderItem(a1)), records.insert(orderItem(b1)), records.modify(orderItem(a2), orderItem(a1))];

      // Act
      const result = await new OrderRelay(new OrderEventPublisher(new KinesisClient({}), STREAM_NAME), { logger }).relay(batch);

      // Assess: B1 goes again on the retry (a repeat consumers drop), A2 was never sent.
      expect(result.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(sequenceNumbers(batch.slice(1)));
      expect(putEventIds()).toEqual([['ord-A:1', 'ord-B:1']]);
    });

    it('reports the whole batch from the first order change when the stream cannot be reached', async () => {
      // Prepare
      kinesis.on(PutRecordsCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4567'), { name: 'TimeoutError' }));
      const batch = [records.insert(idempotencyItem()), ...records.versions(versionsOf('ord-A', 2))];

      // Act
      const result = await new OrderRelay(new OrderEventPublisher(new KinesisClient({}), STREAM_NAME), { logger }).relay(batch);

      // Assess: the idempotency record before it needs no retry.
      expect(result.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(sequenceNumbers(batch.slice(1)));
      expect(putEventIds()).toEqual([['ord-A:1']]);
    });

    it('assumes nothing was published when the publisher fails in an unexpected way', async () => {
      // Prepare
      const sink: OrderEventSink = { publish: () => Promise.reject(new TypeError('a bug')) };
      const batch = [records.insert(idempotencyItem()), ...records.versions(versionsOf('ord-A', 2))];

      // Act
      const result = await new OrderRelay(sink, { logger }).relay(batch);

      // Assess
      expect(result.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(sequenceNumbers(batch.slice(1)));
      expect(logger.error).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ error: expect.any(TypeError) }));
    });

    it('publishes the records before a malformed order item and reports it and every record after it', async () => {
      // Prepare
      const sink = new RecordingSink();
      const [a1, a2] = versionsOf('ord-A', 2) as [Order, Order];
      const [b1] = versionsOf('ord-B', 1) as [Order];
      const batch = [
        records.insert(orderItem(a1)),
        records.insert({ ...orderItem(b1), status: 'SHIPPED' }),
        records.modify(orderItem(a2), orderItem(a1)),
      ];

      // Act
      const result = await new OrderRelay(sink, { logger }).relay(batch);

      // Assess
      expect(sink.calls.map(eventIds)).toEqual([['ord-A:1']]);
      expect(result.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(sequenceNumbers(batch.slice(1)));
      expect(logger.error).toHaveBeenCalledWith(
        'stream record is not a valid order change; it and the rest of the batch are retried',
        expect.objectContaining({ sequenceNumber: batch[1]?.dynamodb?.SequenceNumber }),
      );
    });

    it('publishes nothing for a batch without order changes', async () => {
      // Prepare
      const sink = new RecordingSink();
      const order = reservedOrder();
      const batch = [
        records.insert(idempotencyItem()),
        records.modify({ ...orderItem(order), ttl: 1_800_000_000 }, orderItem(order)),
        records.remove(orderItem(cancel(order, at(5)))),
      ];

      // Act
      const result = await new OrderRelay(sink, { logger }).relay(batch);

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(sink.calls).toEqual([]);
    });

    it('refuses to report a failed record that has no sequence number', async () => {
      // Prepare
      const sink: OrderEventSink = { publish: () => Promise.reject(new Error('down')) };
      const [record] = records.versions(versionsOf('ord-A', 1)) as [DynamoDBRecord];
      delete record.dynamodb?.SequenceNumber;

      // Act & Assess
      await expect(new OrderRelay(sink, { logger }).relay([record])).rejects.toThrow(MalformedStreamRecordError);
    });
  });
});
