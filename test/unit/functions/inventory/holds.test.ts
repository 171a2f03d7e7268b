import { type CancellationReason, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
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
import { holdFingerprint } from '../../../../lib/ledger/hold';
import { useContainerClock } from '../container-clock';
import { coachOccupancyItem, OCCUPANCY_TABLE, type TakenSeats } from '../occupancy-items';

process.env.LEDGER_TABLE_NAME = 'ledger';
process.env.OCCUPANCY_TABLE_NAME = OCCUPANCY_TABLE;
const db = mockClient(DynamoDBDocumentClient);
useContainerClock();
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

/** G1 open for sale, the occupancy snapshot and the ledger agreeing that coach 01's seats are as `taken` says; no hold hold-7f3a yet. */
function givenService(taken: TakenSeats = {}) {
  db.on(GetCommand, { Key: holdKey }).resolves({});
  db.on(GetCommand, { Key: { pk: 'SVC#G1_2026-12-01', sk: 'SERVICE' } }).resolves({ Item: serviceItem(service) });
  db.on(QueryCommand, { TableName: OCCUPANCY_TABLE }).resolves({ Items: [coachOccupancyItem(service, '01', taken)] });
  db.on(QueryCommand, { TableName: 'ledger' }).resolves({ Items: coachSeatItems(service, '01', taken) });
}

/** The hold hold-7f3a as the sample request made it before, as its put's failed condition hands it back (ALL_OLD, marshalled). */
const madeBefore = (fingerprint: string) => ({ ...heldRecord, seatClass: 'business', seats: [{ coach: '01', seat: '01A' }, { coach: '01', seat: '01F' }], fingerprint });
const sampleFingerprint = holdFingerprint({ holdId: 'hold-7f3a', serviceId: 'G1_2026-12-01', from: 'VNP', to: 'JGK', fromIndex: 0, toIndex: 1, seatClass: 'business', count: 2, ttlSeconds: 900, preferences: { letters: ['A', 'F'], together: true } });

/** DynamoDB cancelling a transaction, with a reason per item in order. */
const cancelled = (...reasons: CancellationReason[]) => new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: reasons });
const NONE = { Code: 'None' };
const LOST = { Code: 'ConditionalCheckFailed' };

function holdPutFailsWith(existing: Record<string, unknown>) {
  db.on(TransactWriteCommand).rejects(cancelled(NONE, NONE, { ...LOST, Item: marshall(existing) }));
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
    expect(transaction?.args[0].input.TransactItems?.[2]?.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
  });

  it('picks the seats from the occupancy snapshot: one Query of it, no read of the hold or of any seat before the write', async () => {
    givenService();
    db.on(TransactWriteCommand).resolves({});

    await call('create-hold', loadEvent('inventory/create-hold.json'));

    expect(db.commandCalls(QueryCommand).map((c) => c.args[0].input)).toEqual([expect.objectContaining({ TableName: OCCUPANCY_TABLE, ExpressionAttributeValues: { ':pk': 'OCC#G1_2026-12-01' } })]);
    expect(db.commandCalls(GetCommand, { Key: holdKey })).toHaveLength(0);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('holds seats of a train whose snapshot has no item yet: just published, every seat free', async () => {
    givenService();
    db.on(QueryCommand, { TableName: OCCUPANCY_TABLE }).resolves({ Items: [] });
    db.on(TransactWriteCommand).resolves({});

    const { status, body } = await call('create-hold', loadEvent('inventory/create-hold.json'));

    expect(status).toBe(201);
    expect(body).toMatchObject({ seats: [{ coach: '01' }, { coach: '01' }] });
  });

  it('answers a retried hold id with the hold it made, handed back by the failed put: 201 and no read', async () => {
    givenService();
    holdPutFailsWith(madeBefore(sampleFingerprint));

    const { status, body } = await call('create-hold', loadEvent('inventory/create-hold.json'));

    expect(status).toBe(201);
    expect(body).toEqual({ holdId: 'hold-7f3a', seats: [{ coach: '01', seat: '01A' }, { coach: '01', seat: '01F' }], expiresAt: heldRecord.expiresAt });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(db.commandCalls(GetCommand, { Key: holdKey })).toHaveLength(0);
  });

  it('answers 409 conflict to a hold id used before for another request, writing nothing', async () => {
    givenService();
    holdPutFailsWith(madeBefore('another-request'));

    const { status, body } = await call('create-hold', loadEvent('inventory/create-hold.json'));

    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/conflict' });
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

  it('counts a hold that lapsed as free in the snapshot', async () => {
    const lapsed = { s0: { h: 'gone', st: 'H' as const, x: Date.now() - 1 } };
    const sold = { s0: { h: 'x', st: 'S' as const, x: 0 } };
    givenService({ '01A': lapsed, '01C': sold, '01F': lapsed, '02A': sold, '02C': sold, '02F': sold });
    db.on(TransactWriteCommand).resolves({});

    const { status, body } = await call('create-hold', loadEvent('inventory/create-hold.json'));

    expect(status).toBe(201);
    expect(body).toMatchObject({ seats: [{ seat: '01A' }, { seat: '01F' }] });
  });

  it('re-reads only the lost coach from the ledger, consistently, and tries again when another buyer wins the race for the chosen seats', async () => {
    givenService();
    const lost = cancelled(LOST, NONE, NONE);
    db.on(TransactWriteCommand).rejectsOnce(lost).resolves({});

    const { status } = await call('create-hold', loadEvent('inventory/create-hold.json'));

    expect(status).toBe(201);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(db.commandCalls(QueryCommand, { TableName: OCCUPANCY_TABLE })).toHaveLength(1);
    expect(db.commandCalls(QueryCommand, { TableName: 'ledger' }).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ ExpressionAttributeValues: { ':pk': 'SVC#G1_2026-12-01#01', ':seat': 'SEAT#' }, ConsistentRead: true }),
    ]);
  });

  it('picks again from what the ledger showed when it re-read the lost coach, not from the stale snapshot', async () => {
    const sold = { s0: { h: 'x', st: 'S' as const, x: 0 } };
    givenService({ '02A': sold, '02C': sold, '02F': sold });
    db.on(QueryCommand, { TableName: 'ledger' }).resolves({ Items: coachSeatItems(service, '01', { '01A': sold, '01C': sold, '01F': sold }) });
    const lost = cancelled(LOST, LOST, NONE);
    db.on(TransactWriteCommand).rejectsOnce(lost).resolves({});

    const { status, body } = await call('create-hold', loadEvent('inventory/create-hold.json'));

    expect(status).toBe(201);
    const rows = db.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems?.flatMap((item) => (item.Update ? [String(item.Update.Key?.sk).slice('SEAT#'.length, 'SEAT#'.length + 2)] : [])));
    expect(rows).toEqual([
      ['01', '01'],
      ['02', '02'],
    ]);
    expect((body?.seats as { seat: string }[]).map((s) => s.seat.slice(0, 2))).toEqual(['02', '02']);
  });

  it('answers 409 sold-out when every pick loses its race', async () => {
    givenService();
    const lost = cancelled(LOST, NONE, NONE);
    db.on(TransactWriteCommand).rejects(lost);

    const { status, body } = await call('create-hold', loadEvent('inventory/create-hold.json'));

    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/sold-out' });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(8);
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
    db.on(TransactWriteCommand).rejects(cancelled(LOST, NONE));

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
