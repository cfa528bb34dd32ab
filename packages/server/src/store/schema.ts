/**
 * The tables, as Kysely sees them. Column types are chosen to mean the same on SQLite and
 * PostgreSQL: times are RFC 3339 UTC text of fixed width (`toISOString()`, so text order
 * is time order), calendar dates are `YYYY-MM-DD` text, booleans are 0/1 integers and
 * structured values are JSON text.
 */
import type { components } from '@cpis/domain';

type Schemas = components['schemas'];

export interface AuthoritiesTable {
  ods_code: string;
  name: string;
  office_hours_phone: string;
  emergency_duty_phone: string;
  created_at: string;
  updated_at: string;
}

/**
 * One row per authority: the last notification cursor handed out. Taken with
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING` inside the writing transaction, which on
 * PostgreSQL holds the row lock until commit, so cursor order is commit order.
 */
export interface AuthoritySequencesTable {
  ods_code: string;
  last_seq: number;
}

export interface PlansTable {
  authority_ods: string;
  plan_id: string;
  nhs_number: string;
  type: Schemas['PlanType'];
  start_date: string;
  end_date: string | null;
  expected_delivery_date: string | null;
  created_at: string;
  updated_at: string;
  /** Set when the LA deletes a plan entered in error; the row is kept, never returned. */
  deleted_at: string | null;
}

/** The audit row of every check, with the CheckResult as it was answered. */
export interface ChecksTable {
  check_id: string;
  request_id: string;
  checked_at: string;
  user_sub: string;
  user_name: string;
  user_role: string;
  org_ods: string;
  org_name: string;
  nhs_number: string;
  nhs_number_verified: number;
  access_context: Schemas['AccessContext'];
  /** The reason's code; `''` (`NO_REASON_GIVEN`) when no reason was given. */
  reason_code: string;
  reason_comment: string | null;
  outcome: Schemas['CheckResult']['outcome'];
  /** JSON array of the ODS codes told about this check. */
  notified: string;
  /** JSON of the CheckResult. */
  snapshot: string;
}

export interface AccessEntriesTable {
  entry_id: string;
  /** Null for entries loaded from elsewhere (the synthetic seed). */
  check_id: string | null;
  nhs_number: string;
  accessed_at: string;
  setting_ods: string;
  setting_name: string;
  user_role: string;
  user_sub: string | null;
}

export interface NotificationsTable {
  notification_id: string;
  authority_ods: string;
  /** Per-authority cursor: 1, 2, 3… in commit order, never reused, never skipped. */
  seq: number;
  check_id: string;
  nhs_number: string;
  /** JSON array of plan ids. */
  plan_ids: string;
  accessed_at: string;
  setting_ods: string;
  setting_name: string;
  user_sub: string;
  user_name: string;
  user_role: string;
  /** The reason's code; `''` (`NO_REASON_GIVEN`) when no reason was given. */
  reason_code: string;
  reason_comment: string | null;
  created_at: string;
}

/** Everything audited that is not a check: check reads, authority and plan writes. */
export interface AuditEventsTable {
  event_id: string;
  at: string;
  request_id: string;
  actor_sub: string;
  actor_name: string;
  actor_org: string;
  action: string;
  authority_ods: string | null;
  target: string | null;
  /** JSON with what changed (before/after) or what was read. */
  detail: string;
}

/** Keyed by user, organisation (the token's `odsCode`) and key. */
export interface IdempotencyKeysTable {
  user_sub: string;
  org_ods: string;
  idempotency_key: string;
  body_hash: string;
  status: 'in-progress' | 'done';
  check_id: string | null;
  created_at: string;
}

/**
 * CDS Hooks: the check an EHR user made for an encounter and NHS number, so that
 * `patient-view` shows that user their own check again without a new access.
 */
export interface EncounterChecksTable {
  issuer: string;
  encounter_id: string;
  nhs_number: string;
  user_id: string;
  check_id: string;
}

/** CDS Hooks JWT ids, kept until the token expires, so that each token is used once. */
export interface CdsHooksJtisTable {
  issuer: string;
  jti: string;
  expires_at: string;
}

export interface Database {
  authorities: AuthoritiesTable;
  authority_sequences: AuthoritySequencesTable;
  plans: PlansTable;
  checks: ChecksTable;
  access_entries: AccessEntriesTable;
  notifications: NotificationsTable;
  audit_events: AuditEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  encounter_checks: EncounterChecksTable;
  cds_hooks_jtis: CdsHooksJtisTable;
}
