import { createHmac } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SoldOutError } from '../../../lib/ledger/errors';
import { ledgerKeys } from '../../../lib/ledger/ledger-keys';
import { DuplicatePassengerError, IdempotencyConflictError, InvalidStateError, LimitReachedError, OrderNotFoundError, PaymentMismatchError } from '../../../lib/orders/errors';
import { orderKeys } from '../../../lib/orders/order-keys';
import { OrderStore } from '../../../lib/orders/order-store';
import { Orders } from '../../../lib/orders/orders';
import { PassengerClaims } from '../../../lib/orders/passenger-claims';
import type { CreateOrderRequest } from '../../../lib/orders/requests';
import { beijingDay, UserLimits } from '../../../lib/orders/user-limits';
import { serviceIdOf } from '../../../lib/timetable/service';
import { useEmulators } from '../../helpers/emulators';
import { residentId } from '../../helpers/resident-ids';
import { provisionFromTemplate } from '../../helpers/ledger-table';
import { type SeatTables, seatSystem } from '../../helpers/seat-system';
import { smallService } from '../../helpers/services';
import { TEST_ID_HASH_KEY, testPassengerData } from '../../helpers/passenger-data';

const passengerData = testPassengerData();

useEmulators();

/** The deployed defaults (MAX_UNPAID_ORDERS, MAX_CANCELLATIONS_PER_DAY). */
const LIMITS = { maxUnpaidOrders: 2, maxCancellationsPerDay: 3 };
const LI_LEI = { name: 'Li Lei', idNumber: '110101199003070011' };
const HAN_MEIMEI = { name: 'Han Meimei', idNumber: '11010519491231002X' };

let db: DynamoDBDocumentClient;
let tables: SeatTables;
let ledgerTable: string;
let ordersTable: string;
let clock: number;
let keys = 0;
/** Users of this test alone: every user's unpaid orders and cancellations are counted across the file's tests. */
let alice: string;
let bob: string;
let carol: string;
let tests = 0;

beforeAll(async () => {
  const { resources, ...seatTables } = await provisionFromTemplate();
  tables = seatTables;
  ledgerTable = seatTables.ledgerTable;
  ordersTable = resources.tableName('OrdersTable');
  db = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
});

beforeEach(() => {
  clock = Date.parse('2026-11-30T08:00:00Z');
  counted = [];
  tests++;
  [alice, bob, carol] = ['alice', 'bob', 'carol'].map((name) => `${name}-${tests}`) as [string, string, string];
});

let counted: string[] = [];

function system(options: { newId?: () => string } = {}) {
  const now = () => clock;
  const count = (metric: string, value = 1) => counted.push(...Array.from({ length: value }, () => metric));
  const seats = seatSystem(db, tables, { now });
  const limits = new UserLimits(ordersTable, LIMITS);
  return { ...seats, orders: new Orders(new OrderStore(db, ordersTable, passengerData), seats.timetable, seats.ledger, new PassengerClaims(db, ledgerTable, passengerData), limits, { holdTtlSeconds: 1800, now, count, ...options }) };
}

async function train(rows = 1, letters = ['A', 'B', 'C', 'D', 'F']) {
  const request = smallService({ rows, letters });
  await system().timetable.publish(request);
  return serviceIdOf(request.trainNo, request.date);
}

const orderFor = (serviceId: string, passengers = [LI_LEI]): CreateOrderRequest => ({ serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers });
const nextKey = () => `key-${++keys}`;
const WANG_FANG = { name: 'Wang Fang', idNumber: residentId(900) };

/** The user's counters as stored: unpaid orders now, and cancellations on the Beijing day of `at`. */
async function countsOf(userId: string, at = clock) {
  const read = async (key: Record<string, string>) => (await db.send(new GetCommand({ TableName: ordersTable, Key: key, ConsistentRead: true }))).Item;
  return { unpaid: (await read(orderKeys.userLimits(userId)))?.unpaid ?? 0, cancels: (await read(orderKeys.userCancellations(userId, beijingDay(at))))?.cancels ?? 0 };
}

/** The user's orders in the table (a Scan: fine on a test's table). */
async function ordersOf(userId: string) {
  const found = [];
  for await (const page of new OrderStore(db, ordersTable, passengerData).allOrders()) found.push(...page.filter((order) => order.userId === userId));
  return found;
}
/** Free over the whole route, once the ledger's changes have reached the snapshot. */
async function free(serviceId: string) {
  const { availability, project } = system();
  await project(serviceId);
  return (await availability.availability(serviceId, 'VNP', 'AOH')).classes.second?.available;
}

describe('Class: Orders', () => {
  describe('Method: reserve', () => {
    it('holds one seat per passenger and prices the ride', async () => {
      const serviceId = await train();

      const { order, replayed } = await system().orders.reserve(alice, nextKey(), orderFor(serviceId, [LI_LEI, HAN_MEIMEI]));

      expect(replayed).toBe(false);
      expect(order).toMatchObject({ status: 'RESERVED', amount: 2 * 55300, currency: 'CNY', expiresAt: '2026-11-30T08:30:00.000Z' });
      expect(order.seats.map((s) => s.passengerName)).toEqual(['Li Lei', 'Han Meimei']);
      expect(await free(serviceId)).toBe(3);
    });

    it('replays the first answer for the same key and body, and refuses another body under it', async () => {
      const serviceId = await train();
      const key = nextKey();
      const { orders } = system();

      const [a, b] = await Promise.all([orders.reserve(alice, key, orderFor(serviceId)), orders.reserve(alice, key, orderFor(serviceId))]);

      expect(a.order).toEqual(b.order);
      expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
      expect(await free(serviceId)).toBe(4);
      await expect(orders.reserve(alice, key, orderFor(serviceId, [HAN_MEIMEI]))).rejects.toBeInstanceOf(IdempotencyConflictError);
    });

    it('refuses a passenger who already holds a seat on the service, and holds nothing for that order', async () => {
      const serviceId = await train();
      const { orders } = system();
      await orders.reserve(alice, nextKey(), orderFor(serviceId));

      await expect(orders.reserve(bob, nextKey(), orderFor(serviceId, [HAN_MEIMEI, LI_LEI]))).rejects.toBeInstanceOf(DuplicatePassengerError);
      expect(await free(serviceId)).toBe(4);
    });

    it('sells 4 seats to exactly 4 of 30 concurrent buyers and leaves nothing behind for the rest', async () => {
      const serviceId = await train(1, ['A', 'B', 'C', 'D']);
      const { orders } = system();
      const buyers = Array.from({ length: 30 }, (_, i) => ({ name: `P${i}`, idNumber: residentId(i) }));

      const results = await Promise.allSettled(buyers.map((p, i) => orders.reserve(`user-${i}`, nextKey(), orderFor(serviceId, [p]))));

      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(SoldOutError);
      expect(await free(serviceId)).toBe(0);
    });
  });

  describe('Method: cancel', () => {
    it('frees the seats and the passenger at once, answers the same again, and hides the order from others', async () => {
      const serviceId = await train();
      const { orders } = system();
      const { order } = await orders.reserve(alice, nextKey(), orderFor(serviceId));

      await expect(orders.cancel(bob, order.orderId)).rejects.toBeInstanceOf(OrderNotFoundError);
      await expect(orders.cancel(alice, order.orderId)).resolves.toMatchObject({ status: 'CANCELLED' });
      await expect(orders.cancel(alice, order.orderId)).resolves.toMatchObject({ status: 'CANCELLED' });

      expect(await free(serviceId)).toBe(5);
      await expect(orders.reserve(carol, nextKey(), orderFor(serviceId))).resolves.toMatchObject({ order: { status: 'RESERVED' } });
    });
  });

  describe('Method: pay', () => {
    it('marks a reserved order PAID once, refuses a wrong amount, and refuses paying a cancelled order', async () => {
      const serviceId = await train();
      const { orders } = system();
      const { order } = await orders.reserve(alice, nextKey(), orderFor(serviceId));
      const payment = { paymentId: 'pay-1', orderId: order.orderId, amount: order.amount, currency: 'CNY', status: 'SUCCEEDED' as const };

      await expect(orders.pay({ ...payment, amount: 1 })).rejects.toBeInstanceOf(PaymentMismatchError);
      await expect(orders.pay(payment)).resolves.toMatchObject({ kind: 'paid', order: { status: 'PAID', version: 2 } });
      await expect(orders.pay(payment)).resolves.toMatchObject({ kind: 'replayed', order: { status: 'PAID', version: 2 } });
      await expect(orders.cancel(alice, order.orderId)).rejects.toBeInstanceOf(InvalidStateError);

      const other = (await orders.reserve(bob, nextKey(), orderFor(serviceId, [HAN_MEIMEI]))).order;
      await orders.cancel(bob, other.orderId);
      await expect(orders.pay({ ...payment, paymentId: 'pay-2', orderId: other.orderId, amount: other.amount })).rejects.toBeInstanceOf(InvalidStateError);
    });

    it('still takes a late payment when nobody took the seats, and asks for a refund when somebody did', async () => {
      const serviceId = await train(1, ['A']);
      const { orders } = system();
      const late = (await orders.reserve(alice, nextKey(), orderFor(serviceId))).order;
      clock += 1801_000;
      await expect(orders.pay({ paymentId: 'late-1', orderId: late.orderId, amount: late.amount, currency: 'CNY', status: 'SUCCEEDED' })).resolves.toMatchObject({ kind: 'paid' });

      const serviceB = await train(1, ['A']);
      const lost = (await orders.reserve(alice, nextKey(), orderFor(serviceB))).order;
      clock += 1801_000;
      await orders.reserve(bob, nextKey(), orderFor(serviceB, [HAN_MEIMEI]));

      await expect(orders.pay({ paymentId: 'late-2', orderId: lost.orderId, amount: lost.amount, currency: 'CNY', status: 'SUCCEEDED' })).resolves.toMatchObject({ kind: 'refund-required', order: { status: 'REFUND_REQUIRED' } });
    });
  });

  describe('Business metrics', () => {
    it('counts reservations, sell-outs, payments, rejected payments and refunds as they happen', async () => {
      const serviceId = await train(1, ['A']);
      const { orders } = system();
      const { order } = await orders.reserve(alice, nextKey(), orderFor(serviceId));
      await expect(orders.reserve(bob, nextKey(), orderFor(serviceId, [HAN_MEIMEI]))).rejects.toBeInstanceOf(SoldOutError);
      await expect(orders.pay({ paymentId: 'm-1', orderId: order.orderId, amount: 1, currency: 'CNY', status: 'SUCCEEDED' })).rejects.toBeInstanceOf(PaymentMismatchError);
      await orders.pay({ paymentId: 'm-2', orderId: order.orderId, amount: order.amount, currency: 'CNY', status: 'SUCCEEDED' });

      expect(counted).toEqual(['OrdersReserved', 'SoldOut', 'PaymentRejected', 'OrdersPaid']);
    });
  });

  describe('Passenger claims', () => {
    it('lets a passenger book again the moment their unpaid hold lapses, and refunds a late payment of the lapsed order', async () => {
      const serviceId = await train();
      const { orders } = system();
      const lapsed = (await orders.reserve(alice, nextKey(), orderFor(serviceId))).order;
      clock += 1800_000;

      const rebooked = await orders.reserve(alice, nextKey(), orderFor(serviceId));
      const late = await orders.pay({ paymentId: 'late-lapsed', orderId: lapsed.orderId, amount: lapsed.amount, currency: 'CNY', status: 'SUCCEEDED' });

      expect(late).toMatchObject({ kind: 'refund-required', order: { status: 'REFUND_REQUIRED' } });
      expect(await free(serviceId)).toBe(4);
      await expect(orders.pay({ paymentId: 'rebooked', orderId: rebooked.order.orderId, amount: rebooked.order.amount, currency: 'CNY', status: 'SUCCEEDED' })).resolves.toMatchObject({ kind: 'paid' });
      await expect(orders.reserve(bob, nextKey(), orderFor(serviceId))).rejects.toBeInstanceOf(DuplicatePassengerError);
    });
  });

  describe('Passenger claim lifecycle', () => {
    it('lets a claim expire a day after its train reaches its last stop, through payment, whether or not the train runs past midnight', async () => {
      const overnight = smallService();
      overnight.stops = overnight.stops.map((stop, i) => ({ ...stop, ...(stop.arrives ? { arrives: ['21:30', '23:50', '02:10', '06:45'][i - 1] } : {}), ...(stop.departs ? { departs: ['21:00', '21:32', '23:52', '02:12'][i] } : {}) }));
      const { timetable, orders } = system();
      await timetable.publish(overnight);
      const serviceId = serviceIdOf(overnight.trainNo, overnight.date);
      const claimOf = async (idNumber: string) =>
        (await db.send(new GetCommand({ TableName: ledgerTable, Key: ledgerKeys.passengerClaim(serviceId, createHmac('sha256', TEST_ID_HASH_KEY).update(idNumber).digest('hex')), ConsistentRead: true }))).Item;

      const { order } = await orders.reserve(alice, nextKey(), orderFor(serviceId));
      await orders.pay({ paymentId: `pay-${order.orderId}`, orderId: order.orderId, amount: order.amount, currency: 'CNY', status: 'SUCCEEDED' });

      // 06:45 Beijing time on the day after the service date is 22:45 UTC on the service date; a day on.
      expect(await claimOf(LI_LEI.idNumber)).toMatchObject({ orderId: order.orderId, ttl: Date.parse(`${overnight.date}T22:45:00Z`) / 1000 + 86_400 });
    });
  });

  describe('Method: expireOverdue', () => {
    it('expires overdue orders once even when two sweeps run at once, freeing seats and passengers', async () => {
      const serviceId = await train();
      const { orders } = system();
      const due = (await orders.reserve(alice, nextKey(), orderFor(serviceId))).order;
      clock += 60_000;
      const notDue = (await orders.reserve(bob, nextKey(), orderFor(serviceId, [HAN_MEIMEI]))).order;
      clock += 1800_000 - 60_000;

      const [a, b] = await Promise.all([orders.expireOverdue(), orders.expireOverdue()]);

      expect(a + b).toBeGreaterThanOrEqual(1);
      // Version 2: expired by exactly one of the sweeps.
      expect(await new OrderStore(db, ordersTable, passengerData).get(due.orderId)).toMatchObject({ status: 'EXPIRED', version: 2 });
      await expect(orders.find(bob, notDue.orderId)).resolves.toMatchObject({ status: 'RESERVED' });
      expect(await free(serviceId)).toBe(4);
      await expect(orders.reserve(carol, nextKey(), orderFor(serviceId))).resolves.toMatchObject({ order: { status: 'RESERVED' } });
      await expect(orders.pay({ paymentId: 'after-expiry', orderId: due.orderId, amount: due.amount, currency: 'CNY', status: 'SUCCEEDED' })).resolves.toMatchObject({ order: { status: 'REFUND_REQUIRED' } });
    });
  });

  describe('Per-user limits', () => {
    it('refuses the third unpaid order of a user with LimitReachedError, and holds, claims and records nothing for it', async () => {
      // Prepare
      const serviceId = await train();
      const ids = ['first', 'second', 'refused'];
      const { orders, ledger } = system({ newId: () => `${alice}-${ids.shift()}` });
      await orders.reserve(alice, nextKey(), orderFor(serviceId, [LI_LEI]));
      await orders.reserve(alice, nextKey(), orderFor(serviceId, [HAN_MEIMEI]));
      const refusedKey = nextKey();

      // Act
      const refused = orders.reserve(alice, refusedKey, orderFor(serviceId, [WANG_FANG]));

      // Assess
      await expect(refused).rejects.toBeInstanceOf(LimitReachedError);
      await expect(refused).rejects.toThrow('you already have 2 unpaid orders');
      expect(await free(serviceId)).toBe(3);
      expect(await ledger.findHold(`${alice}-refused`)).toBeUndefined();
      expect((await ordersOf(alice)).map((order) => order.orderId).sort()).toEqual([`${alice}-first`, `${alice}-second`]);
      expect(await new OrderStore(db, ordersTable, passengerData).findIdempotencyRecord(alice, refusedKey)).toBeUndefined();
      expect(await countsOf(alice)).toEqual({ unpaid: 2, cancels: 0 });
      // Wang Fang was never claimed: another user books her at once.
      await expect(system().orders.reserve(bob, nextKey(), orderFor(serviceId, [WANG_FANG]))).resolves.toMatchObject({ order: { status: 'RESERVED' } });
    });

    it('answers a retry of the order that filled the limit with that order, not a refusal', async () => {
      // Prepare
      const serviceId = await train();
      const { orders } = system();
      await orders.reserve(alice, nextKey(), orderFor(serviceId, [LI_LEI]));
      const key = nextKey();
      const second = await orders.reserve(alice, key, orderFor(serviceId, [HAN_MEIMEI]));

      // Act
      const retried = await orders.reserve(alice, key, orderFor(serviceId, [HAN_MEIMEI]));

      // Assess
      expect(retried).toEqual({ order: second.order, replayed: true });
      expect(await countsOf(alice)).toEqual({ unpaid: 2, cancels: 0 });
    });

    it('gives a slot back when an order is paid, cancelled or expires', async () => {
      // Prepare
      const serviceId = await train(2);
      const { orders } = system();
      const paid = (await orders.reserve(alice, nextKey(), orderFor(serviceId, [LI_LEI]))).order;
      const cancelled = (await orders.reserve(alice, nextKey(), orderFor(serviceId, [HAN_MEIMEI]))).order;

      // Act, Assess
      await orders.pay({ paymentId: `pay-${paid.orderId}`, orderId: paid.orderId, amount: paid.amount, currency: 'CNY', status: 'SUCCEEDED' });
      expect(await countsOf(alice)).toEqual({ unpaid: 1, cancels: 0 });
      await orders.reserve(alice, nextKey(), orderFor(serviceId, [WANG_FANG]));
      await expect(orders.reserve(alice, nextKey(), orderFor(serviceId, [{ name: 'Zhao Lei', idNumber: residentId(901) }]))).rejects.toBeInstanceOf(LimitReachedError);

      await orders.cancel(alice, cancelled.orderId);
      expect(await countsOf(alice)).toEqual({ unpaid: 1, cancels: 1 });
      await orders.reserve(alice, nextKey(), orderFor(serviceId, [HAN_MEIMEI]));
      expect(await countsOf(alice)).toEqual({ unpaid: 2, cancels: 1 });

      clock += 1800_000;
      await orders.expireOverdue();
      expect(await countsOf(alice)).toEqual({ unpaid: 0, cancels: 1 });
      await expect(orders.reserve(alice, nextKey(), orderFor(serviceId, [WANG_FANG]))).resolves.toMatchObject({ order: { status: 'RESERVED' } });
    });

    it('gives the slot back once for a late payment: with the refund when its seats were taken, never again for an order its expiry gave back', async () => {
      // Prepare
      const serviceId = await train(1, ['A']);
      const { orders } = system();
      const lost = (await orders.reserve(alice, nextKey(), orderFor(serviceId))).order;
      const expired = (await orders.reserve(alice, nextKey(), orderFor(await train(1, ['A'])))).order;
      clock += 1800_000;
      await orders.reserve(bob, nextKey(), orderFor(serviceId, [HAN_MEIMEI]));

      // Act
      const refund = await orders.pay({ paymentId: 'late-lost', orderId: lost.orderId, amount: lost.amount, currency: 'CNY', status: 'SUCCEEDED' });
      await orders.expireOverdue();
      const afterExpiry = await orders.pay({ paymentId: 'late-expired', orderId: expired.orderId, amount: expired.amount, currency: 'CNY', status: 'SUCCEEDED' });

      // Assess
      expect(refund).toMatchObject({ kind: 'refund-required', order: { status: 'REFUND_REQUIRED' } });
      expect(afterExpiry).toMatchObject({ kind: 'refund-required', order: { status: 'REFUND_REQUIRED', version: 3 } });
      expect(await countsOf(alice)).toEqual({ unpaid: 0, cancels: 0 });
    });

    it('gives the slot back once when a lapsed order gives back a passenger another order has taken meanwhile', async () => {
      // Prepare
      const serviceId = await train();
      const { orders } = system();
      const expiring = (await orders.reserve(alice, nextKey(), orderFor(serviceId, [LI_LEI]))).order;
      const cancelling = (await orders.reserve(carol, nextKey(), orderFor(serviceId, [HAN_MEIMEI]))).order;
      clock += 1800_000;
      await orders.reserve(bob, nextKey(), orderFor(serviceId, [LI_LEI, HAN_MEIMEI]));

      // Act
      await orders.cancel(carol, cancelling.orderId);
      await orders.expireOverdue();

      // Assess
      await expect(orders.find(alice, expiring.orderId)).resolves.toMatchObject({ status: 'EXPIRED' });
      expect(await countsOf(alice)).toEqual({ unpaid: 0, cancels: 0 });
      expect(await countsOf(carol)).toEqual({ unpaid: 0, cancels: 1 });
      expect(await countsOf(bob)).toEqual({ unpaid: 1, cancels: 0 });
    });

    it('refuses new orders for the rest of the Beijing day after the third cancellation, but never refuses a cancel', async () => {
      // Prepare: 16:00 in Beijing.
      const serviceId = await train();
      const { orders } = system();
      const reserve = async (passenger = LI_LEI) => (await orders.reserve(alice, nextKey(), orderFor(serviceId, [passenger]))).order.orderId;
      const [a, b] = [await reserve(LI_LEI), await reserve(HAN_MEIMEI)];
      await orders.cancel(alice, a);
      await orders.cancel(alice, b);
      const [c, d] = [await reserve(LI_LEI), await reserve(HAN_MEIMEI)];

      // Act
      await orders.cancel(alice, c);

      // Assess
      await expect(reserve(WANG_FANG)).rejects.toThrow(LimitReachedError);
      await expect(reserve(WANG_FANG)).rejects.toThrow('you cancelled 3 orders today');
      await expect(orders.cancel(alice, d)).resolves.toMatchObject({ status: 'CANCELLED' });
      expect(await countsOf(alice)).toEqual({ unpaid: 0, cancels: 4 });
      expect(await free(serviceId)).toBe(5);
      clock += 8 * 3600_000 - 1;
      await expect(reserve(WANG_FANG)).rejects.toBeInstanceOf(LimitReachedError);
      clock += 1;
      await expect(reserve(WANG_FANG)).resolves.toEqual(expect.any(String));
    });
  });
});
