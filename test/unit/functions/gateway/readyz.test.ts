import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { readinessResponseSchema } from '../../../../lib/health/responses';
import type { HttpLambdaHandler } from '../../../../lib/http';
import { logger } from '../../../../lib/http';
import { loadEvent } from '../../../helpers/events';
import { lambdaContext } from '../../../helpers/invoke';
import { schemaIssues } from '../../../helpers/schemas';

const LEDGER_TABLE_NAME = 'ticketing-seat-ledger';
const ORDER_EVENTS_STREAM_NAME = 'ticketing-order-events';
const TICKET_OUTBOX_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/ticketing-ticket-outbox';

const dynamodb = mockClient(DynamoDBDocumentClient);
const kinesis = mockClient(KinesisClient);
const sqs = mockClient(SQSClient);

const allHealthy = () => {
  dynamodb.on(DescribeTableCommand).resolves({ Table: { TableName: LEDGER_TABLE_NAME, TableStatus: 'ACTIVE' } });
  kinesis.on(DescribeStreamSummaryCommand).resolves({
    StreamDescriptionSummary: {
      StreamName: ORDER_EVENTS_STREAM_NAME,
      StreamARN: `arn:aws:kinesis:us-east-1:123456789012:stream/${ORDER_EVENTS_STREAM_NAME}`,
      StreamStatus: 'ACTIVE',
      RetentionPeriodHours: 24,
      StreamCreationTimestamp: new Date('2025-11-25T00:00:00Z'),
      EnhancedMonitoring: [],
      OpenShardCount: 2,
    },
  });
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: 'arn:aws:sqs:us-east-1:123456789012:ticketing-ticket-outbox' } });
};

const parseBody = (body: string | undefined): unknown => JSON.parse(body ?? 'null');

describe('Function: readyz', () => {
  let handler: HttpLambdaHandler;

  beforeAll(async () => {
    process.env.LEDGER_TABLE_NAME = LEDGER_TABLE_NAME;
    process.env.ORDER_EVENTS_STREAM_NAME = ORDER_EVENTS_STREAM_NAME;
    process.env.TICKET_OUTBOX_QUEUE_URL = TICKET_OUTBOX_QUEUE_URL;
    ({ handler } = await import('../../../../functions/gateway/readyz'));
  });

  beforeEach(() => {
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    dynamodb.reset();
    kinesis.reset();
    sqs.reset();
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('answers 200 ready when the table, the stream and the queue all answer', async () => {
    // Prepare
    allHealthy();

    // Act
    const result = await handler(loadEvent('gateway/readyz.json'), lambdaContext());

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    expect(parseBody(result.body)).toEqual({ status: 'ready', checks: { dynamodb: 'ok', kinesis: 'ok', sqs: 'ok' } });
  });

  it('asks about the configured table, stream and queue', async () => {
    // Prepare
    allHealthy();

    // Act
    await handler(loadEvent('gateway/readyz.json'), lambdaContext());

    // Assess
    expect(dynamodb).toHaveReceivedCommandWith(DescribeTableCommand, { TableName: LEDGER_TABLE_NAME });
    expect(kinesis).toHaveReceivedCommandWith(DescribeStreamSummaryCommand, { StreamName: ORDER_EVENTS_STREAM_NAME });
    expect(sqs).toHaveReceivedCommandWith(GetQueueAttributesCommand, { QueueUrl: TICKET_OUTBOX_QUEUE_URL });
  });

  it('answers 503 not-ready naming the one failing check, by error name only', async () => {
    // Prepare
    allHealthy();
    kinesis.on(DescribeStreamSummaryCommand).rejects(Object.assign(new Error('Stream ticketing-order-events under account 123456789012 not found.'), { name: 'ResourceNotFoundException' }));

    // Act
    const result = await handler(loadEvent('gateway/readyz.json'), lambdaContext());

    // Assess
    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ 'content-type': 'application/json' });
    expect(parseBody(result.body)).toEqual({
      status: 'not-ready',
      checks: { dynamodb: 'ok', kinesis: 'unreachable: ResourceNotFoundException', sqs: 'ok' },
    });
    expect(result.body).not.toContain('123456789012');
    expect(logger.warn).toHaveBeenCalledWith('not ready', { checks: expect.objectContaining({ kinesis: 'unreachable: ResourceNotFoundException' }) });
  });

  it('answers ready and not ready alike as the Readiness schema of the OpenAPI document describes it', async () => {
    // Prepare
    allHealthy();
    const ready = await handler(loadEvent('gateway/readyz.json'), lambdaContext());
    sqs.on(GetQueueAttributesCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9324'), { code: 'ECONNREFUSED' }));

    // Act
    const notReady = await handler(loadEvent('gateway/readyz.json'), lambdaContext());

    // Assess
    expect(notReady.statusCode).toBe(503);
    expect(schemaIssues(readinessResponseSchema, parseBody(ready.body))).toEqual([]);
    expect(schemaIssues(readinessResponseSchema, parseBody(notReady.body))).toEqual([]);
  });

  it('names the network error code of a dependency that cannot be reached', async () => {
    // Prepare
    allHealthy();
    sqs.on(GetQueueAttributesCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9324'), { code: 'ECONNREFUSED' }));

    // Act
    const result = await handler(loadEvent('gateway/readyz.json'), lambdaContext());

    // Assess
    expect(result.statusCode).toBe(503);
    expect(parseBody(result.body)).toEqual({ status: 'not-ready', checks: { dynamodb: 'ok', kinesis: 'ok', sqs: 'unreachable: ECONNREFUSED' } });
  });

  it('reports every failing check, not only the first', async () => {
    // Prepare
    allHealthy();
    dynamodb.on(DescribeTableCommand).rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    sqs.on(GetQueueAttributesCommand).rejects(Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' }));

    // Act
    const result = await handler(loadEvent('gateway/readyz.json'), lambdaContext());

    // Assess
    expect(parseBody(result.body)).toEqual({
      status: 'not-ready',
      checks: { dynamodb: 'unreachable: ResourceNotFoundException', kinesis: 'ok', sqs: 'unreachable: QueueDoesNotExist' },
    });
  });

  it('is not ready while the table is being deleted', async () => {
    // Prepare
    allHealthy();
    dynamodb.on(DescribeTableCommand).resolves({ Table: { TableName: LEDGER_TABLE_NAME, TableStatus: 'DELETING' } });

    // Act
    const result = await handler(loadEvent('gateway/readyz.json'), lambdaContext());

    // Assess
    expect(result.statusCode).toBe(503);
    expect(parseBody(result.body)).toMatchObject({ checks: { dynamodb: 'unavailable: DELETING' } });
  });

  it('gives up on a dependency that does not answer within 2 s, aborting its request, and still reports the others', async () => {
    // Prepare
    jest.useFakeTimers();
    allHealthy();
    dynamodb.on(DescribeTableCommand).callsFake(() => new Promise(() => undefined));
    const send = jest.spyOn(DynamoDBDocumentClient.prototype, 'send');

    // Act
    const pending = handler(loadEvent('gateway/readyz.json'), lambdaContext());
    await jest.advanceTimersByTimeAsync(2000);
    const result = await pending;
    const options = send.mock.calls[0]?.[1] as { abortSignal?: AbortSignal } | undefined;

    // Assess
    expect(result.statusCode).toBe(503);
    expect(parseBody(result.body)).toEqual({
      status: 'not-ready',
      checks: { dynamodb: 'unreachable: timeout after 2000 ms', kinesis: 'ok', sqs: 'ok' },
    });
    expect(options?.abortSignal?.aborted).toBe(true);
  });
});
