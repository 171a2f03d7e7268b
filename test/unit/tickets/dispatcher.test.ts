import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { SendMessageCommand, type SendMessageCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TicketDispatcher } from '../../../lib/tickets/dispatcher';
import { MalformedOrderEventRecordError } from '../../../lib/views/errors';
import { KinesisRecords, cancelledOrder, eventOf, lifecycle } from '../views/order-event-records';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/ticketing-ticket-outbox';

const sqs = mockClient(SQSClient);

const logger = { info: jest.fn(), error: jest.fn() };

const sentJobs = () => sqs.commandCalls(SendMessageCommand).map((call) => JSON.parse((call.args[0].input as SendMessageCommandInput).MessageBody ?? 'null') as unknown);

describe('Class: TicketDispatcher', () => {
  let dispatcher: TicketDispatcher;

  beforeEach(() => {
    dispatcher = new TicketDispatcher(new SQSClient({}), QUEUE_URL, { logger });
    sqs.on(SendMessageCommand).resolves({ MessageId: 'msg-1' });
  });

  afterEach(() => {
    sqs.reset();
    jest.clearAllMocks();
  });

  describe('Method: dispatch', () => {
    it('queues one job for an OrderPaid event, its event id in a message attribute', async () => {
      // Prepare
      const { paid } = lifecycle();

      // Act
      const job = await dispatcher.dispatch(eventOf(paid));

      // Assess
      expect(job).toEqual({ orderId: 'ord-1', version: 2, eventId: 'ord-1:2' });
      expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
      expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
        QueueUrl: QUEUE_URL,
        MessageBody: JSON.stringify({ orderId: 'ord-1', version: 2, eventId: 'ord-1:2' }),
        MessageAttributes: { eventId: { DataType: 'String', StringValue: 'ord-1:2' } },
      });
    });

    it.each([
      ['OrderReserved', () => lifecycle().reserved],
      ['OrderTicketed', () => lifecycle().ticketed],
      ['OrderCancelled', () => cancelledOrder()],
    ])('skips %s', async (_, order) => {
      // Act
      const job = await dispatcher.dispatch(eventOf(order()));

      // Assess
      expect(job).toBeUndefined();
      expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
    });
  });

  describe('Method: dispatchBatch', () => {
    it('queues a job per OrderPaid of the batch, skips the rest and reports no failure', async () => {
      // Prepare
      const records = new KinesisRecords();
      const a = lifecycle({ orderId: 'ord-a' });
      const b = lifecycle({ orderId: 'ord-b' });
      const batch = [a.reserved, a.paid, b.reserved, a.ticketed, b.paid].map((order) => records.of(eventOf(order)));

      // Act
      const result = await dispatcher.dispatchBatch(batch);

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(sentJobs()).toEqual(
        expect.arrayContaining([
          { orderId: 'ord-a', version: 2, eventId: 'ord-a:2' },
          { orderId: 'ord-b', version: 2, eventId: 'ord-b:2' },
        ]),
      );
      expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 2);
    });

    it('queues the same job again when the same batch is delivered again (the issuer drops the repeat)', async () => {
      // Prepare
      const batch = [new KinesisRecords().of(eventOf(lifecycle().paid))];

      // Act
      await dispatcher.dispatchBatch(batch);
      await dispatcher.dispatchBatch(batch);

      // Assess
      expect(sentJobs()).toEqual([
        { orderId: 'ord-1', version: 2, eventId: 'ord-1:2' },
        { orderId: 'ord-1', version: 2, eventId: 'ord-1:2' },
      ]);
    });

    it('reports only the record whose job could not be sent, and logs why', async () => {
      // Prepare
      const records = new KinesisRecords();
      const batch = ['ord-a', 'ord-b', 'ord-c'].map((orderId) => records.of(eventOf(lifecycle({ orderId }).paid)));
      const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      sqs.on(SendMessageCommand, { MessageBody: JSON.stringify({ orderId: 'ord-b', version: 2, eventId: 'ord-b:2' }) }).rejects(throttled);

      // Act
      const result = await dispatcher.dispatchBatch(batch);

      // Assess
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: batch[1]!.kinesis.sequenceNumber }] });
      expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 3);
      expect(logger.error).toHaveBeenCalledTimes(1);
      expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('not dispatched'), { sequenceNumber: batch[1]!.kinesis.sequenceNumber, error: throttled });
    });

    it('reports a record that is not an order event and dispatches the others', async () => {
      // Prepare
      const records = new KinesisRecords();
      const batch = [records.raw(Buffer.from('not json').toString('base64')), records.of(eventOf(lifecycle().paid)), records.of({ eventId: 'x:1', type: 'OrderPaid' })];

      // Act
      const result = await dispatcher.dispatchBatch(batch);

      // Assess
      expect(result.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier).sort()).toEqual([batch[0]!.kinesis.sequenceNumber, batch[2]!.kinesis.sequenceNumber]);
      expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
      expect(logger.error.mock.calls.map(([, { error }]) => error)).toEqual([expect.any(MalformedOrderEventRecordError), expect.any(MalformedOrderEventRecordError)]);
    });

    it('fails the invocation when every record failed, so Lambda retries the whole batch', async () => {
      // Prepare
      const records = new KinesisRecords();
      const batch = ['ord-a', 'ord-b'].map((orderId) => records.of(eventOf(lifecycle({ orderId }).paid)));
      sqs.on(SendMessageCommand).rejects(Object.assign(new Error('Queue does not exist'), { name: 'QueueDoesNotExist' }));

      // Act & Assess
      await expect(dispatcher.dispatchBatch(batch)).rejects.toBeInstanceOf(FullBatchFailureError);
      expect(logger.error).toHaveBeenCalledTimes(2);
    });
  });
});
