import type { Plan, PlanStatus } from '../types.js';
import { planOf } from './plan-mapping.js';
import {
  NHS_NUMBER_SYSTEM,
  codings,
  ensure,
  identifierValue,
  isFields,
  list,
  matches,
  nhsNumberOf,
  resolve,
  searchset,
  type Entry,
  type Fields,
} from './resource.js';

export const FLAG_CATEGORY_SYSTEM =
  'https://fhir.nhs.uk/England/CodeSystem/England-FlagCategoryPatient';
export const CPIS_FLAG_CODE = 'child-protection-information-system-flag';
const FLAG_DETAIL = 'http://hl7.org/fhir/StructureDefinition/flag-detail';

// Flag.status and CarePlan.status as a plan status; any other (entered-in-error, draft,
// on-hold, revoked, unknown) is not a plan a clinician may be shown, so it is refused.
const FLAG_STATUS: Readonly<Record<string, PlanStatus>> = { active: 'active', inactive: 'ended' };
const CARE_PLAN_STATUS: Readonly<Record<string, PlanStatus>> = {
  active: 'active',
  completed: 'ended',
};

/**
 * The plans of a Patient Flags `GET /PatientFlag?patient=…&code=child-protection-information-system-flag`
 * answer: a searchset Bundle of CP-IS Flags, each pointing (`flag-detail`) at a CarePlan
 * that points (`careTeam`) at the CareTeam of the responsible authority. A Flag or CarePlan
 * must show it is about the NHS number asked about: by identifier, or by reference to a
 * Patient in the Bundle with that NHS number. Anything else is refused.
 */
export function mapPatientFlagSearch(answer: unknown, nhsNumber: string, today: string): Plan[] {
  const { total, entries } = searchset(answer);
  const found = matches(entries);
  ensure(total === found.length, 'the Bundle total does not agree with its entries');
  ensure(
    found.every(({ resource }) => isCpisFlag(resource)),
    'the answer matched something that is not a CP-IS flag',
  );
  return found.map(({ resource }) => flagPlan(resource, entries, nhsNumber, today));
}

function isCpisFlag(resource: Fields): boolean {
  return (
    resource.resourceType === 'Flag' &&
    codings(resource.code).some(
      (coding) => coding.system === FLAG_CATEGORY_SYSTEM && coding.code === CPIS_FLAG_CODE,
    )
  );
}

function ensureSubject(
  reference: unknown,
  entries: Entry[],
  nhsNumber: string,
  what: string,
): void {
  const patient = resolve(entries, reference);
  const subject =
    nhsNumberOf(reference) ??
    (patient?.resourceType === 'Patient'
      ? identifierValue(patient.identifier, NHS_NUMBER_SYSTEM)
      : undefined);
  ensure(subject !== undefined, `a ${what} does not say whom it is about`);
  ensure(subject === nhsNumber, `a ${what} is about another NHS number`);
}

function flagPlan(flag: Fields, entries: Entry[], nhsNumber: string, today: string): Plan {
  ensureSubject(flag.subject, entries, nhsNumber, 'flag');
  const flagStatus = FLAG_STATUS[flag.status as string];
  ensure(flagStatus !== undefined, 'a flag has an unknown status');
  const detail = list(flag.extension)
    .filter(isFields)
    .find((extension) => extension.url === FLAG_DETAIL)?.valueReference;
  const carePlan = resolve(entries, detail);
  ensure(carePlan?.resourceType === 'CarePlan', "a flag's plan is not in the answer");
  ensureSubject(carePlan.subject, entries, nhsNumber, 'plan');
  const planStatus = CARE_PLAN_STATUS[carePlan.status as string];
  ensure(planStatus !== undefined, 'a plan has an unknown status');
  const careTeam = resolve(entries, list(carePlan.careTeam)[0]);
  ensure(careTeam?.resourceType === 'CareTeam', "a plan's care team is not in the answer");
  // Ended if either the flag or the plan says so.
  const given = flagStatus === 'ended' ? 'ended' : planStatus;
  return planOf(carePlan, careTeam, given, today);
}
