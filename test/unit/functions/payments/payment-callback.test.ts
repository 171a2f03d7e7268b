import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type Order, signPayment } from '../../../../lib/orders';
import { loadEvent } from '../../../helpers/events';
import { invokeHandler } from '../../../helpers/invoke';
import { anOrder, claimKey, conditionFailedAt, holdItem, holdKey, LEDGER_TABLE, LI_LEI, ORDER_ID, orderItem, orderKey, ORDERS_TABLE, setOrderEnv, unpaidCountDown, WEBHOOK_SECRET } from '../orders/order-items';

setOrderEnv();
const db = mockClient(DynamoDBDocumentClient);
const PAYMENT_ID = 'pay_3NkQ8x2eZvKYlo2C0a1b2c3d';
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The sample callback with `body`, signed as the provider would at `t` (now unless given). */
function signedCallback(body: string, options: { secret?: string; t?: number } = {}): APIGatewayProxyEventV2 {
  const signature = signPayment(options.secret ?? WEBHOOK_SECRET, body, options.t ?? nowSeconds());
  return loadEvent('payments/payment-callback.json', { body, headers: { 'content-length': String(Buffer.byteLength(body)), 'x-payment-signature': signature } });
}

const paymentBody = (changes: Record<string, unknown> = {}) =>
  JSON.stringify({ paymentId: PAYMENT_ID, orderId: ORDER_ID, amount: 55300, currency: 'CNY', status: 'SUCCEEDED', ...changes });

/** The order as stored and the hold on its seat (which a payment that sells the seat no longer reads). */
function given(order: Order) {
  db.on(GetCommand, { Key: orderKey(order.orderId) }).resolves({ Item: orderItem(order) });
  db.on(GetCommand, { Key: holdKey(order.holdId) }).resolves({ Item: holdItem(order) });
}

async function call(event: APIGatewayProxyEventV2) {
  const { handler } = await import('../../../../functions/payments/payment-callback');
  const result = (await invokeHandler(handler, event)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
}

const writes = () => db.calls().filter((c) => !(c.args[0] instanceof GetCommand));

describe('Function: payment-callback', () => {
  afterEach(() => db.reset());

  it('marks a RESERVED order PAID, sells its seat and frees an unpaid-order slot in one transaction with the order written on its version', async () => {
    // Prepare
    given(anOrder());
    db.on(TransactWriteCommand).resolves({});

    // Act
    const { status, body } = await call(signedCallback(paymentBody()));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({ orderId: ORDER_ID, status: 'PAID' });
    expect(writes()).toHaveLength(1);
    expect(db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems).toMatchObject([
      { Update: { TableName: LEDGER_TABLE, Key: { pk: 'SVC#G1_2026-12-01#02', sk: 'SEAT#01A' }, ExpressionAttributeValues: { ':sold': 'S', ':hold': ORDER_ID } } },
      // A confirmed hold's record is kept: no ttl.
      { Update: { TableName: LEDGER_TABLE, Key: holdKey(ORDER_ID), UpdateExpression: 'SET #status = :to', ExpressionAttributeValues: { ':from': 'HELD', ':to': 'CONFIRMED' } } },
      {
        Put: {
          TableName: ORDERS_TABLE,
          Item: { ...orderKey(ORDER_ID), status: 'PAID', version: 2, paymentId: PAYMENT_ID },
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': 1 },
        },
      },
      {
        Update: {
          TableName: LEDGER_TABLE,
          Key: claimKey('G1_2026-12-01', LI_LEI.idNumber),
          UpdateExpression: 'SET lapsesAt = :never',
          ConditionExpression: 'orderId = :order',
        },
      },
      unpaidCountDown(),
    ]);
  });

  it('pays in two round trips: a read of the order and one transaction built from its own seats, no read of the hold', async () => {
    // Prepare
    given(anOrder());
    db.on(TransactWriteCommand).resolves({});

    // Act
    const { status } = await call(signedCallback(paymentBody()));

    // Assess
    expect(status).toBe(200);
    expect(db.calls()).toHaveLength(2);
    expect(db.commandCalls(GetCommand).map((c) => c.args[0].input.Key)).toEqual([orderKey(ORDER_ID)]);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('still sells the seat of an order paid after its hold expired, when nobody has taken the seat', async () => {
    // Prepare
    given(anOrder({ expiresAt: new Date(Date.now() - 60_000).toISOString() }));
    db.on(TransactWriteCommand).resolves({});

    // Act
    const { status, body } = await call(signedCallback(paymentBody()));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({ orderId: ORDER_ID, status: 'PAID' });
    expect(db.commandCalls(GetCommand, { Key: holdKey(ORDER_ID) })).toHaveLength(0);
  });

  it('checks the signature over the decoded bytes of a base64-encoded body', async () => {
    // Prepare
    given(anOrder());
    db.on(TransactWriteCommand).resolves({});
    const event = signedCallback(paymentBody());
    event.body = Buffer.from(event.body as string).toString('base64');
    event.isBase64Encoded = true;

    // Act
    const { status, body } = await call(event);

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({ orderId: ORDER_ID, status: 'PAID' });
  });

  it('answers the same paymentId again with the status it led to and writes nothing twice', async () => {
    // Prepare
    given(anOrder({ status: 'PAID', version: 2, paymentId: PAYMENT_ID }));

    // Act
    const { status, body } = await call(signedCallback(paymentBody()));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({ orderId: ORDER_ID, status: 'PAID' });
    expect(writes()).toHaveLength(0);
  });

  it('answers 200 REFUND_REQUIRED when the hold expired and its seat was taken, frees the unpaid-order slot with that write, and gives back the passenger claim', async () => {
    // Prepare
    given(anOrder({ expiresAt: new Date(Date.now() - 60_000).toISOString() }));
    db.on(TransactWriteCommand)
      .rejectsOnce(conditionFailedAt(0, 5)) // confirm: the seat is another hold's now
      .resolvesOnce({}) // the order, REFUND_REQUIRED on its version, and the unpaid count
      .rejectsOnce(conditionFailedAt(0, 2)) // release: the seat is still not ours
      .resolves({});
    db.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    db.on(PutCommand).resolves({});
    db.on(DeleteCommand).resolves({});

    // Act
    const { status, body } = await call(signedCallback(paymentBody()));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({ orderId: ORDER_ID, status: 'REFUND_REQUIRED' });
    expect(db.commandCalls(TransactWriteCommand)[1]?.args[0].input.TransactItems).toMatchObject([
      { Put: { TableName: ORDERS_TABLE, Item: { status: 'REFUND_REQUIRED', version: 2, paymentId: PAYMENT_ID }, ConditionExpression: 'version = :expected' } },
      unpaidCountDown(),
    ]);
    expect(db.commandCalls(PutCommand)).toHaveLength(0);
    expect(db.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({ Key: claimKey('G1_2026-12-01', LI_LEI.idNumber), ConditionExpression: 'orderId = :order' });
  });

  it('answers 200 REFUND_REQUIRED to a payment for an EXPIRED order without freeing a slot again: its expiry did', async () => {
    // Prepare
    given(anOrder({ status: 'EXPIRED', version: 2 }));
    db.on(GetCommand, { Key: holdKey(ORDER_ID) }).resolves({ Item: holdItem(anOrder(), 'RELEASED') });
    db.on(PutCommand).resolves({});
    db.on(DeleteCommand).resolves({});

    // Act
    const { status, body } = await call(signedCallback(paymentBody()));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({ orderId: ORDER_ID, status: 'REFUND_REQUIRED' });
    expect(db.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({ TableName: ORDERS_TABLE, Item: { status: 'REFUND_REQUIRED', version: 3 }, ConditionExpression: 'version = :expected' });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(db.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it.each([
    ['signed with another secret', () => signedCallback(paymentBody(), { secret: 'whsec_someone_else_0000' })],
    ['whose body was changed after signing', () => ({ ...signedCallback(paymentBody()), body: paymentBody({ amount: 1 }) })],
    ['without a signature header', () => loadEvent('payments/payment-callback.json', { headers: { 'x-payment-signature': undefined } })],
    ['signed more than 300 s ago', () => signedCallback(paymentBody(), { t: nowSeconds() - 301 })],
    ['signed more than 300 s ahead', () => signedCallback(paymentBody(), { t: nowSeconds() + 301 })],
    ['replayed from the sample, signed in November 2025', () => loadEvent('payments/payment-callback.json')],
  ])('answers 401 to a callback %s without touching DynamoDB', async (_case, event) => {
    // Prepare
    given(anOrder());

    // Act
    const { status, body } = await call(event());

    // Assess
    expect(status).toBe(401);
    expect(body).toMatchObject({ type: '/problems/unauthorized' });
    expect(db.calls()).toHaveLength(0);
  });

  it('answers 409 payment-mismatch to a payment of the wrong amount and leaves the order and seats alone', async () => {
    // Prepare
    given(anOrder());

    // Act
    const { status, body } = await call(signedCallback(paymentBody({ amount: 55299 })));

    // Assess
    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/payment-mismatch' });
    expect(writes()).toHaveLength(0);
  });

  it('answers 409 payment-mismatch to a payment in another currency', async () => {
    // Prepare
    given(anOrder());

    // Act
    const { status, body } = await call(signedCallback(paymentBody({ currency: 'USD' })));

    // Assess
    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/payment-mismatch' });
    expect(writes()).toHaveLength(0);
  });

  it('refuses a payment for a CANCELLED order with 409 invalid-state', async () => {
    // Prepare
    given(anOrder({ status: 'CANCELLED', version: 2 }));

    // Act
    const { status, body } = await call(signedCallback(paymentBody()));

    // Assess
    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/invalid-state' });
    expect(writes()).toHaveLength(0);
  });

  it('answers 400 to malformed JSON under a valid signature, before reading anything', async () => {
    // Act
    const { status, body } = await call(signedCallback('{"paymentId":"pay_1","orderId":'));

    // Assess
    expect(status).toBe(400);
    expect(body).toMatchObject({ type: '/problems/validation', errors: [{ path: 'body' }] });
    expect(db.calls()).toHaveLength(0);
  });
});
