/** Numbers the contract fixes, in one place for the service core, the server and the mock. */

/** An `Idempotency-Key` is kept, per user and organisation, for 24 hours. */
export const IDEMPOTENCY_KEPT_MS = 24 * 60 * 60 * 1000;

/** The live stream sends a comment line at least this often. */
export const STREAM_HEARTBEAT_MS = 15_000;
