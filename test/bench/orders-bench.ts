import { startEmulators } from '../../infra/local/emulators';
import { SeatLedger } from '../../lib/ledger/seat-ledger';
import { OrderStore } from '../../lib/orders/order-store';
import { Orders } from '../../lib/orders/orders';
import { PassengerClaims } from '../../lib/orders/passenger-claims';
import { Timetable } from '../../lib/timetable/timetable';
import { TimetableStore } from '../../lib/timetable/timetable-store';
import { provisionFromTemplate } from '../helpers/ledger-table';
import { testPassengerData } from '../helpers/passenger-data';
import { residentId } from '../helpers/resident-ids';
import type { BenchRow } from './bench-row';
import { benchTrain, meteredClient } from './ledger-bench';

const SECTION = 'orders (DynamoDB Local)';
const SAMPLES = 40;

/**
 * DynamoDB round trips and consumed capacity per order operation, counted from
 * the SDK's responses: what a POST /orders, a payment callback and a cancel cost.
 */
export async function runOrdersBench(): Promise<BenchRow[]> {
  const emulators = await startEmulators();
  Object.assign(process.env, emulators.env);
  try {
    const { resources, ledgerTable } = await provisionFromTemplate();
    const { db, totals } = meteredClient();
    const ledger = new SeatLedger(db, ledgerTable);
    const timetable = new Timetable(new TimetableStore(db, ledgerTable), ledger);
    const data = testPassengerData();
    const orders = new Orders(new OrderStore(db, resources.tableName('OrdersTable'), data), timetable, ledger, new PassengerClaims(db, ledgerTable, data), { holdTtlSeconds: 900 });
    const train = benchTrain('G8001');
    const { serviceId } = await timetable.publish(train);
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
    return rows;
  } finally {
    await emulators.stop();
  }
}
