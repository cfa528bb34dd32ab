import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REASON_CODES, REASON_COMMENT_MAX_LENGTH, isReasonCode, validateReason } from './reason.js';

const fields = (reason: unknown): string[] => validateReason(reason).map((e) => e.field);

describe('REASON_CODES', () => {
  it('are exactly the four codes the contract names', () => {
    expect(REASON_CODES).toEqual([
      'unscheduled-attendance',
      'safeguarding-concern',
      'clinical-review',
      'other',
    ]);
  });

  it('isReasonCode accepts only those codes, case-sensitively', () => {
    for (const code of REASON_CODES) expect(isReasonCode(code)).toBe(true);
    for (const value of ['Other', 'OTHER', ' other', 'emergency', '', 1, null, undefined]) {
      expect(isReasonCode(value)).toBe(false);
    }
  });
});

describe('validateReason: the code', () => {
  it.each(REASON_CODES.filter((c) => c !== 'other'))('accepts %s with no comment', (code) => {
    expect(validateReason({ code })).toEqual([]);
  });

  it.each(REASON_CODES)('accepts %s with a comment', (code) => {
    expect(validateReason({ code, comment: 'Attended with a head injury.' })).toEqual([]);
  });

  it('refuses a missing reason at /reason', () => {
    expect(fields(undefined)).toEqual(['/reason']);
  });

  it.each([null, 'other', 42, ['other']])(
    'refuses a reason that is not an object (%j) at /reason',
    (reason) => {
      expect(fields(reason)).toEqual(['/reason']);
    },
  );

  it('refuses a missing code at /reason/code', () => {
    expect(fields({})).toEqual(['/reason/code']);
  });

  it.each(['Other', 'routine', '', 3])('refuses the unknown code %j at /reason/code', (code) => {
    expect(fields({ code, comment: 'x' })).toEqual(['/reason/code']);
  });
});

describe('validateReason: the comment', () => {
  it('requires a comment for "other"', () => {
    expect(validateReason({ code: 'other' })).toEqual([
      { field: '/reason/comment', message: expect.stringContaining('required') },
    ]);
  });

  it.each(['', ' ', '\t\n', '\u00a0', '\u3000'])(
    'refuses a blank comment (%j) for "other"',
    (comment) => {
      expect(fields({ code: 'other', comment })).toEqual(['/reason/comment']);
    },
  );

  it.each([
    '\u200b',
    ' \u200b\u200c\u200d ',
    '\u2060\ufeff',
    '\u200e\u200f\u202a\u202c',
    '\u3164\u115f\u1160\uffa0',
    '\u00ad\ufe0f\u034f',
    '\u2800',
    '\u0301',
  ])('refuses a comment of only invisible characters (%j) for "other"', (comment) => {
    expect(fields({ code: 'other', comment })).toEqual(['/reason/comment']);
  });

  it.each(['x', '\u200bx\u200b', '😀', '\u0661', 'é'])(
    'accepts a comment with a visible character (%j) for "other"',
    (comment) => {
      expect(validateReason({ code: 'other', comment })).toEqual([]);
    },
  );

  it('allows a blank comment for a code other than "other"', () => {
    expect(validateReason({ code: 'clinical-review', comment: '   ' })).toEqual([]);
  });

  it('accepts a comment of exactly 500 characters and refuses 501', () => {
    expect(
      validateReason({ code: 'other', comment: 'x'.repeat(REASON_COMMENT_MAX_LENGTH) }),
    ).toEqual([]);
    expect(fields({ code: 'other', comment: 'x'.repeat(REASON_COMMENT_MAX_LENGTH + 1) })).toEqual([
      '/reason/comment',
    ]);
  });

  it('counts code points, not UTF-16 units: 500 emoji or astral letters are accepted', () => {
    const astral = '😀'.repeat(500); // 1000 UTF-16 units
    expect(astral.length).toBe(1000);
    expect(validateReason({ code: 'other', comment: astral })).toEqual([]);
    expect(fields({ code: 'other', comment: `${astral}😀` })).toEqual(['/reason/comment']);
  });

  it('refuses a comment that is not text', () => {
    expect(fields({ code: 'safeguarding-concern', comment: 5 })).toEqual(['/reason/comment']);
    expect(fields({ code: 'other', comment: null })).toEqual(['/reason/comment']);
  });

  it('reports a bad code and a bad comment together', () => {
    expect(fields({ code: 'nope', comment: 7 })).toEqual(['/reason/code', '/reason/comment']);
  });

  it('accepts any comment of 1–500 code points with a non-blank character, for every code', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REASON_CODES),
        fc
          .string({ unit: 'grapheme-composite', minLength: 1, maxLength: 100 })
          .filter((s) => s.trim() !== ''),
        (code, text) => {
          const comment = [...text].slice(0, REASON_COMMENT_MAX_LENGTH).join('');
          fc.pre(comment.trim() !== '');
          expect(validateReason({ code, comment })).toEqual([]);
        },
      ),
    );
  });

  it('refuses every comment longer than 500 code points, whatever the code', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REASON_CODES),
        fc.string({ unit: 'binary', minLength: 501, maxLength: 700 }),
        (code, comment) => {
          fc.pre([...comment].length > REASON_COMMENT_MAX_LENGTH);
          expect(fields({ code, comment })).toContain('/reason/comment');
        },
      ),
    );
  });
});
