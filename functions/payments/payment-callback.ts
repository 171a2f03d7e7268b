import { orderServices } from '../../lib/aws/order-services';
import { paymentWebhookSecret } from '../../lib/aws/payment-webhook-secret';
import { httpHandler, json, parseRequest, rawBody } from '../../lib/http';
import { PAYMENT_SIGNATURE_HEADER } from '../../lib/orders/constants';
import { verifyPaymentCallback } from '../../lib/orders/payment-signature';
import { paymentCallbackSchema } from '../../lib/orders/requests';

const orders = orderServices();
const webhookSecret = paymentWebhookSecret();

/**
 * POST /payments/callback, from the payment provider: signed, not authenticated.
 * The signature over the raw body is checked first (401), then the body (400).
 */
export const handler = httpHandler({ auth: 'public' }, async ({ event, headers }) => {
  const raw = rawBody(event) ?? Buffer.alloc(0);
  await verifyPaymentCallback(webhookSecret, headers[PAYMENT_SIGNATURE_HEADER], raw, Math.floor(Date.now() / 1000));
  const { body } = parseRequest({ body: paymentCallbackSchema }, event);
  const { order } = await orders.pay(body);
  return json(200, { orderId: order.orderId, status: order.status });
});
