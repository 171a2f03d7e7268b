import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpLambdaHandler } from '../../../../lib/http';
import { mockClient } from 'aws-sdk-client-mock';
import type { PublishServiceRequest } from '../../../../lib/timetable/service';
import { loadEvent } from '../../../helpers/events';
import { confirmHoldResponseSchema, holdResponseSchema } from '../../../../lib/ledger/responses';
import { invokeHandler } from '../../../helpers/invoke';
import { schemaIssues } from '../../../helpers/schemas';
import { coachSeatItems, serviceItem } from '../../../helpers/ledger-items';

process.env.LEDGER_TABLE_NAME = 'ledger';
const db = mockClient(DynamoDBDocumentClient);
const service = JSON.parse(loadEvent('timetable/publish-service.json').body as string) as PublishServiceRequest;
const holdKey = { pk: 'HOLD#hold-7f3a', sk: 'HOLD' };
const heldRecord = {
  ...holdKey,
  holdId: 'hold-7f3a',
  serviceId: 'G1_2026-12-01',
  from: 'VNP',
  to: 'JGK',
  fromIndex: 0,
  toIndex: 1,
  seatClass: 'business',
  seats: [{ coach: '01', seat: '01A' }],
  expiresAt: '2026-12-01T08:15:00.000Z',
  status: 'HELD',
  fingerprint: 'f',
  createdAt: '2026-12-01T08:00:00.000Z',
};

function givenService(taken: Record<string, Record<string, { h: string; st: 'H' | 'S'; x: number }>> = {}) {
  db.on(GetCommand, { Key: holdKey }).resolves({});
  db.on(GetCommand, { Key: { pk: 'SVC#G1_2026-12-01', sk: 'SERVICE' } }).resolves({ Item: serviceItem(service) });
  db.on(QueryCommand).resolves({ Items: coachSeatItems(service, '01', taken) });
}

async function call(module: string, event: APIGatewayProxyEventV2) {
  const { handler } = (await import(`../../../../functions/inventory/${module}`)) as { handler: HttpLambdaHandler };
  const result = (await invokeHandler(handler, event)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: result.body === undefined ? undefined : (JSON.parse(result.body) as Record<string, unknown>) };
}

describe('Function: create-hold', () => {
  afterEach(() => db.reset());

  it('holds two window seats in one row in a single transaction with the hold record', async () => {
    givenService();
    db.on(TransactWriteCommand).resolves({});

    const { status, body } = await call('create-hold', loadEvent('inventory/create-hold.json'));

    expect(status).toBe(201);
    expect(body).toMatchObject({ holdId: 'hold-7f3a', seats: [{ coach: '01' }, { coach: '01' }] });
    const seats = (body?.seats as { seat: string }[]).map((s) => s.seat);
    expect(seats.map((s) => s.slice(0, 2))).toEqual([seats[0]?.slice(0, 2), seats[0]?.slice(0, 2)]);
    const [transaction] = db.commandCalls(TransactWriteCommand);
    expect(transaction?.args[0].input.TransactItems).toHaveLength(3);
    expect(transaction?.args[0].input.TransactItems?.[2]?.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('answers as the Hold schema of the OpenAPI document describes it', async () => {
    givenService();
    db.on(TransactWriteCommand).resolves({});

    const { body } = await call('create-hold', loadEvent('inventory/create-hold.json'));

    expect(schemaIssues(holdResponseSchema, body)).toEqual([]);
  });

  it('answers 409 sold-out and writes nothing when too few seats are free', async () => {
    const sold = { s0: { h: 'x', st: 'S' as const, x: 0 } };
    givenService({ '01A': sold, '01C': sold, '01F': sold, '02A': sold, '02C': sold });

    const { status, body } = await call('create-hold', loadEvent('inventory/create-hold.json'));

    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/sold-out' });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('re-reads and tries again when another buyer wins the race for the chosen seats', async () => {
    givenService();
    const lost = new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }] });
    db.on(TransactWriteCommand).rejectsOnce(lost).resolves({});

    const { status } = await call('create-hold', loadEvent('inventory/create-hold.json'));

    expect(status).toBe(201);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(db.commandCalls(QueryCommand).at(-1)?.args[0].input.ConsistentRead).toBe(true);
  });

  it('answers 400 when from does not come before to, and writes nothing', async () => {
    givenService();

    const { status, body } = await call('create-hold', loadEvent('inventory/create-hold-from-after-to.json'));

    expect(status).toBe(400);
    expect(body).toMatchObject({ type: '/problems/validation' });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses a caller that is neither IAM-signed nor an admin with 401', async () => {
    const { status } = await call('create-hold', loadEvent('inventory/create-hold.json', { requestContext: { authorizer: undefined } }));

    expect(status).toBe(401);
    expect(db.calls()).toHaveLength(0);
  });
});

describe('Function: confirm-hold', () => {
  afterEach(() => db.reset());

  it('sells the held seats and the hold in one transaction', async () => {
    db.on(GetCommand).resolves({ Item: heldRecord });
    db.on(TransactWriteCommand).resolves({});

    const { status, body } = await call('confirm-hold', loadEvent('inventory/confirm-hold.json'));

    expect(status).toBe(200);
    expect(body).toMatchObject({ holdId: 'hold-7f3a', status: 'CONFIRMED' });
    expect(db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Update?.ConditionExpression).toContain('#h = :hold');
  });

  it('answers as the ConfirmedHold schema of the OpenAPI document describes it', async () => {
    db.on(GetCommand).resolves({ Item: heldRecord });
    db.on(TransactWriteCommand).resolves({});

    const { body } = await call('confirm-hold', loadEvent('inventory/confirm-hold.json'));

    expect(schemaIssues(confirmHoldResponseSchema, body)).toEqual([]);
  });

  it('answers 409 when the hold lost its seats after expiring', async () => {
    db.on(GetCommand).resolves({ Item: heldRecord });
    db.on(TransactWriteCommand).rejects(new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] }));

    const { status, body } = await call('confirm-hold', loadEvent('inventory/confirm-hold.json'));

    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/conflict' });
  });

  it('answers 404 for an unknown hold', async () => {
    db.on(GetCommand).resolves({});

    expect((await call('confirm-hold', loadEvent('inventory/confirm-hold.json'))).status).toBe(404);
  });
});

describe('Function: release-hold', () => {
  afterEach(() => db.reset());

  it('answers 204 and writes nothing for a hold that does not exist', async () => {
    db.on(GetCommand).resolves({});

    const { status, body } = await call('release-hold', loadEvent('inventory/release-hold.json'));

    expect(status).toBe(204);
    expect(body).toBeUndefined();
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('frees the seats and marks the hold released in one transaction', async () => {
    db.on(GetCommand).resolves({ Item: heldRecord });
    db.on(TransactWriteCommand).resolves({});

    expect((await call('release-hold', loadEvent('inventory/release-hold.json'))).status).toBe(204);
    expect(db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[1]?.Update?.ExpressionAttributeValues).toMatchObject({ ':to': 'RELEASED' });
  });
});

describe('Function: inventory get-availability', () => {
  afterEach(() => db.reset());

  it('answers the public availability to an internal caller', async () => {
    givenService();

    const { status, body } = await call('get-availability', loadEvent('inventory/get-availability.json'));

    expect(status).toBe(200);
    expect(body).toMatchObject({ serviceId: 'G1_2026-12-01', classes: { business: { available: 6 } } });
  });
});
