import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, type PutCommandInput, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { InvalidRequestError } from '../../../lib/domain-error';
import { OrderViewStore } from '../../../lib/views/order-view-store';
import { lifecycle } from './order-event-records';

const TABLE = 'ticketing-order-view';

const dynamo = mockClient(DynamoDBDocumentClient);

const putInput = (call = 0) => dynamo.commandCalls(PutCommand)[call]!.args[0].input as PutCommandInput;
const queryInput = (call = 0) => dynamo.commandCalls(QueryCommand)[call]!.args[0].input as QueryCommandInput;

describe('Class: OrderViewStore', () => {
  let store: OrderViewStore;

  beforeEach(() => {
    store = new OrderViewStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE);
  });

  afterEach(() => {
    dynamo.reset();
  });

  describe('Method: apply', () => {
    it('writes the view under its keys, only if the table holds no view of this order or an older one', async () => {
      // Prepare
      dynamo.on(PutCommand).resolves({});
      const { paid } = lifecycle();

      // Act
      const written = await store.apply(paid);

      // Assess
      expect(written).toBe(true);
      expect(putInput()).toEqual({
        TableName: TABLE,
        ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
        ExpressionAttributeValues: { ':version': 2 },
        Item: {
          pk: 'VIEW#ord-1',
          sk: 'VIEW',
          gsi1pk: 'USER#user-1',
          gsi1sk: '2026-11-20T08:00:00.000Z#ord-1',
          userId: 'user-1',
          version: 2,
          updatedAt: paid.updatedAt,
          orderId: 'ord-1',
          status: 'PAID',
          serviceId: 'G1_2026-12-01',
          from: 'VNP',
          to: 'JGK',
          seatClass: 'second',
          seats: paid.seats,
          amount: 55300,
          currency: 'CNY',
          expiresAt: paid.expiresAt,
          createdAt: paid.createdAt,
        },
      });
    });

    it("keeps the passengers' ID numbers, the hold and the payment out of the read model", async () => {
      // Prepare
      dynamo.on(PutCommand).resolves({});

      // Act
      await store.apply(lifecycle().ticketed);

      // Assess
      expect(Object.keys(putInput().Item!)).not.toEqual(expect.arrayContaining(['passengers']));
      expect(putInput().Item).not.toHaveProperty('holdId');
      expect(putInput().Item).not.toHaveProperty('paymentId');
      expect(putInput().Item).toHaveProperty('tickets', lifecycle().ticketed.tickets);
    });

    it('answers false, without an error, when the view is already at this version or newer', async () => {
      // Prepare
      dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

      // Act & Assess
      await expect(store.apply(lifecycle().paid)).resolves.toBe(false);
    });

    it('lets any other failure through', async () => {
      // Prepare
      const throttled = Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
      dynamo.on(PutCommand).rejects(throttled);

      // Act & Assess
      await expect(store.apply(lifecycle().paid)).rejects.toBe(throttled);
    });
  });

  describe('Method: findForUser', () => {
    const ticketedItem = () => {
      const { ticketed } = lifecycle();
      return { pk: 'VIEW#ord-1', sk: 'VIEW', gsi1pk: 'USER#user-1', gsi1sk: `${ticketed.createdAt}#ord-1`, ...ticketed };
    };

    it("answers the owner's order in the API's shape, tickets included once TICKETED", async () => {
      // Prepare
      dynamo.on(GetCommand, { TableName: TABLE, Key: { pk: 'VIEW#ord-1', sk: 'VIEW' } }).resolves({ Item: ticketedItem() });
      const { ticketed } = lifecycle();

      // Act
      const view = await store.findForUser('user-1', 'ord-1');

      // Assess
      expect(view).toEqual({
        orderId: 'ord-1',
        status: 'TICKETED',
        serviceId: 'G1_2026-12-01',
        from: 'VNP',
        to: 'JGK',
        seatClass: 'second',
        seats: ticketed.seats,
        amount: 55300,
        currency: 'CNY',
        expiresAt: ticketed.expiresAt,
        createdAt: ticketed.createdAt,
        tickets: ticketed.tickets,
      });
    });

    it("answers undefined for another user's order, as for an unknown one", async () => {
      // Prepare
      dynamo.on(GetCommand, { Key: { pk: 'VIEW#ord-1', sk: 'VIEW' } }).resolves({ Item: ticketedItem() });
      dynamo.on(GetCommand, { Key: { pk: 'VIEW#ord-404', sk: 'VIEW' } }).resolves({});

      // Act & Assess
      await expect(store.findForUser('user-2', 'ord-1')).resolves.toBeUndefined();
      await expect(store.findForUser('user-1', 'ord-404')).resolves.toBeUndefined();
    });

    it('shows the tickets of a refunded order with their statuses', async () => {
      // Prepare
      const { ticketed } = lifecycle();
      const tickets = (ticketed.tickets ?? []).map((t) => ({ ...t, status: 'REFUNDED' as const }));
      dynamo.on(GetCommand).resolves({ Item: { ...ticketed, status: 'REFUNDED', tickets, userId: 'user-1' } });

      // Act
      const view = await store.findForUser('user-1', 'ord-1');

      // Assess
      expect(view).toMatchObject({ status: 'REFUNDED', tickets: tickets.map((t) => ({ ticketNo: t.ticketNo, status: 'REFUNDED' })) });
      expect(view).not.toHaveProperty('userId');
    });
  });

  describe('Method: listForUser', () => {
    const itemOf = (orderId: string, createdAt: string) => {
      const { reserved } = lifecycle({ orderId, createdAt });
      return { pk: `VIEW#${orderId}`, sk: 'VIEW', gsi1pk: 'USER#user-1', gsi1sk: `${createdAt}#${orderId}`, ...reserved };
    };

    it("queries the user's partition of the byUser index, newest first, one page at a time", async () => {
      // Prepare
      const newer = itemOf('ord-2', '2026-11-21T08:00:00.000Z');
      const lastKey = { pk: newer.pk, sk: newer.sk, gsi1pk: newer.gsi1pk, gsi1sk: newer.gsi1sk };
      dynamo.on(QueryCommand).resolvesOnce({ Items: [newer], LastEvaluatedKey: lastKey }).resolves({ Items: [itemOf('ord-1', '2026-11-20T08:00:00.000Z')] });

      // Act
      const first = await store.listForUser('user-1', 1);
      const second = await store.listForUser('user-1', 1, first.nextCursor);

      // Assess
      expect(queryInput(0)).toEqual({
        TableName: TABLE,
        IndexName: 'byUser',
        KeyConditionExpression: 'gsi1pk = :user',
        ExpressionAttributeValues: { ':user': 'USER#user-1' },
        ScanIndexForward: false,
        Limit: 1,
      });
      expect(first.orders.map((o) => o.orderId)).toEqual(['ord-2']);
      expect(first.orders[0]).not.toHaveProperty('pk');
      expect(first.nextCursor).toEqual(expect.any(String));
      expect(queryInput(1).ExclusiveStartKey).toEqual(lastKey);
      expect(second).toEqual({ orders: [expect.objectContaining({ orderId: 'ord-1' })] });
    });

    it.each([
      ['not base64 JSON', 'not-a-cursor'],
      ["another user's", Buffer.from(JSON.stringify({ pk: 'VIEW#ord-9', sk: 'VIEW', gsi1pk: 'USER#user-2', gsi1sk: 'x#ord-9' })).toString('base64url')],
      ['one with other keys', Buffer.from(JSON.stringify({ gsi1pk: 'USER#user-1', evil: { S: 'x' } })).toString('base64url')],
      ['a list', Buffer.from(JSON.stringify(['USER#user-1'])).toString('base64url')],
    ])('refuses a cursor that is %s, without querying', async (_, cursor) => {
      // Act & Assess
      await expect(store.listForUser('user-1', 20, cursor)).rejects.toBeInstanceOf(InvalidRequestError);
      expect(dynamo).not.toHaveReceivedCommand(QueryCommand);
    });
  });
});
