import { orderServices } from '../../lib/aws/order-services';
import { httpHandler, json } from '../../lib/http';
import { orderPathSchema } from '../../lib/orders/requests';

const orders = orderServices();

/** POST /orders/{orderId}/cancel: RESERVED → CANCELLED, seats free at once; again → the same answer. */
export const handler = httpHandler({ auth: 'user', path: orderPathSchema }, async ({ caller, path }) => {
  const { orderId, status } = await orders.cancel(caller.userId, path.orderId);
  return json(200, { orderId, status });
});
