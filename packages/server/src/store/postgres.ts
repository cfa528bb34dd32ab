/**
 * The engine for deployments that outgrow one machine: PostgreSQL (pg 8) behind Kysely's
 * PostgresDialect, chosen when `DATABASE_URL` is set. Any number of stateless server
 * instances share one database; the store's queries are the same as on SQLite.
 *
 * Notification cursors — why a reader can never skip or reorder a row
 * -------------------------------------------------------------------
 * A notification's cursor is its authority's `authority_sequences.last_seq`, taken inside
 * the writing transaction with
 *
 *   INSERT INTO authority_sequences (ods_code, last_seq) VALUES ($1, 1)
 *   ON CONFLICT (ods_code) DO UPDATE SET last_seq = authority_sequences.last_seq + 1
 *   RETURNING last_seq
 *
 * (`neutralSeqReserver`, the very statement SQLite runs). Under READ COMMITTED the upsert
 * locks the authority's row, and PostgreSQL holds a row lock until the transaction ends. A
 * second transaction that wants a cursor of the same authority, on any instance, waits at
 * its upsert until the first has ended, then:
 *
 * - the first committed: the update re-reads the committed row and returns N+1. Cursor N
 *   was committed, and visible (a transaction becomes visible before its locks are
 *   released), before N+1 even existed. So commit order is cursor order for an authority,
 *   and no reader can see N+1 committed while N is not yet;
 * - the first rolled back: its increment never happened and the second gets N, so a
 *   failed check leaves no gap either.
 *
 * (The first cursor of a new authority: the second insert waits on the primary key for
 * the first transaction and then takes the update path, with the same outcome.)
 *
 * A reader paging `seq > after` therefore never passes a cursor that commits later. A
 * PostgreSQL sequence or identity column would not do: it hands out numbers when asked,
 * not at commit, so N+1 can commit before N and a poller that has read N+1 would skip N
 * forever. The price is that checks notifying the same authority serialise on its row from
 * the upsert (the last step of a check) to commit; different authorities never contend.
 *
 * The same transaction sends `NOTIFY` with `<authority>:<seq>` for each notification
 * (`announce`), delivered only on commit; `postgres-listener.ts` turns those into live
 * stream events on every instance, reading the rows from the store by cursor.
 */
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { NotificationEvent } from '../notify-bus.js';
import { neutralSeqReserver, type Engine, type EngineLogger } from './engine.js';
import { PostgresNotifyBus, channelFor, type ListenerOptions } from './postgres-listener.js';
import type { Database } from './schema.js';
import { readNotifications } from './store.js';

export interface PostgresEngineOptions {
  /** `postgres://user:password@host:port/database?sslmode=…` */
  url: string;
  /**
   * Use this schema (it must exist): every connection's `search_path`. Without it, the
   * URL's own (`?options=-c search_path=…`) or the server's default (`public`).
   */
  schema?: string;
  /** Connections in the pool of this instance (default 10). */
  poolSize?: number;
  /** How long to wait for a connection before a request fails with 503 (default 5 s). */
  connectionTimeoutMs?: number;
  listener?: Omit<ListenerOptions, 'client' | 'channel' | 'load'>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** SQLSTATEs that mean "cannot reach or use the database just now" (503, try again). */
const UNAVAILABLE_STATES = [
  /^08/, // connection exception
  /^53/, // insufficient resources: too many connections, disk full, out of memory
  /^57P0[1-5]$/, // admin shutdown, crash shutdown, cannot connect now, database dropped…
  /^57014$/, // query cancelled (statement timeout)
  /^55P03$/, // lock not available (lock timeout)
  /^40001$|^40P01$/, // serialisation failure, deadlock: still so after every retry
  /^25006$/, // read-only transaction: a replica answering after a failover
];
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|not queryable|Client was closed|driver has already been destroyed/i;

export function createPostgresEngine(options: PostgresEngineOptions): Engine {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`Not a plain schema name: ${options.schema}`);
  }
  const client: pg.ClientConfig = {
    connectionString: options.url,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    keepAlive: true,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  };
  let logger: EngineLogger | undefined;
  let destroyed = false;

  const pool = new pg.Pool({
    ...client,
    application_name: 'cpis-server',
    max: options.poolSize ?? 10,
    // A transaction left open by an instance that froze or lost its network would hold its
    // authorities' cursor rows, and every check notifying them would wait: PostgreSQL ends
    // it after this long idle. Ours run statement after statement, milliseconds apart.
    idle_in_transaction_session_timeout: 30_000,
  });
  // An idle connection that breaks (the server restarted) is dropped by the pool; without a
  // listener its 'error' event would end the process.
  pool.on('error', (error) => logger?.warn({ err: error }, 'an idle database connection failed'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

  const bus = new PostgresNotifyBus({
    ...options.listener,
    client: { ...client, application_name: 'cpis-listener' },
    channel: channelFor,
    load: (authority, afterSeq, limit) =>
      readNotifications(db, authority, { afterSeq, limit, order: 'asc' }),
  });
  bus.start();

  // Asked on the writing transaction's own connection: taking a second connection from the
  // pool inside a transaction could wait forever on a pool that those transactions fill.
  let channel: string | undefined;
  const channelName = async (trx: Transaction<Database>): Promise<string> => {
    if (channel !== undefined) return channel;
    const { rows } = await sql<{
      schema: string | null;
    }>`select current_schema() as schema`.execute(trx);
    const schema = rows[0]?.schema;
    if (schema === null || schema === undefined) {
      throw new Error('No schema of the search_path exists');
    }
    channel = channelFor(schema);
    return channel;
  };

  const sqlState = (error: unknown): string | undefined => {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : undefined;
  };

  return {
    dialect: 'postgres',
    db,
    bus,
    reserveSeq: neutralSeqReserver(db),
    async lock(trx, key) {
      // Transaction-scoped: released at commit or rollback, never leaked.
      await sql`select pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || ${key}, 0))`.execute(
        trx,
      );
    },
    async announce(trx, events: readonly NotificationEvent[]) {
      if (events.length === 0) return;
      const payloads = events.map((e) => `${e.authority}:${e.seq}`);
      // Queued with the transaction; PostgreSQL delivers it at commit, never on rollback.
      await sql`select pg_notify(${await channelName(trx)}, payload) from unnest(${payloads}::text[]) as payload`.execute(
        trx,
      );
    },
    committed: () => undefined,
    async exclusive<T>(work: () => Promise<T>): Promise<T> {
      const connection = await pool.connect();
      const key = "hashtextextended(current_schema() || ':cpis:start-up', 0)";
      try {
        await connection.query(`select pg_advisory_lock(${key})`);
        try {
          return await work();
        } finally {
          await connection.query(`select pg_advisory_unlock(${key})`);
        }
      } finally {
        connection.release();
      }
    },
    async ping(): Promise<boolean> {
      if (destroyed) return false;
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    isUnavailable(error: unknown): boolean {
      if (destroyed) return true;
      const code = sqlState(error);
      if (code !== undefined) {
        if (NETWORK_CODES.has(code)) return true;
        if (/^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_STATES.some((s) => s.test(code));
      }
      const message = error instanceof Error ? error.message : '';
      return UNAVAILABLE_MESSAGES.test(message);
    },
    isRetryable(error: unknown): boolean {
      const code = sqlState(error);
      return code === '40001' || code === '40P01';
    },
    isUnstorable(error: unknown): boolean {
      // "invalid byte sequence for encoding UTF8: 0x00" (text) and "unsupported Unicode
      // escape sequence" (\u0000 in JSON): PostgreSQL text cannot hold U+0000.
      const code = sqlState(error);
      return code === '22021' || code === '22P05';
    },
    attachLogger(next: EngineLogger): void {
      logger = next;
      bus.attachLogger(next);
    },
    async destroy(): Promise<void> {
      if (destroyed) return;
      destroyed = true;
      await bus.stop();
      await db.destroy();
    },
  };
}

/** The URL with its password masked, for a start-up banner. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
