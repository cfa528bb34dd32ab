/**
 * The service core's `Storage` on the server's engines: the Kysely data-access layer
 * (`store.ts`) on SQLite or PostgreSQL, its rows mapped to the core's records. Notifications
 * written in a transaction are announced inside it (PostgreSQL's `NOTIFY`, delivered at
 * commit) and published after it commits (SQLite's in-process bus).
 */
import type {
  CheckRecord,
  NotificationEvent,
  PlanRecord,
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
  const reader = (q: Queryable): StorageReader => ({
    getAuthority: (odsCode) => store.getAuthority(q, odsCode),
    getPlan: async (authority, planId) => {
      const row = await store.getPlan(q, authority, planId);
      return row === undefined ? undefined : toPlan(row);
    },
    listPlans: async (authority, afterPlanId, limit) =>
      (await store.listPlans(q, authority, afterPlanId, limit)).map(toPlan),
    getCheck: async (checkId) => {
      const row = await store.getCheck(q, checkId);
      return row === undefined ? undefined : toCheck(row);
    },
    listNotifications: (authority, range) => store.listNotifications(q, authority, range),
    latestSeq: (authority) => store.latestSeq(q, authority),
    encounterCheck: (key) => store.encounterCheck(q, key),
  });

  const transaction = (trx: Tx, events: NotificationEvent[]): StorageTransaction => ({
    ...reader(trx),
    insertAuthority: (authority, at) => store.insertAuthority(trx, authority, at),
    updateAuthority: (authority, at) => store.updateAuthority(trx, authority, at),
    plansByIds: async (authority, planIds) => {
      const rows = await store.plansByIds(trx, authority, planIds);
      return new Map([...rows].map(([id, row]) => [id, toPlan(row)]));
    },
    upsertPlans: (plans) => store.upsertPlans(trx, plans.map(fromPlan)),
    markPlanDeleted: (authority, planId, at) => store.markPlanDeleted(trx, authority, planId, at),
    plansForNhsNumber: async (nhsNumber) =>
      (await store.plansForNhsNumber(trx, nhsNumber)).map(({ authority, ...row }) => ({
        ...toPlan(row),
        responsibleAuthority: authority,
      })),
    lastWrittenByAuthority: (key) => store.lastWrittenByAuthority(trx, key),
    accessHistory: (nhsNumber, limit) => store.accessHistory(trx, nhsNumber, limit),
    insertCheck: (check) => store.insertCheck(trx, fromCheck(check)),
    insertAccessEntries: async (entries) => {
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
      if (rows.length === 1) await store.insertAccessEntry(trx, rows[0] as (typeof rows)[0]);
      else await store.insertAccessEntries(trx, rows);
    },
    reserveSeq: (authority) => engine.reserveSeq(trx, authority),
    insertNotifications: async (records) => {
      await store.insertNotifications(
        trx,
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
      events.push(
        ...records.map((r) => ({
          authority: r.authority,
          seq: r.seq,
          notification: r.notification,
        })),
      );
    },
    insertAuditEvents: (audit) =>
      store.insertAuditEvents(
        trx,
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
      ),
    completeIdempotencyKey: (id, checkId) =>
      store.completeIdempotencyKey(trx, id.scope, id.key, checkId),
    recordEncounterCheck: (key, checkId) => store.recordEncounterCheck(trx, key, checkId),
    lockAuthorityWrites: (odsCode) => store.lockAuthorityWrites(trx, odsCode),
    lockPlanWrites: (odsCode) => store.lockPlanWrites(trx, odsCode),
  });

  return {
    store,
    engine,
    ...reader(store.db),
    migrate: () => store.migrate(),
    async transaction(work) {
      let events: NotificationEvent[] = [];
      const result = await store.transaction(async (trx) => {
        // A retried transaction starts again from nothing.
        events = [];
        const value = await work(transaction(trx, events));
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
