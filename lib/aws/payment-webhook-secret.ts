import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { WebhookSecretSource } from '../orders/payment-signature';
import { ConfigurationError, loadConfig, paymentWebhookSecretSchema } from './config';

/** After a signature fails to match, the stored secret is read again at most this often per execution environment. */
export const REREAD_INTERVAL_MS = 60_000;

export interface PaymentWebhookSecretOptions {
  provider?: SecretsProvider;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
}

/**
 * The payment provider's signing secret, read once per execution environment.
 *
 * On AWS the stack passes PAYMENT_WEBHOOK_SECRET_ARN and the value is fetched
 * from Secrets Manager on the first callback, then kept: a callback costs no
 * Secrets Manager call after a cold start. A failed fetch is not kept, so the
 * next callback tries again. When a signature does not match, `reread` fetches
 * it again, at most once a minute, so a secret rotated at the provider is
 * picked up by warm environments and forged callbacks cannot drive up reads.
 *
 * The local cloud and tests set PAYMENT_WEBHOOK_SECRET, the value itself, which
 * wins and never changes. Configuration is checked at once (a function with
 * neither variable fails its cold start); the stored value when it arrives.
 */
export function paymentWebhookSecret(env: NodeJS.ProcessEnv = process.env, options: PaymentWebhookSecretOptions = {}): WebhookSecretSource {
  const { PAYMENT_WEBHOOK_SECRET, PAYMENT_WEBHOOK_SECRET_ARN } = loadConfig(['PAYMENT_WEBHOOK_SECRET', 'PAYMENT_WEBHOOK_SECRET_ARN'], env);
  if (PAYMENT_WEBHOOK_SECRET !== undefined) {
    return { current: () => Promise.resolve(PAYMENT_WEBHOOK_SECRET), reread: () => Promise.resolve(false) };
  }
  if (PAYMENT_WEBHOOK_SECRET_ARN === undefined) {
    throw new ConfigurationError('missing environment: PAYMENT_WEBHOOK_SECRET_ARN (or PAYMENT_WEBHOOK_SECRET with the value itself)');
  }
  return new StoredSecret(options.provider ?? new SecretsProvider(), PAYMENT_WEBHOOK_SECRET_ARN, options.now ?? (() => Date.now()));
}

class StoredSecret implements WebhookSecretSource {
  private cached: Promise<string> | undefined;
  private readAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly secrets: SecretsProvider,
    private readonly arn: string,
    private readonly now: () => number,
  ) {}

  current(): Promise<string> {
    this.cached ??= this.read();
    return this.cached;
  }

  async reread(): Promise<boolean> {
    if (this.now() - this.readAt < REREAD_INTERVAL_MS) return false;
    const before = await this.current().catch(() => undefined);
    this.cached = this.read();
    return (await this.cached) !== before;
  }

  private read(): Promise<string> {
    this.readAt = this.now();
    return this.fetch().catch((error: unknown) => {
      this.cached = undefined;
      throw error;
    });
  }

  private async fetch(): Promise<string> {
    // This object keeps the value for the environment's life; Powertools' cache would expire it after 5 s.
    const value = await this.secrets.get(this.arn, { maxAge: 0 });
    const parsed = paymentWebhookSecretSchema.safeParse(value);
    if (!parsed.success) throw new ConfigurationError(`secret ${this.arn}: ${parsed.error.issues[0]?.message ?? 'not a string'}`);
    return parsed.data;
  }
}
