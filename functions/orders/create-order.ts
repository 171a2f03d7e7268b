import { orderServices } from '../../lib/aws/order-services';
import { httpHandler, json } from '../../lib/http';
import { IDEMPOTENCY_KEY_HEADER } from '../../lib/orders/constants';
import { createOrderHeadersSchema, createOrderSchema } from '../../lib/orders/requests';

const orders = orderServices();

/** POST /orders: 201 with the held seats; the same Idempotency-Key and body again answers the first response. */
export const handler = httpHandler({ auth: 'user', headers: createOrderHeadersSchema, body: createOrderSchema }, async ({ caller, headers, body }) => {
  const { order, replayed } = await orders.reserve(caller.userId, headers[IDEMPOTENCY_KEY_HEADER], body);
  return json(201, order, replayed ? { 'idempotent-replayed': 'true' } : undefined);
});
