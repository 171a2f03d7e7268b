import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { fingerprint, type PublishServiceRequest } from '../../../../lib/timetable/service';
import { loadEvent } from '../../../helpers/events';
import { invokeHandler } from '../../../helpers/invoke';
import { FIXTURE_NOW, useContainerClock } from '../container-clock';

process.env.LEDGER_TABLE_NAME = 'ledger';
process.env.OCCUPANCY_TABLE_NAME = 'occupancy';
const db = mockClient(DynamoDBDocumentClient);
const clock = useContainerClock();
const event = () => loadEvent('timetable/publish-service.json');
const published = JSON.parse(event().body as string) as PublishServiceRequest;

const publish = async (e = event()) => {
  const { handler } = await import('../../../../functions/timetable/publish-service');
  return (await invokeHandler(handler, e)) as APIGatewayProxyStructuredResultV2;
};

describe('Function: publish-service', () => {
  afterEach(() => db.reset());

  it('publishes a new service with one conditional write of its definition, open for sale at once, and answers 201 with its 91 seats', async () => {
    db.on(PutCommand).resolves({});

    const result = await publish();

    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body as string)).toEqual({ serviceId: 'G1_2026-12-01', seats: 91 });
    expect(db.calls()).toHaveLength(1);
    expect(db.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'ledger',
      Item: { pk: 'SVC#G1_2026-12-01', sk: 'SERVICE', status: 'OPEN', fingerprint: fingerprint(published) },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('writes no seat item and nothing to the occupancy snapshot: a seat gets its item when first held', async () => {
    db.on(PutCommand).resolves({});

    await publish();

    expect(db.commandCalls(BatchWriteCommand)).toHaveLength(0);
    expect(db.calls().map((c) => (c.args[0].input as { TableName?: string }).TableName)).toEqual(['ledger']);
  });

  it('answers 200 without writing seats when the identical service is already open', async () => {
    const existing = { fingerprint: { S: fingerprint(published) }, status: { S: 'OPEN' } };
    db.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {}, Item: existing }));

    const result = await publish();

    expect(result.statusCode).toBe(200);
    expect(db.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it('answers 400 validation naming the date, and writes nothing, for a train of a day already past in railway local time', async () => {
    // 2026-12-01T16:00Z is 2026-12-02 00:00 in Beijing: G1 of 2026-12-01 is yesterday's train.
    clock.advance(Date.parse('2026-12-01T16:00:00Z') - Date.now());

    const result = await publish();
    clock.advance(Date.parse(FIXTURE_NOW) - Date.now());

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body as string)).toMatchObject({ type: '/problems/validation', errors: [{ path: 'date' }] });
    expect(db.calls()).toHaveLength(0);
  });

  it('answers 409 conflict when another definition holds the service id', async () => {
    const existing = { fingerprint: { S: 'other' }, status: { S: 'OPEN' } };
    db.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {}, Item: existing }));

    const result = await publish();

    expect(result.statusCode).toBe(409);
    expect(JSON.parse(result.body as string)).toMatchObject({ type: '/problems/conflict', status: 409 });
  });

  it('refuses a class without a fare with 400 and writes nothing', async () => {
    const result = await publish(loadEvent('timetable/publish-service-unknown-class.json'));

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body as string)).toMatchObject({ type: '/problems/validation', errors: [{ path: 'fares.second' }] });
    expect(db.calls()).toHaveLength(0);
  });

  it('refuses a caller outside the admin group with 403', async () => {
    const result = await publish(loadEvent('timetable/publish-service.json', { requestContext: { authorizer: { jwt: { claims: { 'cognito:groups': '[]' } } } } }));

    expect(result.statusCode).toBe(403);
    expect(db.calls()).toHaveLength(0);
  });
});
