import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { Order } from '../../../../lib/orders';
import { loadEvent } from '../../../helpers/events';
import { invokeHandler } from '../../../helpers/invoke';
import { anOrder, claimKey, conditionFailedAt, holdItem, holdKey, LEDGER_TABLE, LI_LEI, ORDER_ID, orderItem, orderKey, ORDERS_TABLE, setOrderEnv, cancellationCountUp, unpaidCountDown } from './order-items';

setOrderEnv();
const db = mockClient(DynamoDBDocumentClient);

/** The order as stored and, while it is RESERVED, the hold on its seat (which a cancel no longer needs to read). */
function given(order: Order) {
  db.on(GetCommand, { Key: orderKey(order.orderId) }).resolves({ Item: orderItem(order) });
  db.on(GetCommand, { Key: holdKey(order.holdId) }).resolves({ Item: holdItem(order, order.status === 'RESERVED' ? 'HELD' : 'CONFIRMED') });
}

async function call(event: APIGatewayProxyEventV2) {
  const { handler } = await import('../../../../functions/orders/cancel-order');
  const result = (await invokeHandler(handler, event)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
}

/** Every call that is not a read. */
const writes = () => db.calls().filter((c) => !(c.args[0] instanceof GetCommand));

describe('Function: cancel-order', () => {
  afterEach(() => db.reset());

  it('cancels a RESERVED order: the order, its seat, its hold, its passenger claim and the traveller\'s counts change in one transaction', async () => {
    // Prepare
    given(anOrder());
    db.on(TransactWriteCommand).resolves({});

    // Act
    const { status, body } = await call(loadEvent('orders/cancel-order.json'));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({ orderId: ORDER_ID, status: 'CANCELLED' });
    expect(writes()).toHaveLength(1);
    const items = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems;
    expect(items).toMatchObject([
      { Update: { TableName: LEDGER_TABLE, Key: { pk: 'SVC#G1_2026-12-01#02', sk: 'SEAT#01A' }, UpdateExpression: expect.stringMatching(/^REMOVE /), ExpressionAttributeValues: { ':hold': ORDER_ID } } },
      {
        Update: {
          TableName: LEDGER_TABLE,
          Key: holdKey(ORDER_ID),
          // The released hold's record expires a day on.
          UpdateExpression: 'SET #status = :to, #ttl = :ttl',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':from': 'HELD', ':to': 'RELEASED', ':ttl': expect.any(Number) },
        },
      },
      { Put: { TableName: ORDERS_TABLE, Item: { ...orderKey(ORDER_ID), status: 'CANCELLED', version: 2 }, ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': 1 } } },
      { Delete: { TableName: LEDGER_TABLE, Key: claimKey('G1_2026-12-01', LI_LEI.idNumber), ConditionExpression: 'orderId = :order', ExpressionAttributeValues: { ':order': ORDER_ID } } },
      unpaidCountDown(),
      cancellationCountUp(),
    ]);
  });

  it('cancels in two round trips: a read of the order and one transaction built from its own seats, no read of the hold', async () => {
    // Prepare
    given(anOrder());
    db.on(TransactWriteCommand).resolves({});

    // Act
    await call(loadEvent('orders/cancel-order.json'));

    // Assess
    expect(db.calls()).toHaveLength(2);
    expect(db.commandCalls(GetCommand, { Key: orderKey(ORDER_ID) })).toHaveLength(1);
    expect(db.commandCalls(GetCommand, { Key: holdKey(ORDER_ID) })).toHaveLength(0);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('still cancels when another order has taken the passenger claim since: that claim is left alone, the counts change once', async () => {
    // Prepare
    given(anOrder());
    db.on(TransactWriteCommand).rejectsOnce(conditionFailedAt(3, 6)).resolves({});
    db.on(DeleteCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    // Act
    const { status, body } = await call(loadEvent('orders/cancel-order.json'));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({ orderId: ORDER_ID, status: 'CANCELLED' });
    const [, retried] = db.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems);
    expect(retried).toMatchObject([
      { Update: { Key: { pk: 'SVC#G1_2026-12-01#02', sk: 'SEAT#01A' } } },
      { Update: { Key: holdKey(ORDER_ID), ExpressionAttributeValues: { ':to': 'RELEASED' } } },
      { Put: { Item: { status: 'CANCELLED', version: 2 } } },
      unpaidCountDown(),
      cancellationCountUp(),
    ]);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(db.commandCalls(DeleteCommand).map((c) => c.args[0].input)).toEqual([expect.objectContaining({ Key: claimKey('G1_2026-12-01', LI_LEI.idNumber), ConditionExpression: 'orderId = :order' })]);
  });

  it('takes a cancelled order out of the overdue index so the sweeper never sees it', async () => {
    // Prepare
    given(anOrder());
    db.on(TransactWriteCommand).resolves({});

    // Act
    await call(loadEvent('orders/cancel-order.json'));

    // Assess
    const put = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.find((item) => item.Put)?.Put;
    expect(put?.Item).not.toHaveProperty('overduePk');
    expect(put?.Item).not.toHaveProperty('overdueSk');
  });

  it('answers 200 CANCELLED again for a cancelled order and writes nothing', async () => {
    // Prepare
    given(anOrder({ status: 'CANCELLED', version: 2 }));

    // Act
    const { status, body } = await call(loadEvent('orders/cancel-order.json'));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({ orderId: ORDER_ID, status: 'CANCELLED' });
    expect(writes()).toHaveLength(0);
  });

  it('refuses to cancel a PAID order with 409 invalid-state and writes nothing', async () => {
    // Prepare
    given(anOrder({ status: 'PAID', version: 2, paymentId: 'pay-1' }));

    // Act
    const { status, body } = await call(loadEvent('orders/cancel-order.json'));

    // Assess
    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/invalid-state' });
    expect(writes()).toHaveLength(0);
  });

  it("answers 404 to a cancel of another user's order and writes nothing", async () => {
    // Prepare
    given(anOrder({ userId: 'b7c1d2e3-0000-4a5b-8c9d-1e2f3a4b5c6d' }));

    // Act
    const { status } = await call(loadEvent('orders/cancel-order.json'));

    // Assess
    expect(status).toBe(404);
    expect(writes()).toHaveLength(0);
  });

  it('reads the order again and decides anew when another writer changed it first', async () => {
    // Prepare
    db.on(GetCommand, { Key: orderKey(ORDER_ID) })
      .resolvesOnce({ Item: orderItem(anOrder()) })
      .resolves({ Item: orderItem(anOrder({ status: 'PAID', version: 2, paymentId: 'pay-1' })) });
    db.on(GetCommand, { Key: holdKey(ORDER_ID) }).resolves({ Item: holdItem(anOrder()) });
    db.on(TransactWriteCommand).rejects(conditionFailedAt(2, 4));

    // Act
    const { status, body } = await call(loadEvent('orders/cancel-order.json'));

    // Assess
    expect(status).toBe(409);
    expect(body).toMatchObject({ type: '/problems/invalid-state' });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(db.commandCalls(GetCommand, { Key: orderKey(ORDER_ID) })).toHaveLength(2);
  });
});
