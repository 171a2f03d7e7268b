import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { logger } from '../../../lib/http/logger';
import { loadEvent } from '../../helpers/events';
import { lambdaContext } from '../../helpers/invoke';

const TABLE = 'ticketing-order-view';
const EVENT = 'kinesis/order-events.json';
const ORDER_ID = '0193a8c2-7d4e-7b1a-9f3c-2e5d8a6b4c10';

const dynamo = mockClient(DynamoDBDocumentClient);

type Handler = (event: KinesisStreamEvent, context: ReturnType<typeof lambdaContext>) => Promise<KinesisStreamBatchResponse>;

describe('Function: project-order-events', () => {
  let handler: Handler;

  beforeAll(async () => {
    process.env.ORDER_VIEW_TABLE_NAME = TABLE;
    ({ handler } = await import('../../../functions/views/project-order-events'));
  });

  beforeEach(() => {
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    dynamo.reset();
    jest.restoreAllMocks();
  });

  it('writes each event of the sample batch to the configured table, conditional on its version', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});

    // Act
    const result = await handler(loadEvent<KinesisStreamEvent>(EVENT), lambdaContext('project-order-events'));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const puts = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input as PutCommandInput);
    expect(puts.map(({ TableName, Item, ExpressionAttributeValues }) => [TableName, Item?.pk, Item?.status, ExpressionAttributeValues?.[':version']]).sort()).toEqual([
      [TABLE, `VIEW#${ORDER_ID}`, 'PAID', 2],
      [TABLE, `VIEW#${ORDER_ID}`, 'TICKETED', 3],
    ]);
  });

  it('succeeds when the table already holds these versions (a replay)', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    // Act
    const result = await handler(loadEvent<KinesisStreamEvent>(EVENT), lambdaContext('project-order-events'));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('fails fast at cold start without ORDER_VIEW_TABLE_NAME', async () => {
    // Prepare
    const saved = process.env.ORDER_VIEW_TABLE_NAME;
    delete process.env.ORDER_VIEW_TABLE_NAME;

    // Act & Assess
    try {
      await jest.isolateModulesAsync(async () => {
        await expect(import('../../../functions/views/project-order-events')).rejects.toThrow('missing or invalid environment: ORDER_VIEW_TABLE_NAME');
      });
    } finally {
      process.env.ORDER_VIEW_TABLE_NAME = saved;
    }
  });
});
