import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { z } from 'zod';

/**
 * The local cloud's own keys, standing in for what KMS, Secrets Manager and
 * Cognito keep on AWS: the passenger-claim hash key, the data key of stored ID
 * numbers and the token signing key. With a data directory they are kept in
 * `local-keys.json` there (owner-only), so stored orders still open, claims are
 * still found and earlier tokens still verify after a restart; with --memory
 * they are new at each start. They are printed nowhere.
 */
export interface LocalKeys {
  /** PASSENGER_ID_HASH_KEY: 64 hex characters. */
  passengerIdHashKey: string;
  /** PASSENGER_DATA_KEY: base64 of 32 bytes. */
  passengerDataKey: string;
  /** The ES256 private key (JWK) local tokens are signed with. */
  signingKey: JWK;
}

export const LOCAL_KEYS_FILE = 'local-keys.json';
export const SIGNING_ALGORITHM = 'ES256';

const localKeysSchema = z.object({
  passengerIdHashKey: z.string().length(64),
  passengerDataKey: z.string().refine((value) => Buffer.from(value, 'base64').length === 32),
  signingKey: z.looseObject({ kty: z.literal('EC'), crv: z.literal('P-256'), d: z.string(), x: z.string(), y: z.string() }),
});

export async function localKeys(dataDir: string | undefined): Promise<LocalKeys> {
  if (dataDir === undefined) return newKeys();
  const path = join(dataDir, LOCAL_KEYS_FILE);
  const stored = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (stored !== undefined) {
    const parsed = localKeysSchema.safeParse(JSON.parse(stored));
    if (!parsed.success) throw new Error(`${path} is not the local cloud's keys file: delete it together with the data directory's state`);
    return parsed.data as LocalKeys;
  }
  const keys = await newKeys();
  await mkdir(dataDir, { recursive: true });
  await writeFile(path, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return keys;
}

async function newKeys(): Promise<LocalKeys> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  return {
    passengerIdHashKey: randomBytes(32).toString('hex'),
    passengerDataKey: randomBytes(32).toString('base64'),
    signingKey: await exportJWK(privateKey),
  };
}
