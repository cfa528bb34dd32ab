import { ODS_CODE_PATTERN, compareDates } from '@cpis/domain';
import type { Plan, PlanAuthority, PlanStatus, PlanType } from '../types.js';
import {
  ODS_CODE_SYSTEM,
  calendarDay,
  codings,
  ensure,
  identifierValue,
  isFields,
  list,
  textOf,
  type Fields,
} from './resource.js';

const SNOMED = 'http://snomed.info/sct';

/** ValueSet England-ChildProtectionPlan (CareTeam.category, CarePlan.category). */
export const PLAN_TYPE_BY_SNOMED: Readonly<Record<string, PlanType>> = {
  '342191000000101': 'CPP', // Subject to child protection plan
  '764841000000100': 'LAC', // Looked after child
  '818901000000100': 'UCPP', // Unborn child subject to child protection plan
};

/** The plan type its category codes name: exactly one known SNOMED code, or refused. */
export function planTypeOf(categories: unknown): PlanType {
  const types = new Set(
    list(categories)
      .flatMap(codings)
      .filter((coding) => coding.system === SNOMED && typeof coding.code === 'string')
      .map((coding) => PLAN_TYPE_BY_SNOMED[coding.code as string])
      .filter((type) => type !== undefined),
  );
  ensure(types.size > 0, 'a plan has an unknown category');
  ensure(types.size === 1, 'a plan has more than one category');
  return [...types][0] as PlanType;
}

/**
 * The responsible local authority of a CareTeam: `name`, `telecom` with `use=work` (office
 * hours) and `use=mobile` (the emergency duty line, not a mobile phone). NHS England's
 * examples give no ODS code; one is taken only from a `managingOrganization` identifier.
 */
export function authorityOf(careTeam: Fields): PlanAuthority {
  const name = textOf(careTeam.name);
  ensure(name !== undefined, 'a plan has no responsible authority');
  const phones = list(careTeam.telecom)
    .filter(isFields)
    .filter((telecom) => telecom.system === 'phone' && textOf(telecom.value) !== undefined);
  const phone = (use: string): string | undefined =>
    phones.find((telecom) => telecom.use === use)?.value as string | undefined;
  const officeHoursPhone = phone('work');
  const emergencyDutyPhone = phone('mobile');
  ensure(
    officeHoursPhone !== undefined && emergencyDutyPhone !== undefined,
    'a plan has no phone number to call',
  );
  const odsCode = list(careTeam.managingOrganization)
    .filter(isFields)
    .map((organisation) => identifierValue(organisation.identifier, ODS_CODE_SYSTEM))
    .find((code) => code !== undefined && ODS_CODE_PATTERN.test(code));
  return {
    ...(odsCode === undefined ? {} : { odsCode }),
    name,
    officeHoursPhone,
    emergencyDutyPhone,
  };
}

/**
 * A plan's status: the resource's own when it gives one, otherwise from its end date (an
 * end date before `today`, a Europe/London day, is `ended`). NHS England's examples carry
 * neither an ended status nor a plan whose end date is still to come (packages/sdk/FHIR.md).
 */
export function planStatusOf(
  given: PlanStatus | undefined,
  endDate: string | undefined,
  today: string,
): PlanStatus {
  if (given !== undefined) return given;
  return endDate !== undefined && compareDates(endDate, today) < 0 ? 'ended' : 'active';
}

/**
 * A plan from the resource that holds its id, category and period (a CP-IS CareTeam, or a
 * Patient Flags CarePlan) and the CareTeam of its responsible authority. `given` is the
 * status the resources state, if they state one.
 */
export function planOf(
  plan: Fields,
  careTeam: Fields,
  given: PlanStatus | undefined,
  today: string,
): Plan {
  const planId = textOf(plan.id);
  ensure(planId !== undefined, 'a plan has no id');
  const period = isFields(plan.period) ? plan.period : {};
  const startDate = calendarDay(period.start, 'a plan has no startDate');
  const endDate =
    period.end === undefined ? undefined : calendarDay(period.end, 'a plan end date is not a date');
  return {
    planId,
    type: planTypeOf(plan.category),
    status: planStatusOf(given, endDate, today),
    startDate,
    ...(endDate === undefined ? {} : { endDate }),
    responsibleAuthority: authorityOf(careTeam),
  };
}
