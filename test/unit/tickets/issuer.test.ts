import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { Order } from '../../../lib/orders';
import { OrderStore } from '../../../lib/orders/order-store';
import { ChangeSwapError, MalformedTicketJobError, TicketIssueContentionError, TicketIssuerDrillError, TicketJobOrderMissingError } from '../../../lib/tickets/errors';
import { TicketIssuer } from '../../../lib/tickets/issuer';
import type { TicketJob } from '../../../lib/tickets/ticket-job';
import { loadEvent } from '../../helpers/events';
import { orderItem } from '../events/stream-records';
import { at } from '../orders/order-fixtures';
import { cancelledOrder, lifecycle } from '../views/order-event-records';
import { testPassengerData } from '../../helpers/passenger-data';

const TABLE = 'ticketing-orders';
const ISSUED_AT = at(5);

const dynamo = mockClient(DynamoDBDocumentClient);
const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };

const jobFor = (order: Pick<Order, 'orderId' | 'version'>): TicketJob => ({ orderId: order.orderId, version: order.version, eventId: `${order.orderId}:${order.version}` });

/** An SQS record of the ticket outbox carrying `body`. */
function message(messageId: string, body: unknown): SQSRecord {
  const [record] = loadEvent<{ Records: SQSRecord[] }>('sqs/ticket-outbox.json').Records;
  return { ...record!, messageId, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/** The orders table as one item per order, with the store's version condition enforced. */
function fakeTable(...orders: Order[]): Map<string, Record<string, unknown>> {
  const items = new Map(orders.map((order) => [`ORDER#${order.orderId}`, orderItem(order)]));
  dynamo.on(GetCommand).callsFake(({ Key }: { Key: { pk: string } }) => ({ Item: items.get(Key.pk) }));
  dynamo.on(PutCommand).callsFake(({ Item, ExpressionAttributeValues }: PutCommandInput) => {
    const current = items.get(String(Item!.pk));
    if (current?.version !== ExpressionAttributeValues?.[':expected']) throw conditionFailed();
    items.set(String(Item!.pk), Item!);
    return {};
  });
  return items;
}

describe('Class: TicketIssuer', () => {
  let issuer: TicketIssuer;

  beforeEach(() => {
    issuer = new TicketIssuer(new OrderStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE, testPassengerData()), { now: () => ISSUED_AT, logger });
  });

  afterEach(() => {
    dynamo.reset();
    jest.clearAllMocks();
  });

  describe('Method: issue', () => {
    it('tickets a PAID order with one conditional write: one ticket per passenger, TICKETED, the next version', async () => {
      // Prepare
      const { paid } = lifecycle();
      fakeTable(paid);

      // Act
      const outcome = await issuer.issue(jobFor(paid));

      // Assess
      expect(outcome.kind).toBe('issued');
      expect(dynamo).toHaveReceivedCommandWith(GetCommand, { TableName: TABLE, Key: { pk: 'ORDER#ord-1', sk: 'ORDER' }, ConsistentRead: true });
      expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 1);
      const put = dynamo.commandCalls(PutCommand)[0]!.args[0].input as PutCommandInput;
      expect(put).toMatchObject({ TableName: TABLE, ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': 2 } });
      expect(put.Item).toMatchObject({
        pk: 'ORDER#ord-1',
        status: 'TICKETED',
        version: 3,
        updatedAt: ISSUED_AT.toISOString(),
        tickets: [
          { ticketNo: expect.stringMatching(/^E[0-9A-Z]{11}0$/), passengerName: 'Li Lei', coach: '05', seat: '01A', from: 'VNP', to: 'JGK' },
          { ticketNo: expect.stringMatching(/^E[0-9A-Z]{11}1$/), passengerName: 'Han Meimei', coach: '05', seat: '01B', from: 'VNP', to: 'JGK' },
        ],
      });
      expect(logger.info).toHaveBeenCalledWith('tickets issued', { eventId: 'ord-1:2', orderId: 'ord-1', version: 3, tickets: 2 });
    });

    it('measures release → ticket once for a waitlist order served after a release, not for any other order', async () => {
      // Prepare: a served waitlist order released 1.5 s before it is ticketed, and an ordinary one
      const measure = jest.fn();
      const issuing = new TicketIssuer(new OrderStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE, testPassengerData()), { now: () => ISSUED_AT, measure });
      const served = { ...lifecycle().paid, waitlistReleasedAt: new Date(ISSUED_AT.getTime() - 1_500).toISOString() };
      const ordinary = lifecycle({ orderId: 'ord-2' }).paid;
      fakeTable(served, ordinary);

      // Act: the served order's job twice, the ordinary one's once
      await issuing.issue(jobFor(served));
      await issuing.issue(jobFor(served));
      await issuing.issue(jobFor(ordinary));

      // Assess
      expect(measure.mock.calls).toEqual([['WaitlistReleaseToTicket', 1_500]]);
    });

    it('issues once for a job delivered twice: the second finds the order TICKETED and writes nothing', async () => {
      // Prepare
      const { paid } = lifecycle();
      const table = fakeTable(paid);

      // Act
      const first = await issuer.issue(jobFor(paid));
      const afterFirst = structuredClone(table.get('ORDER#ord-1'));
      const second = await issuer.issue(jobFor(paid));

      // Assess
      expect([first.kind, second.kind]).toEqual(['issued', 'already-ticketed']);
      expect(second.order.tickets).toEqual(first.order.tickets);
      expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 1);
      expect(table.get('ORDER#ord-1')).toEqual(afterFirst);
    });

    it('settles a race with its twin: after a lost conditional write it re-reads, finds TICKETED and succeeds', async () => {
      // Prepare
      const { paid, ticketed } = lifecycle();
      dynamo.on(GetCommand).resolvesOnce({ Item: orderItem(paid) }).resolves({ Item: orderItem(ticketed) });
      dynamo.on(PutCommand).rejects(conditionFailed());

      // Act
      const outcome = await issuer.issue(jobFor(paid));

      // Assess
      expect(outcome).toEqual({ kind: 'already-ticketed', order: ticketed });
      expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 2);
      expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 1);
    });

    it('gives up after three lost writes, so SQS delivers the job again', async () => {
      // Prepare
      const { paid } = lifecycle();
      dynamo.on(GetCommand).resolves({ Item: orderItem(paid) });
      dynamo.on(PutCommand).rejects(conditionFailed());

      // Act & Assess
      await expect(issuer.issue(jobFor(paid))).rejects.toBeInstanceOf(TicketIssueContentionError);
      expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 3);
    });

    it.each([
      ['RESERVED', () => lifecycle().reserved],
      ['CANCELLED', () => cancelledOrder()],
      ['REFUND_REQUIRED', () => ({ ...lifecycle().reserved, status: 'REFUND_REQUIRED' as const, version: 2 })],
    ])('issues nothing for a %s order, logs it and succeeds', async (status, order) => {
      // Prepare
      fakeTable(order());

      // Act
      const outcome = await issuer.issue({ orderId: 'ord-1', version: 2, eventId: 'ord-1:2' });

      // Assess
      expect(outcome).toMatchObject({ kind: 'nothing-to-issue', order: { status } });
      expect(dynamo).not.toHaveReceivedCommand(PutCommand);
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('not PAID'), expect.objectContaining({ eventId: 'ord-1:2', status }));
    });

    it('fails a job whose order is not in the table', async () => {
      // Prepare
      fakeTable();

      // Act & Assess
      await expect(issuer.issue({ orderId: 'ord-missing', version: 2, eventId: 'ord-missing:2' })).rejects.toBeInstanceOf(TicketJobOrderMissingError);
      expect(dynamo).not.toHaveReceivedCommand(PutCommand);
    });

    it('lets a DynamoDB failure through, so the job is retried', async () => {
      // Prepare
      const { paid } = lifecycle();
      fakeTable(paid);
      const throttled = Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
      dynamo.on(PutCommand).rejects(throttled);

      // Act & Assess
      await expect(issuer.issue(jobFor(paid))).rejects.toBe(throttled);
    });

    it('fails every job before reading anything while the DLQ drill is on', async () => {
      // Prepare
      const drilling = new TicketIssuer(new OrderStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE, testPassengerData()), { failEveryJob: true });
      fakeTable(lifecycle().paid);

      // Act & Assess
      await expect(drilling.issue(jobFor(lifecycle().paid))).rejects.toThrow(TicketIssuerDrillError);
      expect(dynamo).not.toHaveReceivedCommand(GetCommand);
    });
  });

  describe('Method: issueBatch', () => {
    it('issues every job of the batch and reports no failure', async () => {
      // Prepare
      const a = lifecycle({ orderId: 'ord-a' }).paid;
      const b = lifecycle({ orderId: 'ord-b' }).paid;
      const table = fakeTable(a, b);

      // Act
      const result = await issuer.issueBatch([message('m-a', jobFor(a)), message('m-b', jobFor(b))]);

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect([...table.values()].map((item) => item.status)).toEqual(['TICKETED', 'TICKETED']);
    });

    it('reports only the messages that failed, each logged with its error', async () => {
      // Prepare
      const a = lifecycle({ orderId: 'ord-a' }).paid;
      fakeTable(a);
      const records = [message('m-bad', '{"orderId":'), message('m-a', jobFor(a)), message('m-missing', { orderId: 'ord-x', version: 2, eventId: 'ord-x:2' })];

      // Act
      const result = await issuer.issueBatch(records);

      // Assess
      expect(result.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier).sort()).toEqual(['m-bad', 'm-missing']);
      expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('ticket job failed'), { messageId: 'm-bad', error: expect.any(MalformedTicketJobError) });
      expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('ticket job failed'), { messageId: 'm-missing', error: expect.any(TicketJobOrderMissingError) });
    });

    it('fails the invocation when every message failed (the drill), so every message is received again', async () => {
      // Prepare
      const drilling = new TicketIssuer(new OrderStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE, testPassengerData()), { failEveryJob: true, logger });
      const paid = lifecycle().paid;

      // Act & Assess
      await expect(drilling.issueBatch([message('m-1', jobFor(paid)), message('m-2', jobFor(paid))])).rejects.toBeInstanceOf(FullBatchFailureError);
      expect(logger.error).toHaveBeenCalledTimes(2);
    });
  });
});

describe('Class: TicketIssuer, for a change (改签)', () => {
  const soldSeats = { freeItem: jest.fn(() => ({ Update: { TableName: 'ledger', Key: { pk: 'SVC#x#05', sk: 'SEAT#01A' }, UpdateExpression: 'REMOVE #s0' } })), transact: jest.fn(async () => undefined) };
  let issuer: TicketIssuer;
  const { ticketed } = lifecycle({ orderId: 'ord-old' });
  const ticketNo = ticketed.tickets?.[0]?.ticketNo as string;
  const { paid } = lifecycle({ orderId: 'ord-new' });
  const change: Order = { ...paid, seats: paid.seats.slice(0, 1), passengers: paid.passengers.slice(0, 1), changeOf: { orderId: 'ord-old', ticketNo } };
  const waiting: Order = { ...ticketed, tickets: ticketed.tickets?.map((t, i) => (i === 0 ? { ...t, pendingChange: 'ord-new' } : t)) };

  beforeEach(() => {
    issuer = new TicketIssuer(new OrderStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE, testPassengerData()), { now: () => ISSUED_AT, logger, soldSeats });
  });

  afterEach(() => {
    dynamo.reset();
    jest.clearAllMocks();
  });

  it('tickets a paid dearer change in one transaction with its old ticket CHANGED and that seat freed, each order conditional on its version', async () => {
    fakeTable(change, waiting);

    const outcome = await issuer.issue(jobFor(change));

    expect(outcome.kind).toBe('issued');
    expect(dynamo).not.toHaveReceivedCommand(PutCommand);
    const [items] = soldSeats.transact.mock.calls[0] as unknown as [Array<{ Put?: { Item: Record<string, unknown>; ExpressionAttributeValues: Record<string, unknown> } }>];
    expect(items[0]?.Put).toMatchObject({ Item: { orderId: 'ord-new', status: 'TICKETED' }, ExpressionAttributeValues: { ':expected': change.version } });
    expect(items[1]?.Put?.Item).toMatchObject({ orderId: 'ord-old', version: waiting.version + 1, lastEvent: { type: 'TicketChanged' } });
    expect((items[1]?.Put?.Item.tickets as Array<Record<string, unknown>>)[0]).toMatchObject({ status: 'CHANGED', changedTo: { orderId: 'ord-new' } });
    expect(soldSeats.freeItem).toHaveBeenCalledWith(expect.objectContaining({ orderId: 'ord-old', holdId: waiting.holdId }), expect.objectContaining({ ticketNo }));
  });

  it("gives back the passenger's claim on the old train in the same transaction when the change is to another train, and keeps it for another class of the same train", async () => {
    // Prepare
    const claimDelete = { Delete: { TableName: 'ledger', Key: { pk: 'CLAIM#old', sk: 'CLAIM' } } };
    const claims = { ready: jest.fn(() => Promise.resolve()), releaseIfHeld: jest.fn(() => ({ item: claimDelete, onConditionFailed: () => new Error('claimed by another order') })) };
    const withClaims = new TicketIssuer(new OrderStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE, testPassengerData()), { now: () => ISSUED_AT, logger, soldSeats, claims });
    const toAnotherTrain: Order = { ...change, serviceId: 'G9_2026-12-02' };
    fakeTable(toAnotherTrain, waiting);

    // Act
    await expect(withClaims.issue(jobFor(toAnotherTrain))).resolves.toMatchObject({ kind: 'issued' });

    // Assess
    expect(claims.releaseIfHeld).toHaveBeenCalledWith(expect.objectContaining({ orderId: 'ord-old', serviceId: waiting.serviceId }), change.passengers[0]?.idNumber);
    const [items] = soldSeats.transact.mock.calls[0] as unknown as [unknown[]];
    expect(items).toHaveLength(4);
    expect(items[3]).toBe(claimDelete);

    // Another class of the same train: the claim was handed over when the change was made.
    soldSeats.transact.mockClear();
    claims.releaseIfHeld.mockClear();
    fakeTable(change, waiting);
    await withClaims.issue(jobFor(change));
    expect(claims.releaseIfHeld).not.toHaveBeenCalled();
    expect((soldSeats.transact.mock.calls[0] as unknown as [unknown[]])[0]).toHaveLength(3);
  });

  it('only tickets a cheaper change, whose old ticket became CHANGED when it was paid', async () => {
    const swapped: Order = { ...ticketed, tickets: ticketed.tickets?.map((t, i) => (i === 0 ? { ...t, status: 'CHANGED', changedTo: { orderId: 'ord-new', ticketNo: 'E1' } } : t)) };
    fakeTable(change, swapped);

    await expect(issuer.issue(jobFor(change))).resolves.toMatchObject({ kind: 'issued' });

    expect(soldSeats.transact).not.toHaveBeenCalled();
    expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 1);
  });

  it('voids a change whose old ticket is no longer waiting for it: its seat freed and its payment owed back (REFUND_REQUIRED), in one transaction', async () => {
    const refunded: Order = { ...ticketed, tickets: ticketed.tickets?.map((t) => ({ ...t, status: 'REFUNDED' })) };
    fakeTable(change, refunded);

    const outcome = await issuer.issue(jobFor(change));

    expect(outcome).toMatchObject({ kind: 'change-voided', order: { status: 'REFUND_REQUIRED', version: change.version + 1 } });
    const [items] = soldSeats.transact.mock.calls[0] as unknown as [Array<{ Put?: { Item: Record<string, unknown> } }>];
    expect(items[0]?.Put?.Item).toMatchObject({ orderId: 'ord-new', status: 'REFUND_REQUIRED' });
    expect(soldSeats.freeItem).toHaveBeenCalledWith(expect.objectContaining({ orderId: 'ord-new' }), expect.objectContaining({ seat: change.seats[0]?.seat }));
  });

  it('fails a change it cannot free seats for, writing nothing', async () => {
    fakeTable(change, waiting);
    const bare = new TicketIssuer(new OrderStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE, testPassengerData()), { now: () => ISSUED_AT });

    await expect(bare.issue(jobFor(change))).rejects.toThrow(ChangeSwapError);
    expect(dynamo).not.toHaveReceivedCommand(PutCommand);
  });
});
