import { AfterSale } from '../../../lib/after-sale/after-sale';
import { SoldOutError } from '../../../lib/ledger/errors';
import { SoldSeats } from '../../../lib/ledger/sold-seats';
import { InvalidStateError, LimitReachedError } from '../../../lib/orders/errors';
import { OrderStore } from '../../../lib/orders/order-store';
import { Orders } from '../../../lib/orders/orders';
import { PassengerClaims } from '../../../lib/orders/passenger-claims';
import { UserLimits } from '../../../lib/orders/user-limits';
import { TicketIssuer } from '../../../lib/tickets/issuer';
import { serviceIdOf } from '../../../lib/timetable/service';
import { useOrderTables } from '../../helpers/order-tables';
import { testPassengerData } from '../../helpers/passenger-data';
import { residentId } from '../../helpers/resident-ids';
import { seatSystem } from '../../helpers/seat-system';
import { smallService } from '../../helpers/services';

/** The after-sale transactions against DynamoDB Local: seats, orders and claims move together or not at all. */
const passengerData = testPassengerData();

const orderTables = useOrderTables();
let people = 7000;
let keys = 0;

function system(maxUnpaidOrders = 100) {
  const { db, tables, ordersTable } = orderTables();
  const seats = seatSystem(db, tables);
  const store = new OrderStore(db, ordersTable, passengerData);
  const claims = new PassengerClaims(db, tables.ledgerTable, passengerData);
  const soldSeats = new SoldSeats(db, tables.ledgerTable);
  // Generous: these tests are about seats, not the per-user limits (every order here is alice's).
  const limits = new UserLimits(ordersTable, { maxUnpaidOrders, maxCancellationsPerDay: 100 });
  return {
    ...seats,
    store,
    orders: new Orders(store, seats.timetable, seats.ledger, claims, limits, { holdTtlSeconds: 1800 }),
    afterSale: new AfterSale(store, seats.timetable, seats.ledger, soldSeats, claims, limits, { holdTtlSeconds: 1800 }),
    issuer: new TicketIssuer(store, { soldSeats, claims }),
  };
}

async function train(options: { rows?: number; letters?: string[]; fare?: number } = {}) {
  const request = { ...smallService(options), fares: { second: options.fare ?? 55_300 } };
  await system().timetable.publish(request);
  return serviceIdOf(request.trainNo, request.date);
}

const key = () => `after-sale-${++keys}`;
const passenger = () => ({ name: `P${people}`, idNumber: residentId(people++) });

async function ticketedOrder(serviceId: string, passengers = [passenger()]) {
  const { orders, issuer, store } = system();
  const { order } = await orders.reserve('alice', key(), { serviceId, from: 'VNP', to: 'AOH', seatClass: 'second', passengers });
  const paid = await orders.pay({ paymentId: `pay-${order.orderId}`, orderId: order.orderId, amount: order.amount, currency: 'CNY', status: 'SUCCEEDED' });
  await issuer.issue({ orderId: order.orderId, version: paid.order.version, eventId: `${order.orderId}:${paid.order.version}` });
  return { order: (await store.get(order.orderId))!, passengers };
}

async function free(serviceId: string) {
  const { availability, project } = system();
  await project(serviceId);
  return (await availability.availability(serviceId, 'VNP', 'AOH')).classes.second?.available;
}

describe('Class: AfterSale', () => {
  describe('Method: refund', () => {
    it('frees the seat and the passenger claim with the ticket, so the same passenger can book the seat again', async () => {
      const serviceId = await train({ rows: 1, letters: ['A'] });
      const { order, passengers } = await ticketedOrder(serviceId);
      expect(await free(serviceId)).toBe(0);

      const { answer } = await system().afterSale.refund('alice', order.orderId, key(), {});

      expect(answer).toMatchObject({ status: 'REFUNDED', refunds: [{ fee: 0, amount: 55_300 }] });
      expect(await free(serviceId)).toBe(1);
      await expect(ticketedOrder(serviceId, passengers)).resolves.toBeDefined();
    });

    it('lets exactly one of two concurrent refunds of the same ticket through', async () => {
      const serviceId = await train();
      const { order } = await ticketedOrder(serviceId);

      const results = await Promise.allSettled([system().afterSale.refund('alice', order.orderId, key(), {}), system().afterSale.refund('alice', order.orderId, key(), {})]);

      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.any(InvalidStateError) });
      expect((await system().store.get(order.orderId))?.refunds).toHaveLength(1);
    });
  });

  describe('Method: change', () => {
    it('swaps to a cheaper train in one step: the new order PAID owing the difference, the old ticket CHANGED, its seat free', async () => {
      const from = await train();
      const to = await train({ fare: 40_000 });
      const { order } = await ticketedOrder(from);
      const ticketNo = order.tickets?.[0]?.ticketNo as string;

      const { order: changed } = await system().afterSale.change('alice', order.orderId, key(), { ticketNo, serviceId: to, seatClass: 'second' });

      expect(changed).toMatchObject({ status: 'PAID', amount: 0, refund: { amount: 15_300 }, changeOf: { orderId: order.orderId, ticketNo } });
      expect((await system().store.get(order.orderId))?.tickets?.[0]).toMatchObject({ status: 'CHANGED', changedTo: { orderId: changed.orderId } });
      expect(await free(from)).toBe(10);
      expect(await free(to)).toBe(9);
    });

    it('swaps to a dearer train only when its ticket is issued after payment, in one transaction with the old seat and the old claim', async () => {
      const from = await train();
      const to = await train({ fare: 60_000 });
      const { order, passengers } = await ticketedOrder(from);
      const ticketNo = order.tickets?.[0]?.ticketNo as string;
      const { orders, issuer, store, afterSale } = system();

      const { order: changed } = await afterSale.change('alice', order.orderId, key(), { ticketNo, serviceId: to, seatClass: 'second' });
      expect(changed).toMatchObject({ status: 'RESERVED', amount: 4_700 });
      const paid = await orders.pay({ paymentId: 'pay-diff', orderId: changed.orderId, amount: 4_700, currency: 'CNY', status: 'SUCCEEDED' });
      expect((await store.get(order.orderId))?.tickets?.[0]?.status).toBe('ACTIVE');
      expect(await free(from)).toBe(9);

      await issuer.issue({ orderId: changed.orderId, version: paid.order.version, eventId: `${changed.orderId}:${paid.order.version}` });

      expect((await store.get(changed.orderId))?.status).toBe('TICKETED');
      expect((await store.get(order.orderId))?.tickets?.[0]).toMatchObject({ status: 'CHANGED', changedTo: { orderId: changed.orderId } });
      expect(await free(from)).toBe(10);
      expect(await free(to)).toBe(9);
      // The passenger holds no ticket on the old train any more: they may buy one there again.
      await expect(ticketedOrder(from, passengers)).resolves.toBeDefined();
    });

    it("counts a change's new order as an unpaid order: at the maximum, 429 limit-reached and nothing held", async () => {
      const from = await train();
      const to = await train({ fare: 60_000 });
      const { order } = await ticketedOrder(from);
      const user = `limited-${order.orderId}`;
      const { store } = system();
      await store.save({ ...order, userId: user, version: order.version + 1 });
      const limited = system(1);
      await limited.orders.reserve(user, key(), { serviceId: to, from: 'VNP', to: 'AOH', seatClass: 'second', passengers: [passenger()] });

      await expect(limited.afterSale.change(user, order.orderId, key(), { ticketNo: order.tickets?.[0]?.ticketNo as string, serviceId: to, seatClass: 'second' })).rejects.toThrow(LimitReachedError);

      expect(await free(to)).toBe(9);
      expect((await store.get(order.orderId))?.tickets?.[0]?.pendingChange).toBeUndefined();
    });

    it('writes nothing when the new train is full', async () => {
      const from = await train();
      const full = await train({ rows: 1, letters: ['A'] });
      const { order } = await ticketedOrder(from);
      await ticketedOrder(full);

      await expect(system().afterSale.change('alice', order.orderId, key(), { ticketNo: order.tickets?.[0]?.ticketNo as string, serviceId: full, seatClass: 'second' })).rejects.toThrow(SoldOutError);

      expect(await system().store.get(order.orderId)).toMatchObject({ version: order.version, tickets: [expect.objectContaining({ status: 'ACTIVE' })] });
    });
  });
});
