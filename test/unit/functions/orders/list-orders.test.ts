import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { loadEvent } from '../../../helpers/events';
import { orderListResponseSchema } from '../../../../lib/orders/responses';
import { invokeHandler } from '../../../helpers/invoke';
import { schemaIssues } from '../../../helpers/schemas';
import { anOrder, setOrderEnv, TRAVELLER, VIEW_TABLE, viewItem } from './order-items';

setOrderEnv();
const db = mockClient(DynamoDBDocumentClient);

const newer = anOrder({ orderId: 'ord-2', createdAt: '2026-11-25T20:05:00.000Z', status: 'PAID', version: 2, paymentId: 'pay-2' });
const older = anOrder({ orderId: 'ord-1', createdAt: '2026-11-25T19:00:00.000Z', status: 'CANCELLED', version: 2 });
const lastKey = { pk: 'VIEW#ord-1', sk: 'VIEW', gsi1pk: `USER#${TRAVELLER}`, gsi1sk: '2026-11-25T19:00:00.000Z#ord-1' };

const withQuery = (query: Record<string, string>) => loadEvent('orders/list-orders.json', { queryStringParameters: query });

async function call(event: APIGatewayProxyEventV2) {
  const { handler } = await import('../../../../functions/orders/list-orders');
  const result = (await invokeHandler(handler, event)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
}

describe('Function: list-orders', () => {
  afterEach(() => db.reset());

  it("queries the caller's orders newest first and answers them in that order with a cursor to the next page", async () => {
    // Prepare
    db.on(QueryCommand).resolves({ Items: [viewItem(newer), viewItem(older)], LastEvaluatedKey: lastKey });

    // Act
    const { status, body } = await call(loadEvent('orders/list-orders.json'));

    // Assess
    expect(status).toBe(200);
    expect((body.orders as { orderId: string }[]).map((o) => o.orderId)).toEqual(['ord-2', 'ord-1']);
    expect(body.nextCursor).toEqual(expect.any(String));
    expect(db.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: VIEW_TABLE,
      IndexName: 'byUser',
      KeyConditionExpression: 'gsi1pk = :user',
      ExpressionAttributeValues: { ':user': `USER#${TRAVELLER}` },
      ScanIndexForward: false,
      Limit: 20,
    });
  });

  it('answers a page as the OrderList schema of the OpenAPI document describes it', async () => {
    // Prepare
    db.on(QueryCommand).resolves({ Items: [viewItem(newer), viewItem(older)], LastEvaluatedKey: lastKey });

    // Act
    const { body } = await call(loadEvent('orders/list-orders.json'));

    // Assess
    expect(schemaIssues(orderListResponseSchema, body)).toEqual([]);
  });

  it('continues after the last order of the previous page when given its cursor', async () => {
    // Prepare
    db.on(QueryCommand).resolvesOnce({ Items: [viewItem(newer), viewItem(older)], LastEvaluatedKey: lastKey }).resolves({ Items: [] });
    const first = await call(withQuery({ limit: '2' }));

    // Act
    const { status, body } = await call(withQuery({ limit: '2', cursor: first.body.nextCursor as string }));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({ orders: [] });
    expect(db.commandCalls(QueryCommand)[1]?.args[0].input).toMatchObject({ Limit: 2, ExclusiveStartKey: lastKey });
  });

  it('refuses a cursor it did not issue with 400 before querying', async () => {
    // Act
    const { status, body } = await call(withQuery({ cursor: 'not-a-cursor' }));

    // Assess
    expect(status).toBe(400);
    expect(body).toMatchObject({ type: '/problems/validation', errors: [{ path: 'cursor' }] });
    expect(db.calls()).toHaveLength(0);
  });

  it("refuses a cursor into another user's orders with 400 before querying", async () => {
    // Prepare
    const someoneElses = Buffer.from(JSON.stringify({ ...lastKey, gsi1pk: 'USER#b7c1d2e3-0000-4a5b-8c9d-1e2f3a4b5c6d' })).toString('base64url');

    // Act
    const { status } = await call(withQuery({ cursor: someoneElses }));

    // Assess
    expect(status).toBe(400);
    expect(db.calls()).toHaveLength(0);
  });
});
