import { isValidNhsNumber } from '@cpis/domain';
import { CpisContractError } from './errors.js';
import type { CheckRequest, CheckResult } from './types.js';

// Hand-written rather than a schema validator: the core must stay small, and these are the
// fields a banner shows. A result that fails here is shown as `failed`, never as `no-record`.

type Fields = Record<string, unknown>;

const OUTCOMES = ['record-found', 'no-record'];
const CONTEXTS = ['unscheduled', 'scheduled'];
const PLAN_TYPES = ['CPP', 'LAC', 'UCPP'];
const PLAN_STATUSES = ['active', 'ended'];
const SOURCES = ['cpis-embed-kit', 'nhs-cpis-fhir', 'nhs-patient-flags'];
// NHS England's APIs carry no expected delivery date (packages/sdk/FHIR.md).
const SOURCES_WITHOUT_EDD = ['nhs-cpis-fhir', 'nhs-patient-flags'];

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function ensure(holds: boolean, rule: string): asserts holds {
  if (!holds) throw new CpisContractError(rule);
}

/**
 * Returns the answer as a `CheckResult` only if it is one a banner can show safely: the
 * outcome is known and agrees with the plans, the NHS number (and, for a new check, the
 * access context) is the one asked about, and every plan has a type, a status, a start
 * date and an authority with a name and both phone numbers (a UCPP also its expected
 * delivery date, unless an NHS England API answered: they carry none), and no authority is
 * named as told when the service does not say whom it told. `asked` is the request of a
 * new check; without it (a stored check) the answer is checked for shape and consistency.
 */
export function assertCheckResult(answer: unknown, asked?: CheckRequest): CheckResult {
  ensure(isFields(answer), 'not an object');
  const { nhsNumber, outcome, plans, accessHistory, accessContext } = answer;
  ensure(isText(answer.checkId), 'checkId missing');
  ensure(isText(answer.checkedAt), 'checkedAt missing');
  // Every result state says when it was checked; a time no one can read is no result.
  ensure(!Number.isNaN(Date.parse(answer.checkedAt)), 'checkedAt is not a time');
  ensure(typeof nhsNumber === 'string' && isValidNhsNumber(nhsNumber), 'nhsNumber not valid');
  ensure(!asked || nhsNumber === asked.nhsNumber, 'nhsNumber is not the one asked about');
  ensure(CONTEXTS.includes(accessContext as string), 'unknown accessContext');
  ensure(!asked || accessContext === asked.accessContext, 'accessContext is not the one asked for');
  ensure(OUTCOMES.includes(outcome as string), 'unknown outcome');
  ensure(Array.isArray(plans), 'plans is not an array');
  ensure(Array.isArray(accessHistory), 'accessHistory is not an array');
  ensure(Array.isArray(answer.notifiedAuthorities), 'notifiedAuthorities is not an array');
  ensure(
    answer.answeredBy === undefined || SOURCES.includes(answer.answeredBy as string),
    'unknown answeredBy',
  );
  ensure(
    answer.notificationsKnown === undefined || typeof answer.notificationsKnown === 'boolean',
    'notificationsKnown is not a boolean',
  );
  // Never name an authority as told by a service that does not say whom it told.
  ensure(
    answer.notificationsKnown !== false || answer.notifiedAuthorities.length === 0,
    'authorities named as told while notifications are not known',
  );
  const eddKnown = !SOURCES_WITHOUT_EDD.includes(answer.answeredBy as string);
  if (outcome === 'no-record') {
    ensure(plans.length === 0, 'no-record with plans');
    ensure(accessHistory.length === 0, 'no-record with an access history');
  } else {
    ensure(plans.length > 0, 'record-found without a plan');
  }
  // The banner shows the history too (<cpis-access-history>): a broken entry would break it.
  for (const entry of accessHistory) {
    ensure(
      isFields(entry) &&
        isFields(entry.setting) &&
        typeof entry.setting.name === 'string' &&
        typeof entry.userRole === 'string' &&
        isText(entry.accessedAt),
      'an access-history entry is not one',
    );
  }
  for (const plan of plans) {
    ensure(isFields(plan), 'a plan is not an object');
    ensure(PLAN_TYPES.includes(plan.type as string), 'a plan has an unknown type');
    ensure(PLAN_STATUSES.includes(plan.status as string), 'a plan has an unknown status');
    ensure(isText(plan.startDate), 'a plan has no startDate');
    ensure(
      plan.type !== 'UCPP' || !eddKnown || isText(plan.expectedDeliveryDate),
      'a UCPP has no expectedDeliveryDate',
    );
    const authority = plan.responsibleAuthority;
    ensure(isFields(authority) && isText(authority.name), 'a plan has no responsible authority');
    ensure(
      isText(authority.officeHoursPhone) && isText(authority.emergencyDutyPhone),
      'a plan has no phone number to call',
    );
  }
  return answer as CheckResult;
}
