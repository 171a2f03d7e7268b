import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { Order } from '../../../lib/orders';
import { ORDER_VIEW_BY_USER_INDEX, OrderViewStore, orderViewKeys } from '../../../lib/views/order-view-store';
import { useEmulators } from '../../helpers/emulators';
import { lambdaContext } from '../../helpers/invoke';
import { KinesisRecords, cancelledOrder, eventOf, kinesisEvent, lifecycle } from '../../unit/views/order-event-records';

useEmulators();

type Handler = (event: KinesisStreamEvent, context: ReturnType<typeof lambdaContext>) => Promise<KinesisStreamBatchResponse>;

const tableBefore = process.env.ORDER_VIEW_TABLE_NAME;
let db: DynamoDBDocumentClient;
let tableName: string;
let store: OrderViewStore;
let handler: Handler;

/** The order-view table as the stack will define it: keys, the byUser index, on demand. */
async function createOrderViewTable(client: DynamoDBClient): Promise<string> {
  const name = `order-view-${randomUUID().slice(0, 8)}`;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: ORDER_VIEW_BY_USER_INDEX,
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: name });
  return name;
}

beforeAll(async () => {
  const client = new DynamoDBClient({});
  db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  tableName = await createOrderViewTable(client);
  store = new OrderViewStore(db, tableName);
  process.env.ORDER_VIEW_TABLE_NAME = tableName;
  ({ handler } = (await import('../../../functions/views/project-order-events')) as { handler: Handler });
});

afterAll(() => {
  if (tableBefore === undefined) delete process.env.ORDER_VIEW_TABLE_NAME;
  else process.env.ORDER_VIEW_TABLE_NAME = tableBefore;
});

const viewItem = async (orderId: string) => (await db.send(new GetCommand({ TableName: tableName, Key: orderViewKeys.view(orderId), ConsistentRead: true }))).Item;

const project = (records: KinesisRecords, orders: readonly Order[]) => handler(kinesisEvent(orders.map((order) => records.of(eventOf(order)))), lambdaContext('project-order-events'));

describe('Function: project-order-events (DynamoDB Local)', () => {
  it('changes nothing when the same Kinesis batch is delivered twice', async () => {
    // Prepare
    const userId = `user-${randomUUID()}`;
    const a = lifecycle({ orderId: randomUUID(), userId });
    const b = cancelledOrder({ orderId: randomUUID(), userId });
    const batch = kinesisEvent([a.reserved, a.paid, b, a.ticketed].map((order) => new KinesisRecords().of(eventOf(order))));

    // Act
    const first = await handler(batch, lambdaContext('project-order-events'));
    const afterFirst = [await viewItem(a.reserved.orderId), await viewItem(b.orderId)];
    const replay = await handler(structuredClone(batch), lambdaContext('project-order-events'));

    // Assess
    expect([first, replay]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(afterFirst).toEqual([expect.objectContaining({ status: 'TICKETED', version: 3, tickets: a.ticketed.tickets }), expect.objectContaining({ status: 'CANCELLED', version: 2 })]);
    expect([await viewItem(a.reserved.orderId), await viewItem(b.orderId)]).toEqual(afterFirst);
  });

  it('ignores an event older than the view, whether it arrives in a later batch or out of order in the same one', async () => {
    // Prepare
    const records = new KinesisRecords();
    const late = lifecycle({ orderId: randomUUID() });
    const shuffled = lifecycle({ orderId: randomUUID() });

    // Act
    await project(records, [late.ticketed]);
    const older = await project(records, [late.paid]);
    const oldest = await project(records, [late.reserved]);
    const mixed = await project(records, [shuffled.paid, shuffled.ticketed, shuffled.reserved]);

    // Assess
    expect([older, oldest, mixed]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(await viewItem(late.ticketed.orderId)).toMatchObject({ status: 'TICKETED', version: 3, updatedAt: late.ticketed.updatedAt, tickets: late.ticketed.tickets });
    expect(await viewItem(shuffled.ticketed.orderId)).toMatchObject({ status: 'TICKETED', version: 3 });
  });

  it("answers the owner's orders in the API's shape, newest first, page by page, and nobody else's", async () => {
    // Prepare
    const owner = `user-${randomUUID()}`;
    const other = `user-${randomUUID()}`;
    const oldest = lifecycle({ orderId: randomUUID(), userId: owner, createdAt: '2026-11-20T08:00:00.000Z' }).ticketed;
    const middle = lifecycle({ orderId: randomUUID(), userId: owner, createdAt: '2026-11-21T08:00:00.000Z' }).paid;
    const newest = cancelledOrder({ orderId: randomUUID(), userId: owner, createdAt: '2026-11-22T08:00:00.000Z' });
    const someoneElses = lifecycle({ orderId: randomUUID(), userId: other }).reserved;
    await project(new KinesisRecords(), [oldest, middle, newest, someoneElses]);

    // Act
    const page1 = await store.listForUser(owner, 2);
    const page2 = await store.listForUser(owner, 2, page1.nextCursor);
    const found = await store.findForUser(owner, oldest.orderId);
    const notTheirs = await store.findForUser(owner, someoneElses.orderId);

    // Assess
    expect(page1.orders.map((o) => o.orderId)).toEqual([newest.orderId, middle.orderId]);
    expect(page1.nextCursor).toEqual(expect.any(String));
    expect(page2.orders.map((o) => o.orderId)).toEqual([oldest.orderId]);
    expect(page1.orders[1]).not.toHaveProperty('tickets');
    expect(found).toEqual({
      orderId: oldest.orderId,
      status: 'TICKETED',
      serviceId: oldest.serviceId,
      from: oldest.from,
      to: oldest.to,
      seatClass: oldest.seatClass,
      seats: oldest.seats,
      amount: oldest.amount,
      currency: 'CNY',
      expiresAt: oldest.expiresAt,
      createdAt: oldest.createdAt,
      tickets: oldest.tickets,
    });
    expect(notTheirs).toBeUndefined();
    expect((await store.listForUser(other, 20)).orders.map((o) => o.orderId)).toEqual([someoneElses.orderId]);
  });
});
