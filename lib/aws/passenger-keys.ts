import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { PassengerData, type PassengerKeySource } from '../orders/passenger-data';
import { ConfigurationError, loadConfig, passengerIdHashKeySchema } from './config';

/** Binds every data key to its purpose: KMS refuses to unwrap it for anything else. */
const ENCRYPTION_CONTEXT = { purpose: 'passenger-id-numbers' };
/** The name stored beside ciphertexts sealed under the local dev key (no KMS blob locally). */
export const LOCAL_DATA_KEY_NAME = 'local-dev-key';

/**
 * The passenger data keys of an execution environment (configuration checked at
 * once). `claims: false` for a function that reads and writes orders but never
 * claims (the ticket issuer): it gets no claim hash key.
 */
export function passengerData({ claims = true }: { claims?: boolean } = {}): PassengerData {
  return new PassengerData(passengerKeySource(process.env, { claims }));
}

export interface PassengerKeySourceOptions {
  /** Whether the claim hash key is needed. @default true */
  claims?: boolean;
  kms?: KMSClient;
  secrets?: SecretsProvider;
}

/**
 * Where the keys come from. On AWS: data keys from the customer-managed KMS key
 * (GenerateDataKey once per data key's life, Decrypt once per stored key an
 * environment meets) and the hash key from Secrets Manager, read once. In the
 * local cloud, which emulates neither: PASSENGER_DATA_KEY and PASSENGER_ID_HASH_KEY,
 * dev keys it keeps under its data directory and prints nowhere.
 */
export function passengerKeySource(env: NodeJS.ProcessEnv = process.env, options: PassengerKeySourceOptions = {}): PassengerKeySource {
  const config = loadConfig(['PASSENGER_ID_HASH_KEY', 'PASSENGER_ID_HASH_KEY_ARN', 'PASSENGER_DATA_KEY', 'PASSENGER_DATA_KMS_KEY_ARN'], env);
  const hashKey = options.claims === false ? undefined : hashKeySource(config.PASSENGER_ID_HASH_KEY, config.PASSENGER_ID_HASH_KEY_ARN, options.secrets);
  if (config.PASSENGER_DATA_KEY !== undefined) {
    const plaintext = Buffer.from(config.PASSENGER_DATA_KEY, 'base64');
    return {
      ...(hashKey ? { hashKey } : {}),
      generate: () => Promise.resolve({ wrapped: LOCAL_DATA_KEY_NAME, plaintext }),
      unwrap: (wrapped) => (wrapped === LOCAL_DATA_KEY_NAME ? Promise.resolve(plaintext) : Promise.reject(new ConfigurationError('a KMS-wrapped data key cannot be opened with the local dev key'))),
    };
  }
  const keyId = config.PASSENGER_DATA_KMS_KEY_ARN;
  if (keyId === undefined) throw new ConfigurationError('missing environment: PASSENGER_DATA_KMS_KEY_ARN (or PASSENGER_DATA_KEY, a local dev key)');
  const kms = options.kms ?? new KMSClient({});
  return {
    ...(hashKey ? { hashKey } : {}),
    async generate() {
      const { Plaintext, CiphertextBlob } = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: ENCRYPTION_CONTEXT }));
      if (!Plaintext || !CiphertextBlob) throw new Error(`KMS returned no data key for ${keyId}`);
      return { wrapped: Buffer.from(CiphertextBlob).toString('base64'), plaintext: Buffer.from(Plaintext) };
    },
    async unwrap(wrapped) {
      const { Plaintext } = await kms.send(new DecryptCommand({ KeyId: keyId, CiphertextBlob: Buffer.from(wrapped, 'base64'), EncryptionContext: ENCRYPTION_CONTEXT }));
      if (!Plaintext) throw new Error(`KMS returned no plaintext for a data key of ${keyId}`);
      return Buffer.from(Plaintext);
    },
  };
}

function hashKeySource(value: string | undefined, arn: string | undefined, secrets: SecretsProvider | undefined): () => Promise<Buffer> {
  if (value !== undefined) return () => Promise.resolve(Buffer.from(value, 'utf8'));
  if (arn === undefined) throw new ConfigurationError('missing environment: PASSENGER_ID_HASH_KEY_ARN (or PASSENGER_ID_HASH_KEY, a local dev key)');
  const provider = secrets ?? new SecretsProvider();
  return async () => {
    // PassengerData keeps it for the environment's life: the key never changes.
    const parsed = passengerIdHashKeySchema.safeParse(await provider.get(arn, { maxAge: 0 }));
    if (!parsed.success) throw new ConfigurationError(`secret ${arn}: ${parsed.error.issues[0]?.message ?? 'not a string'}`);
    return Buffer.from(parsed.data, 'utf8');
  };
}
