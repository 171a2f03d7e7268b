import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CreateQueueCommand, DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Order } from '../../../lib/orders';
import { orderKeys } from '../../../lib/orders/order-keys';
import { OrderStore } from '../../../lib/orders/order-store';
import { numberedTickets } from '../../../lib/tickets/ticket-numbers';
import { useEmulators } from '../../helpers/emulators';
import { loadEvent } from '../../helpers/events';
import { lambdaContext } from '../../helpers/invoke';
import { KinesisRecords, eventOf, kinesisEvent, lifecycle } from '../../unit/views/order-event-records';
import { TEST_DATA_KEY, TEST_ID_HASH_KEY, testPassengerData } from '../../helpers/passenger-data';

useEmulators();

type IssueHandler = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;
type DispatchHandler = (event: KinesisStreamEvent, context: ReturnType<typeof lambdaContext>) => Promise<KinesisStreamBatchResponse>;

const ENV_KEYS = ['ORDERS_TABLE_NAME', 'LEDGER_TABLE_NAME', 'TICKET_OUTBOX_QUEUE_URL', 'TICKET_ISSUER_FAIL', 'PASSENGER_DATA_KEY', 'PASSENGER_ID_HASH_KEY'] as const;
const envBefore = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

let db: DynamoDBDocumentClient;
let sqs: SQSClient;
let store: OrderStore;
let tableName: string;
let queueUrl: string;
let issue: IssueHandler;
let dispatch: DispatchHandler;

/** The orders table's keys, which is all the issuer reads and writes by. */
async function createOrdersTable(client: DynamoDBClient): Promise<string> {
  const name = `orders-${randomUUID().slice(0, 8)}`;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: name });
  return name;
}

beforeAll(async () => {
  const client = new DynamoDBClient({});
  db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  tableName = await createOrdersTable(client);
  store = new OrderStore(db, tableName, testPassengerData());
  ({ QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: `ticket-outbox-${randomUUID().slice(0, 8)}` })));
  await store.ready();
  // The issuer frees a changed ticket's seat in the ledger; no change here, so any table name does.
  Object.assign(process.env, { ORDERS_TABLE_NAME: tableName, LEDGER_TABLE_NAME: 'ledger-unused', TICKET_OUTBOX_QUEUE_URL: queueUrl, PASSENGER_DATA_KEY: TEST_DATA_KEY.toString('base64'), PASSENGER_ID_HASH_KEY: TEST_ID_HASH_KEY });
  delete process.env.TICKET_ISSUER_FAIL;
  ({ handler: issue } = (await import('../../../functions/tickets/issue-tickets')) as { handler: IssueHandler });
  ({ handler: dispatch } = (await import('../../../functions/tickets/dispatch-tickets')) as { handler: DispatchHandler });
});

afterAll(() => {
  for (const key of ENV_KEYS) {
    if (envBefore[key] === undefined) delete process.env[key];
    else process.env[key] = envBefore[key];
  }
});

/** A PAID order at version 2, written the way the order use cases write it: created, then paid on its version. */
async function paidOrder(): Promise<Order> {
  const { reserved, paid } = lifecycle({ orderId: randomUUID(), userId: `user-${randomUUID()}` });
  await db.send(new TransactWriteCommand({ TransactItems: [store.putNew(reserved)] }));
  await store.save(paid);
  return paid;
}

const storedItem = async (orderId: string) => (await db.send(new GetCommand({ TableName: tableName, Key: orderKeys.order(orderId), ConsistentRead: true }))).Item;

/** The sample ticket-outbox event, carrying one job per message id for `order`. */
function jobEvent(order: Order, messageIds: string[]): SQSEvent {
  const [sample] = loadEvent<SQSEvent>('sqs/ticket-outbox.json').Records;
  const eventId = `${order.orderId}:${order.version}`;
  return {
    Records: messageIds.map((messageId) => ({
      ...sample!,
      messageId,
      body: JSON.stringify({ orderId: order.orderId, version: order.version, eventId }),
      messageAttributes: { eventId: { dataType: 'String', stringValue: eventId } },
    })),
  };
}

/** Messages as Lambda's SQS poller hands them to the function. */
function sqsEventOf(messages: readonly Message[]): SQSEvent {
  const [sample] = loadEvent<SQSEvent>('sqs/ticket-outbox.json').Records;
  return {
    Records: messages.map(
      (message): SQSRecord => ({
        ...sample!,
        messageId: message.MessageId ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        body: message.Body ?? '',
        md5OfBody: message.MD5OfBody ?? '',
        messageAttributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, { dataType: value.DataType ?? 'String', stringValue: value.StringValue }]),
        ),
      }),
    ),
  };
}

/** Every message now in the queue, received and deleted. */
async function drainQueue(): Promise<Message[]> {
  const drained: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return drained;
    drained.push(...Messages);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
  }
}

describe('Functions: dispatch-tickets → ticket-outbox → issue-tickets (DynamoDB Local, fauxqs)', () => {
  it('issues the same ticket numbers once when the issuer runs twice on the same job', async () => {
    // Prepare
    const paid = await paidOrder();
    const job = jobEvent(paid, [randomUUID()]);

    // Act
    const first = await issue(job, lambdaContext('issue-tickets'));
    const afterFirst = await storedItem(paid.orderId);
    const second = await issue(structuredClone(job), lambdaContext('issue-tickets'));

    // Assess
    expect([first, second]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(afterFirst).toMatchObject({ status: 'TICKETED', version: 3, tickets: numberedTickets(paid) });
    expect(await storedItem(paid.orderId)).toEqual(afterFirst);
  });

  it('writes once when two deliveries of one job run at the same time', async () => {
    // Prepare
    const paid = await paidOrder();

    // Act
    const results = await Promise.all([issue(jobEvent(paid, ['m-1']), lambdaContext('issue-tickets')), issue(jobEvent(paid, ['m-2']), lambdaContext('issue-tickets'))]);

    // Assess
    expect(results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(await store.get(paid.orderId)).toMatchObject({ status: 'TICKETED', version: 3, tickets: numberedTickets(paid) });
  });

  it('queues a job per delivery of a replayed OrderPaid batch, and the issuer tickets the order once', async () => {
    // Prepare
    const paid = await paidOrder();
    const { reserved } = lifecycle({ orderId: paid.orderId, userId: paid.userId });
    const records = new KinesisRecords();
    const batch = kinesisEvent([records.of(eventOf(reserved)), records.of(eventOf(paid))]);
    await drainQueue();

    // Act
    const dispatched = [await dispatch(batch, lambdaContext('dispatch-tickets')), await dispatch(structuredClone(batch), lambdaContext('dispatch-tickets'))];
    const jobs = await drainQueue();
    const issued = await issue(sqsEventOf(jobs), lambdaContext('issue-tickets'));

    // Assess
    expect(dispatched).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const eventId = `${paid.orderId}:2`;
    expect(jobs.map((m) => [JSON.parse(m.Body ?? '{}'), m.MessageAttributes?.eventId?.StringValue])).toEqual([
      [{ orderId: paid.orderId, version: 2, eventId }, eventId],
      [{ orderId: paid.orderId, version: 2, eventId }, eventId],
    ]);
    expect(issued).toEqual({ batchItemFailures: [] });
    expect(await store.get(paid.orderId)).toMatchObject({ status: 'TICKETED', version: 3, tickets: numberedTickets(paid) });
  });
});
