import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { logger } from '../../../lib/http/logger';
import { loadEvent } from '../../helpers/events';
import { lambdaContext } from '../../helpers/invoke';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/ticketing-ticket-outbox';
const EVENT = 'kinesis/order-events.json';
const ORDER_ID = '0193a8c2-7d4e-7b1a-9f3c-2e5d8a6b4c10';

const sqs = mockClient(SQSClient);

type Handler = (event: KinesisStreamEvent, context: ReturnType<typeof lambdaContext>) => Promise<KinesisStreamBatchResponse>;

describe('Function: dispatch-tickets', () => {
  let handler: Handler;

  beforeAll(async () => {
    process.env.TICKET_OUTBOX_QUEUE_URL = QUEUE_URL;
    ({ handler } = await import('../../../functions/tickets/dispatch-tickets'));
  });

  beforeEach(() => {
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    sqs.reset();
    jest.restoreAllMocks();
  });

  it('queues the OrderPaid of the sample batch on the configured queue and skips the OrderTicketed', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({ MessageId: 'msg-1' });

    // Act
    const result = await handler(loadEvent<KinesisStreamEvent>(EVENT), lambdaContext('dispatch-tickets'));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: QUEUE_URL,
      MessageBody: JSON.stringify({ orderId: ORDER_ID, version: 2, eventId: `${ORDER_ID}:2` }),
      MessageAttributes: { eventId: { DataType: 'String', StringValue: `${ORDER_ID}:2` } },
    });
  });

  it('reports the OrderPaid record when its job cannot be queued', async () => {
    // Prepare
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const event = loadEvent<KinesisStreamEvent>(EVENT);

    // Act
    const result = await handler(event, lambdaContext('dispatch-tickets'));

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('fails fast at cold start without TICKET_OUTBOX_QUEUE_URL', async () => {
    // Prepare
    const saved = process.env.TICKET_OUTBOX_QUEUE_URL;
    delete process.env.TICKET_OUTBOX_QUEUE_URL;

    // Act & Assess
    try {
      await jest.isolateModulesAsync(async () => {
        await expect(import('../../../functions/tickets/dispatch-tickets')).rejects.toThrow('missing or invalid environment: TICKET_OUTBOX_QUEUE_URL');
      });
    } finally {
      process.env.TICKET_OUTBOX_QUEUE_URL = saved;
    }
  });
});
