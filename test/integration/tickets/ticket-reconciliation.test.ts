import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CreateQueueCommand, DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Order } from '../../../lib/orders';
import { OVERDUE_INDEX, PAID_INDEX } from '../../../lib/orders/order-keys';
import { OrderStore } from '../../../lib/orders/order-store';
import { useEmulators } from '../../helpers/emulators';
import { loadEvent } from '../../helpers/events';
import { lambdaContext } from '../../helpers/invoke';
import { lifecycle } from '../../unit/views/order-event-records';
import { TEST_DATA_KEY, TEST_ID_HASH_KEY, testPassengerData } from '../../helpers/passenger-data';

useEmulators();

type Reconcile = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<{ unticketed: number; stoppedMappings?: number }>;
type Issue = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;

const ENV_KEYS = ['ORDERS_TABLE_NAME', 'LEDGER_TABLE_NAME', 'TICKET_OUTBOX_QUEUE_URL', 'EVENT_SOURCE_MAPPING_FUNCTIONS', 'TICKET_ISSUER_FAIL', 'PASSENGER_DATA_KEY', 'PASSENGER_ID_HASH_KEY'] as const;
const envBefore = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

let db: DynamoDBDocumentClient;
let sqs: SQSClient;
let store: OrderStore;
let queueUrl: string;
let reconcile: Reconcile;
let issue: Issue;

/** The orders table as orders-table.ts declares it: keys and the two sparse indexes. */
async function createOrdersTable(client: DynamoDBClient): Promise<string> {
  const name = `orders-${randomUUID().slice(0, 8)}`;
  const index = (IndexName: string, pk: string, sk: string) => ({
    IndexName,
    KeySchema: [
      { AttributeName: pk, KeyType: 'HASH' as const },
      { AttributeName: sk, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'overduePk', 'overdueSk', 'paidPk', 'paidSk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [index(OVERDUE_INDEX, 'overduePk', 'overdueSk'), index(PAID_INDEX, 'paidPk', 'paidSk')],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: name });
  return name;
}

beforeAll(async () => {
  const client = new DynamoDBClient({});
  db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const tableName = await createOrdersTable(client);
  store = new OrderStore(db, tableName, testPassengerData());
  await store.ready();
  ({ QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: `ticket-outbox-${randomUUID().slice(0, 8)}` })));
  // The handler opens the orders it reads with the local dev key, as the local cloud gives it.
  // The issuer frees a changed ticket's seat in the ledger; no change here, so any table name does.
  Object.assign(process.env, { ORDERS_TABLE_NAME: tableName, LEDGER_TABLE_NAME: 'ledger-unused', TICKET_OUTBOX_QUEUE_URL: queueUrl, PASSENGER_DATA_KEY: TEST_DATA_KEY.toString('base64'), PASSENGER_ID_HASH_KEY: TEST_ID_HASH_KEY });
  delete process.env.EVENT_SOURCE_MAPPING_FUNCTIONS;
  delete process.env.TICKET_ISSUER_FAIL;
  ({ handler: reconcile } = (await import('../../../functions/tickets/reconcile-tickets')) as { handler: Reconcile });
  ({ handler: issue } = (await import('../../../functions/tickets/issue-tickets')) as { handler: Issue });
});

afterAll(() => {
  for (const key of ENV_KEYS) {
    if (envBefore[key] === undefined) delete process.env[key];
    else process.env[key] = envBefore[key];
  }
});

/** An order written as the use cases write it, created and then moved on to `upTo`, its last change `minutesAgo`. */
async function storedOrder(upTo: 'reserved' | 'paid' | 'ticketed', minutesAgo: number): Promise<Order> {
  const updatedAt = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const orders = lifecycle({ orderId: randomUUID(), userId: `user-${randomUUID()}` });
  await db.send(new TransactWriteCommand({ TransactItems: [store.putNew({ ...orders.reserved, updatedAt })] }));
  if (upTo === 'reserved') return orders.reserved;
  await store.save({ ...orders.paid, updatedAt });
  if (upTo === 'paid') return orders.paid;
  await store.save({ ...orders.ticketed, updatedAt });
  return orders.ticketed;
}

async function drain(): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }));
    if (Messages.length === 0) return messages;
    messages.push(...Messages);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }));
  }
}

const sqsEventOf = (messages: Message[]): SQSEvent => {
  const template = loadEvent<SQSEvent>('sqs/ticket-outbox.json').Records[0];
  return { Records: messages.map((m) => ({ ...template, messageId: m.MessageId ?? '', receiptHandle: m.ReceiptHandle ?? '', body: m.Body ?? '' })) } as SQSEvent;
};

describe('Function: reconcile-tickets', () => {
  it('sends a ticket job again for each order PAID over five minutes ago, and for no other order', async () => {
    const stuck = await storedOrder('paid', 10);
    await storedOrder('paid', 1);
    await storedOrder('reserved', 10);
    await storedOrder('ticketed', 10);

    const outcome = await reconcile(loadEvent('schedules/reconcile-tickets.json'), lambdaContext());

    const jobs = (await drain()).map((m) => JSON.parse(m.Body ?? '{}') as { orderId: string });
    expect(jobs.filter((job) => job.orderId === stuck.orderId)).toEqual([{ orderId: stuck.orderId, version: stuck.version, eventId: `${stuck.orderId}:${stuck.version}` }]);
    expect(outcome.unticketed).toBe(jobs.length);
    expect(outcome).not.toHaveProperty('stoppedMappings');
  });

  it('finds the order no more once the issuer has ticketed it from the re-sent job', async () => {
    await drain();
    const stuck = await storedOrder('paid', 10);
    await reconcile(loadEvent('schedules/reconcile-tickets.json'), lambdaContext());

    const response = await issue(sqsEventOf(await drain()), lambdaContext());
    const again = await reconcile(loadEvent('schedules/reconcile-tickets.json'), lambdaContext());

    expect(response.batchItemFailures).toEqual([]);
    expect((await store.get(stuck.orderId))?.status).toBe('TICKETED');
    expect((await drain()).map((m) => (JSON.parse(m.Body ?? '{}') as { orderId: string }).orderId)).not.toContain(stuck.orderId);
    expect(again.unticketed).toBe(0);
  });
});
