import { residentIdCheckCharacter } from '../../lib/orders/resident-id';

/** A valid PRC resident ID for test passenger n: born 1990-01-01 + n % 28 days, sequence from n. */
export function residentId(n: number): string {
  const first17 = `110101199001${String((n % 28) + 1).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}
