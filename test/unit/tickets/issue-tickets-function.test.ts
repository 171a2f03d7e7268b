import { DynamoDBDocumentClient, GetCommand, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { logger } from '../../../lib/http/logger';
import { loadEvent } from '../../helpers/events';
import { lambdaContext } from '../../helpers/invoke';
import { orderItem } from '../events/stream-records';
import { lifecycle } from '../views/order-event-records';
import { TEST_DATA_KEY, TEST_ID_HASH_KEY } from '../../helpers/passenger-data';

const TABLE = 'ticketing-orders';
const EVENT = 'sqs/ticket-outbox.json';
const ORDER_ID = '0193a8c2-7d4e-7b1a-9f3c-2e5d8a6b4c10';

const dynamo = mockClient(DynamoDBDocumentClient);

type Handler = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;

interface Isolated {
  handler: Handler;
  /** The function's own document client, mocked: an isolated import has its own SDK classes. */
  dynamo: { calls(): readonly unknown[] };
  logger: typeof logger;
}

/**
 * Imports the function afresh, as a cold start would, with these variables set
 * (the others as they are); its SDK client and logger are the isolated ones.
 */
async function coldStart(env: Record<string, string | undefined>): Promise<Isolated> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(env);
  try {
    let isolated: Isolated | undefined;
    await jest.isolateModulesAsync(async () => {
      const lib = (await import('@aws-sdk/lib-dynamodb')) as typeof import('@aws-sdk/lib-dynamodb');
      const mock = (await import('aws-sdk-client-mock')) as typeof import('aws-sdk-client-mock');
      const dynamo = mock.mockClient(lib.DynamoDBDocumentClient);
      const { logger: isolatedLogger } = (await import('../../../lib/http/logger')) as typeof import('../../../lib/http/logger');
      jest.spyOn(isolatedLogger, 'error').mockImplementation(() => undefined);
      jest.spyOn(isolatedLogger, 'info').mockImplementation(() => undefined);
      const { handler } = (await import('../../../functions/tickets/issue-tickets')) as { handler: Handler };
      isolated = { handler, dynamo, logger: isolatedLogger };
    });
    return isolated!;
  } finally {
    apply(saved);
  }
}

describe('Function: issue-tickets', () => {
  let handler: Handler;

  beforeAll(async () => {
    process.env.ORDERS_TABLE_NAME = TABLE;
    process.env.LEDGER_TABLE_NAME = 'ticketing-ledger';
    process.env.PASSENGER_DATA_KEY = TEST_DATA_KEY.toString('base64');
    process.env.PASSENGER_ID_HASH_KEY = TEST_ID_HASH_KEY;
    delete process.env.TICKET_ISSUER_FAIL;
    ({ handler } = (await import('../../../functions/tickets/issue-tickets')) as { handler: Handler });
  });

  beforeEach(() => {
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => {
    dynamo.reset();
    jest.restoreAllMocks();
  });

  it("tickets the sample job's order in the configured table", async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: orderItem(lifecycle({ orderId: ORDER_ID }).paid) });
    dynamo.on(PutCommand).resolves({});

    // Act
    const result = await handler(loadEvent<SQSEvent>(EVENT), lambdaContext('issue-tickets'));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { TableName: TABLE, Key: { pk: `ORDER#${ORDER_ID}`, sk: 'ORDER' } });
    const put = dynamo.commandCalls(PutCommand)[0]!.args[0].input as PutCommandInput;
    expect(put).toMatchObject({ TableName: TABLE, Item: { status: 'TICKETED', version: 3, tickets: [{ ticketNo: 'ENJ5RQXD979X0' }, { ticketNo: 'ENJ5RQXD979X1' }] } });
  });

  it('reports the message when the orders table cannot be read', async () => {
    // Prepare
    dynamo.on(GetCommand).rejects(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }));
    const event = loadEvent<SQSEvent>(EVENT);
    const other = { ...event.Records[0]!, messageId: 'm-other', body: '{"orderId":"ord-x","version":2,"eventId":"ord-x:2"}' };
    dynamo.on(GetCommand, { Key: { pk: 'ORDER#ord-x', sk: 'ORDER' } }).resolves({ Item: orderItem(lifecycle({ orderId: 'ord-x' }).ticketed) });

    // Act
    const result = await handler({ Records: [event.Records[0]!, other] }, lambdaContext('issue-tickets'));

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] });
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('fails every job, touching nothing, with TICKET_ISSUER_FAIL=always', async () => {
    // Prepare
    const cold = await coldStart({ ORDERS_TABLE_NAME: TABLE, TICKET_ISSUER_FAIL: 'always' });

    // Act & Assess
    await expect(cold.handler(loadEvent<SQSEvent>(EVENT), lambdaContext('issue-tickets'))).rejects.toMatchObject({ name: 'FullBatchFailureError' });
    expect(cold.dynamo.calls()).toHaveLength(0);
    expect(cold.logger.error).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ error: expect.objectContaining({ name: 'TicketIssuerDrillError' }) }));
  });

  it('fails fast at cold start without ORDERS_TABLE_NAME', async () => {
    // Act & Assess
    await expect(coldStart({ ORDERS_TABLE_NAME: undefined })).rejects.toThrow('missing or invalid environment: ORDERS_TABLE_NAME');
  });

  it('fails fast at cold start on a TICKET_ISSUER_FAIL other than always or never', async () => {
    // Act & Assess
    await expect(coldStart({ ORDERS_TABLE_NAME: TABLE, TICKET_ISSUER_FAIL: 'sometimes' })).rejects.toThrow('missing or invalid environment: TICKET_ISSUER_FAIL');
  });
});
