import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalAuth } from '../../../infra/local/local-auth';
import { LOCAL_KEYS_FILE, localKeys } from '../../../infra/local/local-keys';

describe('Function: localKeys', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-keys-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the keys under the data directory, readable by the owner only, and reads the same ones back after a restart', async () => {
    // Act
    const first = await localKeys(dataDir);
    const again = await localKeys(dataDir);

    // Assess
    expect(again).toEqual(first);
    expect(statSync(join(dataDir, LOCAL_KEYS_FILE)).mode & 0o777).toBe(0o600);
    expect(first.passengerIdHashKey).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(first.passengerDataKey, 'base64')).toHaveLength(32);
  });

  it('makes new keys at each start without a data directory (--memory)', async () => {
    // Act
    const [a, b] = await Promise.all([localKeys(undefined), localKeys(undefined)]);

    // Assess
    expect(a.passengerIdHashKey).not.toBe(b.passengerIdHashKey);
    expect(a.passengerDataKey).not.toBe(b.passengerDataKey);
  });

  it('refuses a keys file it did not write', async () => {
    // Prepare
    await localKeys(dataDir);
    const path = join(dataDir, LOCAL_KEYS_FILE);
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), passengerDataKey: 'short' }));

    // Act, Assess
    await expect(localKeys(dataDir)).rejects.toThrow(LOCAL_KEYS_FILE);
  });
});

describe('Class: LocalAuth with a kept signing key', () => {
  it('verifies a token issued before a restart', async () => {
    // Prepare
    const { signingKey } = await localKeys(undefined);
    const token = await (await LocalAuth.create(signingKey)).issue({ sub: 'alice' });

    // Act
    const claims = await (await LocalAuth.create(signingKey)).verify(token);

    // Assess
    expect(claims.sub).toBe('alice');
    await expect((await LocalAuth.create()).verify(token)).rejects.toThrow();
  });
});
