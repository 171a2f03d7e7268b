import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { PublishServiceRequest } from '../../../../lib/timetable/service';
import { loadEvent } from '../../../helpers/events';
import { orderResponseSchema } from '../../../../lib/orders/responses';
import { invokeHandler } from '../../../helpers/invoke';
import { schemaIssues } from '../../../helpers/schemas';
import { coachSeatItems, serviceItem } from '../../../helpers/ledger-items';
import { FIXTURE_NOW, useContainerClock, SNAPSHOT_STALE_AFTER_MS } from '../container-clock';
import { everySeat, OCCUPANCY_TABLE, occupancyItems, SOLD_WHOLE_RUN, type TakenSeats } from '../occupancy-items';
import { claimKey, conditionFailedAt, LEDGER_TABLE, LI_LEI, ORDERS_TABLE, setOrderEnv, TRAVELLER } from './order-items';

setOrderEnv();
const db = mockClient(DynamoDBDocumentClient);
const clock = useContainerClock();
const service = JSON.parse(loadEvent('timetable/publish-service.json').body as string) as PublishServiceRequest;
const IDEMPOTENCY_KEY = '5c0a4f7e-2b9d-4e31-8a6c-0d1f2e3b4a59';
const HAN_MEIMEI = { name: 'Han Meimei', idNumber: '11010519491231002x' };
const SERVICE_KEY = { pk: 'SVC#G1_2026-12-01', sk: 'SERVICE' };
const IDEMPOTENCY_ITEM_KEY = { pk: `IDEMP#${TRAVELLER}#${IDEMPOTENCY_KEY}`, sk: 'IDEMP' };
/** One seat, the idempotency record, the order (the hold's only record), one claim, the unpaid count and today's cancellations. */
const ONE_PASSENGER_ITEMS = 6;
const IDEMPOTENCY_RECORD_AT = 1;
const CLAIM_AT = 3;
const UNPAID_COUNT_AT = 4;
const CANCELLATIONS_AT = 5;

/**
 * G1 open for sale; the occupancy snapshot and the ledger agree that coach 02's
 * seats are as `taken` says (every other seat free); no earlier request under any key.
 */
function givenOpenService(taken: TakenSeats = {}) {
  db.on(GetCommand).resolves({});
  db.on(GetCommand, { Key: SERVICE_KEY }).resolves({ Item: serviceItem(service) });
  db.on(QueryCommand, { TableName: OCCUPANCY_TABLE }).resolves({ Items: occupancyItems(service, { '02': taken }) });
  db.on(QueryCommand, { TableName: LEDGER_TABLE }).resolves({ Items: coachSeatItems(service, '02', taken) });
}

/** The key was used: the transaction is cancelled on the idempotency record's put, which hands back the record stored (ALL_OLD). */
function givenKeyUsedFor(record: Record<string, unknown>) {
  db.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
    const items = input.TransactItems ?? [];
    const at = items.findIndex((item) => String(item.Put?.Item?.pk).startsWith('IDEMP#'));
    return Promise.reject(conditionFailedAt(at, items.length, record));
  });
}

/** Reads of the idempotency record. */
const idempotencyReads = () => db.commandCalls(GetCommand, { Key: IDEMPOTENCY_ITEM_KEY });
/** Reads of anything but the service definition, which a container reads once. */
const readsBesidesTheService = () => db.commandCalls(GetCommand).filter((c) => c.args[0].input.Key?.pk !== SERVICE_KEY.pk);

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

/** Runs the sample request once and returns the idempotency record its transaction stored; the retry comes once the snapshot is stale. */
async function storedIdempotencyRecord(): Promise<Record<string, unknown>> {
  givenOpenService();
  db.on(TransactWriteCommand).resolves({});
  await call(createOrder());
  const record = transactItems().find((item) => String(item.Put?.Item?.pk).startsWith('IDEMP#'))?.Put?.Item;
  db.reset();
  clock.advance(SNAPSHOT_STALE_AFTER_MS);
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

  it('holds the seat and writes the idempotency key, the order (the hold\'s only record) and the passenger claim, and counts the unpaid order, in one transaction', async () => {
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
      {
        Update: {
          TableName: LEDGER_TABLE,
          Key: { pk: 'SVC#G1_2026-12-01#02', sk: `SEAT#${seat?.seat}` },
          UpdateExpression: 'SET #s0 = :claim, #s1 = :claim',
          ConditionExpression: expect.stringContaining('attribute_not_exists(#s0)'),
        },
      },
      {
        Put: {
          TableName: ORDERS_TABLE,
          Item: { pk: `IDEMP#${TRAVELLER}#${IDEMPOTENCY_KEY}`, sk: 'IDEMP', orderId, userId: TRAVELLER, response: body },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
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
          // Expires a day after G1 reaches Shanghai Hongqiao at 13:28 Beijing time.
          Item: { ...claimKey('G1_2026-12-01', LI_LEI.idNumber), orderId, lapsesAt: Date.parse(body.expiresAt as string), ttl: Date.parse('2026-12-02T13:28:00+08:00') / 1000 },
          ConditionExpression: 'attribute_not_exists(pk) OR lapsesAt <= :now',
        },
      },
      {
        Update: {
          TableName: ORDERS_TABLE,
          Key: { pk: `USER#${TRAVELLER}`, sk: 'LIMITS' },
          UpdateExpression: 'ADD unpaid :one',
          ConditionExpression: 'attribute_not_exists(unpaid) OR unpaid < :max',
          ExpressionAttributeValues: { ':one': 1, ':max': 2 },
        },
      },
      {
        ConditionCheck: {
          TableName: ORDERS_TABLE,
          // The day in Beijing time (UTC+8) of the moment the order was made.
          Key: { pk: `USER#${TRAVELLER}`, sk: `CANCELS#${new Date(Date.parse(body.createdAt as string) + 8 * 3600_000).toISOString().slice(0, 10)}` },
          ConditionExpression: 'attribute_not_exists(cancels) OR cancels < :max',
          ExpressionAttributeValues: { ':max': 3 },
        },
      },
    ]);
  });

  it.each([
    ['the most unpaid orders at once', UNPAID_COUNT_AT, 'you already have 2 unpaid orders'],
    ['the most cancellations today', CANCELLATIONS_AT, 'you cancelled 3 orders today'],
  ])('answers 429 limit-reached, nothing held, when the traveller has %s', async (_limit, failed, detail) => {
    // Prepare
    givenOpenService();
    db.on(TransactWriteCommand).rejects(conditionFailedAt(failed, ONE_PASSENGER_ITEMS));

    // Act
    const { status, headers, body } = await call(createOrder());

    // Assess
    expect(status).toBe(429);
    expect(headers['content-type']).toBe('application/problem+json');
    expect(body).toMatchObject({ type: '/problems/limit-reached', status: 429 });
    expect(body.detail).toContain(detail);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('answers a retry of an order already made with that order, not 429, when that order filled the limit', async () => {
    // Prepare
    const record = await storedIdempotencyRecord();
    givenOpenService();
    db.on(TransactWriteCommand).rejects(conditionFailedAt([IDEMPOTENCY_RECORD_AT, UNPAID_COUNT_AT], ONE_PASSENGER_ITEMS, record));

    // Act
    const { status, headers, body } = await call(createOrder());

    // Assess
    expect(status).toBe(201);
    expect(headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(body).toEqual(record.response);
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
    expect(transactItems().filter((item) => item.Update?.TableName === LEDGER_TABLE)).toHaveLength(2);
  });

  it('on a warm container, reads the train once from the occupancy snapshot and writes once: one Query, one TransactWriteItems, no GetItem', async () => {
    // Prepare
    givenOpenService();
    db.on(TransactWriteCommand).resolves({});
    await call(createOrder());
    db.resetHistory();
    clock.advance(SNAPSHOT_STALE_AFTER_MS);

    // Act
    const { status } = await call(createOrder());

    // Assess
    expect(status).toBe(201);
    expect(db.calls()).toHaveLength(2);
    expect(db.commandCalls(GetCommand)).toHaveLength(0);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(db.commandCalls(QueryCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ TableName: OCCUPANCY_TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'OCC#G1_2026-12-01' } }),
    ]);
  });

  it('serves buyers within half a second from one snapshot read, and does not offer the next buyer the seat it has just held', async () => {
    // Prepare: two window seats left in coach 02
    const { '01A': _first, '17F': _last, ...rest } = everySeat(service, '02', SOLD_WHOLE_RUN);
    givenOpenService(rest);
    db.on(TransactWriteCommand).resolves({});

    // Act
    const first = await call(createOrder());
    const second = await call(withBody((body) => (body.passengers = [HAN_MEIMEI])));

    // Assess
    expect([first.status, second.status]).toEqual([201, 201]);
    const seats = [first.body, second.body].map((body) => (body.seats as { seat: string }[])[0]?.seat);
    expect(seats.sort()).toEqual(['01A', '17F']);
    expect(db.commandCalls(QueryCommand, { TableName: OCCUPANCY_TABLE })).toHaveLength(1);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('re-reads only the coach it lost a seat in, from the ledger and consistently, and tries again', async () => {
    // Prepare
    givenOpenService();
    db.on(TransactWriteCommand).rejectsOnce(conditionFailedAt(0, 5)).resolves({});

    // Act
    const { status } = await call(createOrder());

    // Assess
    expect(status).toBe(201);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(db.commandCalls(QueryCommand, { TableName: OCCUPANCY_TABLE })).toHaveLength(1);
    expect(db.commandCalls(QueryCommand, { TableName: LEDGER_TABLE }).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ ExpressionAttributeValues: { ':pk': 'SVC#G1_2026-12-01#02', ':seat': 'SEAT#' }, ConsistentRead: true }),
    ]);
  });

  it('answers a retry with the same key and body with the first response and Idempotent-Replayed, from the failed write alone: no read of the key, nothing held', async () => {
    // Prepare
    const record = await storedIdempotencyRecord();
    givenOpenService();
    givenKeyUsedFor(record);

    // Act
    const { status, headers, body } = await call(createOrder());

    // Assess
    expect(status).toBe(201);
    expect(headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(body).toEqual(record.response);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(readsBesidesTheService()).toHaveLength(0);
  });

  it('answers the response of a concurrent twin request that stored the same key first, reading its record when the failed write does not hand it back', async () => {
    // Prepare
    const record = await storedIdempotencyRecord();
    givenOpenService();
    db.on(GetCommand, { Key: IDEMPOTENCY_ITEM_KEY }).resolves({ Item: record });
    db.on(TransactWriteCommand).rejects(conditionFailedAt(IDEMPOTENCY_RECORD_AT, ONE_PASSENGER_ITEMS));

    // Act
    const { status, headers, body } = await call(createOrder());

    // Assess
    expect(status).toBe(201);
    expect(headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(body).toEqual(record.response);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(idempotencyReads()).toHaveLength(1);
  });

  it('answers a retry of the order that took the last seats with its first response, not sold out', async () => {
    // Prepare
    const record = await storedIdempotencyRecord();
    givenOpenService(everySeat(service, '02', SOLD_WHOLE_RUN));
    db.on(GetCommand, { Key: IDEMPOTENCY_ITEM_KEY }).resolves({ Item: record });

    // Act
    const { status, headers, body } = await call(createOrder());

    // Assess
    expect(status).toBe(201);
    expect(headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(body).toEqual(record.response);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('treats a retry that lists the same fields in another order as the same request', async () => {
    // Prepare
    const record = await storedIdempotencyRecord();
    givenOpenService();
    givenKeyUsedFor(record);
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

  it('refuses another body under a used key with 422 idempotency-conflict and holds nothing: its one transaction is cancelled whole', async () => {
    // Prepare
    const record = await storedIdempotencyRecord();
    givenOpenService();
    givenKeyUsedFor(record);
    const event = withBody((body) => {
      body.passengers = [HAN_MEIMEI];
    });

    // Act
    const { status, body } = await call(event);

    // Assess
    expect(status).toBe(422);
    expect(body).toMatchObject({ type: '/problems/idempotency-conflict', status: 422 });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(readsBesidesTheService()).toHaveLength(0);
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
    db.on(TransactWriteCommand).rejects(conditionFailedAt(CLAIM_AT, ONE_PASSENGER_ITEMS));

    // Act
    const { status, body } = await call(createOrder());

    // Assess
    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/duplicate-passenger' });
    expect(body.detail).not.toContain(LI_LEI.idNumber);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('answers 409 sales-closed and writes nothing once the train has left the boarding stop (09:00 Beijing = 01:00 UTC)', async () => {
    givenOpenService();
    db.on(TransactWriteCommand).resolves({});
    clock.advance(Date.parse('2026-12-01T01:00:00Z') - Date.now());

    const { status, body } = await call(createOrder());
    clock.advance(Date.parse(FIXTURE_NOW) - Date.now());

    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/sales-closed' });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 409 sold-out and holds nothing when every second-class seat is taken, once the key proves unused', async () => {
    // Prepare
    givenOpenService(everySeat(service, '02', SOLD_WHOLE_RUN));

    // Act
    const { status, body } = await call(createOrder());

    // Assess
    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/sold-out' });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(idempotencyReads()).toHaveLength(1);
  });

  it('answers 409 sold-out when the snapshot shows seats free but every pick loses its race', async () => {
    // Prepare
    givenOpenService();
    db.on(TransactWriteCommand).rejects(conditionFailedAt(0, 5));

    // Act
    const { status, body } = await call(createOrder());

    // Assess
    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/sold-out' });
    expect(db.commandCalls(TransactWriteCommand).length).toBeGreaterThan(1);
    expect(idempotencyReads()).toHaveLength(1);
  });

  it('answers 400 naming serviceId for a service that is not open for sale, and holds nothing', async () => {
    // Prepare
    db.on(GetCommand).resolves({});
    const event = withBody((body) => {
      body.serviceId = 'G7_2026-12-01';
    });

    // Act
    const { status, body } = await call(event);

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
