import { orderServices } from '../../lib/aws/order-services';
import { httpHandler, json } from '../../lib/http';
import { listOrdersQuerySchema } from '../../lib/orders/requests';

const orders = orderServices();

/** GET /orders?limit=&cursor=: the caller's orders, newest first. */
export const handler = httpHandler({ auth: 'user', query: listOrdersQuerySchema }, async ({ caller, query }) =>
  json(200, await orders.list(caller.userId, query.limit, query.cursor)),
);
