/**
 * Identifier shapes from the contract, for code that checks a value before it reaches
 * the API (forms, CSV uploads). Anchored, without the `g` flag, so `test()` holds no state.
 */

/** An LA's own plan id: 1–64 letters, digits, `-` or `_`. */
export const PLAN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** An ODS organisation code: 3–8 upper-case letters and digits. */
export const ODS_CODE_PATTERN = /^[A-Z0-9]{3,8}$/;

/**
 * A UK-style phone number: 7–20 characters of digits, spaces, `+` and parentheses, at
 * least seven of them digits — so `"       "` or `"((((((("` is never a number to call.
 */
export const PHONE_PATTERN = /^(?=(?:[^0-9]*[0-9]){7})[0-9 +()]{7,20}$/;
