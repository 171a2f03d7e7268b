import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SeatLedger } from '../../../lib/ledger/seat-ledger';
import { LimitReachedError } from '../../../lib/orders/errors';
import { orderKeys } from '../../../lib/orders/order-keys';
import { UserLimits } from '../../../lib/orders/user-limits';
import { useEmulators } from '../../helpers/emulators';
import { provisionFromTemplate } from '../../helpers/ledger-table';
import { OccupancySnapshots } from '../../../lib/ledger/occupancy-snapshots';
import { OccupancyStore } from '../../../lib/ledger/occupancy-store';

useEmulators();

const MAX_UNPAID = 3;
const MAX_CANCELS = 2;
const NOW = Date.parse('2026-12-03T04:00:00Z');

let db: DynamoDBDocumentClient;
let ordersTable: string;
let ledger: SeatLedger;
let limits: UserLimits;
let users = 0;

beforeAll(async () => {
  const { resources, ledgerTable, occupancyTable } = await provisionFromTemplate();
  ordersTable = resources.tableName('OrdersTable');
  db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  // Linked writes with no hold: the ledger runs them as one transaction of their own, as it does around an order's.
  ledger = new SeatLedger(db, ledgerTable, new OccupancySnapshots(new OccupancyStore(db, occupancyTable)));
  limits = new UserLimits(ordersTable, { maxUnpaidOrders: MAX_UNPAID, maxCancellationsPerDay: MAX_CANCELS });
});

const newUser = () => `user-${++users}`;
const reserve = (userId: string, now = NOW) => ledger.release('no-such-hold', limits.reserved(userId, now));
const unpaidOf = async (userId: string) => (await db.send(new GetCommand({ TableName: ordersTable, Key: orderKeys.userLimits(userId), ConsistentRead: true }))).Item?.unpaid;

describe('UserLimits on DynamoDB Local', () => {
  it('refuses the unpaid order after the maximum, and counts only the ones it let through', async () => {
    // Prepare
    const user = newUser();
    for (let i = 0; i < MAX_UNPAID; i++) await reserve(user);

    // Act
    const extra = reserve(user);

    // Assess
    await expect(extra).rejects.toThrow(LimitReachedError);
    expect(await unpaidOf(user)).toBe(MAX_UNPAID);
  });

  it('never lets more than the maximum through when many orders race for the same user', async () => {
    // Prepare
    const user = newUser();

    // Act
    const outcomes = await Promise.allSettled(Array.from({ length: MAX_UNPAID + 5 }, () => reserve(user)));

    // Assess: losers of a transaction conflict may retry; none may pass the limit.
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled').length).toBeLessThanOrEqual(MAX_UNPAID);
    expect(await unpaidOf(user)).toBe(outcomes.filter((outcome) => outcome.status === 'fulfilled').length);
  });

  it('makes room again when an order is paid, expired or cancelled', async () => {
    // Prepare
    const user = newUser();
    for (let i = 0; i < MAX_UNPAID; i++) await reserve(user);

    // Act
    await ledger.release('no-such-hold', [limits.settled(user)]);

    // Assess
    await expect(reserve(user)).resolves.toEqual({ released: [], lost: [] });
    await expect(reserve(user)).rejects.toThrow(LimitReachedError);
  });

  it('refuses new orders for the rest of the Beijing day once the day’s cancellations reach the cap, and accepts them the next day', async () => {
    // Prepare
    const user = newUser();
    for (let i = 0; i < MAX_CANCELS; i++) {
      await reserve(user);
      await ledger.release('no-such-hold', limits.cancelled(user, NOW));
    }

    // Act
    const sameDay = reserve(user, NOW + 3600_000);

    // Assess
    await expect(sameDay).rejects.toThrow('you cancelled 2 orders today');
    expect(await unpaidOf(user)).toBe(0);
    await expect(reserve(user, NOW + 86_400_000)).resolves.toEqual({ released: [], lost: [] });
  });
});
