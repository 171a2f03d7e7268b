import type { OrderStore } from '../orders/order-store';
import type { OrderViewWriter } from './order-view-store';

export interface RebuildResult {
  /** Orders read from the orders table. */
  orders: number;
  /** Views written because the view table had an older version or none. */
  written: number;
}

/**
 * Re-projects the order-view table from the orders table, the source of truth:
 * every order is applied as the projector applies an event, so a view already
 * at that version (or newer) is left alone and the rebuild can run while the
 * projector runs, or again after an interruption. The last step of a restore
 * (README, "Restore"), and the cure for a projector that lost events.
 */
export async function rebuildViews(orders: Pick<OrderStore, 'allOrders'>, views: OrderViewWriter, options: { pageSize?: number; onPage?: (result: RebuildResult) => void } = {}): Promise<RebuildResult> {
  const result: RebuildResult = { orders: 0, written: 0 };
  for await (const page of orders.allOrders(options.pageSize)) {
    const applied = await Promise.all(page.map((order) => views.apply(order)));
    result.orders += page.length;
    result.written += applied.filter(Boolean).length;
    options.onPage?.({ ...result });
  }
  return result;
}
