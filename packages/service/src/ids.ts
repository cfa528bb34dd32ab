export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its canonical 8-4-4-4-12 hex form (what the contract's `format: uuid` takes). */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * A random version 4 UUID. `crypto.randomUUID` exists only in secure contexts, and a
 * Storybook or example page may be served over plain http from a LAN address, so fall
 * back to `getRandomValues`, which exists everywhere.
 */
export function randomUuid(): string {
  if (typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID();
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The client's `X-Request-ID` when it is a UUID, else a new one (the contract's rule); on
 * a surface that names its request id otherwise (FHIR's `TraceID`), the first of `names`
 * that holds a UUID.
 */
export function requestIdOf(
  request: { headers: { get(name: string): string | null } },
  names: readonly string[] = ['x-request-id'],
): string {
  for (const name of names) {
    const sent = request.headers.get(name);
    if (sent !== null && isUuid(sent)) return sent;
  }
  return randomUuid();
}
