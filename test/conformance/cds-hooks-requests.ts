/** CDS Hooks hook calls as an EHR makes them, for the conformance suites. */
import { randomUUID } from 'node:crypto';
import { personas } from '@cpis/population';
import { NHS_NUMBER_SYSTEM, nhsNumberIdentifier } from '@cpis/service';

export const NHS = NHS_NUMBER_SYSTEM;
/** The identifier of a verified number, whose extension the tests vary. */
export const VERIFIED = (
  nhsNumberIdentifier('9990000018')['extension'] as Record<string, unknown>[]
)[0] as {
  url: string;
  valueCodeableConcept: { coding: Record<string, string>[] };
};

/** A UK Core Patient with a verified NHS number (unless `identifier` says otherwise). */
export const patientResource = (
  nhsNumber: string,
  id = 'pat-1',
  identifier: unknown[] = [nhsNumberIdentifier(nhsNumber)],
) => ({ resourceType: 'Patient', id, identifier });

export const practitionerRole = (
  id: string,
  name = 'Priya Shah',
  role = 'Emergency department nurse',
) => ({
  resourceType: 'PractitionerRole',
  id,
  practitioner: { reference: 'Practitioner/p-1', display: name },
  code: [{ coding: [{ system: 'urn:example:roles', code: 'ed-nurse', display: role }] }],
});

export interface HookCall {
  hook?: 'encounter-start' | 'patient-view';
  nhsNumber?: string;
  patient?: unknown;
  userId?: string;
  user?: unknown;
  encounterId?: string | null;
  hookInstance?: string;
  fhirServer?: string;
}

export function hookBody(call: HookCall = {}): Record<string, unknown> {
  const userId = call.userId ?? 'PractitionerRole/nurse-1';
  const patient =
    call.patient === undefined
      ? patientResource(call.nhsNumber ?? personas.noRecord.nhsNumber)
      : call.patient;
  return {
    hook: call.hook ?? 'encounter-start',
    hookInstance: call.hookInstance ?? randomUUID(),
    ...(call.fhirServer !== undefined && {
      fhirServer: call.fhirServer,
      fhirAuthorization: {
        access_token: 'ehr-token',
        token_type: 'Bearer',
        expires_in: 300,
        scope: 'user/Patient.read',
        subject: 'cpis',
      },
    }),
    context: {
      userId,
      patientId: 'pat-1',
      ...(call.encounterId !== null && { encounterId: call.encounterId ?? 'enc-1' }),
    },
    prefetch: {
      ...(patient !== null && { patient }),
      user: call.user ?? practitionerRole(userId.split('/')[1] ?? 'x'),
    },
  };
}
