import { PassengerData } from '../../lib/orders/passenger-data';

/** Fixed dev keys, as the local cloud gives the functions: no KMS, no Secrets Manager. */
export const TEST_ID_HASH_KEY = 'test-passenger-id-hash-key-0123456789abcdef';
export const TEST_DATA_KEY = Buffer.alloc(32, 7);

/** Passenger data keys for tests that build an OrderStore or PassengerClaims themselves. */
export function testPassengerData(): PassengerData {
  return new PassengerData({
    hashKey: () => Promise.resolve(Buffer.from(TEST_ID_HASH_KEY, 'utf8')),
    generate: () => Promise.resolve({ wrapped: 'local-dev-key', plaintext: TEST_DATA_KEY }),
    unwrap: () => Promise.resolve(TEST_DATA_KEY),
  });
}
