import { isValidResidentId, residentIdCheckCharacter, residentIdSchema, validateResidentId } from '../../../lib/orders';

const TODAY = new Date('2026-06-15T12:00:00Z');

describe('Function: validateResidentId', () => {
  it.each([
    ['the example of shared/API.md', '110101199003070011', '1990-03-07'],
    ['the example of GB 11643 (check character X)', '11010519491231002X', '1949-12-31'],
    ['a Shenzhen number', '440304199912311237', '1999-12-31'],
    ['a leap day of 2000', '310104200002290014', '2000-02-29'],
    ['a birth date of 1900-01-01', '110101190001010014', '1900-01-01'],
    ['a Nanjing number', '320106199001010024', '1990-01-01'],
  ])('accepts %s', (_what, idNumber, birthDate) => {
    // Act
    const verdict = validateResidentId(idNumber, TODAY);

    // Assess
    expect(verdict).toEqual({ valid: true, birthDate });
  });

  it.each([
    ['a wrong check digit', '110101199003070012', 'check character'],
    ['a digit where X is due', '110105194912310021', 'check character'],
    ['an X where a digit is due', '11010119900307001X', 'check character'],
    ['30 February (checksum right)', '110101199002300014', 'not a real date'],
    ['29 February 2001 (checksum right)', '110101200102290015', 'not a real date'],
    ['month 13 (checksum right)', '110101199013010012', 'not a real date'],
    ['a birth date before 1900 (checksum right)', '11010118991231001X', 'before 1900'],
    ['a birth date in the future (checksum right)', '110101209901010017', 'in the future'],
    ['17 characters', '11010119900307001', '17 digits'],
    ['19 characters', '1101011990030700111', '17 digits'],
    ['a letter among the digits', '1101011990O3070011', '17 digits'],
    ['a check character other than X', '11010519491231002Y', '17 digits'],
    ['surrounding spaces', ' 110101199003070011', '17 digits'],
    ['the empty string', '', '17 digits'],
  ])('refuses %s', (_what, idNumber, reason) => {
    // Act
    const verdict = validateResidentId(idNumber, TODAY);

    // Assess
    expect(verdict).toEqual({ valid: false, reason: expect.stringContaining(reason) });
  });

  it('accepts a birth date of today and refuses tomorrow', () => {
    // Prepare
    const bornToday = `11010120260615001${residentIdCheckCharacter('11010120260615001')}`;
    const bornTomorrow = `11010120260616001${residentIdCheckCharacter('11010120260616001')}`;

    // Act & Assess
    expect(isValidResidentId(bornToday, TODAY)).toBe(true);
    expect(isValidResidentId(bornTomorrow, TODAY)).toBe(false);
  });

  it('accepts a lower-case x as the check character', () => {
    // Act & Assess
    expect(isValidResidentId('11010519491231002x', TODAY)).toBe(true);
  });
});

describe('Function: residentIdCheckCharacter', () => {
  it.each([
    ['11010119900307001', '1'],
    ['11010519491231002', 'X'],
    ['44030419991231123', '7'],
  ])('computes the ISO 7064 MOD 11-2 check character of %s as %s', (first17, check) => {
    // Act & Assess
    expect(residentIdCheckCharacter(first17)).toBe(check);
  });

  it('refuses anything but 17 digits', () => {
    // Act & Assess
    expect(() => residentIdCheckCharacter('1101011990030700')).toThrow(RangeError);
  });
});

describe('Schema: residentIdSchema', () => {
  it('normalizes a lower-case x to X', () => {
    // Act
    const parsed = residentIdSchema.parse('11010519491231002x');

    // Assess
    expect(parsed).toBe('11010519491231002X');
  });

  it('reports why a number is refused', () => {
    // Act
    const result = residentIdSchema.safeParse('110101199003070012');

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('the check character does not match');
  });

  it('refuses a birth date after the real today', () => {
    // Prepare
    const nextYear = String(new Date().getUTCFullYear() + 1);
    const first17 = `110101${nextYear}0101001`;

    // Act
    const result = residentIdSchema.safeParse(`${first17}${residentIdCheckCharacter(first17)}`);

    // Assess
    expect(result.success).toBe(false);
  });
});
