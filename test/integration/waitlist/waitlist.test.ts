import { SoldSeats } from '../../../lib/ledger/sold-seats';
import { InvalidRequestError } from '../../../lib/domain-error';
import { DuplicatePassengerError } from '../../../lib/orders/errors';
import { OrderStore } from '../../../lib/orders/order-store';
import { Orders } from '../../../lib/orders/orders';
import { PassengerClaims } from '../../../lib/orders/passenger-claims';
import { UserLimits } from '../../../lib/orders/user-limits';
import { TicketIssuer } from '../../../lib/tickets/issuer';
import { serviceIdOf } from '../../../lib/timetable/service';
import { WaitlistFulfiller } from '../../../lib/waitlist/waitlist-fulfiller';
import { useOrderTables } from '../../helpers/order-tables';
import { testPassengerData } from '../../helpers/passenger-data';
import { residentId } from '../../helpers/resident-ids';
import { seatSystem } from '../../helpers/seat-system';
import { smallService } from '../../helpers/services';

/** The waitlist (候补) against DynamoDB Local: requests, prepayment, the fulfiller's serve transaction, the sweep. */
const passengerData = testPassengerData();

const orderTables = useOrderTables();
let people = 9000;
let keys = 0;

function system(now: () => number = Date.now) {
  const { db, tables, ordersTable } = orderTables();
  const seats = seatSystem(db, tables, { now });
  const store = new OrderStore(db, ordersTable, passengerData);
  const claims = new PassengerClaims(db, tables.ledgerTable, passengerData);
  const limits = new UserLimits(ordersTable, { maxUnpaidOrders: 100, maxCancellationsPerDay: 100 });
  return {
    ...seats,
    store,
    orders: new Orders(store, seats.timetable, seats.ledger, claims, limits, { holdTtlSeconds: 1800, now }),
    fulfiller: new WaitlistFulfiller(store, seats.timetable, seats.ledger, { holdTtlSeconds: 1800, now }),
    issuer: new TicketIssuer(store, { soldSeats: new SoldSeats(db, tables.ledgerTable) }),
  };
}

/** One coach of `seats` seats in one row: sold out after `seats` one-passenger orders. */
async function train(seats: number) {
  const request = smallService({ rows: 1, letters: ['A', 'B', 'C', 'D', 'F'].slice(0, seats) });
  await system().timetable.publish(request);
  return serviceIdOf(request.trainNo, request.date);
}

const key = () => `waitlist-${++keys}`;
const passenger = () => ({ name: `W${people}`, idNumber: residentId(people++) });
const until = (hours = 24) => new Date(Date.now() + hours * 3600_000).toISOString();
const ride = (serviceId: string) => ({ serviceId, from: 'VNP', to: 'AOH', seatClass: 'second' as const });
const pay = (orderId: string, amount: number) => system().orders.pay({ paymentId: `pay-${orderId}`, orderId, amount, currency: 'CNY', status: 'SUCCEEDED' });

/** A paid seat on the train. */
async function paidOrder(serviceId: string) {
  const { order } = await system().orders.reserve('alice', key(), { ...ride(serviceId), passengers: [passenger()] });
  await pay(order.orderId, order.amount);
  return order;
}

/** A prepaid waitlist request on a sold-out train. */
async function waitingOrder(serviceId: string, user = 'bob', travellers = 1) {
  const { order } = await system().orders.reserve(user, key(), { ...ride(serviceId), passengers: Array.from({ length: travellers }, passenger), waitlist: { until: until() } });
  expect(order.status).toBe('WAITLISTED');
  const { order: paid } = await pay(order.orderId, order.amount);
  expect(paid.status).toBe('WAITING');
  return paid;
}

describe('Waitlist (候补)', () => {
  describe('Method: Orders.reserve', () => {
    it('answers an ordinary RESERVED order while seats are free, and WAITLISTED with no seats once sold out', async () => {
      const serviceId = await train(1);
      const first = await system().orders.reserve('alice', key(), { ...ride(serviceId), passengers: [passenger()], waitlist: { until: until() } });
      const second = await system().orders.reserve('alice', key(), { ...ride(serviceId), passengers: [passenger()], waitlist: { until: until() } });

      expect(first.order).toMatchObject({ status: 'RESERVED', seats: [expect.anything()] });
      expect(second.order).toMatchObject({ status: 'WAITLISTED', seats: [], amount: 55_300, waitlist: { until: expect.any(String) } });
    });

    it('claims its passengers: the same ID cannot wait twice on the service', async () => {
      const serviceId = await train(1);
      await paidOrder(serviceId);
      const traveller = passenger();
      await system().orders.reserve('bob', key(), { ...ride(serviceId), passengers: [traveller], waitlist: { until: until() } });

      await expect(system().orders.reserve('bob', key(), { ...ride(serviceId), passengers: [traveller], waitlist: { until: until() } })).rejects.toBeInstanceOf(DuplicatePassengerError);
    });

    it('refuses a deadline in the past or after the ride departs, writing nothing', async () => {
      const serviceId = await train(1);
      await expect(system().orders.reserve('bob', key(), { ...ride(serviceId), passengers: [passenger()], waitlist: { until: until(-1) } })).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(system().orders.reserve('bob', key(), { ...ride(serviceId), passengers: [passenger()], waitlist: { until: until(24 * 60) } })).rejects.toBeInstanceOf(InvalidRequestError);
    });
  });

  describe('Method: Orders.pay', () => {
    it('owes the payment back when a lapsed claim of the request was taken by another order', async () => {
      const serviceId = await train(1);
      await paidOrder(serviceId);
      const start = Date.now();
      const traveller = passenger();
      const { order: first } = await system(() => start).orders.reserve('bob', key(), { ...ride(serviceId), passengers: [traveller], waitlist: { until: until() } });
      await system(() => start + 1801_000).orders.reserve('carol', key(), { ...ride(serviceId), passengers: [traveller], waitlist: { until: until() } });

      const { order: paid } = await system(() => start + 60_000).orders.pay({ paymentId: `pay-${first.orderId}`, orderId: first.orderId, amount: first.amount, currency: 'CNY', status: 'SUCCEEDED' });

      expect(paid.status).toBe('REFUND_REQUIRED');
    });
  });

  describe('Method: WaitlistFulfiller.serve', () => {
    it('gives a freed seat to the oldest WAITING order only, which is then ticketed as any PAID order', async () => {
      const serviceId = await train(1);
      const sold = await system().orders.reserve('alice', key(), { ...ride(serviceId), passengers: [passenger()] });
      const oldest = await waitingOrder(serviceId);
      const younger = await waitingOrder(serviceId);

      expect(await system().fulfiller.serve(serviceId, 'second')).toEqual([]);
      await system().orders.cancel('alice', sold.order.orderId);
      const served = await system().fulfiller.serve(serviceId, 'second');

      expect(served.map((o) => o.orderId)).toEqual([oldest.orderId]);
      const paid = await system().store.get(oldest.orderId);
      expect(paid).toMatchObject({ status: 'PAID', seats: [{ coach: '05', seat: '01A' }] });
      expect((await system().store.get(younger.orderId))?.status).toBe('WAITING');
      await system().issuer.issue({ orderId: oldest.orderId, version: paid!.version, eventId: `${oldest.orderId}:${paid!.version}` });
      expect((await system().store.get(oldest.orderId))?.status).toBe('TICKETED');
    });

    it('never gives one freed seat to two orders, whatever fulfillers run at once', async () => {
      const serviceId = await train(2);
      const a = await system().orders.reserve('alice', key(), { ...ride(serviceId), passengers: [passenger()] });
      await paidOrder(serviceId);
      const waiting = [await waitingOrder(serviceId), await waitingOrder(serviceId), await waitingOrder(serviceId)];
      await system().orders.cancel('alice', a.order.orderId);

      const results = await Promise.all([1, 2, 3, 4].map(() => system().fulfiller.serve(serviceId, 'second')));

      const served = results.flat().map((o) => o.orderId);
      expect(served).toEqual([waiting[0]?.orderId]);
      const statuses = await Promise.all(waiting.map(async (o) => (await system().store.get(o.orderId))?.status));
      expect(statuses).toEqual(['PAID', 'WAITING', 'WAITING']);
    });

    it('serves each of several freed seats once, oldest first', async () => {
      const serviceId = await train(3);
      const held = await Promise.all([1, 2, 3].map(() => system().orders.reserve('alice', key(), { ...ride(serviceId), passengers: [passenger()] })));
      const waiting = [await waitingOrder(serviceId), await waitingOrder(serviceId), await waitingOrder(serviceId), await waitingOrder(serviceId)];
      await Promise.all(held.slice(0, 2).map((h) => system().orders.cancel('alice', h.order.orderId)));

      const results = await Promise.all([1, 2].map(() => system().fulfiller.serve(serviceId, 'second')));

      expect(results.flat().map((o) => o.orderId).sort()).toEqual([waiting[0]?.orderId, waiting[1]?.orderId].sort());
      const orders = await Promise.all(waiting.map(async (o) => system().store.get(o.orderId)));
      expect(orders.map((o) => o?.status)).toEqual(['PAID', 'PAID', 'WAITING', 'WAITING']);
      expect(new Set(orders.flatMap((o) => o?.seats.map((s) => s.seat) ?? [])).size).toBe(2);
    });

    it('reads again and serves the oldest order first when a buyer takes a seat of its read, though another hold could have chosen again', async () => {
      // Prepare: a sold-out three-seat train; the oldest request is for two, a younger one for one; one seat freed
      const serviceId = await train(3);
      const held: string[] = [];
      for (let i = 0; i < 3; i++) held.push((await system().orders.reserve('alice', key(), { ...ride(serviceId), passengers: [passenger()] })).order.orderId);
      const oldest = await waitingOrder(serviceId, 'bob', 2);
      const younger = await waitingOrder(serviceId);
      await system().orders.cancel('alice', held[0]!);
      const { fulfiller, ledger, timetable } = system();
      const service = await timetable.service(serviceId);
      // Between the run's read and the younger order's hold, a buyer takes the freed seat and two more are freed.
      const hold = ledger.hold.bind(ledger);
      jest
        .spyOn(ledger, 'hold')
        .mockImplementationOnce(hold)
        .mockImplementationOnce(async (...args) => {
          await system().ledger.hold(service, { holdId: key(), serviceId, from: 'VNP', to: 'AOH', fromIndex: 0, toIndex: 4, seatClass: 'second', count: 1, ttlSeconds: 600 }, () => [], { consistent: true });
          for (const orderId of held.slice(1)) await system().orders.cancel('alice', orderId);
          return hold(...args);
        });

      // Act
      const served = await fulfiller.serve(serviceId, 'second');

      // Assess
      expect(served.map((o) => o.orderId)).toEqual([oldest.orderId]);
      expect((await system().store.get(oldest.orderId))?.seats).toHaveLength(2);
      expect((await system().store.get(younger.orderId))?.status).toBe('WAITING');
    });
  });

  describe('Expiry sweep and cancel', () => {
    it('refunds a WAITING order in full at its deadline, once', async () => {
      const serviceId = await train(1);
      await paidOrder(serviceId);
      const waiting = await waitingOrder(serviceId);
      const deadline = Date.parse((await system().store.get(waiting.orderId))?.waitlist?.until as string);

      const later = system(() => deadline + 1000);
      await later.orders.expireOverdue();
      await later.orders.expireOverdue();

      expect(await system().store.get(waiting.orderId)).toMatchObject({ status: 'REFUNDED', refunds: [{ reason: 'waitlist', amount: 55_300, fee: 0 }] });
    });

    it('cancels an unpaid WAITLISTED order and refunds a WAITING one on its owner\'s cancel', async () => {
      const serviceId = await train(1);
      await paidOrder(serviceId);
      const { order: unpaid } = await system().orders.reserve('bob', key(), { ...ride(serviceId), passengers: [passenger()], waitlist: { until: until() } });
      const waiting = await waitingOrder(serviceId);

      expect(await system().orders.cancel('bob', unpaid.orderId)).toMatchObject({ status: 'CANCELLED' });
      expect(await system().orders.cancel('bob', waiting.orderId)).toMatchObject({ status: 'REFUNDED' });
      expect(await system().orders.cancel('bob', waiting.orderId)).toMatchObject({ status: 'REFUNDED' });
      expect((await system().store.get(waiting.orderId))?.refunds).toHaveLength(1);
    });
  });
});
