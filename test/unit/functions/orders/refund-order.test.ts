import { createHash } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { Order } from '../../../../lib/orders';
import type { PublishServiceRequest } from '../../../../lib/timetable/service';
import { numberedTickets } from '../../../../lib/tickets/ticket-numbers';
import { loadEvent } from '../../../helpers/events';
import { invokeHandler } from '../../../helpers/invoke';
import { serviceItem } from '../../../helpers/ledger-items';
import { useContainerClock } from '../container-clock';
import { anOrder, claimKey, LEDGER_TABLE, LI_LEI, ORDER_ID, orderItem, orderKey, ORDERS_TABLE, setOrderEnv, TRAVELLER } from './order-items';

setOrderEnv();
const db = mockClient(DynamoDBDocumentClient);
useContainerClock();
const service = JSON.parse(loadEvent('timetable/publish-service.json').body as string) as PublishServiceRequest;
const KEY = '9d2f4c1a-6b3e-4f70-8a15-3c7e2b9d0f46';

/** Li Lei's ticket on G1, which leaves Beijing South at 2026-12-01 09:00 (+08:00), 13 hours after the container clock. */
const ticketedOrder = (): Order => {
  const order = anOrder({ status: 'TICKETED', version: 3, paymentId: 'pay-1' });
  return { ...order, tickets: numberedTickets(order) };
};

function given(order: Order) {
  db.on(GetCommand).resolves({});
  db.on(GetCommand, { Key: orderKey(order.orderId) }).resolves({ Item: orderItem(order) });
  db.on(GetCommand, { Key: { pk: 'SVC#G1_2026-12-01', sk: 'SERVICE' } }).resolves({ Item: serviceItem(service) });
}

async function call(event: APIGatewayProxyEventV2) {
  const { handler } = await import('../../../../functions/orders/refund-order');
  const result = (await invokeHandler(handler, event)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, headers: result.headers ?? {}, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
}

describe('Function: refund-order', () => {
  afterEach(() => db.reset());

  it('refunds the ticket less the 20 % fee in one transaction: the key, the order REFUNDED, the claim, the seat still sold to the order', async () => {
    given(ticketedOrder());
    db.on(TransactWriteCommand).resolves({});

    const { status, body } = await call(loadEvent('orders/refund-order.json'));

    expect(status).toBe(200);
    expect(body).toEqual({ orderId: ORDER_ID, status: 'REFUNDED', refunds: [{ ticketNo: ticketedOrder().tickets?.[0]?.ticketNo, fare: 55_300, fee: 11_050, amount: 44_250 }] });
    const items = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems;
    expect(items).toMatchObject([
      { Put: { TableName: ORDERS_TABLE, Item: { pk: `IDEMP#${TRAVELLER}#${KEY}` }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: ORDERS_TABLE, Item: { ...orderKey(ORDER_ID), status: 'REFUNDED', version: 4 }, ExpressionAttributeValues: { ':expected': 3 } } },
      { Delete: { TableName: LEDGER_TABLE, Key: claimKey('G1_2026-12-01', LI_LEI.idNumber), ExpressionAttributeValues: { ':order': ORDER_ID } } },
      { Update: { TableName: LEDGER_TABLE, Key: { pk: 'SVC#G1_2026-12-01#02', sk: 'SEAT#01A' }, UpdateExpression: 'REMOVE #s0, #s1', ExpressionAttributeValues: { ':hold': ORDER_ID, ':sold': 'S' } } },
    ]);
  });

  it('answers a used key with its first answer and Idempotent-Replayed, writing nothing', async () => {
    const first = { orderId: ORDER_ID, status: 'REFUNDED', refunds: [] };
    given(ticketedOrder());
    db.on(GetCommand, { Key: { pk: `IDEMP#${TRAVELLER}#${KEY}`, sk: 'IDEMP' } }).resolves({
      Item: { requestHash: createHash('sha256').update(JSON.stringify(['refund', ORDER_ID, {}])).digest('hex'), orderId: ORDER_ID, response: first },
    });

    const { status, headers, body } = await call(loadEvent('orders/refund-order.json'));

    expect({ status, body }).toEqual({ status: 200, body: first });
    expect(headers['idempotent-replayed']).toBe('true');
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 400 validation without an Idempotency-Key, reading nothing', async () => {
    const event = loadEvent('orders/refund-order.json');
    delete event.headers['idempotency-key'];

    const { status, body } = await call(event);

    expect(status).toBe(400);
    expect(body).toMatchObject({ type: '/problems/validation' });
    expect(db.calls()).toHaveLength(0);
  });

  it("answers 404 for another traveller's order and 409 for an order not ticketed, writing nothing", async () => {
    given({ ...ticketedOrder(), userId: 'someone-else' });
    expect((await call(loadEvent('orders/refund-order.json'))).status).toBe(404);

    db.reset();
    given(anOrder());
    expect((await call(loadEvent('orders/refund-order.json'))).body).toMatchObject({ status: 409, type: '/problems/invalid-state' });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
