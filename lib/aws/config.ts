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
    if (result.success) config[key] = result.data;
    else problems.push(key);
  }
  if (problems.length > 0) throw new ConfigurationError(`missing or invalid environment: ${problems.join(', ')}`);
  return config as Pick<Config, K>;
}
