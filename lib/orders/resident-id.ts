import { z } from 'zod';

/**
 * PRC resident identity numbers (GB 11643-1999): 6 digits of region, the birth
 * date as YYYYMMDD, 3 digits of sequence, and a check character computed with
 * ISO 7064 MOD 11-2. The region is not looked up (codes change over time); the
 * birth date must be a real day from 1900-01-01 up to today (UTC).
 * A lower-case x is accepted and the schema normalizes it to X, so the same
 * person cannot slip past the one-ticket-per-ID rule by changing case.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';
const SHAPE = /^\d{17}[\dXx]$/;
const EARLIEST_BIRTH_YEAR = 1900;

export type ResidentIdVerdict = { valid: true; birthDate: string } | { valid: false; reason: string };

/** The check character of the first 17 digits. */
export function residentIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('a resident ID check character is computed over 17 digits');
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(first17[i]), 0);
  return CHECK_CHARACTERS.charAt(sum % 11);
}

export function validateResidentId(idNumber: string, today: Date = new Date()): ResidentIdVerdict {
  if (!SHAPE.test(idNumber)) return { valid: false, reason: 'resident ID numbers are 17 digits and a check digit or X' };
  const birthDate = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  if (!isRealDate(birthDate)) return { valid: false, reason: `the birth date ${birthDate} is not a real date` };
  if (Number(birthDate.slice(0, 4)) < EARLIEST_BIRTH_YEAR) return { valid: false, reason: `the birth date ${birthDate} is before ${EARLIEST_BIRTH_YEAR}` };
  if (birthDate > today.toISOString().slice(0, 10)) return { valid: false, reason: `the birth date ${birthDate} is in the future` };
  if (residentIdCheckCharacter(idNumber.slice(0, 17)) !== idNumber.charAt(17).toUpperCase()) return { valid: false, reason: 'the check character does not match' };
  return { valid: true, birthDate };
}

export const isValidResidentId = (idNumber: string, today?: Date): boolean => validateResidentId(idNumber, today).valid;

/** A valid resident ID, normalized to an upper-case check character; "today" is the time of parsing. */
export const residentIdSchema = z
  .string()
  .superRefine((idNumber, ctx) => {
    const verdict = validateResidentId(idNumber);
    if (!verdict.valid) ctx.addIssue({ code: 'custom', message: verdict.reason });
  })
  .transform((idNumber) => idNumber.toUpperCase());

function isRealDate(isoDate: string): boolean {
  const parsed = new Date(`${isoDate}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === isoDate;
}
