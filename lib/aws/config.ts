import { z } from 'zod';

/** HMAC-SHA256 keys shorter than this are guessable; providers issue 24 bytes or more. */
export const paymentWebhookSecretSchema = z.string().min(16, 'at least 16 characters');

/** The claim hash's key: 32 characters or more (generated: 64 hex). */
export const passengerIdHashKeySchema = z.string().min(32, 'at least 32 characters');

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
  REFUND_OUTBOX_QUEUE_URL: z.string().min(1),
  /** Where refunds go to the payment provider (lib/refunds/payment-provider.ts); the local cloud points it at its simulated provider. */
  REFUND_PROVIDER_URL: z.url('an http(s) URL'),
  ORDERS_TABLE_NAME: z.string().min(1),
  /** The payment window of 12306: 30 minutes. */
  HOLD_TTL_SECONDS: z.coerce
    .number({ error: 'a whole number of seconds from 1 to 86400' })
    .int('a whole number of seconds from 1 to 86400')
    .min(1, 'a whole number of seconds from 1 to 86400')
    .max(86_400, 'a whole number of seconds from 1 to 86400')
    .default(1800),
  /** Unpaid (RESERVED) orders one user may have at once (lib/orders/user-limits.ts). */
  MAX_UNPAID_ORDERS: z.coerce.number({ error: 'a whole number from 1 to 100' }).int('a whole number from 1 to 100').min(1, 'a whole number from 1 to 100').max(100, 'a whole number from 1 to 100').default(2),
  /** Cancellations a day (Beijing time) after which a user may order nothing more that day. */
  MAX_CANCELLATIONS_PER_DAY: z.coerce
    .number({ error: 'a whole number from 1 to 100' })
    .int('a whole number from 1 to 100')
    .min(1, 'a whole number from 1 to 100')
    .max(100, 'a whole number from 1 to 100')
    .default(3),
  /**
   * The payment provider's signing secret itself: the local cloud and tests set
   * it. On AWS it is unset and the secret is read from Secrets Manager.
   */
  PAYMENT_WEBHOOK_SECRET: paymentWebhookSecretSchema.optional(),
  /** The Secrets Manager secret holding the signing secret, as the stack passes it. */
  PAYMENT_WEBHOOK_SECRET_ARN: z.string().startsWith('arn:', 'PAYMENT_WEBHOOK_SECRET_ARN must be a secret ARN').optional(),
  /**
   * The key of the passenger-claim hash itself (the local cloud sets a dev key);
   * on AWS unset, and read from the secret PASSENGER_ID_HASH_KEY_ARN names.
   */
  PASSENGER_ID_HASH_KEY: passengerIdHashKeySchema.optional(),
  PASSENGER_ID_HASH_KEY_ARN: z.string().startsWith('arn:', 'a secret ARN').optional(),
  /** A local data key for passengers' ID numbers (base64 of 32 bytes), where KMS is not emulated. */
  PASSENGER_DATA_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'base64 of 32 bytes')
    .optional(),
  /** The customer-managed KMS key that makes the data keys of passengers' ID numbers, on AWS. */
  PASSENGER_DATA_KMS_KEY_ARN: z.string().startsWith('arn:', 'a KMS key ARN').optional(),
  ORDER_VIEW_TABLE_NAME: z.string().min(1),
  /**
   * The DLQ drill's switch: `always` makes the ticket issuer fail every job, so
   * jobs pile up in the ticket outbox's DLQ. Unset (or `never`) in every real stage.
   */
  TICKET_ISSUER_FAIL: z.enum(['never', 'always'], 'never or always').default('never'),
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
    else problems.push(`${key}: ${env[key] === undefined ? 'missing' : (result.error.issues[0]?.message ?? 'invalid')}`);
  }
  if (problems.length > 0) throw new ConfigurationError(`missing or invalid environment: ${problems.join('; ')}`);
  return config as Pick<Config, K>;
}

/**
 * `NAME: rule` for every variable of `env` that the functions' schema knows and
 * refuses: what a function would fail on at its cold start or its first use.
 * The local cloud checks every function's resolved environment with it before
 * it starts (variables a function lacks are found by initialising it).
 */
export function environmentProblems(env: Readonly<Record<string, string | undefined>>): string[] {
  return (Object.keys(schema.shape) as Array<keyof Config>)
    .filter((key) => env[key] !== undefined)
    .flatMap((key) => {
      const result = schema.shape[key].safeParse(env[key]);
      return result.success ? [] : [`${key}: ${result.error.issues[0]?.message ?? 'invalid'}`];
    });
}
