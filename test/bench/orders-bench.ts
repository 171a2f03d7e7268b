import { startEmulators } from '../../infra/local/emulators';
import { OrderStore } from '../../lib/orders/order-store';
import { Orders } from '../../lib/orders/orders';
import { PassengerClaims } from '../../lib/orders/passenger-claims';
import { UserLimits } from '../../lib/orders/user-limits';
import { encodeCoach } from '../../lib/ledger/coach-occupancy';
import type { OccupancyStore } from '../../lib/ledger/occupancy-store';
import { coachLayouts } from '../../lib/ledger/service-occupancy';
import { type Service, segmentMask } from '../../lib/timetable/service';
import { provisionFromTemplate } from '../helpers/ledger-table';
import { seatSystem } from '../helpers/seat-system';
import { testPassengerData } from '../helpers/passenger-data';
import { residentId } from '../helpers/resident-ids';
import type { BenchRow } from './bench-row';
import { benchTrain, meteredClient } from './ledger-bench';

const SECTION = 'orders (DynamoDB Local)';

/** Stores a snapshot of `service` with about `fill` of its seat-segments taken: sold rides and live holds. */
async function writeSnapshot(store: OccupancyStore, service: Service, fill: number): Promise<number> {
  const segments = service.stops.length - 1;
  const until = Date.now() + 900_000;
  let bytes = 0;
  for (const { coach, seats } of coachLayouts(service)) {
    const occupancy = seats.map(() => {
      let sold = 0;
      const holds: { mask: number; until: number }[] = [];
      // Rides laid end to end along the seat until about `fill` of its segments are taken.
      for (let from = 0; from < segments; ) {
        const length = 1 + Math.floor(Math.random() * 6);
        const to = Math.min(segments, from + length);
        if (Math.random() < fill) {
          const mask = segmentMask({ fromIndex: from, toIndex: to });
          if (Math.random() < 0.5) sold |= mask;
          else holds.push({ mask, until: until + Math.floor(Math.random() * 900_000) });
        }
        from = to;
      }
      return { sold, holds };
    });
    const encoded = encodeCoach(occupancy);
    bytes += encoded.length;
    await store.write(service.serviceId, coach, encoded, Date.now());
  }
  return bytes;
}
const SAMPLES = 40;
/** The deployed defaults: each sample is a user of its own, so the limits cost their round trip's items and never refuse. */
const BENCH_LIMITS = { maxUnpaidOrders: 2, maxCancellationsPerDay: 3 };

/**
 * DynamoDB round trips and consumed capacity per order operation, counted from
 * the SDK's responses: what a POST /orders, a payment callback and a cancel cost.
 */
export async function runOrdersBench(): Promise<BenchRow[]> {
  const emulators = await startEmulators();
  Object.assign(process.env, emulators.env);
  try {
    const { resources, ...tables } = await provisionFromTemplate();
    const { db, totals } = meteredClient();
    // One warm container: the service definition and a snapshot (500 ms) cached, as the function builds them.
    const { ledger, timetable, project } = seatSystem(db, tables, { snapshotMaxAgeMs: 500 });
    const data = testPassengerData();
    const orders = new Orders(new OrderStore(db, resources.tableName('OrdersTable'), data), timetable, ledger, new PassengerClaims(db, tables.ledgerTable, data), new UserLimits(resources.tableName('OrdersTable'), BENCH_LIMITS), { holdTtlSeconds: 900 });
    const train = benchTrain('G8001');
    const { serviceId } = await timetable.publish(train);
    await project(serviceId);
    const stations = train.stops.map((s) => s.station);

    const measure = async (label: string, operation: (i: number) => Promise<unknown>): Promise<BenchRow> => {
      Object.assign(totals, { read: 0, write: 0, calls: 0, byCommand: {} });
      for (let i = 0; i < SAMPLES; i++) await operation(i);
      const per = (n: number) => (n / SAMPLES).toFixed(1);
      const commands = Object.entries(totals.byCommand)
        .map(([command, n]) => `${command.replace(/Command$/, '')} ${per(n)}`)
        .join(', ');
      return { section: SECTION, metric: `${label}: round trips (WCU, RCU)`, value: `${per(totals.calls)} (${per(totals.write)} WCU, ${per(totals.read)} RCU): ${commands}` };
    };

    const reserved: { orderId: string; amount: number }[] = [];
    const rows = [
      await measure('POST /orders, one passenger', async (i) => {
        const { order } = await orders.reserve(`bench-${i}`, `key-${i}`, { serviceId, from: stations[0] as string, to: stations[19] as string, seatClass: 'second', passengers: [{ name: `P${i}`, idNumber: residentId(i) }] });
        reserved.push(order);
      }),
      await measure('payment callback (RESERVED → PAID)', (i) => orders.pay({ paymentId: `pay-${i}`, orderId: (reserved[i] as { orderId: string }).orderId, amount: (reserved[i] as { amount: number }).amount, currency: 'CNY', status: 'SUCCEEDED' })),
    ];
    const toCancel: string[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      toCancel.push((await orders.reserve(`cancel-${i}`, `key-c-${i}`, { serviceId, from: stations[0] as string, to: stations[19] as string, seatClass: 'second', passengers: [{ name: `C${i}`, idNumber: residentId(500 + i) }] })).order.orderId);
    }
    rows.push(await measure('POST /orders/{id}/cancel', (i) => orders.cancel(`cancel-${i}`, toCancel[i] as string)));

    // Every container cold: the worst case of a sale's first second.
    const cold = seatSystem(db, tables);
    const coldOrders = new Orders(new OrderStore(db, resources.tableName('OrdersTable'), data), cold.timetable, cold.ledger, new PassengerClaims(db, tables.ledgerTable, data), new UserLimits(resources.tableName('OrdersTable'), BENCH_LIMITS), { holdTtlSeconds: 900 });
    await cold.timetable.service(serviceId);
    rows.push(
      await measure('POST /orders, one passenger, snapshot never cached', (i) =>
        coldOrders.reserve(`cold-${i}`, `key-cold-${i}`, { serviceId, from: stations[0] as string, to: stations[19] as string, seatClass: 'second', passengers: [{ name: `K${i}`, idNumber: residentId(1000 + i) }] }),
      ),
    );

    // What one search of a train costs, by how full its snapshot is (the snapshot written as
    // the projector would write it for seats sold and held at random over random rides).
    for (const fill of [0, 0.5, 0.9]) {
      const full = benchTrain(`G${8100 + Math.round(fill * 100)}`);
      const { serviceId: fullId } = await timetable.publish(full);
      const bytes = await writeSnapshot(cold.store, await timetable.service(fullId), fill);
      Object.assign(totals, { read: 0, write: 0, calls: 0, byCommand: {} });
      await cold.availability.availability(fullId, stations[0] as string, stations[19] as string);
      rows.push({ section: SECTION, metric: `search/availability of a 1,200-seat, 20-stop train at ${fill * 100} %: RCU (snapshot size)`, value: `${totals.read.toFixed(1)} RCU in ${totals.calls} calls, the definition's GetItem included (snapshot ${(bytes / 1024).toFixed(1)} KB)`, target: '≤ 3 RCU' });
    }
    return rows;
  } finally {
    await emulators.stop();
  }
}
