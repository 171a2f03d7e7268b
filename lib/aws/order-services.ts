import { countBusinessEvent } from '../observability/business-metrics';
import { OrderStore } from '../orders/order-store';
import { Orders } from '../orders/orders';
import { PassengerClaims } from '../orders/passenger-claims';
import { UserLimits } from '../orders/user-limits';
import { dynamoDocumentClient } from './clients';
import { loadConfig } from './config';
import { ledgerServices } from './ledger-services';
import { passengerData } from './passenger-keys';

let orders: Orders | undefined;

/** The order use cases over the orders and seat-ledger tables, built once per execution environment. */
export function orderServices(): Orders {
  if (!orders) {
    const { ORDERS_TABLE_NAME, HOLD_TTL_SECONDS, MAX_UNPAID_ORDERS, MAX_CANCELLATIONS_PER_DAY } = loadConfig(['ORDERS_TABLE_NAME', 'HOLD_TTL_SECONDS', 'MAX_UNPAID_ORDERS', 'MAX_CANCELLATIONS_PER_DAY']);
    const { timetable, ledger } = ledgerServices();
    const db = dynamoDocumentClient();
    const data = passengerData();
    orders = new Orders(new OrderStore(db, ORDERS_TABLE_NAME, data), timetable, ledger, new PassengerClaims(db, ledger.tableName, data), new UserLimits(ORDERS_TABLE_NAME, { maxUnpaidOrders: MAX_UNPAID_ORDERS, maxCancellationsPerDay: MAX_CANCELLATIONS_PER_DAY }), { holdTtlSeconds: HOLD_TTL_SECONDS, count: countBusinessEvent });
  }
  return orders;
}
