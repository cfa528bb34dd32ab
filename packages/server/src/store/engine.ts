/**
 * What differs between database engines, and nothing else. The store's queries are
 * dialect-neutral Kysely; an engine supplies the connection, the per-authority cursor, the
 * locks a multi-instance deployment needs and the fan-out of committed notifications.
 *
 * - SQLite (`sqlite.ts`, the embedded default): one connection, so every transaction of
 *   the process runs alone; locks are no-ops and the bus is in-process.
 * - PostgreSQL (`postgres.ts`, `DATABASE_URL`): a pool; transactions run READ COMMITTED
 *   and concurrently, across any number of server instances. How the cursor stays gap-free
 *   and in commit order there is explained in `postgres.ts`; live streams are fed by a
 *   `LISTEN` connection, so a check written on one instance reaches streams on all.
 */
import type { Kysely, Transaction } from 'kysely';
import type { NotificationEvent, NotifyBus } from '../notify-bus.js';
import { prepare } from './prepared.js';
import type { Database } from './schema.js';

/** Where an engine reports what happens out of band (its listener connection). */
export interface EngineLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface Engine {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  /** The live fan-out that notification streams subscribe to. */
  readonly bus: NotifyBus;
  /**
   * The next cursor of `authority`'s notification feed, taken inside the writing
   * transaction; on PostgreSQL the authority's row stays locked until that transaction ends.
   */
  reserveSeq(trx: Transaction<Database>, authority: string): Promise<number>;
  /**
   * Holds a lock named `key` until `trx` ends, so transactions that read, decide and write
   * under the same key (the 24-hour collapse) run one after the other on every instance.
   */
  lock(trx: Transaction<Database>, key: string): Promise<void>;
  /** Inside the writing transaction, with the notifications it wrote. */
  announce(trx: Transaction<Database>, events: readonly NotificationEvent[]): Promise<void>;
  /** After that transaction has committed. */
  committed(events: readonly NotificationEvent[]): void;
  /**
   * Runs `work` while no other instance runs its own (migrations and the development seed
   * at start-up, when several instances start together).
   */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** True for an error that means "the database cannot be reached or is busy" (503), not a bug. */
  isUnavailable(error: unknown): boolean;
  /** True for an error that a fresh attempt of the whole transaction may not meet (a deadlock). */
  isRetryable(error: unknown): boolean;
  /** True for a value the database cannot store at all (PostgreSQL text cannot hold U+0000). */
  isUnstorable(error: unknown): boolean;
  /** Where to report listener connection losses and recoveries (the server's logger). */
  attachLogger(logger: EngineLogger): void;
  destroy(): Promise<void>;
}

/**
 * The dialect-neutral cursor reservation for `db`'s engine:
 * `INSERT … ON CONFLICT (ods_code) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`.
 * SQLite serialises writers; on PostgreSQL the upsert takes the authority's row lock and
 * holds it to commit (see `postgres.ts`).
 */
export function neutralSeqReserver(db: Kysely<Database>): Engine['reserveSeq'] {
  const upsert = prepare((slot) =>
    db
      .insertInto('authority_sequences')
      .values({ ods_code: slot(0), last_seq: 1 })
      .onConflict((oc) =>
        oc
          .column('ods_code')
          .doUpdateSet((eb) => ({ last_seq: eb('authority_sequences.last_seq', '+', 1) })),
      )
      .returning('last_seq'),
  );
  return async (trx, authority) => {
    const row = (await upsert(trx, authority)).rows[0];
    if (row === undefined) throw new Error('The notification cursor upsert returned no row');
    return Number(row.last_seq);
  };
}
