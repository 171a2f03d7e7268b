import { ConfigurationError, environmentProblems, loadConfig } from '../../../lib/aws/config';

describe('Function: loadConfig', () => {
  it('names each refused variable with the rule it breaks', () => {
    // Act
    const load = () => loadConfig(['ORDERS_TABLE_NAME', 'PAYMENT_WEBHOOK_SECRET', 'HOLD_TTL_SECONDS'], { PAYMENT_WEBHOOK_SECRET: 'hidden-secret', HOLD_TTL_SECONDS: '0' });

    // Assess
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(
      'missing or invalid environment: ORDERS_TABLE_NAME: missing; PAYMENT_WEBHOOK_SECRET: at least 16 characters; HOLD_TTL_SECONDS: a whole number of seconds from 1 to 86400',
    );
  });

  it('parses and defaults what it accepts', () => {
    // Act
    const config = loadConfig(['ORDERS_TABLE_NAME', 'HOLD_TTL_SECONDS'], { ORDERS_TABLE_NAME: 'orders' });

    // Assess
    expect(config).toEqual({ ORDERS_TABLE_NAME: 'orders', HOLD_TTL_SECONDS: 1800 });
  });
});

describe('Function: environmentProblems', () => {
  it('checks every variable the schema knows, and ignores the ones it does not', () => {
    // Act
    const problems = environmentProblems({ PAYMENT_WEBHOOK_SECRET: 'hidden-secret', TICKET_ISSUER_FAIL: 'sometimes', LEDGER_TABLE_NAME: 'ledger', NODE_OPTIONS: '' });

    // Assess
    expect(problems).toEqual(['PAYMENT_WEBHOOK_SECRET: at least 16 characters', 'TICKET_ISSUER_FAIL: never or always']);
  });

  it('finds nothing wrong with a valid environment', () => {
    expect(environmentProblems({ PAYMENT_WEBHOOK_SECRET: 'a-secret-of-24-characters', HOLD_TTL_SECONDS: '900' })).toEqual([]);
  });
});
