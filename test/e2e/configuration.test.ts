import { startLocalCloudProcess } from '../helpers/local-cloud';

describe('Local cloud: a configuration the functions refuse', () => {
  it('refuses to start, naming the function, the variable and the rule', async () => {
    // Act
    const start = startLocalCloudProcess({ PAYMENT_WEBHOOK_SECRET: 'hidden-secret' }, { seed: false });

    // Assess
    await expect(start).rejects.toThrow(/exited \(1\) before it was ready[\s\S]*PaymentCallbackFunction\w*: PAYMENT_WEBHOOK_SECRET: at least 16 characters/);
  }, 120_000);
});
