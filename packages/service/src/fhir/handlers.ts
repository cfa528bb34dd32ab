/**
 * NHS England's CP-IS FHIR R4 API and Patient Flags API, answered by the core over the
 * same data and the same rules as `/v1`:
 *
 * - `GET /cpis/FHIR/R4/CareTeam` is a check (`makeCheck`, as `POST /v1/checks`): unscheduled
 *   (`IsUnscheduledAccessEvent: true`, or omitted, as the national service takes it) writes
 *   the access entry and tells the responsible authorities, collapsed for 24 hours;
 *   scheduled (`false`) is a silent read. The national API takes no reason: `reason: null`.
 * - `GET /cpis/FHIR/R4/AuditEvent` is the access history; not itself an access.
 * - `GET /patient-flags-api/FHIR/R4/PatientFlag` is a scheduled check: silent.
 * - `GET /cpis/FHIR/R4/metadata` is the CapabilityStatement.
 *
 * The contract has already refused a missing or invalid header (400 PRECONDITION_FAILED) or
 * search parameter (400 INVALID_SEARCH_DATA); refusals are OperationOutcomes (surface.ts).
 */
import { ACCESS_HISTORY_LIMIT, isValidNhsNumber, type components } from '@cpis/domain';
import { makeCheck } from '../checks.js';
import { allow, auditEvent, type OperationContext } from '../context.js';
import { Refusal } from '../problem.js';
import { capabilityStatement } from './capability-statement.js';
import { fhirJson } from './operation-outcome.js';
import { NHS_NUMBER_SYSTEM } from '../cds-hooks/resources.js';
import {
  auditEventOf,
  careTeamOf,
  flagResourcesOf,
  planFhirIds,
  searchset,
  type SearchsetEntry,
} from './resources.js';

type AccessContext = components['schemas']['AccessContext'];

export const CPIS_FHIR_BASE = '/cpis/FHIR/R4';
export const PATIENT_FLAGS_BASE = '/patient-flags-api/FHIR/R4';
const UNSCHEDULED_HEADER = 'isunscheduledaccessevent';

/** The NHS number a search names, refused (400 INVALID_SEARCH_DATA) unless it is valid. */
function nhsNumberOf(value: string, parameter: string): string {
  if (!isValidNhsNumber(value)) {
    throw new Refusal(
      'invalid-nhs-number',
      'The NHS number must be ten digits with a valid Modulus 11 check digit.',
      [{ field: parameter, message: 'not a valid NHS number' }],
    );
  }
  return value;
}

/** `patient:identifier=https://fhir.nhs.uk/Id/nhs-number|{nhs}` (its system the contract checked). */
function patientIdentifier(ctx: OperationContext): string {
  const value = String(ctx.query['patient:identifier']);
  return nhsNumberOf(value.slice(`${NHS_NUMBER_SYSTEM}|`.length), 'patient:identifier');
}

/**
 * The context `IsUnscheduledAccessEvent` names. **Omitted is unscheduled**: NHS England's
 * service takes it so, and a vendor meets that here first (hazard log).
 */
export function accessContextOf(ctx: OperationContext): AccessContext {
  return ctx.headers[UNSCHEDULED_HEADER] === 'false' ? 'scheduled' : 'unscheduled';
}

/** The absolute base of a surface's resources, for `fullUrl`, as the client reached it. */
function baseUrl(ctx: OperationContext, base: string): string {
  return `${new URL(ctx.request.url).origin}${ctx.basePath}${base}`;
}

export async function searchCareTeam(ctx: OperationContext): Promise<Response> {
  const nhsNumber = patientIdentifier(ctx);
  const accessContext = accessContextOf(ctx);
  const principal = allow(ctx, 'searchCareTeam', { accessContext });
  const made = await makeCheck(
    ctx,
    principal,
    // The national API takes only PDS-traced NHS numbers, and takes no reason.
    { nhsNumber, nhsNumberVerified: true, accessContext, reason: null },
    ctx.now(),
  );
  const ids = planFhirIds(made.result.plans);
  const entries: SearchsetEntry[] = made.result.plans.map((plan, i) => ({
    resource: careTeamOf(plan, ids[i] as string, nhsNumber),
    mode: 'match',
  }));
  return fhirJson(searchset(baseUrl(ctx, CPIS_FHIR_BASE), ctx.request.url, entries));
}

export async function searchAuditEvent(ctx: OperationContext): Promise<Response> {
  const nhsNumber = patientIdentifier(ctx);
  const principal = allow(ctx, 'searchAuditEvent');
  const include = ctx.query['_include'] === 'AuditEvent:agent';
  const at = ctx.now().toISOString();
  // Not an access: no access entry, no notification; audited as a read, as a stored check is.
  const history = await ctx.store.transaction(async (tx) => {
    const entries = await tx.accessHistory(nhsNumber, ACCESS_HISTORY_LIMIT);
    await tx.insertAuditEvents([
      auditEvent(
        ctx,
        principal,
        at,
        'access-history.read',
        {},
        { nhsNumber, entries: entries.length },
      ),
    ]);
    return entries;
  });
  const entries = history.flatMap((entry): SearchsetEntry[] => {
    const [event, role] = auditEventOf(entry, nhsNumber);
    return [
      { resource: event, mode: 'match' },
      ...(include ? [{ resource: role, mode: 'include' as const }] : []),
    ];
  });
  return fhirJson(searchset(baseUrl(ctx, CPIS_FHIR_BASE), ctx.request.url, entries));
}

export async function searchPatientFlag(ctx: OperationContext): Promise<Response> {
  const nhsNumber = nhsNumberOf(String(ctx.query['patient']), 'patient');
  const principal = allow(ctx, 'searchPatientFlag');
  // A scheduled check: silent, whatever IsUnscheduledAccessEvent says.
  const made = await makeCheck(
    ctx,
    principal,
    { nhsNumber, nhsNumberVerified: true, accessContext: 'scheduled', reason: null },
    ctx.now(),
  );
  const ids = planFhirIds(made.result.plans);
  const entries = made.result.plans.flatMap((plan, i): SearchsetEntry[] => {
    const [flag, carePlan, careTeam] = flagResourcesOf(plan, ids[i] as string, nhsNumber);
    return [
      { resource: flag, mode: 'match' },
      { resource: carePlan, mode: 'include' },
      { resource: careTeam, mode: 'include' },
    ];
  });
  return fhirJson(searchset(baseUrl(ctx, PATIENT_FLAGS_BASE), ctx.request.url, entries));
}

export async function getFhirCapabilityStatement(ctx: OperationContext): Promise<Response> {
  return fhirJson(capabilityStatement(baseUrl(ctx, CPIS_FHIR_BASE), ctx.now()));
}
