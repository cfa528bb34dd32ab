/**
 * The embedded engine: better-sqlite3 in WAL mode behind Kysely's SqliteDialect. One
 * connection, so transactions are serialised in this process: a cursor taken inside a
 * write transaction is committed before the next one is taken.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { InProcessNotifyBus, type NotificationEvent } from '../notify-bus.js';
import { neutralSeqReserver, type Engine } from './engine.js';
import type { Database } from './schema.js';

export interface SqliteEngineOptions {
  /** A file path, or `:memory:`. */
  path: string;
  /**
   * `NORMAL` (default): a commit survives the process being killed; an OS crash or power
   * cut may lose the last commits but never leaves a half-written one. `FULL`: every
   * commit is on disk before it is answered, at about 0.7 ms per write here.
   */
  synchronous?: 'NORMAL' | 'FULL';
  busyTimeoutMs?: number;
  /** How often the background thread checkpoints the WAL into the database file. */
  checkpointIntervalMs?: number;
}

const STATEMENT_CACHE_SIZE = 500;

export function createSqliteEngine(options: SqliteEngineOptions): Engine {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const database = new BetterSqlite3(options.path);
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  // Checkpoints (which fsync) would block the event loop for as long as the disk takes;
  // a background thread does them instead, and the WAL file is trimmed after each reset.
  const checkpointer =
    options.path === ':memory:'
      ? undefined
      : startCheckpointer(options.path, options.checkpointIntervalMs ?? 1000, () => {
          // The thread is gone: checkpoint on this connection again rather than grow the WAL.
          if (database.open) database.pragma('wal_autocheckpoint = 1000');
        });
  if (checkpointer !== undefined) {
    database.pragma('wal_autocheckpoint = 0');
    database.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  }

  const bus = new InProcessNotifyBus();
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  });

  return {
    dialect: 'sqlite',
    db,
    bus,
    reserveSeq: neutralSeqReserver(db),
    // One connection: a transaction already runs alone, so a named lock has nothing to add.
    lock: () => Promise.resolve(),
    announce: () => Promise.resolve(),
    committed(events: readonly NotificationEvent[]): void {
      bus.publish(events);
    },
    // One process owns the file.
    exclusive: (work) => work(),
    async ping(): Promise<boolean> {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    isUnavailable(error: unknown): boolean {
      const code = (error as { code?: unknown } | null)?.code;
      if (
        typeof code === 'string' &&
        /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY)/.test(code)
      ) {
        return true;
      }
      return !database.open;
    },
    isRetryable: () => false,
    isUnstorable: () => false,
    attachLogger: () => undefined,
    async destroy(): Promise<void> {
      bus.close();
      await checkpointer?.stop();
      await db.destroy();
      // Kysely opens its driver on first use only; close the file whatever it did.
      if (database.open) database.close();
    },
  };
}

// Runs in a worker thread with its own connection to the same file.
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next round catches up */ }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } finally { db.close(); }
  parentPort.close();
});
`;

function startCheckpointer(
  path: string,
  intervalMs: number,
  onLost: () => void,
): { stop(): Promise<void> } {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { driver, path, intervalMs } });
  worker.unref();
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      if (!stopping) onLost();
      resolve();
    });
  });
  worker.on('error', () => undefined);
  return {
    stop() {
      stopping = true;
      worker.postMessage('stop');
      return exited;
    },
  };
}

/**
 * Kysely prepares every query afresh; better-sqlite3 statements are reusable, so keep the
 * recent ones. Keyed by SQL text (parameters are bound per run), bounded, oldest out first.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sqlText: string): SqliteStatement {
      let statement = cache.get(sqlText);
      if (statement === undefined) {
        statement = database.prepare(sqlText) as unknown as SqliteStatement;
        if (cache.size >= STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
        cache.set(sqlText, statement);
      }
      return statement;
    },
  };
}
