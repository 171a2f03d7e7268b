import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { LedgerBusyError, SeatsTakenError, SoldOutError } from '../../../lib/ledger/errors';
import type { SeatLedger } from '../../../lib/ledger/seat-ledger';
import { applyPayment } from '../../../lib/orders';
import type { Order } from '../../../lib/orders/order';
import type { OrderStore } from '../../../lib/orders/order-store';
import type { Timetable } from '../../../lib/timetable/timetable';
import { WaitlistFulfiller } from '../../../lib/waitlist/waitlist-fulfiller';
import { at, payment, waitlistedOrder } from '../orders/order-fixtures';
import { KinesisRecords, cancelledOrder, eventOf, lifecycle } from '../views/order-event-records';

/** A WAITING order (two passengers unless told), prepaid a minute after it was made. */
const waitingOrder = (orderId: string, passengers = 2): Order =>
  applyPayment(waitlistedOrder({ orderId, passengers: waitlistedOrder().passengers.slice(0, passengers) }), payment({ orderId }), { seatsStillHeld: false, now: at(1) }).order;

/**
 * The fulfiller over a queue of WAITING orders and a ledger with `free` seats (one per passenger served).
 * `readClass` copies the seats free now; a hold given that copy chooses the first seats of it and sells them when the
 * ledger still has them all. Otherwise it lost a race: told not to choose again it throws SeatsTakenError, else it
 * chooses again from the ledger as it is now.
 */
function fulfillerOver(queue: Order[], free: number) {
  let named = 0;
  const ledgerSeats = new Set<string>();
  const freeSeats = (count: number) => Array.from({ length: count }, () => ledgerSeats.add(`${String(++named).padStart(2, '0')}A`));
  const takeSeats = (count: number) => [...ledgerSeats].slice(0, count).forEach((seat) => ledgerSeats.delete(seat));
  freeSeats(free);
  const replace = jest.fn((order: Order) => ({ Put: { TableName: 'orders', Item: order } }));
  const store = { waiting: jest.fn(async () => queue), replace, versioned: (order: Order) => ({ item: replace(order), onConditionFailed: () => new Error('changed') }) };
  const ledger = {
    readClass: jest.fn(async () => new Set(ledgerSeats)),
    hold: jest.fn(async (_service: unknown, request: { holdId: string; count: number }, linkedTo: (hold: never) => unknown, options?: { occupancy?: Set<string>; chooseAgain?: boolean }) => {
      let seen = options?.occupancy ?? new Set(ledgerSeats);
      let chosen = [...seen].slice(0, request.count);
      if (chosen.length < request.count) throw new SoldOutError('sold out');
      if (!chosen.every((seat) => ledgerSeats.has(seat))) {
        if (options?.chooseAgain === false) throw new SeatsTakenError('taken after the read');
        seen = new Set(ledgerSeats);
        chosen = [...seen].slice(0, request.count);
        if (chosen.length < request.count) throw new SoldOutError('sold out');
      }
      const hold = { holdId: request.holdId, seats: chosen.map((seat) => ({ coach: '05', seat })) };
      linkedTo(hold as never);
      for (const seat of chosen) {
        seen.delete(seat);
        ledgerSeats.delete(seat);
      }
      return hold;
    }),
  };
  const timetable = { service: jest.fn(async (serviceId: string) => ({ serviceId })) };
  const fulfiller = new WaitlistFulfiller(store as unknown as OrderStore, timetable as unknown as Timetable, ledger as unknown as SeatLedger, { holdTtlSeconds: 1800, now: () => at(10).getTime() });
  return { fulfiller, store, ledger, freeSeats, takeSeats };
}

describe('Class: WaitlistFulfiller', () => {
  describe('Method: serve', () => {
    it('sells seats to the WAITING orders in queue order while they fit, all chosen from one consistent read and sold at once', async () => {
      // Prepare: two passengers each, three seats free
      const { fulfiller, ledger } = fulfillerOver([waitingOrder('w-1'), waitingOrder('w-2')], 3);

      // Act
      const served = await fulfiller.serve('G1_2026-12-01', 'second');

      // Assess
      expect(served.map((o) => [o.orderId, o.status, o.seats.length])).toEqual([['w-1', 'PAID', 2]]);
      expect(ledger.readClass).toHaveBeenCalledTimes(1);
      expect(ledger.hold).toHaveBeenCalledTimes(2);
      const seats = await ledger.readClass.mock.results[0]?.value;
      expect(ledger.hold.mock.calls.map((call) => call[3])).toEqual([
        { sell: true, occupancy: seats, chooseAgain: false },
        { sell: true, occupancy: seats, chooseAgain: false },
      ]);
    });

    it('leaves a seat freed while it goes through the queue to the release that freed it, which serves the oldest order, not a younger one', async () => {
      // Prepare: sold out; the release lands while the run is past the oldest order
      const { fulfiller, ledger, freeSeats } = fulfillerOver([waitingOrder('w-1'), waitingOrder('w-2'), waitingOrder('w-3')], 0);
      const hold = ledger.hold.getMockImplementation();
      ledger.hold.mockImplementationOnce(async (...args) => {
        try {
          return await (hold as NonNullable<typeof hold>)(...args);
        } finally {
          freeSeats(2);
        }
      });

      // Act: the run under way, then the one the release's own event starts
      const during = await fulfiller.serve('G1_2026-12-01', 'second');
      const after = await fulfiller.serve('G1_2026-12-01', 'second', at(11).toISOString());

      // Assess
      expect(during).toEqual([]);
      expect(after.map((o) => o.orderId)).toEqual(['w-1']);
    });

    it('reads again and starts over from the oldest order when a hold loses a race for a seat of its read, so a seat freed meanwhile goes to the first in line', async () => {
      // Prepare: one seat free, too few for the oldest order (two passengers); a buyer takes it before the younger one's hold, and two seats are freed meanwhile
      const { fulfiller, ledger, freeSeats, takeSeats } = fulfillerOver([waitingOrder('w-old'), waitingOrder('w-young', 1)], 1);
      const hold = ledger.hold.getMockImplementation() as NonNullable<ReturnType<typeof ledger.hold.getMockImplementation>>;
      ledger.hold
        .mockImplementationOnce(hold)
        .mockImplementationOnce(async (...args) => {
          takeSeats(1);
          freeSeats(2);
          return hold(...args);
        });

      // Act
      const served = await fulfiller.serve('G1_2026-12-01', 'second', at(9).toISOString());

      // Assess: the oldest order got the two freed seats; the younger one waits for the next release
      expect(served.map((o) => [o.orderId, o.seats.map((s) => s.seat)])).toEqual([['w-old', ['02A', '03A']]]);
      expect(ledger.readClass).toHaveBeenCalledTimes(2);
    });

    it('gives up after losing races a few times in one run, for the event to be retried, and counts whom it served', async () => {
      const count = jest.fn();
      const { ledger, store } = fulfillerOver([waitingOrder('w-1', 1), waitingOrder('w-2', 1)], 1);
      const fulfiller = new WaitlistFulfiller(store as unknown as OrderStore, { service: async (serviceId: string) => ({ serviceId }) } as unknown as Timetable, ledger as unknown as SeatLedger, { holdTtlSeconds: 1800, count });
      ledger.hold.mockImplementationOnce(ledger.hold.getMockImplementation() as never).mockRejectedValue(new SeatsTakenError('taken after the read'));

      await expect(fulfiller.serve('G1_2026-12-01', 'second')).rejects.toBeInstanceOf(LedgerBusyError);
      expect(count).toHaveBeenCalledWith('WaitlistServed', 1);
    });

    it('keeps on the served order when the release that freed its seats happened', async () => {
      const { fulfiller } = fulfillerOver([waitingOrder('w-1')], 2);

      const [served] = await fulfiller.serve('G1_2026-12-01', 'second', at(9).toISOString());

      expect(served?.waitlistReleasedAt).toBe(at(9).toISOString());
    });

    it('reads nothing more when nobody waits', async () => {
      const { fulfiller, ledger } = fulfillerOver([], 3);

      expect(await fulfiller.serve('G1_2026-12-01', 'second')).toEqual([]);
      expect(ledger.hold).not.toHaveBeenCalled();
    });
  });

  describe('Method: handle', () => {
    it.each([
      ['OrderReserved', () => lifecycle().reserved],
      ['OrderPaid', () => lifecycle().paid],
      ['OrderTicketed', () => lifecycle().ticketed],
    ])('serves nobody after %s, which frees no seat', async (_, order) => {
      const { fulfiller, store } = fulfillerOver([waitingOrder('w-1')], 5);

      expect(await fulfiller.handle(eventOf(order()))).toEqual([]);
      expect(store.waiting).not.toHaveBeenCalled();
    });

    it('serves the service and class of a cancelled order', async () => {
      const { fulfiller, store } = fulfillerOver([waitingOrder('w-1')], 5);

      const served = await fulfiller.handle(eventOf(cancelledOrder()));

      expect(served.map((o) => o.orderId)).toEqual(['w-1']);
      expect(store.waiting).toHaveBeenCalledWith('G1_2026-12-01', 'second', expect.any(Number));
    });

    it('counts from the cancel: the served order keeps when its seats were released', async () => {
      const { fulfiller } = fulfillerOver([waitingOrder('w-1')], 5);
      const cancel = eventOf(cancelledOrder());

      const [served] = await fulfiller.handle(cancel);

      expect(served?.waitlistReleasedAt).toBe(cancel.occurredAt);
    });

    it('counts from the newly WAITING order after its event, which freed no seat (seats freed just before are counted from then)', async () => {
      const { fulfiller } = fulfillerOver([waitingOrder('w-1')], 5);
      const waiting = eventOf(waitingOrder('w-2'));

      const [served] = await fulfiller.handle(waiting);

      expect(served?.orderId).toBe('w-1');
      expect(served?.waitlistReleasedAt).toBe(waiting.occurredAt);
    });

    it('counts from when the order began waiting when that came after the release', async () => {
      const { fulfiller } = fulfillerOver([waitingOrder('w-1')], 5);

      const [served] = await fulfiller.serve('G1_2026-12-01', 'second', at(0.5).toISOString());

      expect(served?.waitlistReleasedAt).toBe(at(1).toISOString());
    });
  });

  describe('Method: handleBatch', () => {
    it('serves each service and class of a batch once', async () => {
      // Prepare
      const records = new KinesisRecords();
      const { fulfiller, store } = fulfillerOver([waitingOrder('w-1')], 5);

      // Act
      const response = await fulfiller.handleBatch([records.of(eventOf(cancelledOrder({ orderId: 'a' }))), records.of(eventOf(cancelledOrder({ orderId: 'b' })))]);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(store.waiting).toHaveBeenCalledTimes(1);
    });

    it('counts release → ticket from the first release of the batch, also when a newly WAITING order came before it', async () => {
      // Prepare
      const records = new KinesisRecords();
      const { fulfiller, store } = fulfillerOver([waitingOrder('w-1')], 5);
      const cancel = eventOf(cancelledOrder({ orderId: 'a' }));

      // Act
      await fulfiller.handleBatch([records.of(eventOf(waitingOrder('w-2'))), records.of(cancel)]);

      // Assess
      const [[served]] = store.replace.mock.calls as unknown as [[Order]];
      expect(served.waitlistReleasedAt).toBe(cancel.occurredAt);
    });

    it('reports a batch it could not serve as failed, for Lambda to retry', async () => {
      const records = new KinesisRecords();
      const { fulfiller, store } = fulfillerOver([waitingOrder('w-1')], 5);
      store.waiting.mockRejectedValue(new Error('throttled'));

      await expect(fulfiller.handleBatch([records.of(eventOf(cancelledOrder()))])).rejects.toBeInstanceOf(FullBatchFailureError);
    });
  });
});
