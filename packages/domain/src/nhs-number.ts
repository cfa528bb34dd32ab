/**
 * NHS number rules (NHS Data Dictionary, "NHS Number"): ten digits, the tenth a
 * Modulus 11 check digit. Validation is the checksum only — it does not judge issued
 * ranges, and it does not tolerate separators: callers normalise first, so a value
 * that reaches the API is exactly what was validated.
 */

const TEN_DIGITS = /^[0-9]{10}$/;
const NINE_DIGITS = /^[0-9]{9}$/;

/**
 * The Modulus 11 check digit for the first nine digits of an NHS number, or `null`
 * when the prefix is not nine ASCII digits or when the check works out as 10 (no NHS
 * number is issued with such a prefix).
 */
export function nhsNumberCheckDigit(first9: string): number | null {
  if (!NINE_DIGITS.test(first9)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    sum += (first9.charCodeAt(i) - 48) * (10 - i);
  }
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/** True iff `value` is exactly ten ASCII digits whose tenth is the Modulus 11 check digit. */
export function isValidNhsNumber(value: string): boolean {
  if (!TEN_DIGITS.test(value)) return false;
  const check = nhsNumberCheckDigit(value.slice(0, 9));
  return check !== null && check === value.charCodeAt(9) - 48;
}

/**
 * Removes spaces and dashes, the separators people type and systems print. Anything
 * else is kept, so a value with letters or other punctuation stays invalid rather than
 * being silently turned into someone else's number.
 */
export function normalizeNhsNumber(value: string): string {
  return value.replace(/[ -]/g, '');
}

/**
 * The 3-3-4 display form with single spaces (NHS CUI NUM-0002/0015). A value that is not
 * ten digits after normalising is returned normalised but not grouped, so it never looks
 * like a well-formed NHS number.
 */
export function formatNhsNumber(value: string): string {
  const normalized = normalizeNhsNumber(value);
  if (!TEN_DIGITS.test(normalized)) return normalized;
  return `${normalized.slice(0, 3)} ${normalized.slice(3, 6)} ${normalized.slice(6)}`;
}
