/**
 * What the core needs of a database, and nothing more. The reference server's SQLite and
 * PostgreSQL engines and the mock's memory store implement it; one storage suite
 * (`storage-suite.ts`) runs against every one of them. No rule is decided behind this
 * interface: the core applies `@cpis/domain`'s rules and uses it to read and write.
 */
import type { components, operations } from '@cpis/domain';

type Schemas = components['schemas'];
export type Authority = Schemas['Authority'];
export type AccessEntry = Schemas['AccessEntry'];
export type Notification = Schemas['Notification'];
export type PlanType = Schemas['PlanType'];

/** A plan as stored: deleted plans are kept, marked, and never returned. */
export interface PlanRecord {
  authority: string;
  planId: string;
  nhsNumber: string;
  type: PlanType;
  startDate: string;
  endDate: string | null;
  expectedDeliveryDate: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface PlanWithAuthority extends PlanRecord {
  responsibleAuthority: Authority;
}

/** The audit row of every check, with the CheckResult as it was answered (`snapshot`, JSON). */
export interface CheckRecord {
  checkId: string;
  requestId: string;
  checkedAt: string;
  userSub: string;
  userName: string;
  userRole: string;
  orgOds: string;
  orgName: string;
  nhsNumber: string;
  nhsNumberVerified: boolean;
  accessContext: Schemas['AccessContext'];
  /** `null`: no reason given (a check through NHS England's CP-IS FHIR API, which takes none). */
  reasonCode: Schemas['ReasonCode'] | null;
  reasonComment: string | null;
  outcome: Schemas['CheckResult']['outcome'];
  notified: string[];
  snapshot: string;
}

/** An access entry: written by an unscheduled check that notified, or seeded. */
export interface AccessRecord {
  entryId: string;
  /** Null for entries loaded from elsewhere (the synthetic seed). */
  checkId: string | null;
  nhsNumber: string;
  accessedAt: string;
  settingOds: string;
  settingName: string;
  userRole: string;
  userSub: string | null;
}

export interface NotificationRecord {
  authority: string;
  /** The per-authority cursor, from `reserveSeq` in the same transaction. */
  seq: number;
  checkId: string;
  userSub: string;
  notification: Notification;
}

/** An LA write or a check read, audited (a check itself is audited by its `CheckRecord`). */
export interface AuditEvent {
  at: string;
  requestId: string;
  actorSub: string;
  actorName: string;
  actorOrg: string;
  action: string;
  authority: string | null;
  target: string | null;
  detail: unknown;
}

/** Whose check an `Idempotency-Key` belongs to (the user at an organisation), and the key. */
export interface IdempotencyScope {
  scope: { userSub: string; orgOds: string };
  key: string;
}

export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'replay'; checkId: string }
  | { state: 'in-progress' }
  | { state: 'mismatch' };

/** `order` of `GET …/notifications`, as the contract spells it. */
export type FeedOrder = NonNullable<
  NonNullable<operations['listNotifications']['parameters']['query']>['order']
>;

export interface NotificationRange {
  afterSeq: number;
  limit: number;
  order: FeedOrder;
}

/** The collapse key: one user, one setting, one NHS number. */
export interface CollapseKey {
  nhsNumber: string;
  userSub: string;
  settingOds: string;
}

/**
 * "Authority A has a notification at cursor N", delivered live after commit. It may carry
 * the notification; a listener never trusts the feed for completeness (`seq` may repeat,
 * skip or be `Infinity`, "read the store") and fills any gap from `listNotifications`.
 */
export interface NotificationEvent {
  authority: string;
  seq: number;
  notification?: Notification;
}

/**
 * Whose check a CDS Hooks `patient-view` may show again: the EHR (its `iss`), the
 * encounter, the NHS number and the EHR's user (`context.userId`), exactly.
 */
export interface EncounterCheckKey {
  issuer: string;
  encounterId: string;
  nhsNumber: string;
  userId: string;
}

/** A CDS Hooks JWT's `jti`, remembered until `expiresAt` so that the token is used once. */
export interface JtiClaim {
  issuer: string;
  jti: string;
  /** RFC 3339 UTC: when the token stops being accepted (its `exp` plus the allowed skew). */
  expiresAt: string;
  now: Date;
}

/** Reads that need no transaction. */
export interface StorageReader {
  getAuthority(odsCode: string): Promise<Authority | undefined>;
  /** One plan of an authority, deleted or not. */
  getPlan(authority: string, planId: string): Promise<PlanRecord | undefined>;
  /** An authority's plans (not deleted) after `afterPlanId`, by plan id (code-unit order). */
  listPlans(authority: string, afterPlanId: string | null, limit: number): Promise<PlanRecord[]>;
  getCheck(checkId: string): Promise<CheckRecord | undefined>;
  /** `asc`: the oldest `limit` after `afterSeq`; `desc`: the newest `limit` after it. */
  listNotifications(authority: string, range: NotificationRange): Promise<Notification[]>;
  /** The newest cursor of an authority's feed, 0 when it is empty. */
  latestSeq(authority: string): Promise<number>;
  /** The check this EHR user made for this encounter and NHS number (the newest), if any. */
  encounterCheck(key: EncounterCheckKey): Promise<string | undefined>;
}

/** Everything one transaction may do: all of it commits, or none of it. */
export interface StorageTransaction extends StorageReader {
  /**
   * Writes to this authority's record, and to its plans, take turns (until the transaction
   * ends, on every instance): concurrent first writes then create once and update after.
   */
  lockAuthorityWrites(odsCode: string): Promise<void>;
  lockPlanWrites(odsCode: string): Promise<void>;
  insertAuthority(authority: Authority, at: string): Promise<void>;
  updateAuthority(authority: Authority, at: string): Promise<void>;
  /** The plans of an authority with these ids, deleted or not, by id. */
  plansByIds(authority: string, planIds: readonly string[]): Promise<Map<string, PlanRecord>>;
  /** Creates or replaces plans (never a deleted one: the core refuses those first). */
  upsertPlans(plans: readonly PlanRecord[]): Promise<void>;
  markPlanDeleted(authority: string, planId: string, at: string): Promise<void>;
  /** The plans held for an NHS number (deleted ones excluded), each with its authority. */
  plansForNhsNumber(nhsNumber: string): Promise<PlanWithAuthority[]>;
  /**
   * Takes the collapse lock of this user, setting and NHS number (held until the
   * transaction ends, on every instance), then answers when a notification was last
   * written to each authority for them: the input of the 24-hour collapse.
   */
  lastWrittenByAuthority(key: CollapseKey): Promise<Map<string, Date>>;
  /** The newest access entries for an NHS number, newest first. */
  accessHistory(nhsNumber: string, limit: number): Promise<AccessEntry[]>;
  insertCheck(check: CheckRecord): Promise<void>;
  insertAccessEntries(entries: readonly AccessRecord[]): Promise<void>;
  /**
   * The next cursor of `authority`'s feed. Commit order is cursor order for an authority,
   * and a transaction that rolls back leaves no gap.
   */
  reserveSeq(authority: string): Promise<number>;
  /** Written, and announced to live listeners once the transaction commits. */
  insertNotifications(notifications: readonly NotificationRecord[]): Promise<void>;
  insertAuditEvents(events: readonly AuditEvent[]): Promise<void>;
  completeIdempotencyKey(id: IdempotencyScope, checkId: string): Promise<void>;
  /** Records that this EHR user made `checkId` for this encounter (the newest one wins). */
  recordEncounterCheck(key: EncounterCheckKey, checkId: string): Promise<void>;
}

export interface Storage extends StorageReader {
  /** Creates or upgrades what the store needs (tables); safe to run on every start. */
  migrate(): Promise<void>;
  /**
   * Runs `work` in one transaction: all of it commits or none of it. `work` must do
   * nothing but storage work: a store may run it again after a deadlock.
   */
  transaction<T>(work: (tx: StorageTransaction) => Promise<T>): Promise<T>;
  /** True when nothing is stored yet (no authority): the development seed's test. */
  isEmpty(): Promise<boolean>;
  /**
   * Claims `key` for this scope and body: `claimed` (go ahead), `replay` (the same body
   * finished before), `in-progress`, or `mismatch` (another body). A claim older than
   * `keepMs` is forgotten; one in progress for longer than `staleMs` was abandoned and
   * is taken over.
   */
  claimIdempotencyKey(
    claim: IdempotencyScope & {
      bodyHash: string;
      now: Date;
      keepMs: number;
      staleMs: number;
    },
  ): Promise<IdempotencyClaim>;
  /** Frees a claim whose check failed, so a retry can make it. */
  releaseIdempotencyKey(id: IdempotencyScope): Promise<void>;
  purgeIdempotencyKeys(olderThan: Date): Promise<void>;
  /**
   * Remembers a JWT's `jti` for its issuer until it expires: true the first time, false
   * while the same `jti` is remembered (a replayed token), on every instance. Forgets the
   * ones that have expired.
   */
  claimJti(claim: JtiClaim): Promise<boolean>;
  /** Live events of `authority`'s feed after commit; the listener is live when this returns. */
  subscribe(authority: string, listener: (event: NotificationEvent) => void): () => void;
  /** True when the store answers. */
  ping(): Promise<boolean>;
  /** An error that means "the store cannot be reached or is busy" (503), not a bug. */
  isUnavailable(error: unknown): boolean;
}
