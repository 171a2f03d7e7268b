import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { signPayment } from '../../../../lib/orders';
import { loadEvent } from '../../../helpers/events';
import { invokeHandler } from '../../../helpers/invoke';
import { anOrder, ORDER_ID, orderItem, orderKey, setOrderEnv } from '../orders/order-items';

/** As deployed: the function knows the secret's ARN, never its value. */
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:PaymentWebhookSecret-AbCdEf';
const PROVIDER_SECRET = 'whsec_rotated_by_the_operator_91c2';
setOrderEnv();
delete process.env.PAYMENT_WEBHOOK_SECRET;
process.env.PAYMENT_WEBHOOK_SECRET_ARN = SECRET_ARN;

const db = mockClient(DynamoDBDocumentClient);
const secretsManager = mockClient(SecretsManagerClient);

function signedWith(secret: string, paymentId: string): APIGatewayProxyEventV2 {
  const body = JSON.stringify({ paymentId, orderId: ORDER_ID, amount: 55300, currency: 'CNY', status: 'SUCCEEDED' });
  const signature = signPayment(secret, body, Math.floor(Date.now() / 1000));
  return loadEvent('payments/payment-callback.json', { body, headers: { 'content-length': String(Buffer.byteLength(body)), 'x-payment-signature': signature } });
}

async function call(event: APIGatewayProxyEventV2): Promise<number | undefined> {
  const { handler } = await import('../../../../functions/payments/payment-callback');
  return ((await invokeHandler(handler, event)) as APIGatewayProxyStructuredResultV2).statusCode;
}

describe('Function: payment-callback, secret from Secrets Manager', () => {
  beforeEach(() => {
    const order = anOrder();
    db.on(GetCommand, { Key: orderKey(order.orderId) }).resolves({ Item: orderItem(order) });
    db.on(TransactWriteCommand).resolves({});
    secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: PROVIDER_SECRET });
  });
  afterEach(() => {
    db.reset();
    secretsManager.reset();
  });

  it('verifies callbacks with the stored secret, read once for the execution environment', async () => {
    // Act
    const statuses = [await call(signedWith(PROVIDER_SECRET, 'pay_first')), await call(signedWith(PROVIDER_SECRET, 'pay_second'))];

    // Assess
    expect(statuses).toEqual([200, 200]);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('picks up a secret rotated at the provider once a minute has passed since it was read, with no cold start', async () => {
    // Prepare
    const ROTATED = 'whsec_rotated_at_the_provider_0042';
    // Ten minutes on, so that whatever an earlier test read is old enough to be read again.
    const start = Date.now() + 10 * 60_000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(start);
    secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolvesOnce({ SecretString: PROVIDER_SECRET }).resolves({ SecretString: ROTATED });

    try {
      // Act
      const before = await call(signedWith(PROVIDER_SECRET, 'pay_before'));
      const tooSoon = await call(signedWith(ROTATED, 'pay_too_soon'));
      clock.mockReturnValue(start + 61_000);
      const after = await call(signedWith(ROTATED, 'pay_after'));

      // Assess
      expect([before, tooSoon, after]).toEqual([200, 401, 200]);
      expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    } finally {
      clock.mockRestore();
    }
  });

  it('answers 401 to a callback signed with any other secret and touches no order', async () => {
    // Act
    const status = await call(signedWith('dev-only-payment-webhook-secret', 'pay_forged'));

    // Assess
    expect(status).toBe(401);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
