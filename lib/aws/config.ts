import { z } from 'zod';

/** HMAC-SHA256 keys shorter than this are guessable; providers issue 24 bytes or more. */
export const paymentWebhookSecretSchema = z.string().min(16, 'the payment webhook secret must be at least 16 characters');

/**
 * Configuration comes from the environment, parsed once with zod, failing fast
 * with a message that names the missing variable. Each function asks only for
 * the keys it needs, so a function is not coupled to resources it does not use.
 */
const schema = z.object({
  LEDGER_TABLE_NAME: z.string().min(1),
  /** The occupancy snapshot of the ledger: what search, availability and seat picks read. */
  OCCUPANCY_TABLE_NAME: z.string().min(1),
  ORDER_EVENTS_STREAM_NAME: z.string().min(1),
  TICKET_OUTBOX_QUEUE_URL: z.string().min(1),
  ORDERS_TABLE_NAME: z.string().min(1),
  /** The payment window of 12306: 30 minutes. */
  HOLD_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1800),
  /**
   * The payment provider's signing secret itself: the local cloud and tests set
   * it. On AWS it is unset and the secret is read from Secrets Manager.
   */
  PAYMENT_WEBHOOK_SECRET: paymentWebhookSecretSchema.optional(),
  /** The Secrets Manager secret holding the signing secret, as the stack passes it. */
  PAYMENT_WEBHOOK_SECRET_ARN: z.string().startsWith('arn:', 'PAYMENT_WEBHOOK_SECRET_ARN must be a secret ARN').optional(),
  ORDER_VIEW_TABLE_NAME: z.string().min(1),
  /**
   * The DLQ drill's switch: `always` makes the ticket issuer fail every job, so
   * jobs pile up in the ticket outbox's DLQ. Unset (or `never`) in every real stage.
   */
  TICKET_ISSUER_FAIL: z.enum(['never', 'always']).default('never'),
  /**
   * The functions whose event source mappings the reconciler watches, comma
   * separated. Unset in the local cloud, which has no Lambda API to ask.
   */
  EVENT_SOURCE_MAPPING_FUNCTIONS: z
    .string()
    .optional()
    .transform((names) => (names ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '')),
});

export type Config = z.infer<typeof schema>;

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export function loadConfig<K extends keyof Config>(keys: readonly K[], env: NodeJS.ProcessEnv = process.env): Pick<Config, K> {
  const problems: string[] = [];
  const config: Partial<Config> = {};
  for (const key of keys) {
    const result = schema.shape[key].safeParse(env[key]);
    if (result.success) Object.assign(config, { [key]: result.data });
    else problems.push(key);
  }
  if (problems.length > 0) throw new ConfigurationError(`missing or invalid environment: ${problems.join(', ')}`);
  return config as Pick<Config, K>;
}
