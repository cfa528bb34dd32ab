/**
 * Rule 5 and the local-authority rules: what an authenticated principal may do.
 * Refusals come in the order 401 (token); 403 for what the token and the path decide,
 * before any request body is read (`authorizeBeforeBody`); 400 (the request); 403 for
 * what the body decides (a check's access context). `authorize` answers the 403 question
 * only, for a principal whose token has already been verified.
 */
import type { components } from './generated/cpis.js';
import type { AccessContext } from './notification.js';
import { ODS_CODE_PATTERN, PLAN_ID_PATTERN } from './patterns.js';

export type OperationId =
  | 'createCheck'
  | 'getCheck'
  | 'getAuthority'
  | 'putAuthority'
  | 'putPlan'
  | 'deletePlan'
  | 'listPlans'
  | 'batchPlans'
  | 'listNotifications'
  | 'streamNotifications'
  | 'searchCareTeam'
  | 'searchAuditEvent'
  | 'searchPatientFlag';

export const OPERATION_IDS = [
  'createCheck',
  'getCheck',
  'getAuthority',
  'putAuthority',
  'putPlan',
  'deletePlan',
  'listPlans',
  'batchPlans',
  'listNotifications',
  'streamNotifications',
  'searchCareTeam',
  'searchAuditEvent',
  'searchPatientFlag',
] as const satisfies readonly OperationId[];

export type OrgType = components['schemas']['OrgType'];

/** The claims of a verified token that decide what its holder may do. */
export interface Principal {
  orgType: OrgType;
  odsCode: string;
  activities: readonly string[];
}

export interface AuthorizationTarget {
  /** The `{odsCode}` of an authority path. */
  authorityOdsCode?: string;
  /** The `accessContext` of a check being created. */
  accessContext?: AccessContext;
}

export type AuthorizationDecision = { allowed: true } | { allowed: false; reason: string };

/** National RBAC activity: may make unscheduled (notifying) CP-IS checks. */
export const ACTIVITY_UNSCHEDULED = 'B0107';
/** National RBAC activity: may make scheduled (silent) CP-IS checks. */
export const ACTIVITY_SCHEDULED = 'B0170';

const ALLOWED: AuthorizationDecision = { allowed: true };
const refuse = (reason: string): AuthorizationDecision => ({ allowed: false, reason });

/** Decides whether `principal` may perform `op` on `target`. */
export function authorize(
  op: OperationId,
  principal: Principal,
  target: AuthorizationTarget,
): AuthorizationDecision {
  const has = (activity: string): boolean => principal.activities.includes(activity);

  switch (op) {
    case 'createCheck': {
      if (principal.orgType !== 'health')
        return refuse('Only a health organisation may check CP-IS.');
      // Each context needs its own activity, so an unscheduled-care user cannot make a
      // silent (scheduled) read to avoid notifying the local authority.
      if (target.accessContext === 'unscheduled') {
        return has(ACTIVITY_UNSCHEDULED)
          ? ALLOWED
          : refuse(`An unscheduled check needs the activity ${ACTIVITY_UNSCHEDULED}.`);
      }
      if (target.accessContext === 'scheduled') {
        return has(ACTIVITY_SCHEDULED)
          ? ALLOWED
          : refuse(`A scheduled check needs the activity ${ACTIVITY_SCHEDULED}.`);
      }
      return refuse('A check must state its access context.');
    }
    // NHS England's CP-IS FHIR API: a CareTeam search is a check, in the context its
    // IsUnscheduledAccessEvent header names.
    case 'searchCareTeam':
      return authorize('createCheck', principal, target);
    // The Patient Flags API is for scheduled care: a silent read.
    case 'searchPatientFlag':
      return authorize('createCheck', principal, { accessContext: 'scheduled' });
    case 'getCheck':
      return eitherActivity(principal, 'read a check', 'Reading a check');
    case 'searchAuditEvent':
      return eitherActivity(principal, 'read the access history', 'Reading the access history');
    case 'getAuthority':
      // A clinician may read any authority's phone numbers: they need someone to call.
      if (principal.orgType === 'health') return ALLOWED;
      return ownAuthority(principal, target);
    case 'putAuthority':
    case 'putPlan':
    case 'deletePlan':
    case 'listPlans':
    case 'batchPlans':
    case 'listNotifications':
    case 'streamNotifications':
      return ownAuthority(principal, target);
  }
}

/**
 * The part of `authorize` that the token and the path settle, asked before a request body
 * is read so that nobody can make the server read, parse and check a body they may not
 * send. `path` holds the request's path parameters as sent; a malformed one leaves the
 * decision to later (it is a 400, whoever asks). For `createCheck` (whose access context
 * is in the body) it refuses only a principal who may make no check at all; `authorize`
 * decides the rest once the body is read.
 */
export function authorizeBeforeBody(
  op: OperationId,
  principal: Principal,
  path: { odsCode?: string; planId?: string },
): AuthorizationDecision {
  const { odsCode, planId } = path;
  if (odsCode !== undefined && !ODS_CODE_PATTERN.test(odsCode)) return ALLOWED;
  if (planId !== undefined && !PLAN_ID_PATTERN.test(planId)) return ALLOWED;
  // The operations whose access context the request states (a check's body, a CareTeam
  // search's header) are refused here only to a principal who may use neither context.
  if (op !== 'createCheck' && op !== 'searchCareTeam')
    return authorize(op, principal, odsCode === undefined ? {} : { authorityOdsCode: odsCode });
  const unscheduled = authorize(op, principal, { accessContext: 'unscheduled' });
  return unscheduled.allowed || authorize(op, principal, { accessContext: 'scheduled' }).allowed
    ? ALLOWED
    : principal.orgType !== 'health'
      ? unscheduled
      : refuse(`A check needs the activity ${ACTIVITY_UNSCHEDULED} or ${ACTIVITY_SCHEDULED}.`);
}

/** A health user with either CP-IS activity: reading what a check has shown. */
function eitherActivity(principal: Principal, verb: string, noun: string): AuthorizationDecision {
  if (principal.orgType !== 'health') return refuse(`Only a health organisation may ${verb}.`);
  return principal.activities.includes(ACTIVITY_UNSCHEDULED) ||
    principal.activities.includes(ACTIVITY_SCHEDULED)
    ? ALLOWED
    : refuse(`${noun} needs the activity ${ACTIVITY_UNSCHEDULED} or ${ACTIVITY_SCHEDULED}.`);
}

function ownAuthority(principal: Principal, target: AuthorizationTarget): AuthorizationDecision {
  if (principal.orgType !== 'local-authority') {
    return refuse('Only the local authority itself may do this.');
  }
  if (target.authorityOdsCode === undefined || principal.odsCode !== target.authorityOdsCode) {
    return refuse('A local authority may act only on its own records.');
  }
  return ALLOWED;
}

/** The principals of the design's operation × principal table. */
export const PRINCIPAL_KINDS = [
  'none',
  'expired',
  'bad-signature',
  'alg-none',
  'wrong-audience',
  'clinician-b0107',
  'clinician-b0170',
  'clinician-no-activity',
  'own-la',
  'other-la',
] as const;

export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

/** The status of each operation's canonical valid request when it is allowed. */
export const SUCCESS_STATUS = {
  createCheck: 201,
  getCheck: 200,
  getAuthority: 200,
  putAuthority: 200,
  // The canonical plan already exists, so PUT replaces it.
  putPlan: 200,
  deletePlan: 204,
  listPlans: 200,
  batchPlans: 200,
  listNotifications: 200,
  streamNotifications: 200,
  searchCareTeam: 200,
  searchAuditEvent: 200,
  searchPatientFlag: 200,
} as const satisfies Record<OperationId, number>;

const TARGET_AUTHORITY = 'OWNLA';

/** The verified principal of each kind, or `null` for a token that does not authenticate. */
const CANONICAL_PRINCIPALS: Record<PrincipalKind, Principal | null> = {
  none: null,
  expired: null,
  'bad-signature': null,
  'alg-none': null,
  'wrong-audience': null,
  'clinician-b0107': { orgType: 'health', odsCode: 'RHEALTH', activities: [ACTIVITY_UNSCHEDULED] },
  'clinician-b0170': { orgType: 'health', odsCode: 'RHEALTH', activities: [ACTIVITY_SCHEDULED] },
  'clinician-no-activity': { orgType: 'health', odsCode: 'RHEALTH', activities: [] },
  'own-la': { orgType: 'local-authority', odsCode: TARGET_AUTHORITY, activities: [] },
  'other-la': { orgType: 'local-authority', odsCode: 'OTHERLA', activities: [] },
};

/**
 * The HTTP status the contract implies for the canonical valid request of `op` made by
 * a principal of `kind` on the LA's own authority: 401 for a token that does not
 * authenticate, 403 when `authorize` refuses, else the operation's success status.
 * `accessContext` matters to `createCheck` only and defaults to `unscheduled`.
 */
export function expectedStatus(
  op: OperationId,
  kind: PrincipalKind,
  accessContext: AccessContext = 'unscheduled',
): number {
  const principal = CANONICAL_PRINCIPALS[kind];
  if (principal === null) return 401;
  const decision = authorize(op, principal, { authorityOdsCode: TARGET_AUTHORITY, accessContext });
  return decision.allowed ? SUCCESS_STATUS[op] : 403;
}
