import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SeatLedger } from '../../../lib/ledger/seat-ledger';
import { problemDocument } from '../../../lib/http/problem';
import { LimitReachedError } from '../../../lib/orders/errors';
import { UserLimits, beijingDay } from '../../../lib/orders/user-limits';
import { conditionFailedAt } from '../functions/orders/order-items';
import { OccupancySnapshots } from '../../../lib/ledger/occupancy-snapshots';
import { OccupancyStore } from '../../../lib/ledger/occupancy-store';

const ORDERS = 'orders-table';
const LEDGER = 'ledger-table';
/** 2026-12-03 23:30 in Beijing. */
const NOW = Date.parse('2026-12-03T15:30:00Z');

describe('Class: UserLimits', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const limits = new UserLimits(ORDERS, { maxUnpaidOrders: 2, maxCancellationsPerDay: 3 });

  afterEach(() => ddb.reset());

  describe('Method: reserved', () => {
    it('counts one more unpaid order under a condition on the maximum, and checks today’s cancellations', () => {
      // Act
      const [unpaid, cancellations] = limits.reserved('alice', NOW);

      // Assess
      expect(unpaid?.item.Update).toEqual({
        TableName: ORDERS,
        Key: { pk: 'USER#alice', sk: 'LIMITS' },
        UpdateExpression: 'ADD unpaid :one',
        ConditionExpression: 'attribute_not_exists(unpaid) OR unpaid < :max',
        ExpressionAttributeValues: { ':one': 1, ':max': 2 },
      });
      expect(cancellations?.item.ConditionCheck).toEqual({
        TableName: ORDERS,
        Key: { pk: 'USER#alice', sk: 'CANCELS#2026-12-03' },
        ConditionExpression: 'attribute_not_exists(cancels) OR cancels < :max',
        ExpressionAttributeValues: { ':max': 3 },
      });
    });

    it('refuses with limit-reached (429) when the unpaid count is at the maximum, through the ledger’s linked writes', async () => {
      // Prepare
      ddb.on(GetCommand).resolves({});
      ddb.on(TransactWriteCommand).rejects(conditionFailedAt(0, 2));
      const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
      const ledger = new SeatLedger(db, LEDGER, new OccupancySnapshots(new OccupancyStore(db, 'occupancy')));

      // Act
      const attempt = ledger.release('no-hold', limits.reserved('alice', NOW));

      // Assess
      await expect(attempt).rejects.toThrow(LimitReachedError);
      await expect(attempt).rejects.toThrow('you already have 2 unpaid orders: pay or cancel one first');
      expect(ddb).toHaveReceivedCommandWith(TransactWriteCommand, { TransactItems: limits.reserved('alice', NOW).map((write) => write.item) });
    });

    it('refuses with limit-reached once the day’s cancellations reached the cap', async () => {
      // Prepare
      ddb.on(GetCommand).resolves({});
      ddb.on(TransactWriteCommand).rejects(conditionFailedAt(1, 2));
      const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
      const ledger = new SeatLedger(db, LEDGER, new OccupancySnapshots(new OccupancyStore(db, 'occupancy')));

      // Act
      const attempt = ledger.release('no-hold', limits.reserved('alice', NOW));

      // Assess
      await expect(attempt).rejects.toThrow('you cancelled 3 orders today: new orders are accepted again tomorrow (Beijing time)');
    });
  });

  describe('Method: settled', () => {
    it('counts one fewer unpaid order, with no condition that could cancel the transition it goes with', () => {
      // Act
      const { item } = limits.settled('alice');

      // Assess
      expect(item.Update).toEqual({ TableName: ORDERS, Key: { pk: 'USER#alice', sk: 'LIMITS' }, UpdateExpression: 'ADD unpaid :minusOne', ExpressionAttributeValues: { ':minusOne': -1 } });
      expect(item.Update?.ConditionExpression).toBeUndefined();
    });
  });

  describe('Method: cancelled', () => {
    it('counts one fewer unpaid order and one more cancellation on the Beijing day, kept until the day after', () => {
      // Act
      const [unpaid, cancellation] = limits.cancelled('alice', NOW);

      // Assess
      expect(unpaid?.item).toEqual(limits.settled('alice').item);
      expect(cancellation?.item.Update).toEqual({
        TableName: ORDERS,
        Key: { pk: 'USER#alice', sk: 'CANCELS#2026-12-03' },
        UpdateExpression: 'ADD cancels :one SET #ttl = :ttl',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':ttl': Date.parse('2026-12-05T00:00:00+08:00') / 1000 },
      });
      expect(cancellation?.item.Update?.ConditionExpression).toBeUndefined();
    });
  });
});

describe('Function: beijingDay', () => {
  it('turns the day at midnight in Beijing, 16:00 UTC', () => {
    expect(beijingDay(Date.parse('2026-12-03T15:59:59Z'))).toBe('2026-12-03');
    expect(beijingDay(Date.parse('2026-12-03T16:00:00Z'))).toBe('2026-12-04');
  });
});

describe('Problem: limit-reached', () => {
  it('is a 429 of its own', () => {
    // Act
    const document = problemDocument(new LimitReachedError('x').problem, 'you already have 2 unpaid orders: pay or cancel one first');

    // Assess
    expect(document).toMatchObject({ type: '/problems/limit-reached', status: 429, title: 'Limit Reached' });
  });
});
