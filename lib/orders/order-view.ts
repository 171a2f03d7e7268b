import type { Order } from './order';

/** An order as its traveller sees it: no passenger ID numbers, hold or payment ids, or versions. */
export interface OrderView {
  orderId: string;
  status: Order['status'];
  serviceId: string;
  from: string;
  to: string;
  seatClass: Order['seatClass'];
  seats: Order['seats'];
  amount: number;
  currency: Order['currency'];
  expiresAt: string;
  createdAt: string;
  tickets?: Order['tickets'];
}

/** Takes any order without its passengers, as events carry it too. */
export const toView = (order: Omit<Order, 'passengers'>): OrderView => ({
  orderId: order.orderId,
  status: order.status,
  serviceId: order.serviceId,
  from: order.from,
  to: order.to,
  seatClass: order.seatClass,
  seats: order.seats,
  amount: order.amount,
  currency: order.currency,
  expiresAt: order.expiresAt,
  createdAt: order.createdAt,
  ...(order.tickets ? { tickets: order.tickets } : {}),
});
