import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigurationError } from '../../../lib/aws/config';
import { paymentWebhookSecret, REREAD_INTERVAL_MS } from '../../../lib/aws/payment-webhook-secret';

const secretsManager = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ticketing/payment-webhook-AbCdEf';
const PROVIDER_SECRET = 'whsec_from_secrets_manager_5e1c';

describe('Function: paymentWebhookSecret', () => {
  afterEach(() => secretsManager.reset());

  it('reads the secret from Secrets Manager once and serves later callbacks from memory', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: PROVIDER_SECRET });
    const secret = paymentWebhookSecret({ PAYMENT_WEBHOOK_SECRET_ARN: ARN });

    // Act
    const values = await Promise.all([secret.current(), secret.current()]);
    values.push(await secret.current());

    // Assess
    expect(values).toEqual([PROVIDER_SECRET, PROVIDER_SECRET, PROVIDER_SECRET]);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads nothing before the first callback', () => {
    // Act
    paymentWebhookSecret({ PAYMENT_WEBHOOK_SECRET_ARN: ARN });

    // Assess
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('tries again on the next callback after a failed read', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: PROVIDER_SECRET });
    const secret = paymentWebhookSecret({ PAYMENT_WEBHOOK_SECRET_ARN: ARN });

    // Act
    const first = secret.current();

    // Assess
    await expect(first).rejects.toThrow();
    await expect(secret.current()).resolves.toBe(PROVIDER_SECRET);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  describe('Method: reread', () => {
    const ROTATED = 'whsec_after_rotation_at_provider_77';

    /** A secret first read at a fixed time, then `elapsedMs` later on its clock. */
    async function readThenWait(elapsedMs: number) {
      let now = 1_800_000_000_000;
      const secret = paymentWebhookSecret({ PAYMENT_WEBHOOK_SECRET_ARN: ARN }, { now: () => now });
      await secret.current();
      now += elapsedMs;
      return secret;
    }

    it('reads the secret again once a minute has passed since the last read, and says whether it changed', async () => {
      // Prepare
      secretsManager.on(GetSecretValueCommand).resolvesOnce({ SecretString: PROVIDER_SECRET }).resolves({ SecretString: ROTATED });
      const secret = await readThenWait(REREAD_INTERVAL_MS);

      // Act
      const changed = await secret.reread();

      // Assess
      expect(changed).toBe(true);
      await expect(secret.current()).resolves.toBe(ROTATED);
      expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    });

    it('reads nothing within a minute of the last read, however many signatures fail', async () => {
      // Prepare
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: PROVIDER_SECRET });
      const secret = await readThenWait(REREAD_INTERVAL_MS - 1);

      // Act
      const answers = await Promise.all(Array.from({ length: 50 }, () => secret.reread()));

      // Assess
      expect(new Set(answers)).toEqual(new Set([false]));
      expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    });

    it('answers false when the stored secret is unchanged', async () => {
      // Prepare
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: PROVIDER_SECRET });
      const secret = await readThenWait(REREAD_INTERVAL_MS);

      // Act & Assess
      await expect(secret.reread()).resolves.toBe(false);
      expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    });

    it('never changes a secret given as a value', async () => {
      await expect(paymentWebhookSecret({ PAYMENT_WEBHOOK_SECRET: 'whsec_local_7d1f0c9e4b2a6358' }).reread()).resolves.toBe(false);
      expect(secretsManager.calls()).toHaveLength(0);
    });
  });

  it('prefers the value itself, as the local cloud passes it, and calls no AWS service', async () => {
    // Act
    const value = await paymentWebhookSecret({ PAYMENT_WEBHOOK_SECRET: 'whsec_local_7d1f0c9e4b2a6358', PAYMENT_WEBHOOK_SECRET_ARN: ARN }).current();

    // Assess
    expect(value).toBe('whsec_local_7d1f0c9e4b2a6358');
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('refuses a stored secret too short to sign with', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'short' });

    // Act
    const read = paymentWebhookSecret({ PAYMENT_WEBHOOK_SECRET_ARN: ARN }).current();

    // Assess
    await expect(read).rejects.toThrow(ConfigurationError);
    await expect(read).rejects.toThrow(/at least 16 characters/);
  });

  it('fails at once when neither the secret nor its ARN is configured', () => {
    // Act & Assess
    expect(() => paymentWebhookSecret({})).toThrow(/PAYMENT_WEBHOOK_SECRET_ARN/);
    expect(() => paymentWebhookSecret({ PAYMENT_WEBHOOK_SECRET_ARN: 'ticketing/payment-webhook' })).toThrow(ConfigurationError);
  });
});
