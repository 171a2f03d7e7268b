import { validateResidentId } from '../../lib/orders/resident-id';

/** Why an ID number is refused, as a message key; the API checks the same way (lib/orders/resident-id.ts). */
export type IdProblem = 'id.shape' | 'id.birthDate' | 'id.checkCharacter';

const SHAPE = /^\d{17}[\dXx]$/;

export function idNumberProblem(idNumber: string, today: Date = new Date()): IdProblem | undefined {
  if (!SHAPE.test(idNumber)) return 'id.shape';
  const verdict = validateResidentId(idNumber, today);
  if (verdict.valid) return undefined;
  return verdict.reason.includes('check character') ? 'id.checkCharacter' : 'id.birthDate';
}
