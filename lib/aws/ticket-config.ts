import { z } from 'zod';
import { ConfigurationError } from './config';

/**
 * The environment of ticket issuance and the order read model that config.ts
 * does not hold, parsed the same way: once, with zod, failing fast.
 */
const schema = z.object({
  ORDER_VIEW_TABLE_NAME: z.string().min(1),
  /**
   * The DLQ drill's switch: `always` makes the ticket issuer fail every job, so
   * jobs pile up in the ticket outbox's DLQ. Unset (or `never`) in every real stage.
   */
  TICKET_ISSUER_FAIL: z.enum(['never', 'always']).default('never'),
});

export type TicketConfig = z.infer<typeof schema>;

export function loadTicketConfig<K extends keyof TicketConfig>(keys: readonly K[], env: NodeJS.ProcessEnv = process.env): Pick<TicketConfig, K> {
  const problems: string[] = [];
  const config: Partial<TicketConfig> = {};
  for (const key of keys) {
    const result = schema.shape[key].safeParse(env[key]);
    if (result.success) Object.assign(config, { [key]: result.data });
    else problems.push(key);
  }
  if (problems.length > 0) throw new ConfigurationError(`missing or invalid environment: ${problems.join(', ')}`);
  return config as Pick<TicketConfig, K>;
}
