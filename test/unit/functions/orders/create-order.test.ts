import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { PublishServiceRequest } from '../../../../lib/timetable/service';
import { loadEvent } from '../../../helpers/events';
import { orderResponseSchema } from '../../../../lib/orders/responses';
import { invokeHandler } from '../../../helpers/invoke';
import { schemaIssues } from '../../../helpers/schemas';
import { coachSeatItems, serviceItem } from '../../../helpers/ledger-items';
import { claimKey, conditionFailedAt, LEDGER_TABLE, LI_LEI, ORDERS_TABLE, setOrderEnv, TRAVELLER } from './order-items';

setOrderEnv();
const db = mockClient(DynamoDBDocumentClient);
const service = JSON.parse(loadEvent('timetable/publish-service.json').body as string) as PublishServiceRequest;
const IDEMPOTENCY_KEY = '5c0a4f7e-2b9d-4e31-8a6c-0d1f2e3b4a59';
const HAN_MEIMEI = { name: 'Han Meimei', idNumber: '11010519491231002x' };

/** G1 open for sale with every second-class seat of coach 02 free; no earlier request under any key. */
function givenOpenService() {
  db.on(GetCommand).resolves({});
  db.on(GetCommand, { Key: { pk: 'SVC#G1_2026-12-01', sk: 'SERVICE' } }).resolves({ Item: serviceItem(service) });
  db.on(QueryCommand).resolves({ Items: coachSeatItems(service, '02') });
}

const createOrder = () => loadEvent('orders/create-order.json');

function withBody(change: (body: Record<string, unknown>) => void): APIGatewayProxyEventV2 {
  const event = createOrder();
  const body = JSON.parse(event.body as string) as Record<string, unknown>;
  change(body);
  event.body = JSON.stringify(body);
  return event;
}

async function call(event: APIGatewayProxyEventV2) {
  const { handler } = await import('../../../../functions/orders/create-order');
  const result = (await invokeHandler(handler, event)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, headers: result.headers ?? {}, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
}

const transactItems = () => db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];

/** Runs the sample request once and returns the idempotency record its transaction stored. */
async function storedIdempotencyRecord(): Promise<Record<string, unknown>> {
  givenOpenService();
  db.on(TransactWriteCommand).resolves({});
  await call(createOrder());
  const record = transactItems().find((item) => String(item.Put?.Item?.pk).startsWith('IDEMP#'))?.Put?.Item;
  db.reset();
  if (!record) throw new Error('the first request stored no idempotency record');
  return record;
}

describe('Function: create-order', () => {
  afterEach(() => db.reset());

  it('answers 201 with a window seat for the passenger and the full-run fare, payable for HOLD_TTL_SECONDS', async () => {
    // Prepare
    givenOpenService();
    db.on(TransactWriteCommand).resolves({});
    const before = Date.now();

    // Act
    const { status, headers, body } = await call(createOrder());

    // Assess
    const after = Date.now();
    expect(status).toBe(201);
    expect(headers).not.toHaveProperty('idempotent-replayed');
    expect(body).toMatchObject({
      status: 'RESERVED',
      serviceId: 'G1_2026-12-01',
      from: 'VNP',
      to: 'AOH',
      seatClass: 'second',
      seats: [{ passengerName: 'Li Lei', coach: '02', seat: expect.stringMatching(/^\d{2}[AF]$/) }],
      amount: 55300,
      currency: 'CNY',
    });
    expect(body.orderId).toEqual(expect.any(String));
    const expiresAt = Date.parse(body.expiresAt as string);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 900_000);
    expect(expiresAt).toBeLessThanOrEqual(after + 900_000);
  });

  it('answers the reservation as the Order schema of the OpenAPI document describes it', async () => {
    // Prepare
    givenOpenService();
    db.on(TransactWriteCommand).resolves({});

    // Act
    const { body } = await call(createOrder());

    // Assess
    expect(schemaIssues(orderResponseSchema, body)).toEqual([]);
  });

  it('holds the seat, records the hold, the idempotency key, the order and the passenger claim in one transaction', async () => {
    // Prepare
    givenOpenService();
    db.on(TransactWriteCommand).resolves({});

    // Act
    const { body } = await call(createOrder());

    // Assess
    const orderId = body.orderId as string;
    const [seat] = body.seats as { coach: string; seat: string }[];
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(transactItems()).toMatchObject([
      { Update: { TableName: LEDGER_TABLE, Key: { pk: 'SVC#G1_2026-12-01#02', sk: `SEAT#${seat?.seat}` }, ConditionExpression: expect.stringContaining('attribute_exists(pk)') } },
      { Put: { TableName: LEDGER_TABLE, Item: { pk: `HOLD#${orderId}`, sk: 'HOLD', holdId: orderId, status: 'HELD' }, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: ORDERS_TABLE,
          Item: { pk: `IDEMP#${TRAVELLER}#${IDEMPOTENCY_KEY}`, sk: 'IDEMP', orderId, userId: TRAVELLER, response: body },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: ORDERS_TABLE,
          Item: {
            pk: `ORDER#${orderId}`,
            sk: 'ORDER',
            userId: TRAVELLER,
            status: 'RESERVED',
            version: 1,
            passengers: [{ name: LI_LEI.name, idMasked: '110101********0011', idSealed: { key: 'local-dev-key', data: expect.any(String) } }],
            overdueSk: body.expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: LEDGER_TABLE,
          Item: { ...claimKey('G1_2026-12-01', LI_LEI.idNumber), orderId, lapsesAt: Date.parse(body.expiresAt as string) },
          ConditionExpression: 'attribute_not_exists(pk) OR lapsesAt <= :now',
        },
      },
    ]);
  });

  it('writes no ID number anywhere: claims under a keyed hash, the order with the ID sealed and masked', async () => {
    // Prepare
    givenOpenService();
    db.on(TransactWriteCommand).resolves({});

    // Act
    await call(createOrder());

    // Assess
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(JSON.stringify(transactItems())).not.toContain(LI_LEI.idNumber);
    expect(JSON.stringify(transactItems())).not.toContain(LI_LEI.idNumber.slice(6, 14));
  });

  it('claims every passenger ID on the service, a trailing x upper-cased, and charges the fare per passenger', async () => {
    // Prepare
    givenOpenService();
    db.on(TransactWriteCommand).resolves({});
    const event = withBody((body) => {
      body.passengers = [LI_LEI, HAN_MEIMEI];
    });

    // Act
    const { status, body } = await call(event);

    // Assess
    expect(status).toBe(201);
    expect(body).toMatchObject({ amount: 2 * 55300, seats: [{ passengerName: 'Li Lei' }, { passengerName: 'Han Meimei' }] });
    const claims = transactItems().filter((item) => String(item.Put?.Item?.pk).startsWith('CLAIM#'));
    expect(claims.map((item) => item.Put?.Item?.pk)).toEqual([claimKey('G1_2026-12-01', '110101199003070011').pk, claimKey('G1_2026-12-01', '11010519491231002X').pk]);
    expect(transactItems().filter((item) => item.Update)).toHaveLength(2);
  });

  it('answers a retry with the same key and body with the first response and Idempotent-Replayed, holding nothing', async () => {
    // Prepare
    const record = await storedIdempotencyRecord();
    givenOpenService();
    db.on(GetCommand, { Key: { pk: `IDEMP#${TRAVELLER}#${IDEMPOTENCY_KEY}`, sk: 'IDEMP' } }).resolves({ Item: record });

    // Act
    const { status, headers, body } = await call(createOrder());

    // Assess
    expect(status).toBe(201);
    expect(headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(body).toEqual(record.response);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(db.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('answers the response of a concurrent twin request that stored the same key first', async () => {
    // Prepare
    const record = await storedIdempotencyRecord();
    givenOpenService();
    db.on(GetCommand, { Key: { pk: `IDEMP#${TRAVELLER}#${IDEMPOTENCY_KEY}`, sk: 'IDEMP' } })
      .resolvesOnce({})
      .resolves({ Item: record });
    db.on(TransactWriteCommand).rejects(conditionFailedAt(2, 5));

    // Act
    const { status, headers, body } = await call(createOrder());

    // Assess
    expect(status).toBe(201);
    expect(headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(body).toEqual(record.response);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('treats a retry that lists the same fields in another order as the same request', async () => {
    // Prepare
    const record = await storedIdempotencyRecord();
    givenOpenService();
    db.on(GetCommand, { Key: { pk: `IDEMP#${TRAVELLER}#${IDEMPOTENCY_KEY}`, sk: 'IDEMP' } }).resolves({ Item: record });
    const event = createOrder();
    const original = JSON.parse(event.body as string) as Record<string, unknown>;
    event.body = JSON.stringify(Object.fromEntries(Object.entries(original).reverse()));

    // Act
    const { status, headers, body } = await call(event);

    // Assess
    expect(status).toBe(201);
    expect(headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(body).toEqual(record.response);
  });

  it('refuses another body under a used key with 422 idempotency-conflict and holds nothing', async () => {
    // Prepare
    const record = await storedIdempotencyRecord();
    givenOpenService();
    db.on(GetCommand, { Key: { pk: `IDEMP#${TRAVELLER}#${IDEMPOTENCY_KEY}`, sk: 'IDEMP' } }).resolves({ Item: record });
    const event = withBody((body) => {
      body.passengers = [HAN_MEIMEI];
    });

    // Act
    const { status, body } = await call(event);

    // Assess
    expect(status).toBe(422);
    expect(body).toMatchObject({ type: '/problems/idempotency-conflict', status: 422 });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses a request without an Idempotency-Key with 400 before reading or writing anything', async () => {
    // Prepare
    givenOpenService();

    // Act
    const { status, body } = await call(loadEvent('orders/create-order-missing-key.json'));

    // Assess
    expect(status).toBe(400);
    expect(body).toMatchObject({ type: '/problems/validation', errors: [{ path: 'idempotency-key' }] });
    expect(db.calls()).toHaveLength(0);
  });

  it('answers 409 duplicate-passenger without revealing the full ID number when the claim on that ID fails', async () => {
    // Prepare
    givenOpenService();
    db.on(TransactWriteCommand).rejects(conditionFailedAt(4, 5));

    // Act
    const { status, body } = await call(createOrder());

    // Assess
    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/duplicate-passenger' });
    expect(body.detail).not.toContain(LI_LEI.idNumber);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('answers 409 sold-out and holds nothing when every second-class seat is taken', async () => {
    // Prepare
    givenOpenService();
    const sold = { s0: { h: 'other', st: 'S' as const, x: 0 }, s1: { h: 'other', st: 'S' as const, x: 0 } };
    const taken = Object.fromEntries(coachSeatItems(service, '02').map((item) => [item.sk.slice('SEAT#'.length), sold]));
    db.on(QueryCommand).resolves({ Items: coachSeatItems(service, '02', taken) });

    // Act
    const { status, body } = await call(createOrder());

    // Assess
    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/sold-out' });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 400 naming serviceId for a service that is not open for sale, and holds nothing', async () => {
    // Prepare
    db.on(GetCommand).resolves({});

    // Act
    const { status, body } = await call(createOrder());

    // Assess
    expect(status).toBe(400);
    expect(body).toMatchObject({ type: '/problems/validation', errors: [{ path: 'serviceId' }] });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 401 to a token without a sub before reading anything', async () => {
    // Prepare
    const event = loadEvent('orders/create-order.json', { requestContext: { authorizer: { jwt: { claims: { sub: undefined } } } } });

    // Act
    const { status, body } = await call(event);

    // Assess
    expect(status).toBe(401);
    expect(body).toMatchObject({ type: '/problems/unauthorized' });
    expect(db.calls()).toHaveLength(0);
  });
});
