/**
 * Test support: whether the audit rows of concurrent writes to one record tell one true
 * story — one creation (`before: null`), then each update's `before` the `after` of the
 * write it replaced, in a single line with no fork and no gap.
 */
export interface AuditChain {
  /** Rows with `before: null`. */
  creations: number;
  /** Rows reached by following `after` → the next row's `before` from the creation. */
  chained: number;
  total: number;
}

export function auditChain(rows: readonly { detail: string }[]): AuditChain {
  const events = rows.map((row) => {
    const detail = JSON.parse(row.detail) as { before: unknown; after: unknown };
    return {
      before: detail.before === null ? null : JSON.stringify(detail.before),
      after: JSON.stringify(detail.after),
    };
  });
  const creations = events.filter((e) => e.before === null);
  let chained = 0;
  let current = creations.length === 1 ? creations[0] : undefined;
  const unused = new Set(events);
  while (current !== undefined) {
    unused.delete(current);
    chained++;
    const after = current.after;
    const next = [...unused].filter((e) => e.before === after);
    current = next.length === 1 ? next[0] : undefined;
  }
  return { creations: creations.length, chained, total: events.length };
}
