// The FHIR and CDS Hooks surfaces, found at run time: a server that answers
// `GET /cpis/FHIR/R4/metadata` with a CapabilityStatement has the FHIR surface, and one
// whose `GET /cds-services` lists an `encounter-start` service has CDS Hooks. Until then
// their rows say "not measured: surface absent".

import { cdsHooksEhrs } from '@cpis/population';
import { NHS_NUMBER_SYSTEM, nhsNumberIdentifier } from '@cpis/service';

/** `{ fhir: boolean, cdsEncounterStart: string | null }` (the service id). */
export async function detectSurfaces(base) {
  const answer = async (path) => {
    try {
      const response = await fetch(`${base}${path}`, {
        headers: { accept: 'application/json, application/fhir+json' },
      });
      const text = await response.text();
      return response.ok ? JSON.parse(text) : undefined;
    } catch {
      return undefined;
    }
  };
  const metadata = await answer('/cpis/FHIR/R4/metadata');
  const discovery = await answer('/cds-services');
  const encounterStart = Array.isArray(discovery?.services)
    ? discovery.services.find((s) => s?.hook === 'encounter-start')
    : undefined;
  return {
    fhir: metadata?.resourceType === 'CapabilityStatement',
    cdsEncounterStart: typeof encounterStart?.id === 'string' ? encounterStart.id : null,
  };
}

/** An unscheduled CareTeam search (an omitted IsUnscheduledAccessEvent is unscheduled). */
export function careTeamRequest(nhs) {
  return {
    method: 'GET',
    path: `/cpis/FHIR/R4/CareTeam?patient:identifier=${encodeURIComponent(`${NHS_NUMBER_SYSTEM}|${nhs}`)}`,
    headers: { accept: 'application/fhir+json' },
  };
}

/** An `encounter-start` hook call's body: a prefetched, verified Patient and a Practitioner. */
function encounterStartBody(nhs) {
  return JSON.stringify({
    hook: 'encounter-start',
    hookInstance: crypto.randomUUID(),
    context: { userId: 'Practitioner/bench', patientId: 'bench', encounterId: 'bench' },
    prefetch: {
      patient: {
        resourceType: 'Patient',
        id: 'bench',
        identifier: [nhsNumberIdentifier(nhs)],
      },
      user: {
        resourceType: 'Practitioner',
        id: 'bench',
        name: [{ text: 'Bench Clinician' }],
      },
    },
  });
}

/** The development EHR of the synthetic emergency department (an unscheduled setting). */
const BENCH_EHR = cdsHooksEhrs.emergencyDepartment.iss;

/**
 * `encounter-start` calls as an EHR makes them: each with its own signed JWT (a `jti` is
 * accepted once) and its own `hookInstance` (a repeated one is the same check). The JWTs
 * are minted before the run, so `amount` is the number of calls the run makes.
 */
export async function encounterStartRequest(base, serviceId, nhs, amount) {
  const path = `/cds-services/${encodeURIComponent(serviceId)}`;
  const jwts = [];
  for (let i = 0; i < amount; i += 50) {
    const batch = Array.from({ length: Math.min(50, amount - i) }, async () => {
      const response = await fetch(`${base}/v1/dev/cds-hooks-tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ iss: BENCH_EHR, path }),
      });
      if (!response.ok) throw new Error(`minting an EHR JWT: ${response.status}`);
      return (await response.json()).token;
    });
    jwts.push(...(await Promise.all(batch)));
  }
  let next = 0;
  return {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json' },
    amount,
    ehrSigned: true,
    body: encounterStartBody(nhs),
    setupRequest: (request) => ({
      ...request,
      headers: { ...request.headers, authorization: `Bearer ${jwts[next++ % jwts.length]}` },
      body: encounterStartBody(nhs),
    }),
  };
}
