/**
 * Schema migrations, in code (no files to ship or find at run time), written with
 * Kysely's schema builder, so they run unchanged on SQLite and PostgreSQL; where the two
 * must differ, the migration is given the dialect and says why.
 * Never edit a migration that has shipped; add the next one.
 *
 * The column types are the same on both engines on purpose (see `schema.ts`): times are
 * fixed-width RFC 3339 UTC text, not `timestamptz`, because a value must come back byte for
 * byte as it went in (a check's `checkedAt` is also the notification's `accessedAt` and sits
 * inside the stored snapshot); JSON is text, not `jsonb`, because the snapshot is answered
 * byte for byte and `jsonb` reorders keys; no column autoincrements (ids are UUIDs made by
 * the server, cursors come from `authority_sequences`).
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

const migrations = (dialect: Dialect): Record<string, Migration> => ({
  '0001-initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('authorities')
        .addColumn('ods_code', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('office_hours_phone', 'text', (c) => c.notNull())
        .addColumn('emergency_duty_phone', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('authority_sequences')
        .addColumn('ods_code', 'text', (c) => c.primaryKey())
        .addColumn('last_seq', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('plans')
        .addColumn('authority_ods', 'text', (c) => c.notNull().references('authorities.ods_code'))
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('start_date', 'text', (c) => c.notNull())
        .addColumn('end_date', 'text')
        .addColumn('expected_delivery_date', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('deleted_at', 'text')
        .addPrimaryKeyConstraint('plans_pk', ['authority_ods', 'plan_id'])
        .execute();
      await db.schema.createIndex('plans_by_nhs_number').on('plans').column('nhs_number').execute();

      await db.schema
        .createTable('checks')
        .addColumn('check_id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('checked_at', 'text', (c) => c.notNull())
        .addColumn('user_sub', 'text', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('user_role', 'text', (c) => c.notNull())
        .addColumn('org_ods', 'text', (c) => c.notNull())
        .addColumn('org_name', 'text', (c) => c.notNull())
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('nhs_number_verified', 'integer', (c) => c.notNull())
        .addColumn('access_context', 'text', (c) => c.notNull())
        .addColumn('reason_code', 'text', (c) => c.notNull())
        .addColumn('reason_comment', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('notified', 'text', (c) => c.notNull())
        .addColumn('snapshot', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('access_entries')
        .addColumn('entry_id', 'text', (c) => c.primaryKey())
        .addColumn('check_id', 'text', (c) => c.references('checks.check_id'))
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('accessed_at', 'text', (c) => c.notNull())
        .addColumn('setting_ods', 'text', (c) => c.notNull())
        .addColumn('setting_name', 'text', (c) => c.notNull())
        .addColumn('user_role', 'text', (c) => c.notNull())
        .addColumn('user_sub', 'text')
        .execute();
      await db.schema
        .createIndex('access_entries_by_nhs_number')
        .on('access_entries')
        .columns(['nhs_number', 'accessed_at'])
        .execute();

      await db.schema
        .createTable('notifications')
        .addColumn('notification_id', 'text', (c) => c.primaryKey())
        .addColumn('authority_ods', 'text', (c) => c.notNull().references('authorities.ods_code'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('check_id', 'text', (c) => c.notNull().references('checks.check_id'))
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('plan_ids', 'text', (c) => c.notNull())
        .addColumn('accessed_at', 'text', (c) => c.notNull())
        .addColumn('setting_ods', 'text', (c) => c.notNull())
        .addColumn('setting_name', 'text', (c) => c.notNull())
        .addColumn('user_sub', 'text', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('user_role', 'text', (c) => c.notNull())
        .addColumn('reason_code', 'text', (c) => c.notNull())
        .addColumn('reason_comment', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('notifications_cursor', ['authority_ods', 'seq'])
        .execute();
      // The 24-hour collapse looks up the last notification written for one user, setting,
      // NHS number and authority.
      await db.schema
        .createIndex('notifications_for_collapse')
        .on('notifications')
        .columns(['nhs_number', 'user_sub', 'setting_ods', 'authority_ods', 'accessed_at'])
        .execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('event_id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('actor_sub', 'text', (c) => c.notNull())
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('actor_org', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('authority_ods', 'text')
        .addColumn('target', 'text')
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_events_by_time').on('audit_events').column('at').execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('user_sub', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('body_hash', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('check_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_sub', 'idempotency_key'])
        .execute();
      await db.schema
        .createIndex('idempotency_keys_by_age')
        .on('idempotency_keys')
        .column('created_at')
        .execute();
    },
  },
  // Plan ids are paged in byte order (`P-1` < `p-2` < `p_4`), as SQLite compares text. A
  // PostgreSQL database created with a natural-language collation (en_US…) would order and
  // compare them differently, so on PostgreSQL the column is given the "C" collation.
  '0002-plan-id-byte-order': {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      await sql`alter table plans alter column plan_id type text collate "C"`.execute(db);
    },
  },
  // An Idempotency-Key is scoped to the user and the organisation they are signed in at:
  // the same `sub` with another role profile (another `odsCode`) reusing a key makes a new
  // check, with its own access entry, rather than getting the first setting's result. A
  // finished key keeps the organisation of its check; a claim still in progress is dropped
  // (its check, if it finishes, is then simply not replayable).
  '0003-idempotency-per-organisation': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('idempotency_keys_scoped')
        .addColumn('user_sub', 'text', (c) => c.notNull())
        .addColumn('org_ods', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('body_hash', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('check_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_scope_pk', [
          'user_sub',
          'org_ods',
          'idempotency_key',
        ])
        .execute();
      await sql`insert into idempotency_keys_scoped
          (user_sub, org_ods, idempotency_key, body_hash, status, check_id, created_at)
        select k.user_sub, c.org_ods, k.idempotency_key, k.body_hash, k.status, k.check_id,
          k.created_at
        from idempotency_keys k join checks c on c.check_id = k.check_id
        where k.status = 'done'`.execute(db);
      await db.schema.dropTable('idempotency_keys').execute();
      await db.schema.alterTable('idempotency_keys_scoped').renameTo('idempotency_keys').execute();
      await db.schema
        .createIndex('idempotency_keys_by_age')
        .on('idempotency_keys')
        .column('created_at')
        .execute();
    },
  },
  // CDS Hooks: which check each EHR user made for an encounter (patient-view shows that
  // user their own check again, with no new access), and the JWT ids already used.
  '0004-cds-hooks': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('encounter_checks')
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('encounter_id', 'text', (c) => c.notNull())
        .addColumn('nhs_number', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('check_id', 'text', (c) => c.notNull().references('checks.check_id'))
        .addPrimaryKeyConstraint('encounter_checks_pk', [
          'issuer',
          'encounter_id',
          'nhs_number',
          'user_id',
        ])
        .execute();
      await db.schema
        .createTable('cds_hooks_jtis')
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('jti', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('cds_hooks_jtis_pk', ['issuer', 'jti'])
        .execute();
      await db.schema
        .createIndex('cds_hooks_jtis_by_expiry')
        .on('cds_hooks_jtis')
        .column('expires_at')
        .execute();
    },
  },
});

/**
 * Brings the database to the latest schema; throws with the failing migration's error.
 * On PostgreSQL the migrations, and Kysely's own bookkeeping tables, live in the current
 * schema (the first of `search_path`), so several deployments can share one database.
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: () => Promise.resolve(migrations(dialect)),
  };
  let migrationTableSchema: string | undefined;
  if (dialect === 'postgres') {
    const { rows } = await sql<{
      schema: string | null;
    }>`select current_schema() as schema`.execute(db);
    const schema = rows[0]?.schema ?? null;
    if (schema === null) {
      throw new Error(
        'Database migration cannot start: no schema of the search_path exists (create it first)',
      );
    }
    migrationTableSchema = schema;
    // Already at the latest (every instance start but the first): skip Kysely's catalogue
    // introspection, which costs about 0.1 s here. Anything else takes the Migrator's path.
    const { rows: table } = await sql<{ table: string | null }>`
      select to_regclass(${`${quoteIdent(schema)}.kysely_migration`})::text as table`.execute(db);
    if (table[0]?.table != null) {
      const { rows: done } = await sql<{
        name: string;
      }>`select name from ${sql.id(schema, 'kysely_migration')}`.execute(db);
      const applied = new Set(done.map((r) => r.name));
      if (Object.keys(migrations(dialect)).every((name) => applied.has(name))) return;
    }
  }
  const migrator = new Migrator({
    db,
    provider,
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed`, { cause: error });
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
