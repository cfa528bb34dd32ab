/** Numbers the contract fixes, in one place for the service core, the server and the mock. */

/** An `Idempotency-Key` is kept, per user and organisation, for 24 hours. */
export const IDEMPOTENCY_KEPT_MS = 86_400_000; // a literal: see DAY_MS in calendar.ts

/** The live stream sends a comment line at least this often. */
export const STREAM_HEARTBEAT_MS = 15_000;
