/**
 * The service core's `Storage` on the server's engines: the Kysely data-access layer
 * (`store.ts`) on SQLite or PostgreSQL, its rows mapped to the core's records. Notifications
 * written in a transaction are announced inside it (PostgreSQL's `NOTIFY`, delivered at
 * commit) and published after it commits (SQLite's in-process bus).
 */
import type {
  AccessEntry,
  AccessRecord,
  Authority,
  AuditEvent,
  CheckRecord,
  CollapseKey,
  EncounterCheckKey,
  IdempotencyScope,
  Notification,
  NotificationEvent,
  NotificationRange,
  NotificationRecord,
  PlanRecord,
  PlanWithAuthority,
  Storage,
  StorageReader,
  StorageTransaction,
} from '@cpis/service';
import type { Engine } from './engine.js';
import type { ChecksTable, PlansTable } from './schema.js';
import {
  NO_REASON_GIVEN,
  Store,
  reasonColumns,
  reasonOf,
  type Queryable,
  type Tx,
} from './store.js';

export interface ServerStorage extends Storage {
  readonly store: Store;
  readonly engine: Engine;
}

export function createStorage(engine: Engine): ServerStorage {
  const store = new Store(engine);
  const reader = new StoreReader(store, store.db);

  return {
    store,
    engine,
    getAuthority: (odsCode) => reader.getAuthority(odsCode),
    getPlan: (authority, planId) => reader.getPlan(authority, planId),
    listPlans: (authority, afterPlanId, limit) => reader.listPlans(authority, afterPlanId, limit),
    getCheck: (checkId) => reader.getCheck(checkId),
    listNotifications: (authority, range) => reader.listNotifications(authority, range),
    latestSeq: (authority) => reader.latestSeq(authority),
    encounterCheck: (key) => reader.encounterCheck(key),
    migrate: () => store.migrate(),
    async transaction(work) {
      let events: NotificationEvent[] = [];
      const result = await store.transaction(async (trx) => {
        // A retried transaction starts again from nothing.
        events = [];
        const value = await work(new StoreTransaction(store, engine, trx, events));
        await engine.announce(trx, events);
        return value;
      });
      engine.committed(events);
      return result;
    },
    isEmpty: () => store.isEmpty(),
    claimIdempotencyKey: (claim) => store.claimIdempotencyKey(claim),
    releaseIdempotencyKey: (id) => store.releaseIdempotencyKey(id.scope, id.key),
    purgeIdempotencyKeys: (olderThan) => store.purgeIdempotencyKeys(olderThan),
    claimJti: (claim) => store.claimJti(claim),
    subscribe: (authority, listener) => engine.bus.subscribe(authority, listener),
    ping: () => engine.ping(),
    isUnavailable: (error) => engine.isUnavailable(error),
  };
}

/**
 * The reads, on the database or inside a transaction. Classes, not object literals: a
 * transaction's facade is made once per check, and spreading a literal of two dozen
 * closures into another cost about 25 µs a check here (V8 builds such an object slowly).
 */
class StoreReader implements StorageReader {
  constructor(
    protected readonly store: Store,
    protected readonly q: Queryable,
  ) {}

  getAuthority(odsCode: string): Promise<Authority | undefined> {
    return this.store.getAuthority(this.q, odsCode);
  }

  async getPlan(authority: string, planId: string): Promise<PlanRecord | undefined> {
    const row = await this.store.getPlan(this.q, authority, planId);
    return row === undefined ? undefined : toPlan(row);
  }

  async listPlans(
    authority: string,
    afterPlanId: string | null,
    limit: number,
  ): Promise<PlanRecord[]> {
    return (await this.store.listPlans(this.q, authority, afterPlanId, limit)).map(toPlan);
  }

  async getCheck(checkId: string): Promise<CheckRecord | undefined> {
    const row = await this.store.getCheck(this.q, checkId);
    return row === undefined ? undefined : toCheck(row);
  }

  listNotifications(authority: string, range: NotificationRange): Promise<Notification[]> {
    return this.store.listNotifications(this.q, authority, range);
  }

  latestSeq(authority: string): Promise<number> {
    return this.store.latestSeq(this.q, authority);
  }

  encounterCheck(key: EncounterCheckKey): Promise<string | undefined> {
    return this.store.encounterCheck(this.q, key);
  }
}

/** Everything one transaction may do, on its Kysely transaction. */
class StoreTransaction extends StoreReader implements StorageTransaction {
  constructor(
    store: Store,
    private readonly engine: Engine,
    private readonly trx: Tx,
    /** The notifications written, announced at commit. */
    private readonly events: NotificationEvent[],
  ) {
    super(store, trx);
  }

  insertAuthority(authority: Authority, at: string): Promise<void> {
    return this.store.insertAuthority(this.trx, authority, at);
  }

  updateAuthority(authority: Authority, at: string): Promise<void> {
    return this.store.updateAuthority(this.trx, authority, at);
  }

  async plansByIds(
    authority: string,
    planIds: readonly string[],
  ): Promise<Map<string, PlanRecord>> {
    const rows = await this.store.plansByIds(this.trx, authority, planIds);
    return new Map([...rows].map(([id, row]) => [id, toPlan(row)]));
  }

  upsertPlans(plans: readonly PlanRecord[]): Promise<void> {
    return this.store.upsertPlans(this.trx, plans.map(fromPlan));
  }

  markPlanDeleted(authority: string, planId: string, at: string): Promise<void> {
    return this.store.markPlanDeleted(this.trx, authority, planId, at);
  }

  async plansForNhsNumber(nhsNumber: string): Promise<PlanWithAuthority[]> {
    return (await this.store.plansForNhsNumber(this.trx, nhsNumber)).map(
      ({ authority, ...row }) => ({ ...toPlan(row), responsibleAuthority: authority }),
    );
  }

  lastWrittenByAuthority(key: CollapseKey): Promise<Map<string, Date>> {
    return this.store.lastWrittenByAuthority(this.trx, key);
  }

  accessHistory(nhsNumber: string, limit: number): Promise<AccessEntry[]> {
    return this.store.accessHistory(this.trx, nhsNumber, limit);
  }

  insertCheck(check: CheckRecord): Promise<void> {
    return this.store.insertCheck(this.trx, fromCheck(check));
  }

  async insertAccessEntries(entries: readonly AccessRecord[]): Promise<void> {
    const rows = entries.map((e) => ({
      entry_id: e.entryId,
      check_id: e.checkId,
      nhs_number: e.nhsNumber,
      accessed_at: e.accessedAt,
      setting_ods: e.settingOds,
      setting_name: e.settingName,
      user_role: e.userRole,
      user_sub: e.userSub,
    }));
    if (rows.length === 1)
      await this.store.insertAccessEntry(this.trx, rows[0] as (typeof rows)[0]);
    else await this.store.insertAccessEntries(this.trx, rows);
  }

  reserveSeq(authority: string): Promise<number> {
    return this.engine.reserveSeq(this.trx, authority);
  }

  async insertNotifications(records: readonly NotificationRecord[]): Promise<void> {
    await this.store.insertNotifications(
      this.trx,
      records.map(({ authority, seq, checkId, userSub, notification: n }) => ({
        notification_id: n.notificationId,
        authority_ods: authority,
        seq,
        check_id: checkId,
        nhs_number: n.nhsNumber,
        plan_ids: JSON.stringify(n.planIds),
        accessed_at: n.accessedAt,
        setting_ods: n.setting.odsCode,
        setting_name: n.setting.name,
        user_sub: userSub,
        user_name: n.user.name,
        user_role: n.user.role,
        ...reasonColumns(n.reason),
        created_at: n.createdAt,
      })),
    );
    this.events.push(
      ...records.map((r) => ({ authority: r.authority, seq: r.seq, notification: r.notification })),
    );
  }

  insertAuditEvents(audit: readonly AuditEvent[]): Promise<void> {
    return this.store.insertAuditEvents(
      this.trx,
      audit.map((e) => ({
        at: e.at,
        request_id: e.requestId,
        actor_sub: e.actorSub,
        actor_name: e.actorName,
        actor_org: e.actorOrg,
        action: e.action,
        authority_ods: e.authority,
        target: e.target,
        detail: JSON.stringify(e.detail),
      })),
    );
  }

  completeIdempotencyKey(id: IdempotencyScope, checkId: string): Promise<void> {
    return this.store.completeIdempotencyKey(this.trx, id.scope, id.key, checkId);
  }

  recordEncounterCheck(key: EncounterCheckKey, checkId: string): Promise<void> {
    return this.store.recordEncounterCheck(this.trx, key, checkId);
  }

  lockAuthorityWrites(odsCode: string): Promise<void> {
    return this.store.lockAuthorityWrites(this.trx, odsCode);
  }

  lockPlanWrites(odsCode: string): Promise<void> {
    return this.store.lockPlanWrites(this.trx, odsCode);
  }
}

function toPlan(row: PlansTable): PlanRecord {
  return {
    authority: row.authority_ods,
    planId: row.plan_id,
    nhsNumber: row.nhs_number,
    type: row.type,
    startDate: row.start_date,
    endDate: row.end_date,
    expectedDeliveryDate: row.expected_delivery_date,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

function fromPlan(plan: PlanRecord): PlansTable {
  return {
    authority_ods: plan.authority,
    plan_id: plan.planId,
    nhs_number: plan.nhsNumber,
    type: plan.type,
    start_date: plan.startDate,
    end_date: plan.endDate,
    expected_delivery_date: plan.expectedDeliveryDate,
    created_at: plan.createdAt,
    updated_at: plan.updatedAt,
    deleted_at: plan.deletedAt,
  };
}

function toCheck(row: ChecksTable): CheckRecord {
  return {
    checkId: row.check_id,
    requestId: row.request_id,
    checkedAt: row.checked_at,
    userSub: row.user_sub,
    userName: row.user_name,
    userRole: row.user_role,
    orgOds: row.org_ods,
    orgName: row.org_name,
    nhsNumber: row.nhs_number,
    nhsNumberVerified: Boolean(row.nhs_number_verified),
    accessContext: row.access_context,
    reasonCode: (reasonOf(row.reason_code, null)?.code ?? null) as CheckRecord['reasonCode'],
    reasonComment: row.reason_comment,
    outcome: row.outcome,
    notified: JSON.parse(row.notified) as string[],
    snapshot: row.snapshot,
  };
}

function fromCheck(check: CheckRecord): ChecksTable {
  return {
    check_id: check.checkId,
    request_id: check.requestId,
    checked_at: check.checkedAt,
    user_sub: check.userSub,
    user_name: check.userName,
    user_role: check.userRole,
    org_ods: check.orgOds,
    org_name: check.orgName,
    nhs_number: check.nhsNumber,
    nhs_number_verified: check.nhsNumberVerified ? 1 : 0,
    access_context: check.accessContext,
    reason_code: check.reasonCode ?? NO_REASON_GIVEN,
    reason_comment: check.reasonComment,
    outcome: check.outcome,
    notified: JSON.stringify(check.notified),
    snapshot: check.snapshot,
  };
}
