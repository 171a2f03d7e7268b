/**
 * What the console needs to know about where it runs, read from /config.json at
 * startup: the local cloud serves one (API on the same origin, sign-in through
 * POST /_local/token); on AWS the stack writes it at deploy time (API URL and the
 * Cognito hosted UI).
 */
export type ConsoleConfig =
  | { apiUrl: string; auth: { mode: 'local' } }
  | { apiUrl: string; auth: { mode: 'cognito'; authority: string; clientId: string; domain: string } };

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const config = (await response.json()) as ConsoleConfig;
  return { ...config, apiUrl: config.apiUrl.replace(/\/+$/, '') };
}

export const isLocal = (config: ConsoleConfig): boolean => config.auth.mode === 'local';
