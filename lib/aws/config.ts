import { z } from 'zod';

/**
 * Configuration comes from the environment, parsed once with zod, failing fast
 * with a message that names the missing variable. Each function asks only for
 * the keys it needs, so a function is not coupled to resources it does not use.
 */
const schema = z.object({
  LEDGER_TABLE_NAME: z.string().min(1),
  ORDER_EVENTS_STREAM_NAME: z.string().min(1),
  TICKET_OUTBOX_QUEUE_URL: z.string().min(1),
  ORDERS_TABLE_NAME: z.string().min(1),
  /** The payment window of 12306: 30 minutes. */
  HOLD_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1800),
  PAYMENT_WEBHOOK_SECRET: z.string().min(16, 'PAYMENT_WEBHOOK_SECRET must be at least 16 characters'),
  ORDER_VIEW_TABLE_NAME: z.string().min(1),
  /**
   * The DLQ drill's switch: `always` makes the ticket issuer fail every job, so
   * jobs pile up in the ticket outbox's DLQ. Unset (or `never`) in every real stage.
   */
  TICKET_ISSUER_FAIL: z.enum(['never', 'always']).default('never'),
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
