import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  formatNhsNumber,
  isValidNhsNumber,
  nhsNumberCheckDigit,
  normalizeNhsNumber,
} from './nhs-number.js';

interface Vectors {
  valid: string[];
  invalid: string[];
}

const vectors = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/external/nhs-numbers.json', import.meta.url),
    'utf8',
  ),
) as Vectors;

const digit = fc.integer({ min: 0, max: 9 });
const nineDigits = fc.array(digit, { minLength: 9, maxLength: 9 }).map((d) => d.join(''));

/** Nine-digit prefixes whose Modulus 11 check works out as 10. */
const prefixWithCheck10 = nineDigits.filter((p) => {
  const sum = [...p].reduce((acc, c, i) => acc + Number(c) * (10 - i), 0);
  return 11 - (sum % 11) === 10;
});

/** Valid NHS numbers built from any nine digits whose check is not 10. */
const validNhsNumber = nineDigits
  .map((p) => ({ p, check: nhsNumberCheckDigit(p) }))
  .filter((x): x is { p: string; check: number } => x.check !== null)
  .map(({ p, check }) => `${p}${check}`);

describe('isValidNhsNumber against the independent vectors', () => {
  it.each(vectors.valid)('accepts the published valid number %j', (value) => {
    expect(isValidNhsNumber(value)).toBe(true);
  });

  it.each(vectors.invalid)('refuses the published invalid value %j', (value) => {
    expect(isValidNhsNumber(value)).toBe(false);
  });
});

describe('isValidNhsNumber: Modulus 11 and nothing else', () => {
  it('accepts any nine digits followed by their computed check digit, unless the check is 10', () => {
    fc.assert(
      fc.property(nineDigits, (prefix) => {
        const check = nhsNumberCheckDigit(prefix);
        if (check === null) return;
        expect(isValidNhsNumber(`${prefix}${check}`)).toBe(true);
      }),
    );
  });

  it('refuses a valid number once any single digit is changed to another digit', () => {
    fc.assert(
      fc.property(
        validNhsNumber,
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (valid, position, delta) => {
          const changed = (Number(valid[position]) + delta) % 10;
          const mutated = `${valid.slice(0, position)}${changed}${valid.slice(position + 1)}`;
          expect(isValidNhsNumber(mutated)).toBe(false);
        },
      ),
    );
  });

  it('refuses every completion of a prefix whose check works out as 10', () => {
    fc.assert(
      fc.property(prefixWithCheck10, (prefix) => {
        expect(nhsNumberCheckDigit(prefix)).toBeNull();
        for (let d = 0; d <= 9; d++) {
          expect(isValidNhsNumber(`${prefix}${d}`)).toBe(false);
        }
      }),
    );
  });

  it('maps a check of 11 to the digit 0 (0000000000 is well-formed)', () => {
    expect(nhsNumberCheckDigit('000000000')).toBe(0);
    expect(isValidNhsNumber('0000000000')).toBe(true);
  });

  it('does not judge issued ranges: test-range 999 numbers are valid when the checksum is', () => {
    expect(isValidNhsNumber('9990000018')).toBe(true);
  });

  it('refuses spaced, dashed or padded forms of a valid number: the caller normalises first', () => {
    for (const value of ['943 476 5919', '943-476-5919', ' 9434765919', '9434765919 ']) {
      expect(isValidNhsNumber(value)).toBe(false);
    }
    expect(isValidNhsNumber('9434765919')).toBe(true);
  });

  it('refuses non-ASCII digits that look like a valid number', () => {
    // Arabic-Indic and full-width forms of 9434765919
    expect(isValidNhsNumber('٩٤٣٤٧٦٥٩١٩')).toBe(false);
    expect(isValidNhsNumber('９４３４７６５９１９')).toBe(false);
  });

  it('refuses any value that is not exactly ten characters', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789') }).filter((s) => s.length !== 10),
        (value) => {
          expect(isValidNhsNumber(value)).toBe(false);
        },
      ),
    );
  });
});

describe('nhsNumberCheckDigit', () => {
  it('returns null for a prefix that is not nine ASCII digits', () => {
    for (const value of ['', '12345678', '1234567890', '12345678a', '123 45678']) {
      expect(nhsNumberCheckDigit(value)).toBeNull();
    }
  });

  it('gives the check digit of the design example 943 476 5919', () => {
    expect(nhsNumberCheckDigit('943476591')).toBe(9);
  });
});

describe('normalizeNhsNumber', () => {
  it('strips spaces and dashes only', () => {
    expect(normalizeNhsNumber(' 943 476-5919 ')).toBe('9434765919');
    expect(normalizeNhsNumber('943--476  5919')).toBe('9434765919');
  });

  it('keeps every other character, so a value with other punctuation stays invalid', () => {
    expect(normalizeNhsNumber('943.476.5919')).toBe('943.476.5919');
    expect(normalizeNhsNumber('943\t476\t5919')).toBe('943\t476\t5919');
    expect(isValidNhsNumber(normalizeNhsNumber('943/476/5919'))).toBe(false);
  });
});

describe('formatNhsNumber', () => {
  it('formats ten digits as 3-3-4 with single spaces', () => {
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
    expect(formatNhsNumber(' 943-476  5919')).toBe('943 476 5919');
  });

  it('returns a value that is not ten digits normalised but ungrouped', () => {
    expect(formatNhsNumber('943 476 591')).toBe('943476591');
    expect(formatNhsNumber('943 476 591X')).toBe('943476591X');
    expect(formatNhsNumber('')).toBe('');
  });

  it('round-trips: normalising the 3-3-4 form gives the ten digits back', () => {
    fc.assert(
      fc.property(validNhsNumber, (value) => {
        const formatted = formatNhsNumber(value);
        expect(formatted).toMatch(/^[0-9]{3} [0-9]{3} [0-9]{4}$/);
        expect(normalizeNhsNumber(formatted)).toBe(value);
        expect(isValidNhsNumber(normalizeNhsNumber(formatted))).toBe(true);
      }),
    );
  });

  it('is idempotent and ignores where spaces and dashes were typed', () => {
    const separators = fc.array(fc.constantFrom('', ' ', '-', '  ', ' - '), {
      minLength: 11,
      maxLength: 11,
    });
    fc.assert(
      fc.property(validNhsNumber, separators, (value, seps) => {
        const typed = [...value].map((c, i) => `${seps[i] ?? ''}${c}`).join('') + (seps[10] ?? '');
        const formatted = formatNhsNumber(typed);
        expect(formatted).toBe(formatNhsNumber(value));
        expect(formatNhsNumber(formatted)).toBe(formatted);
      }),
    );
  });
});
