/**
 * The storage interface in memory: what the mock runs on, in Node or a browser. A
 * transaction runs alone (one at a time, in order) and is undone whole if it throws, so
 * the core's all-or-nothing writes hold here as they do on SQLite and PostgreSQL. The
 * records are kept in `state`, a shape tests may read.
 */
import type { components } from '@cpis/domain';
import type {
  AccessRecord,
  AuditEvent,
  Authority,
  CheckRecord,
  EncounterCheckKey,
  IdempotencyClaim,
  IdempotencyScope,
  JtiClaim,
  Notification,
  NotificationEvent,
  NotificationRange,
  PlanRecord,
  Storage,
  StorageTransaction,
} from './storage.js';
import type { SeedRecords } from './seed.js';

type CheckResult = components['schemas']['CheckResult'];
type Setting = components['schemas']['Setting'];

/** A plan as the memory store keeps it: deleted plans stay, marked, and are never returned. */
export interface MemoryPlan {
  authority: string;
  planId: string;
  nhsNumber: string;
  type: PlanRecord['type'];
  startDate: string;
  endDate?: string;
  expectedDeliveryDate?: string;
  createdAt: string;
  updatedAt: string;
  deleted: boolean;
}

/** An access entry written by an unscheduled check (or seeded). */
export interface MemoryAccess {
  nhsNumber: string;
  accessedAt: string;
  setting: Setting;
  userRole: string;
  /** Who made the check; absent for seeded entries. */
  sub?: string;
  /** The check that wrote it; absent for seeded entries. */
  checkId?: string;
  /** The authorities this entry notified: the 24-hour window runs from here for each. */
  notified: string[];
}

export interface MemoryCheck {
  /** The ODS code of the organisation that made the check: only it may read it again. */
  organisation: string;
  result: CheckResult;
}

export interface MemoryIdempotencyEntry {
  fingerprint: string;
  createdAt: Date;
  /** The first result; absent while that check is still in progress. */
  result?: CheckResult;
}

export interface MemoryAuditEntry {
  at: string;
  requestId: string;
  /** What was done: `check.create`, `check.read`, `authority.create`, `plan.end`, … */
  operation: string;
  sub: string;
  organisation: string;
  details: Record<string, unknown>;
}

/** Everything the memory store holds. `clear()` empties it in place. */
export interface MemoryState {
  authorities: Map<string, Authority>;
  /** Keyed by `${odsCode}/${planId}`. */
  plans: Map<string, MemoryPlan>;
  /** Oldest first. */
  accesses: MemoryAccess[];
  /** Per authority, in cursor order. */
  notifications: Map<string, Notification[]>;
  checks: Map<string, MemoryCheck>;
  /** Keyed by the user, their organisation and the key (JSON). */
  idempotency: Map<string, MemoryIdempotencyEntry>;
  audit: MemoryAuditEntry[];
}

interface Internal {
  /** The check records behind `state.checks` (with the snapshot text answered). */
  checks: Map<string, CheckRecord>;
  idempotencyCheck: Map<string, string | null>;
  sequences: Map<string, number>;
  /** Who was told what, and when: the input of the 24-hour collapse. */
  told: { authority: string; userSub: string; settingOds: string; nhsNumber: string; at: string }[];
  /** CDS Hooks: the check each EHR user made for an encounter and NHS number. */
  encounterChecks: Map<string, string>;
  /** CDS Hooks JWT ids, by issuer and `jti`, with when each may be forgotten. */
  jtis: Map<string, string>;
}

const emptyInternal = (): Internal => ({
  checks: new Map(),
  idempotencyCheck: new Map(),
  sequences: new Map(),
  told: [],
  encounterChecks: new Map(),
  jtis: new Map(),
});

const planKey = (authority: string, planId: string): string => `${authority}/${planId}`;
const idKey = (id: IdempotencyScope): string =>
  JSON.stringify([id.scope.userSub, id.scope.orgOds, id.key]);
const encounterKey = (key: EncounterCheckKey): string =>
  JSON.stringify([key.issuer, key.encounterId, key.nhsNumber, key.userId]);

export function emptyMemoryState(): MemoryState {
  return {
    authorities: new Map(),
    plans: new Map(),
    accesses: [],
    notifications: new Map(),
    checks: new Map(),
    idempotency: new Map(),
    audit: [],
  };
}

export class MemoryStore implements Storage {
  readonly state: MemoryState = emptyMemoryState();
  #internal: Internal = emptyInternal();
  readonly #listeners = new Map<string, Set<(event: NotificationEvent) => void>>();
  /** Transactions run one at a time, in the order they were asked for. */
  #queue: Promise<unknown> = Promise.resolve();

  /** Empties the store in place (references to `state`'s maps and arrays stay valid). */
  clear(): void {
    const empty = emptyMemoryState();
    restore(this.state, empty);
    this.#internal = emptyInternal();
  }

  migrate(): Promise<void> {
    return Promise.resolve();
  }

  transaction<T>(work: (tx: StorageTransaction) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const before = snapshot(this.state);
      const internalBefore: Internal = {
        checks: new Map(this.#internal.checks),
        idempotencyCheck: new Map(this.#internal.idempotencyCheck),
        sequences: new Map(this.#internal.sequences),
        told: [...this.#internal.told],
        encounterChecks: new Map(this.#internal.encounterChecks),
        jtis: new Map(this.#internal.jtis),
      };
      const written: NotificationEvent[] = [];
      try {
        const result = await work(this.#transaction(written));
        this.#publish(written);
        return result;
      } catch (error) {
        restore(this.state, before);
        this.#internal = internalBefore;
        throw error;
      }
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async isEmpty(): Promise<boolean> {
    await this.#idle();
    return this.state.authorities.size === 0;
  }

  /** Reads see committed state only: they wait for the transaction under way. */
  async getAuthority(odsCode: string): Promise<Authority | undefined> {
    await this.#idle();
    return this.#read.getAuthority(odsCode);
  }

  async getPlan(authority: string, planId: string): Promise<PlanRecord | undefined> {
    await this.#idle();
    return this.#read.getPlan(authority, planId);
  }

  async listPlans(
    authority: string,
    afterPlanId: string | null,
    limit: number,
  ): Promise<PlanRecord[]> {
    await this.#idle();
    return this.#read.listPlans(authority, afterPlanId, limit);
  }

  async getCheck(checkId: string): Promise<CheckRecord | undefined> {
    await this.#idle();
    return this.#read.getCheck(checkId);
  }

  async listNotifications(authority: string, range: NotificationRange): Promise<Notification[]> {
    await this.#idle();
    return this.#read.listNotifications(authority, range);
  }

  async latestSeq(authority: string): Promise<number> {
    await this.#idle();
    return this.#read.latestSeq(authority);
  }

  async encounterCheck(key: EncounterCheckKey): Promise<string | undefined> {
    await this.#idle();
    return this.#read.encounterCheck(key);
  }

  /** Loads records at once (the mock's population, on creation and on reset). */
  load(records: SeedRecords): void {
    for (const authority of records.authorities)
      this.state.authorities.set(authority.odsCode, { ...authority });
    for (const plan of records.plans)
      this.state.plans.set(planKey(plan.authority, plan.planId), fromRecord(plan));
    for (const e of records.accesses) this.state.accesses.push(toAccess(e));
    this.state.accesses.sort((a, b) => compare(a.accessedAt, b.accessedAt));
  }

  async #idle(): Promise<void> {
    await this.#queue;
  }

  readonly #read = {
    getAuthority: (odsCode: string): Authority | undefined => {
      const authority = this.state.authorities.get(odsCode);
      return authority === undefined ? undefined : { ...authority };
    },
    getPlan: (authority: string, planId: string): PlanRecord | undefined => {
      const plan = this.state.plans.get(planKey(authority, planId));
      return plan === undefined ? undefined : toRecord(plan);
    },
    listPlans: (authority: string, afterPlanId: string | null, limit: number): PlanRecord[] =>
      [...this.state.plans.values()]
        .filter(
          (p) =>
            p.authority === authority &&
            !p.deleted &&
            (afterPlanId === null || p.planId > afterPlanId),
        )
        .sort((a, b) => compare(a.planId, b.planId))
        .slice(0, limit)
        .map(toRecord),
    getCheck: (checkId: string): CheckRecord | undefined => {
      const check = this.#internal.checks.get(checkId);
      return check === undefined ? undefined : structuredClone(check);
    },
    listNotifications: (authority: string, range: NotificationRange): Notification[] => {
      const later = (this.state.notifications.get(authority) ?? []).filter(
        (n) => Number(n.cursor) > range.afterSeq,
      );
      const items =
        range.order === 'asc' ? later.slice(0, range.limit) : later.slice(-range.limit).reverse();
      return structuredClone(items);
    },
    latestSeq: (authority: string): number =>
      Number(this.state.notifications.get(authority)?.at(-1)?.cursor ?? 0),
    encounterCheck: (key: EncounterCheckKey): string | undefined =>
      this.#internal.encounterChecks.get(encounterKey(key)),
  };

  async claimIdempotencyKey(claim: {
    scope: IdempotencyScope['scope'];
    key: string;
    bodyHash: string;
    now: Date;
    keepMs: number;
    staleMs: number;
  }): Promise<IdempotencyClaim> {
    return this.transaction(async () => {
      const id = idKey(claim);
      const earlier = this.state.idempotency.get(id);
      const age =
        earlier === undefined ? Infinity : claim.now.getTime() - earlier.createdAt.getTime();
      if (earlier !== undefined && age < claim.keepMs) {
        if (earlier.fingerprint !== claim.bodyHash) return { state: 'mismatch' };
        const checkId = this.#internal.idempotencyCheck.get(id);
        if (checkId !== undefined && checkId !== null) return { state: 'replay', checkId };
        if (age < claim.staleMs) return { state: 'in-progress' };
      }
      // New, expired, or abandoned by a request that never finished: claimed.
      this.state.idempotency.set(id, { fingerprint: claim.bodyHash, createdAt: claim.now });
      this.#internal.idempotencyCheck.set(id, null);
      return { state: 'claimed' };
    });
  }

  async releaseIdempotencyKey(id: IdempotencyScope): Promise<void> {
    await this.transaction(async () => {
      if (this.#internal.idempotencyCheck.get(idKey(id)) === null) {
        this.state.idempotency.delete(idKey(id));
        this.#internal.idempotencyCheck.delete(idKey(id));
      }
    });
  }

  async purgeIdempotencyKeys(olderThan: Date): Promise<void> {
    await this.transaction(async () => {
      for (const [id, entry] of this.state.idempotency) {
        if (entry.createdAt < olderThan) {
          this.state.idempotency.delete(id);
          this.#internal.idempotencyCheck.delete(id);
        }
      }
    });
  }

  async claimJti(claim: JtiClaim): Promise<boolean> {
    return this.transaction(async () => {
      const now = claim.now.toISOString();
      for (const [key, expiresAt] of this.#internal.jtis) {
        if (expiresAt <= now) this.#internal.jtis.delete(key);
      }
      const key = JSON.stringify([claim.issuer, claim.jti]);
      if (this.#internal.jtis.has(key)) return false;
      this.#internal.jtis.set(key, claim.expiresAt);
      return true;
    });
  }

  subscribe(authority: string, listener: (event: NotificationEvent) => void): () => void {
    let set = this.#listeners.get(authority);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(authority, set);
    }
    set.add(listener);
    return () => {
      this.#listeners.get(authority)?.delete(listener);
    };
  }

  async ping(): Promise<boolean> {
    return true;
  }

  isUnavailable(): boolean {
    return false;
  }

  #publish(events: readonly NotificationEvent[]): void {
    for (const event of events) {
      for (const listener of [...(this.#listeners.get(event.authority) ?? [])]) {
        try {
          listener({ ...event, notification: structuredClone(event.notification) });
        } catch {
          // One broken stream must not stop delivery to the others.
        }
      }
    }
  }

  #audit(entry: MemoryAuditEntry): void {
    this.state.audit.push(entry);
  }

  #transaction(written: NotificationEvent[]): StorageTransaction {
    const state = this.state;
    const internal = this.#internal;
    return {
      getAuthority: async (odsCode) => this.#read.getAuthority(odsCode),
      getPlan: async (authority, planId) => this.#read.getPlan(authority, planId),
      listPlans: async (authority, after, limit) => this.#read.listPlans(authority, after, limit),
      getCheck: async (checkId) => this.#read.getCheck(checkId),
      listNotifications: async (authority, range) => this.#read.listNotifications(authority, range),
      latestSeq: async (authority) => this.#read.latestSeq(authority),
      encounterCheck: async (key) => this.#read.encounterCheck(key),
      recordEncounterCheck: async (key, checkId) => {
        internal.encounterChecks.set(encounterKey(key), checkId);
      },
      // Transactions already run one at a time here.
      lockAuthorityWrites: async () => undefined,
      lockPlanWrites: async () => undefined,
      insertAuthority: async (authority) => {
        state.authorities.set(authority.odsCode, { ...authority });
      },
      updateAuthority: async (authority) => {
        state.authorities.set(authority.odsCode, { ...authority });
      },
      plansByIds: async (authority, planIds) => {
        const found = new Map<string, PlanRecord>();
        for (const planId of planIds) {
          const plan = state.plans.get(planKey(authority, planId));
          if (plan !== undefined) found.set(planId, toRecord(plan));
        }
        return found;
      },
      upsertPlans: async (plans) => {
        for (const plan of plans)
          state.plans.set(planKey(plan.authority, plan.planId), fromRecord(plan));
      },
      markPlanDeleted: async (authority, planId, at) => {
        const plan = state.plans.get(planKey(authority, planId));
        if (plan !== undefined) {
          state.plans.set(planKey(authority, planId), { ...plan, deleted: true, updatedAt: at });
        }
      },
      plansForNhsNumber: async (nhsNumber) =>
        [...state.plans.values()]
          .filter((p) => p.nhsNumber === nhsNumber && !p.deleted)
          .sort(
            (a, b) =>
              compare(a.startDate, b.startDate) ||
              compare(a.authority, b.authority) ||
              compare(a.planId, b.planId),
          )
          .map((p) => {
            const authority = state.authorities.get(p.authority);
            // Uploads are refused until the authority exists, so only a broken seed gets here.
            if (authority === undefined) {
              throw new Error(`Plan ${p.planId} names unknown authority ${p.authority}.`);
            }
            return { ...toRecord(p), responsibleAuthority: { ...authority } };
          }),
      lastWrittenByAuthority: async (key) => {
        const last = new Map<string, Date>();
        for (const t of internal.told) {
          if (
            t.userSub !== key.userSub ||
            t.settingOds !== key.settingOds ||
            t.nhsNumber !== key.nhsNumber
          ) {
            continue;
          }
          if ((last.get(t.authority)?.toISOString() ?? '') < t.at)
            last.set(t.authority, new Date(t.at));
        }
        return last;
      },
      accessHistory: async (nhsNumber, limit) =>
        state.accesses
          .filter((a) => a.nhsNumber === nhsNumber)
          .sort((a, b) => compare(b.accessedAt, a.accessedAt))
          .slice(0, limit)
          .map((a) => ({
            accessedAt: a.accessedAt,
            setting: { ...a.setting },
            userRole: a.userRole,
          })),
      insertCheck: async (check) => {
        internal.checks.set(check.checkId, structuredClone(check));
        state.checks.set(check.checkId, {
          organisation: check.orgOds,
          result: JSON.parse(check.snapshot) as CheckResult,
        });
        this.#audit({
          at: check.checkedAt,
          requestId: check.requestId,
          operation: 'check.create',
          sub: check.userSub,
          organisation: check.orgOds,
          details: {
            checkId: check.checkId,
            nhsNumber: check.nhsNumber,
            nhsNumberVerified: check.nhsNumberVerified,
            accessContext: check.accessContext,
            reason:
              check.reasonCode === null
                ? null
                : {
                    code: check.reasonCode,
                    ...(check.reasonComment !== null && { comment: check.reasonComment }),
                  },
            outcome: check.outcome,
          },
        });
      },
      insertAccessEntries: async (entries: readonly AccessRecord[]) => {
        for (const e of entries) state.accesses.push(toAccess(e));
        state.accesses.sort((a, b) => compare(a.accessedAt, b.accessedAt));
      },
      reserveSeq: async (authority) => {
        const seq = (internal.sequences.get(authority) ?? this.#read.latestSeq(authority)) + 1;
        internal.sequences.set(authority, seq);
        return seq;
      },
      insertNotifications: async (records) => {
        for (const record of records) {
          const feed = state.notifications.get(record.authority) ?? [];
          state.notifications.set(record.authority, feed);
          feed.push(structuredClone(record.notification));
          const access = state.accesses.find((a) => a.checkId === record.checkId);
          access?.notified.push(record.authority);
          internal.told.push({
            authority: record.authority,
            userSub: record.userSub,
            settingOds: record.notification.setting.odsCode,
            nhsNumber: record.notification.nhsNumber,
            at: record.notification.accessedAt,
          });
          written.push({
            authority: record.authority,
            seq: record.seq,
            notification: record.notification,
          });
        }
      },
      insertAuditEvents: async (events: readonly AuditEvent[]) => {
        for (const e of events) {
          this.#audit({
            at: e.at,
            requestId: e.requestId,
            operation: e.action,
            sub: e.actorSub,
            organisation: e.actorOrg,
            details: {
              ...(e.authority !== null && { authority: e.authority }),
              ...(e.target !== null && { target: e.target }),
              ...(e.detail as Record<string, unknown>),
            },
          });
        }
      },
      completeIdempotencyKey: async (id, checkId) => {
        const entry = state.idempotency.get(idKey(id));
        const check = internal.checks.get(checkId);
        if (entry === undefined || check === undefined) return;
        internal.idempotencyCheck.set(idKey(id), checkId);
        state.idempotency.set(idKey(id), {
          ...entry,
          result: JSON.parse(check.snapshot) as CheckResult,
        });
      },
    };
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function toAccess(e: AccessRecord): MemoryAccess {
  return {
    nhsNumber: e.nhsNumber,
    accessedAt: e.accessedAt,
    setting: { odsCode: e.settingOds, name: e.settingName },
    userRole: e.userRole,
    ...(e.userSub !== null && { sub: e.userSub }),
    ...(e.checkId !== null && { checkId: e.checkId }),
    notified: [],
  };
}

function toRecord(plan: MemoryPlan): PlanRecord {
  return {
    authority: plan.authority,
    planId: plan.planId,
    nhsNumber: plan.nhsNumber,
    type: plan.type,
    startDate: plan.startDate,
    endDate: plan.endDate ?? null,
    expectedDeliveryDate: plan.expectedDeliveryDate ?? null,
    createdAt: plan.createdAt,
    updatedAt: plan.updatedAt,
    deletedAt: plan.deleted ? plan.updatedAt : null,
  };
}

function fromRecord(plan: PlanRecord): MemoryPlan {
  return {
    authority: plan.authority,
    planId: plan.planId,
    nhsNumber: plan.nhsNumber,
    type: plan.type,
    startDate: plan.startDate,
    ...(plan.endDate !== null && { endDate: plan.endDate }),
    ...(plan.expectedDeliveryDate !== null && { expectedDeliveryDate: plan.expectedDeliveryDate }),
    createdAt: plan.createdAt,
    updatedAt: plan.updatedAt,
    deleted: plan.deletedAt !== null,
  };
}

/** A copy of the state deep enough to undo a transaction (records are replaced, never changed). */
function snapshot(state: MemoryState): MemoryState {
  return {
    authorities: new Map(state.authorities),
    plans: new Map(state.plans),
    accesses: state.accesses.map((a) => ({ ...a, notified: [...a.notified] })),
    notifications: new Map([...state.notifications].map(([k, v]) => [k, [...v]])),
    checks: new Map(state.checks),
    idempotency: new Map(state.idempotency),
    audit: [...state.audit],
  };
}

/** Puts `from` back into `state` in place. */
function restore(state: MemoryState, from: MemoryState): void {
  for (const key of ['authorities', 'plans', 'notifications', 'checks', 'idempotency'] as const) {
    const target = state[key] as Map<string, unknown>;
    target.clear();
    for (const [k, v] of from[key] as Map<string, unknown>) target.set(k, v);
  }
  state.accesses.splice(0, state.accesses.length, ...from.accesses);
  state.audit.splice(0, state.audit.length, ...from.audit);
}
