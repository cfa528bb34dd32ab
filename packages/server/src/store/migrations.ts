/**
 * Schema migrations, in code (no files to ship or find at run time), written with
 * Kysely's schema builder only, so they run unchanged on SQLite and PostgreSQL.
 * Never edit a migration that has shipped; add the next one.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';

const migrations: Record<string, Migration> = {
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
};

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};

/** Brings the database to the latest schema; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed`, { cause: error });
  }
}
