import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { SoldOutError } from '../../../lib/ledger/errors';
import type { SeatLedger } from '../../../lib/ledger/seat-ledger';
import { applyPayment } from '../../../lib/orders';
import type { Order } from '../../../lib/orders/order';
import type { OrderStore } from '../../../lib/orders/order-store';
import type { Timetable } from '../../../lib/timetable/timetable';
import { WaitlistFulfiller } from '../../../lib/waitlist/waitlist-fulfiller';
import { at, payment, waitlistedOrder } from '../orders/order-fixtures';
import { KinesisRecords, cancelledOrder, eventOf, lifecycle } from '../views/order-event-records';

const waitingOrder = (orderId: string): Order => applyPayment(waitlistedOrder({ orderId }), payment({ orderId }), { seatsStillHeld: false, now: at(3) }).order;

/**
 * The fulfiller over a queue of WAITING orders and a ledger that has `free` seats (one per passenger served).
 * `readClass` reads how many are free now; a hold given that read chooses from it (and uses it up), one without reads the ledger now.
 */
function fulfillerOver(queue: Order[], free: number) {
  const ledgerSeats = { free };
  const store = { waiting: jest.fn(async () => queue), replace: jest.fn((order: Order) => ({ Put: { TableName: 'orders', Item: order } })) };
  const ledger = {
    readClass: jest.fn(async () => ({ free: ledgerSeats.free })),
    hold: jest.fn(async (_service: unknown, request: { holdId: string; count: number }, linkedTo: (hold: never) => unknown, options?: { occupancy?: { free: number } }) => {
      const seen = options?.occupancy ?? ledgerSeats;
      if (seen.free < request.count || ledgerSeats.free < request.count) throw new SoldOutError('sold out');
      seen.free -= request.count;
      if (seen !== ledgerSeats) ledgerSeats.free -= request.count;
      const hold = { holdId: request.holdId, seats: Array.from({ length: request.count }, (_, i) => ({ coach: '05', seat: `0${ledgerSeats.free + i}A` })) };
      linkedTo(hold as never);
      return hold;
    }),
  };
  const timetable = { service: jest.fn(async (serviceId: string) => ({ serviceId })) };
  const fulfiller = new WaitlistFulfiller(store as unknown as OrderStore, timetable as unknown as Timetable, ledger as unknown as SeatLedger, { holdTtlSeconds: 1800, now: () => at(10).getTime() });
  return { fulfiller, store, ledger, ledgerSeats };
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
        { sell: true, occupancy: seats },
        { sell: true, occupancy: seats },
      ]);
    });

    it('leaves a seat freed while it goes through the queue to the release that freed it, which serves the oldest order, not a younger one', async () => {
      // Prepare: sold out; the release lands while the run is past the oldest order
      const { fulfiller, ledger, ledgerSeats } = fulfillerOver([waitingOrder('w-1'), waitingOrder('w-2'), waitingOrder('w-3')], 0);
      const hold = ledger.hold.getMockImplementation();
      ledger.hold.mockImplementationOnce(async (...args) => {
        try {
          return await (hold as NonNullable<typeof hold>)(...args);
        } finally {
          ledgerSeats.free += 2;
        }
      });

      // Act: the run under way, then the one the release's own event starts
      const during = await fulfiller.serve('G1_2026-12-01', 'second');
      const after = await fulfiller.serve('G1_2026-12-01', 'second', at(11).toISOString());

      // Assess
      expect(during).toEqual([]);
      expect(after.map((o) => o.orderId)).toEqual(['w-1']);
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

    it('keeps no release time on an order served after a newly WAITING order, which freed no seat', async () => {
      const { fulfiller } = fulfillerOver([waitingOrder('w-1')], 5);

      const [served] = await fulfiller.handle(eventOf(waitingOrder('w-2')));

      expect(served?.orderId).toBe('w-1');
      expect(served?.waitlistReleasedAt).toBeUndefined();
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
