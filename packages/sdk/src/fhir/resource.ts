import { isCalendarDate, londonDate } from '@cpis/domain';
import { CpisContractError } from '../errors.js';

// Reading FHIR JSON from NHS England's APIs by hand, field by field: only what a check
// shows, and every field checked before it is used. What fails here is a contract error,
// shown as `failed`, never as `no-record`. Rules name the fault, never a value.

export type Fields = Record<string, unknown>;

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
export const ODS_CODE_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function ensure(holds: boolean, rule: string): asserts holds {
  if (!holds) throw new CpisContractError(rule);
}

/** A FHIR repeating element: absent is empty; anything but an array is not one. */
export function list(value: unknown): unknown[] {
  if (value === undefined) return [];
  ensure(Array.isArray(value), 'a repeating element is not an array');
  return value;
}

export function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** The codings of a CodeableConcept. */
export function codings(concept: unknown): Fields[] {
  return isFields(concept) ? list(concept.coding).filter(isFields) : [];
}

export interface Entry {
  resource: Fields & { resourceType: string };
  /** `match`, `include` or `outcome`; absent when the server does not say. */
  mode: string | undefined;
  fullUrl: string | undefined;
}

/** A searchset Bundle's `total` and entries; any other answer is refused. */
export function searchset(answer: unknown): { total: number; entries: Entry[] } {
  ensure(
    isFields(answer) && answer.resourceType === 'Bundle' && answer.type === 'searchset',
    'the answer is not a searchset Bundle',
  );
  const { total } = answer;
  ensure(
    typeof total === 'number' && Number.isInteger(total) && total >= 0,
    'the Bundle has no total',
  );
  const entries = list(answer.entry).map((entry): Entry => {
    ensure(
      isFields(entry) &&
        isFields(entry.resource) &&
        typeof entry.resource.resourceType === 'string',
      'a Bundle entry is not one',
    );
    const resource = entry.resource as Entry['resource'];
    const mode = isFields(entry.search) ? textOf(entry.search.mode) : undefined;
    return { resource, mode, fullUrl: textOf(entry.fullUrl) };
  });
  return { total, entries };
}

/** The entries a search matched: `include` and `outcome` entries are not results. */
export function matches(entries: Entry[]): Entry[] {
  return entries.filter((entry) => entry.mode !== 'include' && entry.mode !== 'outcome');
}

/** The resource a literal reference (`Type/id`, or a full URL) points at, if the Bundle holds it. */
export function resolve(entries: Entry[], reference: unknown): Fields | undefined {
  const ref = isFields(reference) ? textOf(reference.reference) : undefined;
  if (ref === undefined) return undefined;
  return entries.find(
    ({ resource, fullUrl }) =>
      fullUrl === ref ||
      (fullUrl !== undefined && fullUrl.endsWith(`/${ref}`)) ||
      `${resource.resourceType}/${textOf(resource.id) ?? ''}` === ref,
  )?.resource;
}

/** The value of the first identifier of `system` (an Identifier or a list of them). */
export function identifierValue(identifiers: unknown, system: string): string | undefined {
  const all = Array.isArray(identifiers) ? identifiers : [identifiers];
  const found = all.find((id) => isFields(id) && id.system === system) as Fields | undefined;
  return found ? textOf(found.value) : undefined;
}

/** The NHS number a Reference gives by identifier, if it gives one. */
export function nhsNumberOf(reference: unknown): string | undefined {
  return isFields(reference) ? identifierValue(reference.identifier, NHS_NUMBER_SYSTEM) : undefined;
}

/** A FHIR `date` as it is, or a `dateTime` as the Europe/London calendar day it falls on. */
export function calendarDay(value: unknown, rule: string): string {
  if (typeof value === 'string' && isCalendarDate(value)) return value;
  const instant =
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  ensure(!Number.isNaN(instant), rule);
  return londonDate(new Date(instant));
}
