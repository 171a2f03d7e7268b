import { orderServices } from '../../lib/aws/order-services';
import { httpHandler, json } from '../../lib/http';
import { orderPathSchema } from '../../lib/orders/requests';

const orders = orderServices();

/** GET /orders/{orderId}: the caller's order; anyone else's answers 404. */
export const handler = httpHandler({ auth: 'user', path: orderPathSchema }, async ({ caller, path }) => json(200, await orders.find(caller.userId, path.orderId)));
