import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ConfigurationError } from '../../../lib/aws/config';
import { LOCAL_DATA_KEY_NAME, passengerKeySource } from '../../../lib/aws/passenger-keys';
import { PassengerData } from '../../../lib/orders/passenger-data';

const kms = mockClient(KMSClient);
const secretsManager = mockClient(SecretsManagerClient);
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ticketing/passenger-id-hash-AbCdEf';
const HASH_KEY = 'h'.repeat(64);
const PLAINTEXT = new Uint8Array(32).fill(9);
const BLOB = new Uint8Array([1, 2, 3, 4]);
const ON_AWS = { PASSENGER_DATA_KMS_KEY_ARN: KEY_ARN, PASSENGER_ID_HASH_KEY_ARN: SECRET_ARN };

describe('Function: passengerKeySource', () => {
  afterEach(() => {
    kms.reset();
    secretsManager.reset();
  });

  it('on AWS: one GenerateDataKey with the purpose as encryption context, and the hash key from Secrets Manager, for many orders', async () => {
    // Prepare
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: PLAINTEXT, CiphertextBlob: BLOB });
    secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: HASH_KEY });
    const data = new PassengerData(passengerKeySource(ON_AWS));

    // Act
    const sealed = [];
    for (let i = 0; i < 20; i++) {
      await data.ready();
      sealed.push(data.seal('110101199003070011', `order ${i}`));
    }

    // Assess
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 1);
    expect(kms).toHaveReceivedCommandWith(GenerateDataKeyCommand, { KeyId: KEY_ARN, KeySpec: 'AES_256', EncryptionContext: { purpose: 'passenger-id-numbers' } });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(data.hashKey().toString()).toBe(HASH_KEY);
    expect(sealed[0]?.key).toBe(Buffer.from(BLOB).toString('base64'));
  });

  it('on AWS: opens an ID another environment sealed with one Decrypt of its stored data key', async () => {
    // Prepare
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: PLAINTEXT, CiphertextBlob: BLOB });
    kms.on(DecryptCommand).resolves({ Plaintext: PLAINTEXT });
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: HASH_KEY });
    const writer = new PassengerData(passengerKeySource(ON_AWS));
    await writer.ready();
    const sealed = writer.seal('110101199003070011', 'order o-1 passenger 0');
    const reader = new PassengerData(passengerKeySource(ON_AWS));

    // Act
    const opened = [await reader.open(sealed, 'order o-1 passenger 0'), await reader.open(sealed, 'order o-1 passenger 0')];

    // Assess
    expect(opened).toEqual(['110101199003070011', '110101199003070011']);
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 1);
    expect(kms).toHaveReceivedCommandWith(DecryptCommand, { KeyId: KEY_ARN, EncryptionContext: { purpose: 'passenger-id-numbers' } });
  });

  it('refuses a hash key secret shorter than 32 characters', async () => {
    // Prepare
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: PLAINTEXT, CiphertextBlob: BLOB });
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'short' });

    // Act, Assess
    await expect(new PassengerData(passengerKeySource(ON_AWS)).ready()).rejects.toThrow(`secret ${SECRET_ARN}: at least 32 characters`);
  });

  it('locally: the dev keys from the environment, no KMS or Secrets Manager call', async () => {
    // Prepare
    const data = new PassengerData(passengerKeySource({ PASSENGER_DATA_KEY: Buffer.from(PLAINTEXT).toString('base64'), PASSENGER_ID_HASH_KEY: HASH_KEY }));

    // Act
    await data.ready();
    const sealed = data.seal('110101199003070011', 'c');

    // Assess
    expect(sealed.key).toBe(LOCAL_DATA_KEY_NAME);
    await expect(data.open(sealed, 'c')).resolves.toBe('110101199003070011');
    expect(kms.calls()).toHaveLength(0);
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('fails at once, naming what is missing or wrong', () => {
    expect(() => passengerKeySource({ PASSENGER_ID_HASH_KEY: HASH_KEY })).toThrow(ConfigurationError);
    expect(() => passengerKeySource({ PASSENGER_DATA_KMS_KEY_ARN: KEY_ARN })).toThrow('PASSENGER_ID_HASH_KEY_ARN');
    expect(() => passengerKeySource({ PASSENGER_DATA_KEY: 'c2hvcnQ=', PASSENGER_ID_HASH_KEY: HASH_KEY })).toThrow('PASSENGER_DATA_KEY: base64 of 32 bytes');
    expect(() => passengerKeySource({ PASSENGER_DATA_KMS_KEY_ARN: KEY_ARN }, { claims: false })).not.toThrow();
  });
});
