/**
 * What the core refuses in any text it would store, and how it compares bodies. Iterative,
 * so a deeply nested body cannot exhaust the stack.
 */
import { escapePointer } from './contract.js';

/**
 * A lone UTF-16 surrogate (`u` mode matches a surrogate only when it is not half of a pair),
 * or NUL, which PostgreSQL cannot store in text while SQLite can: refused on every store,
 * so the answer never depends on the database behind the core.
 */
const ILL_FORMED = /[\uD800-\uDFFF\u0000]/u;

/**
 * The JSON Pointer of the first string (or key) in `value` that is not well-formed Unicode
 * or holds NUL, or `undefined`. JSON can spell a lone surrogate (`"\ud800"`), but no
 * database stores it as sent: it is refused instead of being silently changed.
 */
export function illFormedText(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [current, pointer] = stack.pop() as [unknown, string];
    if (typeof current === 'string') {
      if (ILL_FORMED.test(current)) return pointer;
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => stack.push([item, `${pointer}/${i}`]));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        const at = `${pointer}/${escapePointer(key)}`;
        if (ILL_FORMED.test(key)) return at;
        stack.push([item, at]);
      }
    }
  }
  return undefined;
}

/** JSON with object keys sorted: the same body in another key order is the same body. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A digest of the body that does not depend on key order or whitespace: SHA-256 (Web
 * Crypto), or the canonical JSON itself where a page has no `crypto.subtle` (plain http).
 */
export async function bodyHash(body: unknown): Promise<string> {
  const text = canonicalJson(body);
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return `json:${text}`;
  const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return base64url(digest);
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
