import { orderViewServices } from '../../lib/aws/view-services';
import { httpHandler, json } from '../../lib/http';
import { OrderNotFoundError } from '../../lib/orders/errors';
import { orderPathSchema } from '../../lib/orders/requests';

const views = orderViewServices();

/** GET /orders/{orderId}, from the read model (it may lag a write by a moment): the caller's order; anyone else's answers 404. */
export const handler = httpHandler({ auth: 'user', path: orderPathSchema }, async ({ caller, path }) => {
  const order = await views.findForUser(caller.userId, path.orderId);
  if (!order) throw new OrderNotFoundError(`no order ${path.orderId}`);
  return json(200, order);
});
