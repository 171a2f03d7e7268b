import { orderViewServices } from '../../lib/aws/view-services';
import { httpHandler, json } from '../../lib/http';
import { listOrdersQuerySchema } from '../../lib/orders/requests';

const views = orderViewServices();

/** GET /orders?limit=&cursor=, from the read model: the caller's orders, newest first. */
export const handler = httpHandler({ auth: 'user', query: listOrdersQuerySchema }, async ({ caller, query }) =>
  json(200, await views.listForUser(caller.userId, query.limit, query.cursor)),
);
