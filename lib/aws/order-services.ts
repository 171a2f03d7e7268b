import { AfterSale } from '../after-sale/after-sale';
import { SoldSeats } from '../ledger/sold-seats';
import { countBusinessEvent } from '../observability/business-metrics';
import { OrderStore } from '../orders/order-store';
import { Orders } from '../orders/orders';
import { PassengerClaims } from '../orders/passenger-claims';
import { UserLimits } from '../orders/user-limits';
import { logger } from '../http/logger';
import { WaitlistFulfiller } from '../waitlist/waitlist-fulfiller';
import { dynamoDocumentClient } from './clients';
import { loadConfig } from './config';
import { ledgerServices } from './ledger-services';
import { passengerData } from './passenger-keys';

let orders: Orders | undefined;
let afterSale: AfterSale | undefined;

/** The order use cases over the orders and seat-ledger tables, built once per execution environment. */
export function orderServices(): Orders {
  if (!orders) {
    const { ORDERS_TABLE_NAME, HOLD_TTL_SECONDS } = loadConfig(['ORDERS_TABLE_NAME', 'HOLD_TTL_SECONDS']);
    const { timetable, ledger } = ledgerServices();
    const db = dynamoDocumentClient();
    const data = passengerData();
    orders = new Orders(new OrderStore(db, ORDERS_TABLE_NAME, data), timetable, ledger, new PassengerClaims(db, ledger.tableName, data), userLimits(), { holdTtlSeconds: HOLD_TTL_SECONDS, count: countBusinessEvent });
  }
  return orders;
}

/** Refunds and changes of tickets, over the same tables as the order use cases, built once per execution environment. */
export function afterSaleServices(): AfterSale {
  if (!afterSale) {
    const { ORDERS_TABLE_NAME, HOLD_TTL_SECONDS } = loadConfig(['ORDERS_TABLE_NAME', 'HOLD_TTL_SECONDS']);
    const { timetable, ledger } = ledgerServices();
    const db = dynamoDocumentClient();
    const data = passengerData();
    afterSale = new AfterSale(new OrderStore(db, ORDERS_TABLE_NAME, data), timetable, ledger, new SoldSeats(db, ledger.tableName), new PassengerClaims(db, ledger.tableName, data), userLimits(), {
      holdTtlSeconds: HOLD_TTL_SECONDS,
      count: countBusinessEvent,
    });
  }
  return afterSale;
}

/** The waitlist fulfiller over the orders and seat-ledger tables, built once per execution environment. */
export function waitlistFulfiller(): WaitlistFulfiller {
  const { ORDERS_TABLE_NAME, HOLD_TTL_SECONDS } = loadConfig(['ORDERS_TABLE_NAME', 'HOLD_TTL_SECONDS']);
  const { timetable, ledger } = ledgerServices();
  return new WaitlistFulfiller(new OrderStore(dynamoDocumentClient(), ORDERS_TABLE_NAME, passengerData()), timetable, ledger, { holdTtlSeconds: HOLD_TTL_SECONDS, count: countBusinessEvent, logger });
}

/** The per-user limits both use cases count against (a change's new order is an unpaid order too). */
function userLimits(): UserLimits {
  const { ORDERS_TABLE_NAME, MAX_UNPAID_ORDERS, MAX_CANCELLATIONS_PER_DAY } = loadConfig(['ORDERS_TABLE_NAME', 'MAX_UNPAID_ORDERS', 'MAX_CANCELLATIONS_PER_DAY']);
  return new UserLimits(ORDERS_TABLE_NAME, { maxUnpaidOrders: MAX_UNPAID_ORDERS, maxCancellationsPerDay: MAX_CANCELLATIONS_PER_DAY });
}
