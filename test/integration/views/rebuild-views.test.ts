import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE } from '../../../lib/lifecycle/ttl';
import type { Order } from '../../../lib/orders';
import { OrderStore } from '../../../lib/orders/order-store';
import { OrderViewStore, orderViewKeys } from '../../../lib/views/order-view-store';
import { rebuildViews } from '../../../lib/views/rebuild-views';
import { useEmulators } from '../../helpers/emulators';
import { testPassengerData } from '../../helpers/passenger-data';
import { lifecycle } from '../../unit/views/order-event-records';

useEmulators();

let db: DynamoDBDocumentClient;
let orders: OrderStore;
let views: OrderViewStore;

async function createTable(client: DynamoDBClient, name: string, index?: { name: string; pk: string; sk: string }): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', ...(index ? [index.pk, index.sk] : [])].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      ...(index
        ? {
            GlobalSecondaryIndexes: [
              {
                IndexName: index.name,
                KeySchema: [
                  { AttributeName: index.pk, KeyType: 'HASH' },
                  { AttributeName: index.sk, KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'ALL' },
              },
            ],
          }
        : {}),
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: name });
}

beforeAll(async () => {
  const client = new DynamoDBClient({});
  db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const suffix = randomUUID().slice(0, 8);
  await createTable(client, `orders-${suffix}`);
  await createTable(client, `order-views-${suffix}`, { name: 'byUser', pk: 'gsi1pk', sk: 'gsi1sk' });
  orders = new OrderStore(db, `orders-${suffix}`, testPassengerData());
  await orders.ready();
  views = new OrderViewStore(db, `order-views-${suffix}`);
});

async function write(order: Order, ...later: Order[]): Promise<Order> {
  await db.send(new TransactWriteCommand({ TransactItems: [orders.putNew(order), orders.putIdempotencyRecord(order.userId, `key-${order.orderId}`, { requestHash: 'h', orderId: order.orderId, response: {} })] }));
  for (const next of later) await orders.save(next);
  return later.at(-1) ?? order;
}

const viewOf = async (orderId: string) => (await db.send(new GetCommand({ TableName: views.tableName, Key: orderViewKeys.view(orderId) }))).Item;

describe('Function: rebuildViews', () => {
  it('re-projects every order into the view table at its latest version, skipping idempotency records, views already current, and expiring only finished orders', async () => {
    // Prepare: a lost view, a stale view, a current view, across more than one page
    const lost = lifecycle({ orderId: `lost-${randomUUID()}` });
    const stale = lifecycle({ orderId: `stale-${randomUUID()}` });
    const current = lifecycle({ orderId: `current-${randomUUID()}` });
    const reserved = lifecycle({ orderId: `reserved-${randomUUID()}` }).reserved;
    await write(lost.reserved, lost.paid, lost.ticketed);
    await write(stale.reserved, stale.paid);
    await views.apply(stale.reserved);
    await write(current.reserved);
    await views.apply(current.reserved);
    await write(reserved);
    await db.send(new DeleteCommand({ TableName: views.tableName, Key: orderViewKeys.view(reserved.orderId) }));

    // Act
    const result = await rebuildViews(orders, views, { pageSize: 2 });

    // Assess
    expect(result).toEqual({ orders: 4, written: 3 });
    expect(await viewOf(lost.ticketed.orderId)).toMatchObject({ version: lost.ticketed.version, status: 'TICKETED', tickets: lost.ticketed.tickets });
    expect(await viewOf(stale.paid.orderId)).toMatchObject({ version: stale.paid.version, status: 'PAID' });
    expect(await viewOf(current.reserved.orderId)).toMatchObject({ version: 1, status: 'RESERVED' });
    expect((await viewOf(lost.ticketed.orderId))?.[TTL_ATTRIBUTE]).toBeGreaterThan(Date.parse(lost.ticketed.updatedAt) / 1000 + 399 * 86_400);
    expect(await viewOf(reserved.orderId)).not.toHaveProperty(TTL_ATTRIBUTE);
    expect((await views.listForUser(lost.ticketed.userId, 10)).orders.map((o) => o.orderId)).toContain(lost.ticketed.orderId);
  });

  it('changes nothing when run again', async () => {
    await expect(rebuildViews(orders, views)).resolves.toEqual({ orders: 4, written: 0 });
  });

  it('gives idempotency records a week to live', async () => {
    const { reserved } = lifecycle({ orderId: `idem-${randomUUID()}` });
    const before = Math.floor(Date.now() / 1000);
    await write(reserved);

    const { Item } = await db.send(new GetCommand({ TableName: orders.tableName, Key: { pk: `IDEMP#${reserved.userId}#key-${reserved.orderId}`, sk: 'IDEMP' } }));
    expect(Item?.[TTL_ATTRIBUTE]).toBeGreaterThanOrEqual(before + 7 * 86_400);
    expect(Item?.[TTL_ATTRIBUTE]).toBeLessThanOrEqual(before + 7 * 86_400 + 5);
  });
});
