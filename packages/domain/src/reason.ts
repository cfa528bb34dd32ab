/**
 * The reason a clinician gives for a check: one of four codes and an optional comment,
 * required for `other`. Recorded in the audit and sent to the LA with the notification.
 */
import type { FieldError } from './field-error.js';
import type { components } from './generated/cpis.js';

export type ReasonCode = components['schemas']['ReasonCode'];
export type AccessReason = components['schemas']['AccessReason'];

/** Every reason code, in the contract's order (checked against it in `reason.test.ts`). */
export const REASON_CODES = [
  'unscheduled-attendance',
  'safeguarding-concern',
  'clinical-review',
  'other',
] as const satisfies readonly ReasonCode[];

/** Longest comment, in Unicode code points (what JSON Schema's `maxLength` counts). */
export const REASON_COMMENT_MAX_LENGTH = 500;

/**
 * A character a reader can see: not white space, not a control or format character (the
 * zero-width space U+200B, joiners, direction marks, U+FEFF), not a default-ignorable one
 * (the Hangul fillers, variation selectors, the soft hyphen), not a combining mark on its
 * own and not the blank Braille pattern U+2800.
 */
const VISIBLE_CHARACTER =
  /[^\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Mn}\p{Me}\u2800]/u;

/** True when `text` holds at least one character a reader can see. */
export function hasVisibleText(text: string): boolean {
  return VISIBLE_CHARACTER.test(text);
}

export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && (REASON_CODES as readonly string[]).includes(value);
}

/**
 * The problems with a check's `reason`, as field errors under `/reason`; empty when
 * it is acceptable. Takes `unknown` because it guards what came over the wire.
 */
export function validateReason(reason: unknown): FieldError[] {
  if (reason === undefined) return [{ field: '/reason', message: 'A reason is required.' }];
  if (typeof reason !== 'object' || reason === null || Array.isArray(reason)) {
    return [{ field: '/reason', message: 'The reason must be an object with a code.' }];
  }
  const { code, comment } = reason as { code?: unknown; comment?: unknown };
  const errors: FieldError[] = [];

  if (code === undefined) {
    errors.push({ field: '/reason/code', message: 'A reason code is required.' });
  } else if (!isReasonCode(code)) {
    errors.push({
      field: '/reason/code',
      message: `The reason code must be one of: ${REASON_CODES.join(', ')}.`,
    });
  }

  if (comment !== undefined && typeof comment !== 'string') {
    errors.push({ field: '/reason/comment', message: 'The comment must be text.' });
  } else if (typeof comment === 'string' && [...comment].length > REASON_COMMENT_MAX_LENGTH) {
    errors.push({
      field: '/reason/comment',
      message: `The comment must be at most ${REASON_COMMENT_MAX_LENGTH} characters.`,
    });
  } else if (code === 'other' && (comment === undefined || !hasVisibleText(comment))) {
    errors.push({
      field: '/reason/comment',
      message: 'A comment is required when the reason is "other".',
    });
  }

  return errors;
}
