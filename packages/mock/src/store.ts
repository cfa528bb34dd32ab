/**
 * The mock's state and what each operation does to it, after the request has been
 * authenticated, validated and authorised. Every rule comes from `@cpis/domain`; this file
 * only keeps the records.
 */
import {
  IDEMPOTENCY_KEPT_MS,
  latestAccessHistory,
  planAccessOutcome,
  planStatus,
  visiblePlans,
  type components,
} from '@cpis/domain';
import { notificationCursor, planCursor } from './cursors.js';
import type { Population, SeedPlan } from './fixtures.js';
import { Refusal } from './problem.js';
import type { Subscriber } from './stream.js';
import type { TokenClaims } from './tokens.js';
import { randomUuid } from './uuid.js';

type Schemas = components['schemas'];
type Authority = Schemas['Authority'];
type CheckRequest = Schemas['CheckRequest'];
type CheckResult = Schemas['CheckResult'];
type Notification = Schemas['Notification'];
type Plan = Schemas['Plan'];
type PlanInput = Schemas['PlanInput'];
type Setting = Schemas['Setting'];
type StoredPlan = Schemas['StoredPlan'];

/** A plan as the mock keeps it: deleted plans stay, marked, and are never returned. */
export interface MockPlan extends SeedPlan {
  updatedAt: string;
  deleted: boolean;
}

/** An access entry written by an unscheduled check (or seeded from the fixtures). */
export interface MockAccess {
  nhsNumber: string;
  accessedAt: string;
  setting: Setting;
  userRole: string;
  /** Who made the check; absent for seeded entries. */
  sub?: string;
  /** The authorities this entry notified: the 24-hour window runs from here for each. */
  notified: string[];
}

export interface MockCheck {
  /** The ODS code of the organisation that made the check: only it may read it again. */
  organisation: string;
  result: CheckResult;
}

/** Whose a key is: the user (`sub`) at the organisation they are signed in at (`odsCode`). */
export type IdempotencyOwner = Pick<TokenClaims, 'sub' | 'odsCode'>;

/** A key is scoped to the user and the organisation, as the contract says. */
function idempotencyId(owner: IdempotencyOwner, key: string): string {
  return JSON.stringify([owner.sub, owner.odsCode, key.toLowerCase()]);
}

export interface MockIdempotencyEntry {
  fingerprint: string;
  createdAt: Date;
  /** The first result; absent while that check is still in progress. */
  result?: CheckResult;
}

export interface MockAuditEntry {
  at: string;
  requestId: string;
  operation: string;
  sub: string;
  organisation: string;
  details: Record<string, unknown>;
}

/** Everything the mock holds. Tests may read it; `reset()` refills it in place. */
export interface MockState {
  authorities: Map<string, Authority>;
  /** Keyed by `${odsCode}/${planId}`. */
  plans: Map<string, MockPlan>;
  /** Oldest first. */
  accesses: MockAccess[];
  /** Per authority, in cursor order. */
  notifications: Map<string, Notification[]>;
  checks: Map<string, MockCheck>;
  /** Keyed by `idempotencyId`: the user, their organisation and the key. */
  idempotency: Map<string, MockIdempotencyEntry>;
  audit: MockAuditEntry[];
}

export interface Clock {
  now(): Date;
  /** The Europe/London calendar day that plan visibility and upload rules use. */
  today(): string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string;
}

const planKey = (odsCode: string, planId: string): string => `${odsCode}/${planId}`;

export function emptyState(): MockState {
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

export class MockStore {
  readonly state = emptyState();
  private readonly subscribers = new Map<string, Set<Subscriber>>();

  constructor(
    private readonly clock: Clock,
    private readonly population: () => Population,
  ) {
    this.reset();
  }

  /** Back to the seeded population; open streams end, as they would on a server restart. */
  reset(): void {
    for (const set of this.subscribers.values()) for (const s of [...set]) s.close();
    this.subscribers.clear();
    Object.assign(this.state, emptyState());
    const seed = this.population();
    const seededAt = this.clock.now().toISOString();
    for (const authority of seed.authorities) {
      this.state.authorities.set(authority.odsCode, { ...authority });
    }
    for (const plan of seed.plans) {
      this.state.plans.set(planKey(plan.authority, plan.planId), {
        ...plan,
        updatedAt: seededAt,
        deleted: false,
      });
    }
    for (const access of seed.accesses) this.state.accesses.push({ ...access, notified: [] });
    this.state.accesses.sort((a, b) => Date.parse(a.accessedAt) - Date.parse(b.accessedAt));
  }

  // Health side

  /**
   * Claims `key` for this user's check with this body: the earlier result when the same
   * body was sent before (nothing is written again), else `undefined` and the key is held
   * in progress until `finishIdempotent` or `releaseIdempotent`.
   */
  claimIdempotent(
    caller: IdempotencyOwner,
    key: string,
    fingerprint: string,
  ): CheckResult | undefined {
    const id = idempotencyId(caller, key);
    const earlier = this.state.idempotency.get(id);
    const now = this.clock.now();
    if (earlier && now.getTime() - earlier.createdAt.getTime() < IDEMPOTENCY_KEPT_MS) {
      if (earlier.fingerprint !== fingerprint) {
        throw new Refusal(
          'idempotency-key-reused',
          'This Idempotency-Key was used for a check with a different body.',
        );
      }
      if (!earlier.result) {
        throw new Refusal('conflict', 'The check with this Idempotency-Key is still in progress.');
      }
      return structuredClone(earlier.result);
    }
    this.state.idempotency.set(id, { fingerprint, createdAt: now });
    return undefined;
  }

  finishIdempotent(caller: IdempotencyOwner, key: string, result: CheckResult): void {
    const entry = this.state.idempotency.get(idempotencyId(caller, key));
    if (entry) entry.result = structuredClone(result);
  }

  releaseIdempotent(caller: IdempotencyOwner, key: string): void {
    this.state.idempotency.delete(idempotencyId(caller, key));
  }

  /**
   * Rules 1–4: what a check shows, who is told, what is written. Everything that can fail
   * is worked out before anything is written, so a check writes all of its records or none.
   */
  createCheck(caller: TokenClaims, request: CheckRequest, requestId: string): CheckResult {
    const now = this.clock.now();
    const today = this.clock.today();
    const { nhsNumber, accessContext } = request;
    const shown = visiblePlans(
      this.livePlans((p) => p.nhsNumber === nhsNumber),
      today,
    );
    const plans: Plan[] = shown.map((p) => ({
      planId: p.planId,
      type: p.type,
      status: planStatus(p, today),
      startDate: p.startDate,
      ...(p.endDate !== undefined && { endDate: p.endDate }),
      ...(p.expectedDeliveryDate !== undefined && {
        expectedDeliveryDate: p.expectedDeliveryDate,
      }),
      responsibleAuthority: this.authorityOf(p),
    }));
    const outcome = planAccessOutcome({
      accessContext,
      plans: shown.map((p) => ({ planId: p.planId, responsibleAuthority: p.authority })),
      lastWrittenAt: (authority) => this.lastWrittenAt(caller, nhsNumber, authority),
      now,
    });

    const accessedAt = now.toISOString();
    const setting: Setting = { odsCode: caller.odsCode, name: caller.orgName };
    if (outcome.writeAccessEntry) {
      this.state.accesses.push({
        nhsNumber,
        accessedAt,
        setting,
        userRole: caller.role,
        sub: caller.sub,
        notified: outcome.notify.map((n) => n.authority),
      });
    }
    for (const { authority, planIds } of outcome.notify) {
      this.notify(authority, {
        notificationId: randomUuid(),
        createdAt: accessedAt,
        nhsNumber,
        planIds,
        accessedAt,
        setting,
        user: { name: caller.name, role: caller.role },
        reason: { ...request.reason },
      });
    }

    const found = plans.length > 0;
    const result: CheckResult = {
      checkId: randomUuid(),
      nhsNumber,
      checkedAt: accessedAt,
      accessContext,
      outcome: found ? 'record-found' : 'no-record',
      plans,
      // A no-record answer says nothing about plans no longer shown, nor who looked.
      accessHistory: found
        ? latestAccessHistory(this.state.accesses.filter((a) => a.nhsNumber === nhsNumber)).map(
            (a) => ({ accessedAt: a.accessedAt, setting: { ...a.setting }, userRole: a.userRole }),
          )
        : [],
      notifiedAuthorities: outcome.notify.map((n) => n.authority),
    };
    this.state.checks.set(result.checkId, {
      organisation: caller.odsCode,
      result: structuredClone(result),
    });
    this.audit(caller, requestId, 'createCheck', {
      checkId: result.checkId,
      nhsNumber,
      nhsNumberVerified: request.nhsNumberVerified,
      accessContext,
      reason: request.reason,
      outcome: result.outcome,
    });
    return result;
  }

  /** The snapshot of an earlier check by the caller's organisation; another's is not found. */
  getCheck(caller: TokenClaims, checkId: string, requestId: string): CheckResult {
    const check = this.state.checks.get(checkId);
    if (!check || check.organisation !== caller.odsCode) {
      throw new Refusal('not-found', 'No check with this id was made by your organisation.');
    }
    this.audit(caller, requestId, 'getCheck', {
      checkId,
      nhsNumber: check.result.nhsNumber,
    });
    return structuredClone(check.result);
  }

  // Local-authority side

  getAuthority(odsCode: string): Authority {
    const authority = this.state.authorities.get(odsCode);
    if (!authority) throw new Refusal('not-found', `No authority ${odsCode} is registered.`);
    return { ...authority };
  }

  putAuthority(
    caller: TokenClaims,
    odsCode: string,
    input: Schemas['AuthorityInput'],
    requestId: string,
  ): { authority: Authority; created: boolean } {
    const created = !this.state.authorities.has(odsCode);
    const authority: Authority = { odsCode, ...input };
    this.state.authorities.set(odsCode, authority);
    this.audit(caller, requestId, 'putAuthority', { odsCode, created });
    return { authority: { ...authority }, created };
  }

  /** Refuses a plan upload for an authority that has no phone numbers to call. */
  requireReachable(odsCode: string): void {
    if (!this.state.authorities.has(odsCode)) {
      throw new Refusal(
        'conflict',
        `Authority ${odsCode} has no phone numbers yet: set them (PUT /v1/authorities/${odsCode}) before uploading plans.`,
      );
    }
  }

  /** Creates or replaces one plan; the body has passed the contract and the domain rules. */
  putPlan(
    caller: TokenClaims,
    odsCode: string,
    planId: string,
    input: PlanInput,
    requestId: string,
  ): { plan: StoredPlan; created: boolean } {
    this.requireReachable(odsCode);
    const key = planKey(odsCode, planId);
    const existing = this.state.plans.get(key);
    if (existing?.deleted) {
      throw new Refusal(
        'conflict',
        `Plan ${planId} was deleted; a deleted planId cannot be reused.`,
      );
    }
    const plan: MockPlan = {
      authority: odsCode,
      planId,
      nhsNumber: input.nhsNumber,
      type: input.type,
      startDate: input.startDate,
      ...(input.endDate !== undefined && { endDate: input.endDate }),
      ...(input.expectedDeliveryDate !== undefined && {
        expectedDeliveryDate: input.expectedDeliveryDate,
      }),
      updatedAt: this.clock.now().toISOString(),
      deleted: false,
    };
    this.state.plans.set(key, plan);
    this.audit(caller, requestId, 'putPlan', { odsCode, planId, created: !existing });
    return { plan: this.stored(plan), created: !existing };
  }

  deletePlan(caller: TokenClaims, odsCode: string, planId: string, requestId: string): void {
    const plan = this.state.plans.get(planKey(odsCode, planId));
    if (!plan || plan.deleted) throw new Refusal('not-found', `There is no plan ${planId}.`);
    plan.deleted = true;
    plan.updatedAt = this.clock.now().toISOString();
    this.audit(caller, requestId, 'deletePlan', { odsCode, planId });
  }

  /** This authority's plans by `planId` (code-unit order), after the plan `afterPlanId`. */
  listPlans(odsCode: string, afterPlanId: string, limit: number): Page<StoredPlan> {
    const items = this.livePlans((p) => p.authority === odsCode && p.planId > afterPlanId)
      .sort((a, b) => (a.planId < b.planId ? -1 : a.planId > b.planId ? 1 : 0))
      .slice(0, limit)
      .map((p) => this.stored(p));
    return { items, nextCursor: planCursor(items.at(-1)?.planId ?? afterPlanId) };
  }

  /**
   * Ascending: the oldest `limit` after `after`. Descending: the newest `limit` after
   * `after`, newest first, with `nextCursor` at the newest. Either way `nextCursor` is
   * where an ascending poll continues, also when nothing was returned.
   */
  listNotifications(
    odsCode: string,
    after: number,
    limit: number,
    order: 'asc' | 'desc',
  ): Page<Notification> {
    const later = this.notificationsAfter(odsCode, after);
    const items = order === 'asc' ? later.slice(0, limit) : later.slice(-limit).reverse();
    const newest = order === 'asc' ? items.at(-1) : items[0];
    return {
      items: structuredClone(items),
      nextCursor: newest ? newest.cursor : notificationCursor(after),
    };
  }

  notificationsAfter(odsCode: string, after: number): Notification[] {
    return (this.state.notifications.get(odsCode) ?? []).slice(after);
  }

  /** The sequence number of the authority's newest notification (0 when it has none). */
  headSequence(odsCode: string): number {
    return this.state.notifications.get(odsCode)?.length ?? 0;
  }

  subscribe(odsCode: string, subscriber: Subscriber): () => void {
    let set = this.subscribers.get(odsCode);
    if (!set) {
      set = new Set();
      this.subscribers.set(odsCode, set);
    }
    set.add(subscriber);
    return () => {
      this.subscribers.get(odsCode)?.delete(subscriber);
    };
  }

  // Internals

  private notify(odsCode: string, notification: Omit<Notification, 'cursor'>): void {
    let feed = this.state.notifications.get(odsCode);
    if (!feed) {
      feed = [];
      this.state.notifications.set(odsCode, feed);
    }
    const stored: Notification = { ...notification, cursor: notificationCursor(feed.length + 1) };
    feed.push(stored);
    for (const subscriber of this.subscribers.get(odsCode) ?? []) {
      subscriber.push(structuredClone(stored));
    }
  }

  private lastWrittenAt(
    caller: TokenClaims,
    nhsNumber: string,
    authority: string,
  ): Date | undefined {
    for (let i = this.state.accesses.length - 1; i >= 0; i--) {
      const a = this.state.accesses[i];
      if (
        a &&
        a.sub === caller.sub &&
        a.setting.odsCode === caller.odsCode &&
        a.nhsNumber === nhsNumber &&
        a.notified.includes(authority)
      ) {
        return new Date(a.accessedAt);
      }
    }
    return undefined;
  }

  private livePlans(filter: (plan: MockPlan) => boolean): MockPlan[] {
    return [...this.state.plans.values()].filter((p) => !p.deleted && filter(p));
  }

  private authorityOf(plan: MockPlan): Authority {
    const authority = this.state.authorities.get(plan.authority);
    // Uploads are refused until the authority exists, so only a broken seed gets here.
    if (!authority)
      throw new Error(`Plan ${plan.planId} names unknown authority ${plan.authority}.`);
    return { ...authority };
  }

  private stored(plan: MockPlan): StoredPlan {
    return {
      planId: plan.planId,
      nhsNumber: plan.nhsNumber,
      type: plan.type,
      status: planStatus(plan, this.clock.today()),
      startDate: plan.startDate,
      ...(plan.endDate !== undefined && { endDate: plan.endDate }),
      ...(plan.expectedDeliveryDate !== undefined && {
        expectedDeliveryDate: plan.expectedDeliveryDate,
      }),
      updatedAt: plan.updatedAt,
    };
  }

  /** Every check and every LA write is audited. */
  private audit(
    caller: TokenClaims,
    requestId: string,
    operation: string,
    details: Record<string, unknown>,
  ): void {
    this.state.audit.push({
      at: this.clock.now().toISOString(),
      requestId,
      operation,
      sub: caller.sub,
      organisation: caller.odsCode,
      details,
    });
  }
}
