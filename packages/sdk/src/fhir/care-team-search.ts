import type { Plan, PlanStatus } from '../types.js';
import { planOf } from './plan-mapping.js';
import { ensure, matches, nhsNumberOf, searchset, type Fields } from './resource.js';

// CareTeam.status as a plan status; `proposed`, `suspended` and `entered-in-error` are not
// a plan a clinician may be shown, so they are refused.
const CARE_TEAM_STATUS: Readonly<Record<string, PlanStatus>> = {
  active: 'active',
  inactive: 'ended',
};

/**
 * The plans of a CP-IS `GET /CareTeam?patient:identifier=…` answer: a searchset Bundle
 * whose `total` is the number of CareTeams it matched (0 is no record). Every CareTeam
 * must name, by identifier, the NHS number asked about: an answer about anyone else, or
 * about no one, is refused.
 */
export function mapCareTeamSearch(answer: unknown, nhsNumber: string, today: string): Plan[] {
  const { total, entries } = searchset(answer);
  const found = matches(entries);
  ensure(
    found.every((entry) => entry.resource.resourceType === 'CareTeam'),
    'the answer matched something that is not a CareTeam',
  );
  ensure(total === found.length, 'the Bundle total does not agree with its entries');
  return found.map(({ resource }) => careTeamPlan(resource, nhsNumber, today));
}

function careTeamPlan(careTeam: Fields, nhsNumber: string, today: string): Plan {
  const subject = nhsNumberOf(careTeam.subject);
  ensure(subject !== undefined, 'a plan does not say whom it is about');
  ensure(subject === nhsNumber, 'a plan is about another NHS number');
  const given =
    careTeam.status === undefined ? undefined : CARE_TEAM_STATUS[careTeam.status as string];
  ensure(careTeam.status === undefined || given !== undefined, 'a plan has an unknown status');
  return planOf(careTeam, careTeam, given, today);
}
