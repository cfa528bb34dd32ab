import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ODS_CODE_PATTERN, PHONE_PATTERN, PLAN_ID_PATTERN } from './patterns.js';

describe('PLAN_ID_PATTERN: 1–64 letters, digits, - and _', () => {
  it.each(['a', 'TH-LAC-0042', 'plan_1', 'A'.repeat(64), '0', '-', '_'])('accepts %j', (id) => {
    expect(PLAN_ID_PATTERN.test(id)).toBe(true);
  });

  it.each([
    '',
    'A'.repeat(65),
    'plan 1',
    'plan/1',
    'plan.1',
    '../x',
    'plän',
    'plan\n',
    '%2F',
    'a:b',
  ])('refuses %j', (id) => {
    expect(PLAN_ID_PATTERN.test(id)).toBe(false);
  });
});

describe('ODS_CODE_PATTERN: 3–8 upper-case letters and digits', () => {
  it.each(['211', '00BG', 'RXX01', 'E0900003', 'ABC'])('accepts %j', (code) => {
    expect(ODS_CODE_PATTERN.test(code)).toBe(true);
  });

  it.each(['', '21', '00bg', 'E09000030A', 'RX X1', 'RXX-1', 'RXX01\n', 'ÄBC'])(
    'refuses %j',
    (code) => {
      expect(ODS_CODE_PATTERN.test(code)).toBe(false);
    },
  );
});

describe('PHONE_PATTERN: 7–20 of digits, spaces, + and parentheses, at least 7 digits', () => {
  it.each(['020 7364 5000', '+44 (0)20 7364 4079', '0800111', '(020) 7364 5000', '1'.repeat(20)])(
    'accepts %j',
    (phone) => {
      expect(PHONE_PATTERN.test(phone)).toBe(true);
    },
  );

  it.each([
    '',
    '020 73',
    '1'.repeat(21),
    '020-7364-5000',
    '020 7364 5000 ext 2',
    'tel:02073645000',
    '<b>999</b>',
    '       ',
    '(((((((',
    '+ ( ) 12345',
  ])('refuses %j', (phone) => {
    expect(PHONE_PATTERN.test(phone)).toBe(false);
  });
});

describe('the patterns are stateless', () => {
  it('give the same answer when asked twice (no g or y flag)', () => {
    for (const pattern of [PLAN_ID_PATTERN, ODS_CODE_PATTERN, PHONE_PATTERN]) {
      expect(pattern.global || pattern.sticky).toBe(false);
    }
    expect([PLAN_ID_PATTERN.test('abc'), PLAN_ID_PATTERN.test('abc')]).toEqual([true, true]);
  });

  it('match a whole value only: no character outside the allowed set is accepted anywhere', () => {
    const outside = fc
      .string({ minLength: 1, maxLength: 1 })
      .filter((c) => !/[A-Za-z0-9_-]/.test(c));
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'abcXYZ019_-'), maxLength: 30 }),
        outside,
        fc.nat(),
        (id, bad, at) => {
          const i = at % (id.length + 1);
          expect(PLAN_ID_PATTERN.test(`${id.slice(0, i)}${bad}${id.slice(i)}`)).toBe(false);
        },
      ),
    );
  });
});
