import { startEmulators, type Emulators } from '../../infra/local/emulators';

const START_TIMEOUT_MS = 60_000;

/**
 * Real emulators for one test file: started in beforeAll, their endpoint and
 * credential variables copied into process.env (so SDK clients built afterwards
 * reach them), stopped and the variables restored in afterAll.
 */
export function useEmulators(): { env(): Record<string, string> } {
  let emulators: Emulators | undefined;
  const previous: Record<string, string | undefined> = {};

  beforeAll(async () => {
    emulators = await startEmulators();
    for (const [key, value] of Object.entries(emulators.env)) {
      previous[key] = process.env[key];
      process.env[key] = value;
    }
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await emulators?.stop();
  }, START_TIMEOUT_MS);

  return {
    env() {
      if (!emulators) throw new Error('useEmulators(): the emulators start in beforeAll; call env() inside a test or hook');
      return emulators.env;
    },
  };
}
