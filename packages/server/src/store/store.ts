/**
 * The one data-access layer. Every query is dialect-neutral Kysely; what differs between
 * SQLite and PostgreSQL lives in the `Engine`. No rule is decided here: the routes apply
 * the rules from `@cpis/domain` and use these functions to read and write.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely, Transaction } from 'kysely';
import type { components } from '@cpis/domain';
import type { EncounterCheckKey, FeedOrder, JtiClaim } from '@cpis/service';
import type { Engine } from './engine.js';
import { migrateToLatest } from './migrations.js';
import { prepare, type Slot } from './prepared.js';
import type {
  AccessEntriesTable,
  AuditEventsTable,
  AuthoritiesTable,
  ChecksTable,
  Database,
  NotificationsTable,
  PlansTable,
} from './schema.js';

export type Authority = components['schemas']['Authority'];
export type AccessEntry = components['schemas']['AccessEntry'];
export type Notification = components['schemas']['Notification'];
export type CheckResult = components['schemas']['CheckResult'];

/** Anything that can run a query: the database or an open transaction. */
export type Queryable = Kysely<Database>;
export type Tx = Transaction<Database>;

export type PlanRow = PlansTable;
export type PlanWithAuthority = PlansTable & { authority: Authority };
export type NewAuditEvent = Omit<AuditEventsTable, 'event_id'>;

/** Whose a key is: the user (`sub`) at the organisation they are signed in at (`odsCode`). */
export interface IdempotencyScope {
  userSub: string;
  orgOds: string;
}

export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'replay'; checkId: string }
  | { state: 'in-progress' }
  | { state: 'mismatch' };

const CHECK_COLUMNS = [
  'check_id',
  'request_id',
  'checked_at',
  'user_sub',
  'user_name',
  'user_role',
  'org_ods',
  'org_name',
  'nhs_number',
  'nhs_number_verified',
  'access_context',
  'reason_code',
  'reason_comment',
  'outcome',
  'notified',
  'snapshot',
] as const satisfies readonly (keyof ChecksTable)[];

const ACCESS_ENTRY_COLUMNS = [
  'entry_id',
  'check_id',
  'nhs_number',
  'accessed_at',
  'setting_ods',
  'setting_name',
  'user_role',
  'user_sub',
] as const satisfies readonly (keyof AccessEntriesTable)[];

const NOTIFICATION_COLUMNS = [
  'notification_id',
  'authority_ods',
  'seq',
  'check_id',
  'nhs_number',
  'plan_ids',
  'accessed_at',
  'setting_ods',
  'setting_name',
  'user_sub',
  'user_name',
  'user_role',
  'reason_code',
  'reason_comment',
  'created_at',
] as const satisfies readonly (keyof NotificationsTable)[];

/** A row whose every column is a slot, in `columns` order. */
function slotRow<T>(columns: readonly (keyof T)[], slot: Slot): T {
  return Object.fromEntries(columns.map((column, i) => [column, slot(i)])) as T;
}

/** Rows per statement in bulk writes: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;
/** Attempts of a transaction that met a deadlock or a serialisation failure (PostgreSQL). */
const TRANSACTION_ATTEMPTS = 5;

export class Store {
  constructor(readonly engine: Engine) {}

  get db(): Kysely<Database> {
    return this.engine.db;
  }

  migrate(): Promise<void> {
    return migrateToLatest(this.db as unknown as Kysely<unknown>, this.engine.dialect);
  }

  /**
   * Runs `work` in one transaction: all of it commits or none of it. On PostgreSQL the
   * isolation is READ COMMITTED, said explicitly (a server's default may be stricter): it is
   * what the cursor's row lock and the idempotency claim rely on, a statement seeing what
   * committed before it started, and a writer waiting on a locked row then acting on its
   * committed version rather than failing. A transaction aborted by a deadlock or a
   * serialisation failure (a service that runs everything SERIALIZABLE raises those) is run
   * again from the start, so `work` must do nothing but database work.
   */
  async transaction<T>(work: (trx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const builder = this.db.transaction();
        return await (
          this.engine.dialect === 'postgres' ? builder.setIsolationLevel('read committed') : builder
        ).execute(work);
      } catch (error) {
        if (attempt >= TRANSACTION_ATTEMPTS || !this.engine.isRetryable(error)) throw error;
        await sleep(Math.random() * 20 * attempt);
      }
    }
  }

  async isEmpty(): Promise<boolean> {
    const row = await this.db
      .selectFrom('authorities')
      .select('ods_code')
      .limit(1)
      .executeTakeFirst();
    return row === undefined;
  }

  // Authorities

  readonly #getAuthority = prepare((slot) =>
    this.db.selectFrom('authorities').selectAll().where('ods_code', '=', slot(0)),
  );

  async getAuthority(q: Queryable, odsCode: string): Promise<Authority | undefined> {
    const row = (await this.#getAuthority(q, odsCode)).rows[0];
    return row === undefined ? undefined : toAuthority(row);
  }

  /**
   * Held until `trx` ends: writers of one authority's record, on any instance, take turns,
   * each reading what the one before committed (the first creates it, the rest update it).
   */
  lockAuthorityWrites(trx: Tx, odsCode: string): Promise<void> {
    return this.engine.lock(trx, `authority:${odsCode}`);
  }

  async insertAuthority(q: Queryable, authority: Authority, at: string): Promise<void> {
    await q
      .insertInto('authorities')
      .values({ ...fromAuthority(authority), created_at: at, updated_at: at })
      .execute();
  }

  async updateAuthority(q: Queryable, authority: Authority, at: string): Promise<void> {
    const { ods_code: _ods, ...values } = fromAuthority(authority);
    await q
      .updateTable('authorities')
      .set({ ...values, updated_at: at })
      .where('ods_code', '=', authority.odsCode)
      .execute();
  }

  // Plans

  readonly #plansForNhsNumber = prepare((slot) =>
    this.db
      .selectFrom('plans')
      .innerJoin('authorities', 'authorities.ods_code', 'plans.authority_ods')
      .select([
        'plans.authority_ods',
        'plans.plan_id',
        'plans.nhs_number',
        'plans.type',
        'plans.start_date',
        'plans.end_date',
        'plans.expected_delivery_date',
        'plans.created_at',
        'plans.updated_at',
        'plans.deleted_at',
        'authorities.name',
        'authorities.office_hours_phone',
        'authorities.emergency_duty_phone',
      ])
      .where('plans.nhs_number', '=', slot(0))
      .where('plans.deleted_at', 'is', null)
      .orderBy('plans.start_date')
      .orderBy('plans.authority_ods')
      .orderBy('plans.plan_id'),
  );

  /** The plans held for an NHS number (deleted ones excluded), each with its authority. */
  async plansForNhsNumber(q: Queryable, nhsNumber: string): Promise<PlanWithAuthority[]> {
    const { rows } = await this.#plansForNhsNumber(q, nhsNumber);
    return rows.map(({ name, office_hours_phone, emergency_duty_phone, ...plan }) => ({
      ...plan,
      authority: {
        odsCode: plan.authority_ods,
        name,
        officeHoursPhone: office_hours_phone,
        emergencyDutyPhone: emergency_duty_phone,
      },
    }));
  }

  /**
   * Held until `trx` ends: the plan writes of one authority (PUT, DELETE, batch), on any
   * instance, take turns, so each reads the plans as the one before left them: one
   * creation, then updates whose audited `before` is what they replaced.
   */
  lockPlanWrites(trx: Tx, odsCode: string): Promise<void> {
    return this.engine.lock(trx, `plans:${odsCode}`);
  }

  /** One plan of an authority, deleted or not. */
  getPlan(q: Queryable, authority: string, planId: string): Promise<PlanRow | undefined> {
    return q
      .selectFrom('plans')
      .selectAll()
      .where('authority_ods', '=', authority)
      .where('plan_id', '=', planId)
      .executeTakeFirst();
  }

  /** The plans of an authority with these ids, deleted or not, by id. */
  async plansByIds(
    q: Queryable,
    authority: string,
    planIds: readonly string[],
  ): Promise<Map<string, PlanRow>> {
    const found = new Map<string, PlanRow>();
    const unique = [...new Set(planIds)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await q
        .selectFrom('plans')
        .selectAll()
        .where('authority_ods', '=', authority)
        .where('plan_id', 'in', unique.slice(i, i + CHUNK))
        .execute();
      for (const row of rows) found.set(row.plan_id, row);
    }
    return found;
  }

  /** Creates or replaces plans (never a deleted one: callers refuse those first). */
  async upsertPlans(q: Queryable, rows: readonly PlanRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await q
        .insertInto('plans')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) =>
          oc.columns(['authority_ods', 'plan_id']).doUpdateSet((eb) => ({
            nhs_number: eb.ref('excluded.nhs_number'),
            type: eb.ref('excluded.type'),
            start_date: eb.ref('excluded.start_date'),
            end_date: eb.ref('excluded.end_date'),
            expected_delivery_date: eb.ref('excluded.expected_delivery_date'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }

  async markPlanDeleted(
    q: Queryable,
    authority: string,
    planId: string,
    at: string,
  ): Promise<void> {
    await q
      .updateTable('plans')
      .set({ deleted_at: at, updated_at: at })
      .where('authority_ods', '=', authority)
      .where('plan_id', '=', planId)
      .execute();
  }

  /** An authority's plans (not deleted) after `afterPlanId`, by plan id. */
  listPlans(
    q: Queryable,
    authority: string,
    afterPlanId: string | null,
    limit: number,
  ): Promise<PlanRow[]> {
    let query = q
      .selectFrom('plans')
      .selectAll()
      .where('authority_ods', '=', authority)
      .where('deleted_at', 'is', null);
    if (afterPlanId !== null) query = query.where('plan_id', '>', afterPlanId);
    return query.orderBy('plan_id').limit(limit).execute();
  }

  // Checks, access entries, notifications

  readonly #insertCheck = prepare((slot) =>
    this.db.insertInto('checks').values(slotRow<ChecksTable>(CHECK_COLUMNS, slot)),
  );

  async insertCheck(q: Queryable, row: ChecksTable): Promise<void> {
    await this.#insertCheck(q, ...CHECK_COLUMNS.map((c) => row[c]));
  }

  readonly #getCheck = prepare((slot) =>
    this.db.selectFrom('checks').selectAll().where('check_id', '=', slot(0)),
  );

  async getCheck(q: Queryable, checkId: string): Promise<ChecksTable | undefined> {
    return (await this.#getCheck(q, checkId)).rows[0];
  }

  readonly #insertAccessEntry = prepare((slot) =>
    this.db
      .insertInto('access_entries')
      .values(slotRow<AccessEntriesTable>(ACCESS_ENTRY_COLUMNS, slot)),
  );

  async insertAccessEntry(q: Queryable, row: AccessEntriesTable): Promise<void> {
    await this.#insertAccessEntry(q, ...ACCESS_ENTRY_COLUMNS.map((c) => row[c]));
  }

  async insertAccessEntries(q: Queryable, rows: readonly AccessEntriesTable[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await q
        .insertInto('access_entries')
        .values(rows.slice(i, i + CHUNK))
        .execute();
    }
  }

  readonly #accessHistory = prepare((slot) =>
    this.db
      .selectFrom('access_entries')
      .select(['accessed_at', 'setting_ods', 'setting_name', 'user_role'])
      .where('nhs_number', '=', slot(0))
      .orderBy('accessed_at', 'desc')
      .limit(slot(1)),
  );

  /** The newest access entries for an NHS number, newest first. */
  async accessHistory(q: Queryable, nhsNumber: string, limit: number): Promise<AccessEntry[]> {
    return (await this.#accessHistory(q, nhsNumber, limit)).rows.map(toAccessEntry);
  }

  /**
   * When a notification was last written to each authority for this user, setting and
   * NHS number: the input of the 24-hour collapse.
   */
  readonly #lastWritten = prepare((slot) =>
    this.db
      .selectFrom('notifications')
      .select(['authority_ods', (eb) => eb.fn.max('accessed_at').as('last')])
      .where('nhs_number', '=', slot(0))
      .where('user_sub', '=', slot(1))
      .where('setting_ods', '=', slot(2))
      .groupBy('authority_ods'),
  );

  /**
   * Takes the collapse lock of this user, setting and NHS number first, held until `trx`
   * ends: two instances making the same user's check at once would otherwise both read "no
   * notification in 24 hours" and both notify. The second now waits, then reads the first's.
   */
  async lastWrittenByAuthority(
    trx: Tx,
    key: { nhsNumber: string; userSub: string; settingOds: string },
  ): Promise<Map<string, Date>> {
    await this.engine.lock(
      trx,
      `collapse:${JSON.stringify([key.nhsNumber, key.userSub, key.settingOds])}`,
    );
    const q: Queryable = trx;
    const { rows } = await this.#lastWritten(q, key.nhsNumber, key.userSub, key.settingOds);
    return new Map(rows.map((r) => [r.authority_ods, new Date(String(r.last))]));
  }

  readonly #insertNotification = prepare((slot) =>
    this.db
      .insertInto('notifications')
      .values(slotRow<NotificationsTable>(NOTIFICATION_COLUMNS, slot)),
  );

  async insertNotifications(q: Queryable, rows: readonly NotificationsTable[]): Promise<void> {
    for (const row of rows)
      await this.#insertNotification(q, ...NOTIFICATION_COLUMNS.map((c) => row[c]));
  }

  /** `order: 'asc'`: the oldest `limit` after `afterSeq`; `desc`: the newest `limit` after it. */
  listNotifications(
    q: Queryable,
    authority: string,
    options: NotificationRange,
  ): Promise<Notification[]> {
    return readNotifications(q, authority, options);
  }

  /** The newest cursor of an authority's feed, 0 when it is empty. */
  async latestSeq(q: Queryable, authority: string): Promise<number> {
    const row = await q
      .selectFrom('notifications')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('authority_ods', '=', authority)
      .executeTakeFirst();
    return row?.seq === null || row?.seq === undefined ? 0 : Number(row.seq);
  }

  // Idempotency keys (POST /v1/checks)

  /**
   * A new key, or one kept past its time (that row is replaced): one statement, so the
   * claim a check almost always makes is one round trip, with no transaction around it.
   * Slots: user, organisation, key, body hash, now, expired-before.
   */
  readonly #claimNewKey = prepare((slot) =>
    this.db
      .insertInto('idempotency_keys')
      .values({
        user_sub: slot(0),
        org_ods: slot(1),
        idempotency_key: slot(2),
        body_hash: slot(3),
        status: 'in-progress',
        check_id: null,
        created_at: slot(4),
      })
      .onConflict((oc) =>
        oc
          .columns(['user_sub', 'org_ods', 'idempotency_key'])
          .doUpdateSet({
            body_hash: slot(3),
            status: 'in-progress',
            check_id: null,
            created_at: slot(4),
          })
          .where('idempotency_keys.created_at', '<', slot(5)),
      ),
  );

  readonly #idempotencyKey = prepare((slot) =>
    this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('user_sub', '=', slot(0))
      .where('org_ods', '=', slot(1))
      .where('idempotency_key', '=', slot(2)),
  );

  /** Takes over an abandoned claim, if it is still the one that was read. */
  readonly #takeOverKey = prepare((slot) =>
    this.db
      .updateTable('idempotency_keys')
      .set({ created_at: slot(3) })
      .where('user_sub', '=', slot(0))
      .where('org_ods', '=', slot(1))
      .where('idempotency_key', '=', slot(2))
      .where('status', '=', 'in-progress')
      .where('created_at', '=', slot(4)),
  );

  /**
   * Claims `key` for this user, organisation and body, or says why not. Neutral across
   * engines, and each step is one statement: the insert wins (or replaces an expired key),
   * or the row another request wrote says replay, another body, in progress, or abandoned
   * (taken over only if no one else took it first).
   */
  async claimIdempotencyKey(claim: {
    scope: IdempotencyScope;
    key: string;
    bodyHash: string;
    now: Date;
    keepMs: number;
    staleMs: number;
  }): Promise<IdempotencyClaim> {
    const at = claim.now.toISOString();
    const expiredBefore = new Date(claim.now.getTime() - claim.keepMs).toISOString();
    const staleBefore = new Date(claim.now.getTime() - claim.staleMs).toISOString();
    const { userSub, orgOds } = claim.scope;
    // A row released or purged between the insert and the read: claim again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.#claimNewKey(
        this.db,
        userSub,
        orgOds,
        claim.key,
        claim.bodyHash,
        at,
        expiredBefore,
      );
      if (Number(inserted.numAffectedRows ?? 0n) === 1) return { state: 'claimed' };
      const row = (await this.#idempotencyKey(this.db, userSub, orgOds, claim.key)).rows[0];
      if (row === undefined) continue;
      if (row.body_hash !== claim.bodyHash) return { state: 'mismatch' };
      if (row.status === 'done' && row.check_id !== null)
        return { state: 'replay', checkId: row.check_id };
      if (row.created_at >= staleBefore) return { state: 'in-progress' };
      // Abandoned by a request that never finished (the process stopped): take it over.
      const taken = await this.#takeOverKey(
        this.db,
        userSub,
        orgOds,
        claim.key,
        at,
        row.created_at,
      );
      return Number(taken.numAffectedRows ?? 0n) === 1
        ? { state: 'claimed' }
        : { state: 'in-progress' };
    }
    return { state: 'in-progress' };
  }

  readonly #completeIdempotencyKey = prepare((slot) =>
    this.db
      .updateTable('idempotency_keys')
      .set({ status: 'done', check_id: slot(3) })
      .where('user_sub', '=', slot(0))
      .where('org_ods', '=', slot(1))
      .where('idempotency_key', '=', slot(2)),
  );

  async completeIdempotencyKey(
    q: Queryable,
    scope: IdempotencyScope,
    key: string,
    checkId: string,
  ): Promise<void> {
    await this.#completeIdempotencyKey(q, scope.userSub, scope.orgOds, key, checkId);
  }

  /** Frees a claim whose check failed, so a retry can make it. */
  async releaseIdempotencyKey(scope: IdempotencyScope, key: string): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('user_sub', '=', scope.userSub)
      .where('org_ods', '=', scope.orgOds)
      .where('idempotency_key', '=', key)
      .where('status', '=', 'in-progress')
      .execute();
  }

  async purgeIdempotencyKeys(olderThan: Date): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', olderThan.toISOString())
      .execute();
  }

  // CDS Hooks

  readonly #encounterCheck = prepare((slot) =>
    this.db
      .selectFrom('encounter_checks')
      .select('check_id')
      .where('issuer', '=', slot(0))
      .where('encounter_id', '=', slot(1))
      .where('nhs_number', '=', slot(2))
      .where('user_id', '=', slot(3)),
  );

  async encounterCheck(q: Queryable, key: EncounterCheckKey): Promise<string | undefined> {
    const { rows } = await this.#encounterCheck(
      q,
      key.issuer,
      key.encounterId,
      key.nhsNumber,
      key.userId,
    );
    return rows[0]?.check_id;
  }

  /** The newest check of this EHR user for this encounter and NHS number replaces the last. */
  async recordEncounterCheck(q: Queryable, key: EncounterCheckKey, checkId: string): Promise<void> {
    await q
      .insertInto('encounter_checks')
      .values({
        issuer: key.issuer,
        encounter_id: key.encounterId,
        nhs_number: key.nhsNumber,
        user_id: key.userId,
        check_id: checkId,
      })
      .onConflict((oc) =>
        oc
          .columns(['issuer', 'encounter_id', 'nhs_number', 'user_id'])
          .doUpdateSet({ check_id: checkId }),
      )
      .execute();
  }

  /**
   * True when this issuer's `jti` was not remembered (it is now, until `expiresAt`); false
   * for a replay. The insert either wins or meets the row another instance wrote.
   */
  async claimJti(claim: JtiClaim): Promise<boolean> {
    const now = claim.now.toISOString();
    return this.transaction(async (trx) => {
      await trx.deleteFrom('cds_hooks_jtis').where('expires_at', '<=', now).execute();
      const inserted = await trx
        .insertInto('cds_hooks_jtis')
        .values({ issuer: claim.issuer, jti: claim.jti, expires_at: claim.expiresAt })
        .onConflict((oc) => oc.columns(['issuer', 'jti']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
    });
  }

  // Audit

  async insertAuditEvents(q: Queryable, events: readonly NewAuditEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += CHUNK) {
      await q
        .insertInto('audit_events')
        .values(events.slice(i, i + CHUNK).map((e) => ({ event_id: randomUUID(), ...e })))
        .execute();
    }
  }
}

export interface NotificationRange {
  afterSeq: number;
  limit: number;
  order: FeedOrder;
}

/**
 * An authority's feed by cursor: the one query behind the paged feed, the streams' catch-up
 * and the PostgreSQL listener's read of what other instances committed.
 */
export async function readNotifications(
  q: Queryable,
  authority: string,
  options: NotificationRange,
): Promise<Notification[]> {
  const rows = await q
    .selectFrom('notifications')
    .selectAll()
    .where('authority_ods', '=', authority)
    .where('seq', '>', options.afterSeq)
    .orderBy('seq', options.order)
    .limit(options.limit)
    .execute();
  return rows.map(toNotification);
}

export function toAuthority(row: AuthoritiesTable): Authority {
  return {
    odsCode: row.ods_code,
    name: row.name,
    officeHoursPhone: row.office_hours_phone,
    emergencyDutyPhone: row.emergency_duty_phone,
  };
}

function fromAuthority(a: Authority): Omit<AuthoritiesTable, 'created_at' | 'updated_at'> {
  return {
    ods_code: a.odsCode,
    name: a.name,
    office_hours_phone: a.officeHoursPhone,
    emergency_duty_phone: a.emergencyDutyPhone,
  };
}

function toAccessEntry(
  row: Pick<AccessEntriesTable, 'accessed_at' | 'setting_ods' | 'setting_name' | 'user_role'>,
): AccessEntry {
  return {
    accessedAt: row.accessed_at,
    setting: { odsCode: row.setting_ods, name: row.setting_name },
    userRole: row.user_role,
  };
}

type AccessReason = components['schemas']['AccessReason'];

/**
 * `reason_code` of a check or notification that carries no reason (one made through NHS
 * England's CP-IS FHIR API, which takes none). The column is `NOT NULL` since the first
 * migration, so "no reason" is stored as the empty string, which no reason code is, and is
 * `null` again on the way out. Never a reason of its own.
 */
export const NO_REASON_GIVEN = '';

/** The columns of a reason, or of none. */
export function reasonColumns(reason: AccessReason | null): {
  reason_code: string;
  reason_comment: string | null;
} {
  return reason === null
    ? { reason_code: NO_REASON_GIVEN, reason_comment: null }
    : { reason_code: reason.code, reason_comment: reason.comment ?? null };
}

/** The reason the columns hold, or `null` when none was given. */
export function reasonOf(code: string, comment: string | null): AccessReason | null {
  if (code === NO_REASON_GIVEN) return null;
  const reason: AccessReason = { code: code as AccessReason['code'] };
  if (comment !== null) reason.comment = comment;
  return reason;
}

export function toNotification(row: NotificationsTable): Notification {
  const reason = reasonOf(row.reason_code, row.reason_comment);
  return {
    notificationId: row.notification_id,
    cursor: String(row.seq),
    createdAt: row.created_at,
    nhsNumber: row.nhs_number,
    planIds: JSON.parse(row.plan_ids) as string[],
    accessedAt: row.accessed_at,
    setting: { odsCode: row.setting_ods, name: row.setting_name },
    user: { name: row.user_name, role: row.user_role },
    reason,
  };
}
