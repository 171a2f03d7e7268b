import { afterSaleServices } from '../../lib/aws/order-services';
import { afterSaleHeadersSchema, changeRequestSchema } from '../../lib/after-sale/requests';
import { httpHandler, json } from '../../lib/http';
import { IDEMPOTENCY_KEY_HEADER } from '../../lib/orders/constants';
import { orderPathSchema } from '../../lib/orders/requests';

const afterSale = afterSaleServices();

/** POST /orders/{orderId}/change (改签): 201 with the new order, RESERVED for the difference or PAID owing it back. */
export const handler = httpHandler({ auth: 'user', path: orderPathSchema, headers: afterSaleHeadersSchema, body: changeRequestSchema }, async ({ caller, path, headers, body }) => {
  const { order, replayed } = await afterSale.change(caller.userId, path.orderId, headers[IDEMPOTENCY_KEY_HEADER], body);
  return json(201, order, replayed ? { 'idempotent-replayed': 'true' } : undefined);
});
