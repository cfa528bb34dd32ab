/**
 * One suite, two engines: the storage and rules suites run once on SQLite (`:memory:`) and
 * once on PostgreSQL, each test file in schemas of its own.
 *
 * PostgreSQL comes from `CPIS_TEST_DATABASE_URL` (`.ci/run` sets it). Without it, or when
 * it does not answer, the PostgreSQL half is skipped and says why — except under `CI=true`,
 * where it fails instead: in CI the PostgreSQL suite must run.
 *
 * Each server a test starts gets a schema no other open server uses: a schema this file
 * made before and whose server has closed (emptied, migrations kept), or a new one. The
 * schemas are dropped when the file's suite ends.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Engine } from '../store/engine.js';
import { createPostgresEngine } from '../store/postgres.js';
import { createSqliteEngine } from '../store/sqlite.js';

export interface TestEngine {
  readonly name: 'sqlite' | 'postgres';
  /** Why this engine cannot run here; its suites are then skipped (or fail, in CI). */
  readonly unavailable?: string;
  /** An engine on an empty database no other open engine uses. */
  create(): Promise<Engine>;
  /** Takes back an engine `create` gave, its server closed: kept for reuse, or destroyed. */
  release(engine: Engine): Promise<void>;
  /** Drops everything `create` made. */
  dispose(): Promise<void>;
}

export const TEST_DATABASE_URL = process.env['CPIS_TEST_DATABASE_URL']?.trim() || undefined;
const IN_CI = process.env['CI'] === 'true';

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export async function postgresUnavailable(): Promise<string | undefined> {
  if (TEST_DATABASE_URL === undefined) return 'CPIS_TEST_DATABASE_URL not set';
  const client = new pg.Client({
    connectionString: TEST_DATABASE_URL,
    connectionTimeoutMillis: 3_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `CPIS_TEST_DATABASE_URL not reachable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const sqliteTestEngine: TestEngine = {
  name: 'sqlite',
  create: () => Promise.resolve(createSqliteEngine({ path: ':memory:' })),
  release: (engine) => engine.destroy(),
  dispose: () => Promise.resolve(),
};

/** Schemas for one test file: created on demand, emptied for reuse, dropped at the end. */
export class PostgresSchemas {
  readonly #url: string;
  readonly #prefix = `cpis_test_${process.pid}_${randomBytes(3).toString('hex')}`;
  readonly #schemas: { name: string; inUse: boolean }[] = [];
  #admin: pg.Pool | undefined;

  constructor(url: string) {
    this.#url = url;
  }

  get #pool(): pg.Pool {
    if (this.#admin === undefined) {
      this.#admin = new pg.Pool({ connectionString: this.#url, max: 2 });
      this.#admin.on('error', () => undefined);
    }
    return this.#admin;
  }

  /** A schema no open engine of this file uses, empty but for its migrations. */
  async acquire(): Promise<{ name: string; release(): void }> {
    let schema = this.#schemas.find((s) => !s.inUse);
    if (schema === undefined) {
      schema = { name: `${this.#prefix}_${this.#schemas.length}`, inUse: true };
      this.#schemas.push(schema);
      await this.#pool.query(`create schema ${pg.escapeIdentifier(schema.name)}`);
    } else {
      schema.inUse = true;
      await this.empty(schema.name);
    }
    const taken = schema;
    return {
      name: taken.name,
      release: () => {
        taken.inUse = false;
      },
    };
  }

  /** Deletes every row of the schema's tables; the tables and migrations stay. */
  async empty(schema: string): Promise<void> {
    const { rows } = await this.#pool.query<{ table: string }>(
      `select tablename as table from pg_tables
        where schemaname = $1 and tablename not like 'kysely\\_%'`,
      [schema],
    );
    if (rows.length === 0) return;
    // DELETE, not TRUNCATE: on a few small tables it is several times faster. Foreign keys
    // make the order matter; one statement with every table in it settles that.
    const deletes = rows
      .map(
        (r, i) =>
          `d${i} as (delete from ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(r.table)})`,
      )
      .join(', ');
    await this.#pool.query(`with ${deletes} select 1`);
  }

  async dropAll(): Promise<void> {
    if (this.#admin === undefined) return;
    for (const schema of this.#schemas.splice(0)) {
      await this.#pool.query(`drop schema if exists ${pg.escapeIdentifier(schema.name)} cascade`);
    }
    await this.#admin.end();
    this.#admin = undefined;
  }
}

/**
 * PostgreSQL engines on schemas of this file's own. An engine given back while whole (its
 * server closed, nothing subscribed) is kept with its schema and handed out again, emptied:
 * no new pool, listener or migration check for each of a file's many servers.
 */
export function postgresTestEngine(url: string): TestEngine {
  const schemas = new PostgresSchemas(url);
  const idle: { engine: Engine; schema: string }[] = [];
  const made = new Map<Engine, { schema: string; destroyed: boolean }>();
  return {
    name: 'postgres',
    async create() {
      const reuse = idle.pop();
      if (reuse !== undefined) {
        await schemas.empty(reuse.schema);
        return reuse.engine;
      }
      const schema = await schemas.acquire();
      const engine = createPostgresEngine({ url, schema: schema.name, poolSize: 5 });
      const state = { schema: schema.name, destroyed: false };
      const wrapped: Engine = {
        ...engine,
        async destroy() {
          if (state.destroyed) return;
          state.destroyed = true;
          await engine.destroy();
          schema.release();
        },
      };
      made.set(wrapped, state);
      return wrapped;
    },
    async release(engine) {
      const state = made.get(engine);
      if (state === undefined || state.destroyed) return;
      if (engine.bus.subscriberCount() > 0) await engine.destroy();
      else idle.push({ engine, schema: state.schema });
    },
    async dispose() {
      for (const { engine } of idle.splice(0)) await engine.destroy();
      made.clear();
      await schemas.dropAll();
    },
  };
}

const postgresReason = await postgresUnavailable();

/** SQLite, then PostgreSQL (with the reason when it cannot run here). */
export const testEngines: readonly TestEngine[] = [
  sqliteTestEngine,
  postgresReason === undefined && TEST_DATABASE_URL !== undefined
    ? postgresTestEngine(TEST_DATABASE_URL)
    : {
        name: 'postgres',
        unavailable: postgresReason ?? 'CPIS_TEST_DATABASE_URL not set',
        create: () => Promise.reject(new Error(postgresReason)),
        release: (engine) => engine.destroy(),
        dispose: () => Promise.resolve(),
      },
];

let current: TestEngine | undefined;

/** The engine of the `forEachEngine` block running now; undefined outside one. */
export function currentTestEngine(): TestEngine | undefined {
  return current;
}

/**
 * A `describe` that needs PostgreSQL and cannot have it here: skipped with the reason
 * printed, or, under `CI=true`, one failing test saying why.
 */
function describeUnavailable(title: string, unavailable: string, body: () => void): void {
  const reason = `PostgreSQL suite skipped: ${unavailable}`;
  if (IN_CI) {
    describe(title, () => {
      it('runs in CI, where the PostgreSQL suite may not be skipped', () => {
        throw new Error(`${reason} — but CI=true: start PostgreSQL and set the URL`);
      });
    });
  } else {
    console.warn(`${title}: ${reason}`);
    describe.skip(`${title} — ${reason}`, body);
  }
}

/**
 * Declares `body` for PostgreSQL only, given the test database URL and this file's schemas
 * (dropped when the block ends); skipped, or failing in CI, as `forEachEngine`.
 */
export function describePostgres(
  title: string,
  body: (url: string, schemas: PostgresSchemas) => void,
): void {
  if (postgresReason !== undefined || TEST_DATABASE_URL === undefined) {
    const schemas = new PostgresSchemas('');
    describeUnavailable(title, postgresReason ?? 'CPIS_TEST_DATABASE_URL not set', () =>
      body('', schemas),
    );
    return;
  }
  const url = TEST_DATABASE_URL;
  const schemas = new PostgresSchemas(url);
  describe(title, () => {
    afterAll(() => schemas.dropAll());
    body(url, schemas);
  });
}

/**
 * Declares `body` once per engine, in a `describe` named after it; servers that
 * `createTestServer` starts inside run on that engine.
 */
export function forEachEngine(body: (engine: TestEngine) => void): void {
  for (const engine of testEngines) {
    const title = `[${engine.name}]`;
    if (engine.unavailable !== undefined) {
      describeUnavailable(title, engine.unavailable, () => body(engine));
      continue;
    }
    describe(title, () => {
      beforeAll(() => {
        current = engine;
      });
      afterAll(async () => {
        current = undefined;
        await engine.dispose();
      });
      body(engine);
    });
  }
}
