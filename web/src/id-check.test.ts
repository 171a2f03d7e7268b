import { describe, expect, it } from 'vitest';
import { idNumberProblem } from './id-check';

const TODAY = new Date('2026-12-01T00:00:00Z');

describe('Function: idNumberProblem', () => {
  it('accepts a valid number, with an upper- or lower-case X check character', () => {
    expect(idNumberProblem('110101199003070011', TODAY)).toBeUndefined();
    expect(idNumberProblem('11010119900307010X', TODAY)).toBeUndefined();
    expect(idNumberProblem('11010119900307010x', TODAY)).toBeUndefined();
  });

  it('names a wrong check character', () => {
    expect(idNumberProblem('110101199003070012', TODAY)).toBe('id.checkCharacter');
  });

  it('names a wrong shape: too short, letters inside', () => {
    expect(idNumberProblem('11010119900307001', TODAY)).toBe('id.shape');
    expect(idNumberProblem('1101011990030700AB', TODAY)).toBe('id.shape');
  });

  it('names a birth date that is no real day or lies in the future', () => {
    expect(idNumberProblem('110101199002300013', TODAY)).toBe('id.birthDate');
    expect(idNumberProblem('110101203001010015', TODAY)).toBe('id.birthDate');
  });
});
