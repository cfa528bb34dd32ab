/**
 * What the CDS Hooks services take from the EHR's FHIR resources: the patient's NHS
 * number (checked only when UK Core says it is verified), the Patient read from the EHR's
 * FHIR server when it was not prefetched, and the user's name and role for the audit and
 * the local authority's notification.
 */
import { isValidNhsNumber } from '@cpis/domain';
import { illFormedText } from '../text.js';
import { isLoopback } from './trust.js';

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
export const NHS_NUMBER_VERIFICATION_EXTENSION =
  'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus';
export const NHS_NUMBER_VERIFICATION_SYSTEM =
  'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland';
/** "Number present and verified": the only status CP-IS is checked for. */
export const NHS_NUMBER_VERIFIED = '01';

/** Why a Patient's NHS number cannot be checked, or the number that can. */
export type PatientNhsNumber =
  | { status: 'verified'; nhsNumber: string }
  /** The resource is not a Patient, or is another patient than the hook's `patientId`. */
  | { status: 'wrong-resource' }
  | { status: 'missing' }
  /** More than one different NHS number on one Patient. */
  | { status: 'conflicting' }
  | { status: 'invalid' }
  /** No verification status, or one other than `01`. */
  | { status: 'unverified' };

/**
 * A Patient's NHS number identifier as UK Core writes it, with the verification status
 * "number present and verified" (`01`) unless `verified` is false: what an EHR sends.
 */
export function nhsNumberIdentifier(nhsNumber: string, verified = true): Record<string, unknown> {
  return {
    system: NHS_NUMBER_SYSTEM,
    value: nhsNumber,
    ...(verified && {
      extension: [
        {
          url: NHS_NUMBER_VERIFICATION_EXTENSION,
          valueCodeableConcept: {
            coding: [
              {
                system: NHS_NUMBER_VERIFICATION_SYSTEM,
                code: NHS_NUMBER_VERIFIED,
                display: 'Number present and verified',
              },
            ],
          },
        },
      ],
    }),
  };
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const array = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The NHS number of `patient`, the Patient the hook names (`patientId`), if it may be checked. */
export function patientNhsNumber(patient: unknown, patientId: string): PatientNhsNumber {
  if (!isObject(patient) || patient['resourceType'] !== 'Patient' || patient['id'] !== patientId) {
    return { status: 'wrong-resource' };
  }
  const identifiers = array(patient['identifier']).filter(
    (i): i is Json => isObject(i) && i['system'] === NHS_NUMBER_SYSTEM,
  );
  if (identifiers.length === 0) return { status: 'missing' };
  const values = new Set(identifiers.map((i) => i['value']));
  if (values.size > 1) return { status: 'conflicting' };
  const value = identifiers[0]?.['value'];
  if (typeof value !== 'string' || !isValidNhsNumber(value)) return { status: 'invalid' };
  // Every identifier that carries this number must say it is verified.
  return identifiers.every(verified)
    ? { status: 'verified', nhsNumber: value }
    : { status: 'unverified' };
}

function verified(identifier: Json): boolean {
  const statuses = array(identifier['extension']).filter(
    (e): e is Json => isObject(e) && e['url'] === NHS_NUMBER_VERIFICATION_EXTENSION,
  );
  if (statuses.length !== 1) return false;
  const concept = statuses[0]?.['valueCodeableConcept'];
  const codings = isObject(concept) ? array(concept['coding']).filter(isObject) : [];
  return (
    codings.length > 0 &&
    codings.every(
      (c) => c['system'] === NHS_NUMBER_VERIFICATION_SYSTEM && c['code'] === NHS_NUMBER_VERIFIED,
    )
  );
}

/** How long the EHR's FHIR server has to answer a Patient read. */
export const FHIR_READ_TIMEOUT_MS = 2_000;

export interface FhirAuthorization {
  access_token: string;
  token_type: string;
}

/** The Patient read from the EHR's FHIR server, or why it could not be. */
export type PatientRead = { ok: true; patient: unknown } | { ok: false; reason: string };

/** Reads `Patient/{patientId}` from `fhirServer` with the EHR's `fhirAuthorization`. */
export async function readPatient(
  fhirServer: string | undefined,
  patientId: string,
  authorization: FhirAuthorization | undefined,
  fetcher: typeof fetch,
): Promise<PatientRead> {
  if (fhirServer === undefined) {
    return { ok: false, reason: 'the EHR sent neither the patient nor its FHIR server' };
  }
  let base: URL;
  try {
    base = new URL(fhirServer.endsWith('/') ? fhirServer : `${fhirServer}/`);
  } catch {
    return { ok: false, reason: 'the EHR FHIR server address is not a URL' };
  }
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopback(base.hostname))) {
    return { ok: false, reason: 'the EHR FHIR server is not https' };
  }
  const headers: Record<string, string> = { accept: 'application/fhir+json' };
  if (authorization !== undefined) {
    headers['authorization'] = `${authorization.token_type} ${authorization.access_token}`;
  }
  try {
    const response = await fetcher(new URL(`Patient/${encodeURIComponent(patientId)}`, base), {
      headers,
      redirect: 'error',
      signal: AbortSignal.timeout(FHIR_READ_TIMEOUT_MS),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, reason: `the EHR FHIR server answered ${response.status}` };
    }
    return { ok: true, patient: await response.json() };
  } catch (error) {
    const timedOut = (error as { name?: string } | null)?.name === 'TimeoutError';
    return {
      ok: false,
      reason: timedOut
        ? 'the EHR FHIR server did not answer in time'
        : 'the EHR FHIR server could not be reached',
    };
  }
}

/** The user's name and role, as the LA's notification and the audit name them. */
export interface EhrUser {
  name: string;
  role: string;
}

const NAME_MAX = 200;
const ROLE_MAX = 100;
export const ROLE_NOT_GIVEN = 'Role not given by the EHR';

/**
 * The name and role of the user the hook names (`userId`, `PractitionerRole/…` or
 * `Practitioner/…`) from the prefetched resource: a PractitionerRole's
 * `practitioner.display` and its first `code`'s display or text; a Practitioner's name.
 * What the EHR did not give is said so, never made up.
 */
export function ehrUser(resource: unknown, userId: string): EhrUser {
  const fallback = { name: `EHR user ${userId}`, role: ROLE_NOT_GIVEN };
  const [type, id] = userId.split('/');
  if (!isObject(resource) || resource['resourceType'] !== type || resource['id'] !== id) {
    return clean(fallback);
  }
  if (type === 'PractitionerRole') {
    const practitioner = resource['practitioner'];
    const code = array(resource['code']).find(isObject);
    const coding = code === undefined ? undefined : array(code['coding']).find(isObject);
    return clean({
      name: text(isObject(practitioner) ? practitioner['display'] : undefined) ?? fallback.name,
      role: text(coding?.['display']) ?? text(code?.['text']) ?? fallback.role,
    });
  }
  const name = array(resource['name']).find(isObject);
  const spelled =
    text(name?.['text']) ??
    text(
      [...array(name?.['prefix']), ...array(name?.['given']), name?.['family']]
        .filter((p) => typeof p === 'string')
        .join(' '),
    );
  return clean({ name: spelled ?? fallback.name, role: fallback.role });
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' && illFormedText(value) === undefined
    ? value.trim()
    : undefined;

/** At most `max` characters, never cutting a character in two. */
const clip = (value: string, max: number): string => Array.from(value).slice(0, max).join('');

function clean(user: EhrUser): EhrUser {
  return { name: clip(user.name, NAME_MAX), role: clip(user.role, ROLE_MAX) };
}
