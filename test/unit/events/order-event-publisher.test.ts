import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { OrderEventPublishError } from '../../../lib/events/errors';
import { OrderEventPublisher } from '../../../lib/events/order-event-publisher';
import { type OrderEvent, orderEventFor } from '../../../lib/events/order-events';
import { reservedOrder } from '../orders/order-fixtures';
import { eventIds, orderItem } from './stream-records';

const STREAM_NAME = 'ticketing-order-events';

const kinesis = mockClient(KinesisClient);

/** The event of `orderId` at `version` (the publisher looks only at the envelope). */
function eventOf(orderId: string, version = 1): OrderEvent {
  const event = orderEventFor(orderItem(reservedOrder({ orderId, version })));
  if (!event) throw new Error('fixture: expected an event');
  return event;
}

const accepted = (count: number, first = 0) => ({
  FailedRecordCount: 0,
  Records: Array.from({ length: count }, (_, i) => ({ SequenceNumber: `4960${first + i}`, ShardId: 'shardId-000000000000' })),
});

/** The entries of every PutRecords call, in call order, decoded. */
function putCalls(): { partitionKey: string | undefined; event: OrderEvent }[][] {
  return kinesis.commandCalls(PutRecordsCommand).map((call) =>
    (call.args[0].input as PutRecordsCommandInput).Records!.map((entry) => ({
      partitionKey: entry.PartitionKey,
      event: JSON.parse(new TextDecoder().decode(entry.Data)) as OrderEvent,
    })),
  );
}

describe('Class: OrderEventPublisher', () => {
  const publisher = new OrderEventPublisher(new KinesisClient({}), STREAM_NAME);

  afterEach(() => {
    kinesis.reset();
  });

  describe('Method: publish', () => {
    it('puts each event to the stream, keyed by its order, as JSON', async () => {
      // Prepare
      kinesis.on(PutRecordsCommand).resolves(accepted(2));
      const events = [eventOf('ord-A'), eventOf('ord-B')];

      // Act
      await publisher.publish(events);

      // Assess
      expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 1);
      expect(kinesis).toHaveReceivedCommandWith(PutRecordsCommand, { StreamName: STREAM_NAME });
      expect(putCalls()).toEqual([
        [
          { partitionKey: 'ord-A', event: events[0] },
          { partitionKey: 'ord-B', event: events[1] },
        ],
      ]);
    });

    it('sends nothing for no events', async () => {
      // Act
      await publisher.publish([]);

      // Assess
      expect(kinesis).not.toHaveReceivedCommand(PutRecordsCommand);
    });

    it('never puts two events of one order in one request, and keeps their order across requests', async () => {
      // Prepare: PutRecords does not keep the order of the entries of one request.
      kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => accepted(input.Records?.length ?? 0));
      const events = [eventOf('ord-A', 1), eventOf('ord-B', 1), eventOf('ord-A', 2), eventOf('ord-C', 1), eventOf('ord-A', 3)];

      // Act
      await publisher.publish(events);

      // Assess
      expect(putCalls().map((request) => eventIds(request.map(({ event }) => event)))).toEqual([['ord-A:1', 'ord-B:1'], ['ord-A:2', 'ord-C:1'], ['ord-A:3']]);
    });

    it('sends at most 500 entries per request', async () => {
      // Prepare
      kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => accepted(input.Records?.length ?? 0));
      const events = Array.from({ length: 1001 }, (_, i) => eventOf(`ord-${i}`));

      // Act
      await publisher.publish(events);

      // Assess
      expect(putCalls().map((request) => request.length)).toEqual([500, 500, 1]);
      expect(putCalls().flat().map(({ event }) => event.eventId)).toEqual(eventIds(events));
    });

    it('throws for the entries Kinesis rejected, naming them, and sends no later request', async () => {
      // Prepare
      kinesis
        .on(PutRecordsCommand)
        .resolvesOnce({
          FailedRecordCount: 1,
          Records: [
            { SequenceNumber: '49601', ShardId: 'shardId-000000000000' },
            { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard shardId-000000000001' },
          ],
        })
        .resolves(accepted(1));
      const events = [eventOf('ord-A', 1), eventOf('ord-B', 1), eventOf('ord-A', 2)];

      // Act
      const error = await publisher.publish(events).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(OrderEventPublishError);
      const publishError = error as OrderEventPublishError;
      expect(publishError.message).toBe(
        `2 of 3 order events not published to ${STREAM_NAME}: ord-B:1 (ProvisionedThroughputExceededException: Rate exceeded for shard shardId-000000000001), ord-A:2 (NotSent)`,
      );
      expect(publishError.unpublished.map(({ event, errorCode }) => [event.eventId, errorCode])).toEqual([
        ['ord-B:1', 'ProvisionedThroughputExceededException'],
        ['ord-A:2', 'NotSent'],
      ]);
      expect(publishError.unpublished[0]?.event).toBe(events[1]);
      expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 1);
    });

    it('throws for every event of a request that failed as a whole, keeping the cause', async () => {
      // Prepare
      const notFound = new ResourceNotFoundException({ message: `Stream ${STREAM_NAME} under account 123456789012 not found.`, $metadata: {} });
      kinesis.on(PutRecordsCommand).rejects(notFound);
      const events = [eventOf('ord-A', 1), eventOf('ord-A', 2)];

      // Act
      const error = (await publisher.publish(events).catch((e: unknown) => e)) as OrderEventPublishError;

      // Assess
      expect(error).toBeInstanceOf(OrderEventPublishError);
      expect(error.cause).toBe(notFound);
      expect(error.unpublished.map(({ event, errorCode }) => [event.eventId, errorCode])).toEqual([
        ['ord-A:1', 'ResourceNotFoundException'],
        ['ord-A:2', 'NotSent'],
      ]);
    });

    it('counts every entry of a request as failed when FailedRecordCount names failures no entry reports', async () => {
      // Prepare
      kinesis.on(PutRecordsCommand).resolves({ ...accepted(2), FailedRecordCount: 1 });

      // Act
      const error = (await publisher.publish([eventOf('ord-A'), eventOf('ord-B')]).catch((e: unknown) => e)) as OrderEventPublishError;

      // Assess
      expect(error).toBeInstanceOf(OrderEventPublishError);
      expect(error.unpublished.map(({ event, errorCode }) => [event.eventId, errorCode])).toEqual([
        ['ord-A:1', 'InconsistentResult'],
        ['ord-B:1', 'InconsistentResult'],
      ]);
    });

    it('counts an entry without a sequence number as not published', async () => {
      // Prepare
      kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '49601', ShardId: 'shardId-000000000000' }] });

      // Act
      const error = (await publisher.publish([eventOf('ord-A'), eventOf('ord-B')]).catch((e: unknown) => e)) as OrderEventPublishError;

      // Assess
      expect(error.unpublished.map(({ event, errorCode }) => [event.eventId, errorCode])).toEqual([['ord-B:1', 'MissingResult']]);
    });

    it('names at most 20 events in its message', async () => {
      // Prepare
      kinesis.on(PutRecordsCommand).rejects(new Error('socket hang up'));
      const events = Array.from({ length: 25 }, (_, i) => eventOf(`ord-${i}`));

      // Act
      const error = (await publisher.publish(events).catch((e: unknown) => e)) as OrderEventPublishError;

      // Assess
      expect(error.unpublished).toHaveLength(25);
      expect(error.message).toMatch(/^25 of 25 order events not published to ticketing-order-events: ord-0:1 \(Error: socket hang up\), .* and 5 more$/);
    });
  });
});
