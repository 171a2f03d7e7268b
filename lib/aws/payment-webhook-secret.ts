import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigurationError, loadConfig, paymentWebhookSecretSchema } from './config';

/** Yields the payment provider's signing secret; the first call reads it, later calls reuse it. */
export type PaymentWebhookSecret = () => Promise<string>;

/**
 * The payment provider's signing secret, read once per execution environment.
 *
 * On AWS the stack passes PAYMENT_WEBHOOK_SECRET_ARN and the value is fetched
 * from Secrets Manager on the first callback, then kept for the life of the
 * environment: a callback costs no Secrets Manager call after a cold start. A
 * failed fetch is not kept, so the next callback tries again. The local cloud
 * and tests set PAYMENT_WEBHOOK_SECRET, the value itself, which wins.
 *
 * Configuration is checked at once (a function with neither variable fails its
 * cold start); the secret's value is checked when it arrives.
 */
export function paymentWebhookSecret(env: NodeJS.ProcessEnv = process.env, provider?: SecretsProvider): PaymentWebhookSecret {
  const { PAYMENT_WEBHOOK_SECRET, PAYMENT_WEBHOOK_SECRET_ARN } = loadConfig(['PAYMENT_WEBHOOK_SECRET', 'PAYMENT_WEBHOOK_SECRET_ARN'], env);
  if (PAYMENT_WEBHOOK_SECRET !== undefined) return () => Promise.resolve(PAYMENT_WEBHOOK_SECRET);
  if (PAYMENT_WEBHOOK_SECRET_ARN === undefined) {
    throw new ConfigurationError('missing environment: PAYMENT_WEBHOOK_SECRET_ARN (or PAYMENT_WEBHOOK_SECRET with the value itself)');
  }
  const secrets = provider ?? new SecretsProvider();
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= fetchSecret(secrets, PAYMENT_WEBHOOK_SECRET_ARN).catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}

async function fetchSecret(secrets: SecretsProvider, arn: string): Promise<string> {
  // Our own cache holds it for the environment's life; Powertools' would expire it after 5 s.
  const value = await secrets.get(arn, { maxAge: 0 });
  const parsed = paymentWebhookSecretSchema.safeParse(value);
  if (!parsed.success) throw new ConfigurationError(`secret ${arn}: ${parsed.error.issues[0]?.message ?? 'not a string'}`);
  return parsed.data;
}
