/**
 * What differs between database engines, and nothing else. The store's queries are
 * dialect-neutral Kysely; an engine supplies the connection, the per-authority cursor and
 * the fan-out of committed notifications. SQLite is here; a PostgreSQL engine (pg 8,
 * `DATABASE_URL`) implements the same interface:
 *
 * - `reserveSeq`: the neutral upsert below already takes a row lock on PostgreSQL that is
 *   held to commit, so cursor order is commit order across instances.
 * - `announce`: `SELECT pg_notify('cpis_notifications', '<authority>:<seq>')` inside the
 *   transaction (PostgreSQL delivers it at commit, never for a rolled-back one).
 * - `committed`: nothing; a dedicated `LISTEN cpis_notifications` connection feeds `bus`.
 * - `isUnavailable`: connection errors and SQLSTATE class 08/57P.
 * - plan ids are ordered by `COLLATE "C"` so paging is byte order, as on SQLite.
 */
import type { Kysely, Transaction } from 'kysely';
import type { NotificationEvent, NotifyBus } from '../notify-bus.js';
import { prepare } from './prepared.js';
import type { Database } from './schema.js';

export interface Engine {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  /** The live fan-out that notification streams subscribe to. */
  readonly bus: NotifyBus;
  /** The next cursor of `authority`'s notification feed, taken inside the writing transaction. */
  reserveSeq(trx: Transaction<Database>, authority: string): Promise<number>;
  /** Inside the writing transaction, with the notifications it wrote. */
  announce(trx: Transaction<Database>, events: readonly NotificationEvent[]): Promise<void>;
  /** After that transaction has committed. */
  committed(events: readonly NotificationEvent[]): void;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** True for an error that means "the database cannot be reached or is busy" (503), not a bug. */
  isUnavailable(error: unknown): boolean;
  destroy(): Promise<void>;
}

/**
 * The dialect-neutral cursor reservation for `db`'s engine: SQLite serialises writers;
 * PostgreSQL holds the row lock of the upsert to commit.
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
