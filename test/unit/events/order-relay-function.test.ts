import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { OrderEvent } from '../../../lib/events/order-events';
import { logger } from '../../../lib/http/logger';
import { loadEvent } from '../../helpers/events';
import { lambdaContext } from '../../helpers/invoke';

const STREAM_NAME = 'ticketing-order-events';
const EVENT = 'streams/order-relay.json';

const kinesis = mockClient(KinesisClient);

type Handler = (event: DynamoDBStreamEvent, context: ReturnType<typeof lambdaContext>) => Promise<DynamoDBBatchResponse>;

describe('Function: order-relay', () => {
  let handler: Handler;

  beforeAll(async () => {
    process.env.ORDER_EVENTS_STREAM_NAME = STREAM_NAME;
    ({ handler } = await import('../../../functions/events/order-relay'));
  });

  beforeEach(() => {
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    kinesis.reset();
    jest.restoreAllMocks();
  });

  it('publishes the order changes of the batch to the configured stream and reports no failure', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 0,
      Records: (input.Records ?? []).map((_, i) => ({ SequenceNumber: `4960${i}`, ShardId: 'shardId-000000000000' })),
    }));

    // Act
    const result = await handler(loadEvent<DynamoDBStreamEvent>(EVENT), lambdaContext('order-relay'));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(kinesis).toHaveReceivedCommandWith(PutRecordsCommand, { StreamName: STREAM_NAME });
    const published = kinesis
      .commandCalls(PutRecordsCommand)
      .flatMap((call) => (call.args[0].input as PutRecordsCommandInput).Records!.map((entry) => (JSON.parse(new TextDecoder().decode(entry.Data)) as OrderEvent).type));
    expect(published).toEqual(['OrderReserved', 'OrderReserved', 'OrderPaid', 'OrderTicketed', 'OrderCancelled']);
  });

  it('reports every order change of the batch when the stream refuses them all', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).rejects(Object.assign(new Error('Stream ticketing-order-events under account 123456789012 not found.'), { name: 'ResourceNotFoundException' }));
    const event = loadEvent<DynamoDBStreamEvent>(EVENT);

    // Act
    const result = await handler(event, lambdaContext('order-relay'));

    // Assess: from the first record (an order change) to the last.
    expect(result.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(event.Records.map((record) => record.dynamodb?.SequenceNumber));
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('fails fast at cold start without ORDER_EVENTS_STREAM_NAME', async () => {
    // Prepare
    const saved = process.env.ORDER_EVENTS_STREAM_NAME;
    delete process.env.ORDER_EVENTS_STREAM_NAME;

    // Act & Assess
    try {
      await jest.isolateModulesAsync(async () => {
        await expect(import('../../../functions/events/order-relay')).rejects.toThrow('missing or invalid environment: ORDER_EVENTS_STREAM_NAME');
      });
    } finally {
      process.env.ORDER_EVENTS_STREAM_NAME = saved;
    }
  });
});
