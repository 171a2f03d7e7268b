import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, type TransactWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { Order } from '../../../../lib/orders';
import { loadEvent } from '../../../helpers/events';
import { invokeHandler } from '../../../helpers/invoke';
import { anOrder, claimKey, conditionFailedAt, holdItem, holdKey, LEDGER_TABLE, LI_LEI, orderItem, orderKey, ORDERS_TABLE, setOrderEnv, unpaidCountDown } from './order-items';

setOrderEnv();
const db = mockClient(DynamoDBDocumentClient);
const SHARDS = Array.from({ length: 8 }, (_, shard) => `RESERVED#${shard}`);

const overdueOrder = (orderId: string): Order => anOrder({ orderId, expiresAt: new Date(Date.now() - 5 * 60_000).toISOString() });

/** The overdue index answers `orders` for one shard and nothing for the others; each order's hold is still HELD (the sweep does not need to read it). */
function givenOverdue(shard: string, orders: Order[]) {
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(QueryCommand, { ExpressionAttributeValues: { ':shard': shard } }).resolves({ Items: orders.map(orderItem) });
  for (const order of orders) db.on(GetCommand, { Key: holdKey(order.holdId) }).resolves({ Item: holdItem(order) });
}

async function sweep() {
  const { handler } = await import('../../../../functions/orders/expire-orders');
  return invokeHandler(handler, loadEvent<ScheduledEvent>('schedules/expire-orders.json'));
}

describe('Function: expire-orders', () => {
  afterEach(() => db.reset());

  it('asks every shard of the overdue index for RESERVED orders whose payment window has closed', async () => {
    // Prepare
    givenOverdue('RESERVED#0', []);
    const before = new Date().toISOString();

    // Act
    const result = await sweep();

    // Assess
    expect(result).toEqual({ expired: 0 });
    const queries = db.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries.map((q) => q.ExpressionAttributeValues?.[':shard'])).toEqual(SHARDS);
    for (const query of queries) {
      expect(query).toMatchObject({ TableName: ORDERS_TABLE, IndexName: 'overdue', KeyConditionExpression: 'overduePk = :shard AND overdueSk <= :now' });
      expect(query.ExpressionAttributeValues?.[':now'] >= before).toBe(true);
    }
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('expires an overdue order: the order, its seat, its hold, its passenger claim and the unpaid count change in one transaction, with no read of the hold', async () => {
    // Prepare
    const order = overdueOrder('ord-overdue');
    givenOverdue('RESERVED#5', [order]);
    db.on(TransactWriteCommand).resolves({});

    // Act
    const result = await sweep();

    // Assess
    expect(result).toEqual({ expired: 1 });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems).toMatchObject([
      { Update: { TableName: LEDGER_TABLE, Key: { pk: 'SVC#G1_2026-12-01#02', sk: 'SEAT#01A' }, ExpressionAttributeValues: { ':hold': 'ord-overdue' } } },
      { Update: { TableName: LEDGER_TABLE, Key: holdKey('ord-overdue'), ExpressionAttributeValues: { ':to': 'RELEASED' } } },
      { Put: { TableName: ORDERS_TABLE, Item: { ...orderKey('ord-overdue'), status: 'EXPIRED', version: 2 }, ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': 1 } } },
      { Delete: { TableName: LEDGER_TABLE, Key: claimKey('G1_2026-12-01', LI_LEI.idNumber), ConditionExpression: 'orderId = :order', ExpressionAttributeValues: { ':order': 'ord-overdue' } } },
      // Not a cancellation: an expiry frees the slot and counts nothing against the day.
      unpaidCountDown(),
    ]);
    expect(db.commandCalls(GetCommand)).toHaveLength(0);
    expect(db.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('expires an overdue order whose seat another buyer already took, giving back only what is still its own', async () => {
    // Prepare
    const order = overdueOrder('ord-seat-retaken');
    givenOverdue('RESERVED#7', [order]);
    db.on(TransactWriteCommand).rejectsOnce(conditionFailedAt(0, 5)).resolves({});
    db.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    // Act
    const result = await sweep();

    // Assess
    expect(result).toEqual({ expired: 1 });
    expect(db.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key)).toEqual([{ pk: 'SVC#G1_2026-12-01#02', sk: 'SEAT#01A' }]);
    const [, marked] = db.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems);
    expect(marked).toMatchObject([
      { Update: { Key: holdKey('ord-seat-retaken'), ExpressionAttributeValues: { ':to': 'RELEASED' } } },
      { Put: { Item: { status: 'EXPIRED', version: 2 } } },
      { Delete: { Key: claimKey('G1_2026-12-01', LI_LEI.idNumber), ConditionExpression: 'orderId = :order' } },
      unpaidCountDown(),
    ]);
  });

  it('counts only the orders it expired, leaving one a payment or cancel changed first', async () => {
    // Prepare
    const paidMeanwhile = overdueOrder('ord-paid-meanwhile');
    const abandoned = overdueOrder('ord-abandoned');
    givenOverdue('RESERVED#2', [paidMeanwhile, abandoned]);
    db.on(TransactWriteCommand).callsFake(async (input: TransactWriteCommandInput) => {
      const orderPut = input.TransactItems?.find((item) => item.Put?.TableName === ORDERS_TABLE)?.Put;
      if (orderPut?.Item?.orderId === paidMeanwhile.orderId) throw conditionFailedAt(2, 5);
      return {};
    });

    // Act
    const result = await sweep();

    // Assess
    expect(result).toEqual({ expired: 1 });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('leaves alone an order the index still lists but whose payment window is open', async () => {
    // Prepare
    givenOverdue('RESERVED#1', [anOrder({ orderId: 'ord-open' })]);

    // Act
    const result = await sweep();

    // Assess
    expect(result).toEqual({ expired: 0 });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
