/**
 * This kit's records as the FHIR R4 resources NHS England's CP-IS FHIR API and Patient
 * Flags API answer with, in the shape of their published examples
 * (test/fixtures/external/nhs-cpis-fhir, nhs-patient-flags): a plan is a CareTeam (CP-IS)
 * or a Flag → CarePlan → CareTeam (Patient Flags); an access is an AuditEvent with the
 * PractitionerRole of who looked. Mapping tables: packages/sdk/FHIR.md.
 */
import type { components } from '@cpis/domain';
import { NHS_NUMBER_SYSTEM } from '../cds-hooks/resources.js';
import { randomUuid } from '../ids.js';

type Plan = components['schemas']['Plan'];
type PlanType = components['schemas']['PlanType'];
type AccessEntry = components['schemas']['AccessEntry'];
export type FhirResource = { resourceType: string; id?: string } & Record<string, unknown>;

export const ODS_CODE_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
export const SNOMED = 'http://snomed.info/sct';
export const FLAG_CATEGORY_SYSTEM =
  'https://fhir.nhs.uk/England/CodeSystem/England-FlagCategoryPatient';
export const CPIS_FLAG_CODE = 'child-protection-information-system-flag';
const FLAG_DETAIL = 'http://hl7.org/fhir/StructureDefinition/flag-detail';
const ROLE_CLASS = 'http://terminology.hl7.org/CodeSystem/v3-RoleClass';

/** ValueSet England-ChildProtectionPlan: a plan type's SNOMED code and display. */
export const PLAN_CATEGORY: Readonly<Record<PlanType, { code: string; display: string }>> = {
  CPP: { code: '342191000000101', display: 'Subject to child protection plan' },
  LAC: { code: '764841000000100', display: 'Looked after child' },
  UCPP: { code: '818901000000100', display: 'Unborn child subject to child protection plan' },
};

/**
 * A plan id as a FHIR id (`[A-Za-z0-9\-.]{1,64}`): a plan id is `[A-Za-z0-9_-]{1,64}`, and
 * `.` never occurs in one, so `_` becomes `.` one for one.
 */
export function fhirIdOfPlan(planId: string): string {
  return planId.replace(/_/g, '.');
}

/**
 * The FHIR id of each plan of one answer, unique within it: two authorities may each hold a
 * plan of the same id for one person, and a reference (`CarePlan/{id}`) that named both
 * would lead a client to the other authority's phones. A repeated id gets `.2`, `.3`…
 * (kept within 64 characters).
 */
export function planFhirIds(plans: readonly Plan[]): string[] {
  const used = new Set<string>();
  return plans.map((plan) => {
    const id = fhirIdOfPlan(plan.planId);
    let unique = id;
    for (let n = 2; used.has(unique); n += 1) unique = `${id.slice(0, 63 - String(n).length)}.${n}`;
    used.add(unique);
    return unique;
  });
}

const nhsNumberReference = (nhsNumber: string) => ({
  identifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber },
});

const category = (type: PlanType) => [
  {
    coding: [
      { system: SNOMED, code: PLAN_CATEGORY[type].code, display: PLAN_CATEGORY[type].display },
    ],
  },
];

const period = (plan: Plan) => ({
  start: plan.startDate,
  ...(plan.endDate !== undefined && { end: plan.endDate }),
});

/**
 * A plan as a CareTeam: the category, the responsible authority (`name`, with its ODS code
 * as `managingOrganization`), the person by NHS-number identifier, the plan's dates, and the
 * authority's office-hours (`work`) and emergency-duty (`mobile`) phones. `status` says
 * whether the plan has ended (the published example carries none).
 */
export function careTeamOf(plan: Plan, id: string, nhsNumber: string | undefined): FhirResource {
  const authority = plan.responsibleAuthority;
  return {
    resourceType: 'CareTeam',
    id,
    status: plan.status === 'ended' ? 'inactive' : 'active',
    category: category(plan.type),
    name: authority.name,
    ...(nhsNumber !== undefined && { subject: nhsNumberReference(nhsNumber) }),
    period: period(plan),
    ...(authority.odsCode !== undefined && {
      managingOrganization: [
        {
          identifier: { system: ODS_CODE_SYSTEM, value: authority.odsCode },
          display: authority.name,
        },
      ],
    }),
    telecom: [
      { system: 'phone', value: authority.officeHoursPhone, use: 'work' },
      { system: 'phone', value: authority.emergencyDutyPhone, use: 'mobile' },
    ],
  };
}

/**
 * A plan as the Patient Flags API gives it: a CP-IS Flag whose `flag-detail` is a CarePlan,
 * whose `careTeam` is the authority's CareTeam. Flag and CarePlan name the person by
 * NHS-number identifier. All three have the plan's id (an id is unique per resource type),
 * so the plan id a client reads from the CarePlan is the plan's.
 */
export function flagResourcesOf(
  plan: Plan,
  id: string,
  nhsNumber: string,
): [FhirResource, FhirResource, FhirResource] {
  const ended = plan.status === 'ended';
  const careTeam = careTeamOf(plan, id, undefined);
  const flag: FhirResource = {
    resourceType: 'Flag',
    id,
    extension: [{ url: FLAG_DETAIL, valueReference: { reference: `CarePlan/${id}` } }],
    status: ended ? 'inactive' : 'active',
    code: {
      coding: [
        {
          system: FLAG_CATEGORY_SYSTEM,
          code: CPIS_FLAG_CODE,
          display: 'Child Protection Information System Flag',
        },
      ],
    },
    subject: nhsNumberReference(nhsNumber),
    period: period(plan),
  };
  const carePlan: FhirResource = {
    resourceType: 'CarePlan',
    id,
    status: ended ? 'completed' : 'active',
    intent: 'plan',
    category: category(plan.type),
    subject: nhsNumberReference(nhsNumber),
    period: period(plan),
    careTeam: [{ reference: `CareTeam/${id}`, display: plan.responsibleAuthority.name }],
  };
  return [flag, carePlan, careTeam];
}

/**
 * An access as an AuditEvent (the person as the `PAT` agent by NHS-number identifier, who
 * looked as the requesting `ASSIGNED` agent) and the PractitionerRole it refers to: the
 * user's role as `code`, the setting as `organization`.
 */
export function auditEventOf(entry: AccessEntry, nhsNumber: string): [FhirResource, FhirResource] {
  const roleId = randomUuid();
  const role = { reference: `PractitionerRole/${roleId}` };
  const event: FhirResource = {
    resourceType: 'AuditEvent',
    id: randomUuid(),
    type: {
      system: 'http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle',
      code: 'access',
      display: 'Access/View Record Lifecycle Event',
    },
    recorded: entry.accessedAt,
    agent: [
      {
        type: { coding: [{ system: ROLE_CLASS, code: 'PAT', display: 'patient' }] },
        who: nhsNumberReference(nhsNumber),
        requestor: false,
      },
      {
        type: { coding: [{ system: ROLE_CLASS, code: 'ASSIGNED', display: 'assigned entity' }] },
        who: role,
        requestor: true,
      },
    ],
    source: { observer: role },
  };
  const practitionerRole: FhirResource = {
    resourceType: 'PractitionerRole',
    id: roleId,
    organization: {
      ...(entry.setting.odsCode !== undefined && {
        identifier: { system: ODS_CODE_SYSTEM, value: entry.setting.odsCode },
      }),
      display: entry.setting.name,
    },
    code: [{ text: entry.userRole }],
  };
  return [event, practitionerRole];
}

export interface SearchsetEntry {
  resource: FhirResource;
  mode: 'match' | 'include';
}

/**
 * A searchset Bundle: `total` counts the matches only (0 is no record); `fullUrl` is the
 * resource's URL under `base`; `self` is the search as asked.
 */
export function searchset(
  base: string,
  self: string,
  entries: readonly SearchsetEntry[],
): FhirResource {
  return {
    resourceType: 'Bundle',
    id: randomUuid(),
    type: 'searchset',
    total: entries.filter((e) => e.mode === 'match').length,
    link: [{ relation: 'self', url: self }],
    ...(entries.length > 0 && {
      entry: entries.map(({ resource, mode }) => ({
        fullUrl: `${base}/${resource.resourceType}/${resource.id ?? ''}`,
        resource,
        search: { mode },
      })),
    }),
  };
}
