import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { loadEvent } from '../../../helpers/events';
import { orderResponseSchema } from '../../../../lib/orders/responses';
import { invokeHandler } from '../../../helpers/invoke';
import { schemaIssues } from '../../../helpers/schemas';
import { anOrder, ORDER_ID, setOrderEnv, VIEW_TABLE, viewItem, viewKey } from './order-items';

setOrderEnv();
const db = mockClient(DynamoDBDocumentClient);

async function call(event: APIGatewayProxyEventV2) {
  const { handler } = await import('../../../../functions/orders/get-order');
  const result = (await invokeHandler(handler, event)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
}

describe('Function: get-order', () => {
  afterEach(() => db.reset());

  it("answers 200 with the caller's order from the read model, without the passengers' ID numbers", async () => {
    // Prepare
    const order = anOrder();
    db.on(GetCommand, { Key: viewKey(ORDER_ID) }).resolves({ Item: viewItem(order) });

    // Act
    const { status, body } = await call(loadEvent('orders/get-order.json'));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({
      orderId: ORDER_ID,
      status: 'RESERVED',
      serviceId: 'G1_2026-12-01',
      from: 'VNP',
      to: 'AOH',
      seatClass: 'second',
      seats: [{ passengerName: 'Li Lei', coach: '02', seat: '01A' }],
      amount: 55300,
      currency: 'CNY',
      expiresAt: order.expiresAt,
      createdAt: order.createdAt,
    });
    expect(db.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: VIEW_TABLE, Key: viewKey(ORDER_ID) });
  });

  it('shows the tickets of a ticketed order', async () => {
    // Prepare
    const tickets = [{ ticketNo: 'E123456789', passengerName: 'Li Lei', coach: '02', seat: '01A', from: 'VNP', to: 'AOH', status: 'ACTIVE' as const, fare: 55300 }];
    db.on(GetCommand, { Key: viewKey(ORDER_ID) }).resolves({ Item: viewItem(anOrder({ status: 'TICKETED', version: 3, paymentId: 'pay-1', tickets })) });

    // Act
    const { status, body } = await call(loadEvent('orders/get-order.json'));

    // Assess
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'TICKETED', tickets });
  });

  it('answers a ticketed order as the Order schema of the OpenAPI document describes it', async () => {
    // Prepare
    const tickets = [{ ticketNo: 'E123456789', passengerName: 'Li Lei', coach: '02', seat: '01A', from: 'VNP', to: 'AOH', status: 'ACTIVE' as const, fare: 55300 }];
    db.on(GetCommand, { Key: viewKey(ORDER_ID) }).resolves({ Item: viewItem(anOrder({ status: 'TICKETED', version: 3, paymentId: 'pay-1', tickets })) });

    // Act
    const { body } = await call(loadEvent('orders/get-order.json'));

    // Assess
    expect(schemaIssues(orderResponseSchema, body)).toEqual([]);
  });

  it("answers 404 to another user's order, exactly as to an order that does not exist", async () => {
    // Prepare
    db.on(GetCommand, { Key: viewKey(ORDER_ID) }).resolves({ Item: viewItem(anOrder({ userId: 'b7c1d2e3-0000-4a5b-8c9d-1e2f3a4b5c6d' })) });
    db.on(GetCommand, { Key: viewKey('missing') }).resolves({});

    // Act
    const someoneElses = await call(loadEvent('orders/get-order.json'));
    const missing = await call(loadEvent('orders/get-order.json', { pathParameters: { orderId: 'missing' } }));

    // Assess
    const { detail: _a, ...refusal } = someoneElses.body;
    const { detail: _b, ...absent } = missing.body;
    expect(someoneElses.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(refusal).toEqual({ type: '/problems/not-found', title: 'Not Found', status: 404 });
    expect(refusal).toEqual(absent);
  });
});
