import { afterSaleServices } from '../../lib/aws/order-services';
import { afterSaleHeadersSchema, refundRequestSchema } from '../../lib/after-sale/requests';
import { httpHandler, json } from '../../lib/http';
import { IDEMPOTENCY_KEY_HEADER } from '../../lib/orders/constants';
import { orderPathSchema } from '../../lib/orders/requests';

const afterSale = afterSaleServices();

/** POST /orders/{orderId}/refund (退票): 200 with each ticket's fare, fee and amount; the seats are free at once. */
export const handler = httpHandler({ auth: 'user', path: orderPathSchema, headers: afterSaleHeadersSchema, body: refundRequestSchema }, async ({ caller, path, headers, body }) => {
  const { answer, replayed } = await afterSale.refund(caller.userId, path.orderId, headers[IDEMPOTENCY_KEY_HEADER], body);
  return json(200, answer, replayed ? { 'idempotent-replayed': 'true' } : undefined);
});
