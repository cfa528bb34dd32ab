/** Numbers the contract fixes, in one place for the server and the mock. */

/** A batch upload takes at most this many rows; more is 413. */
export const MAX_BATCH_ROWS = 10_000;

/** List pages: `limit` is 1–500, 100 when absent. */
export const PAGE_LIMIT_MIN = 1;
export const PAGE_LIMIT_MAX = 500;
export const PAGE_LIMIT_DEFAULT = 100;

/** An `Idempotency-Key` is kept, per user and organisation, for 24 hours. */
export const IDEMPOTENCY_KEPT_MS = 24 * 60 * 60 * 1000;

/** The live stream sends a comment line at least this often. */
export const STREAM_HEARTBEAT_MS = 15_000;
