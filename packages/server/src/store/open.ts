/** The engine the configuration asks for: SQLite by default, PostgreSQL with `DATABASE_URL`. */
import type { DatabaseConfig } from '../config.js';
import type { Engine } from './engine.js';
import { createPostgresEngine } from './postgres.js';
import { createSqliteEngine } from './sqlite.js';

export function openEngine(database: DatabaseConfig): Engine {
  return database.engine === 'postgres'
    ? createPostgresEngine({ url: database.url, poolSize: database.poolSize })
    : createSqliteEngine({ path: database.sqlitePath });
}
