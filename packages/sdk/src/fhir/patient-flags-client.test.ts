import { readFileSync } from 'node:fs';
import { isValidNhsNumber } from '@cpis/domain';
import { describe, expect, it } from 'vitest';
import { CpisContractError, CpisValidationError } from '../errors.js';
import { TOKEN, networkError, scriptedFetch, type Step } from '../fake-fetch.test-helper.js';
import { fhirJson, flagsExample, type Json } from './fhir-examples.test-helper.js';
import { CpisFhirError } from './operation-outcome.js';
import { createPatientFlagsClient } from './patient-flags-client.js';

const BASE = 'https://flags.test/patient-flags-api/FHIR/R4';
/** Alan Mann, the Patient the Patient Flags examples point at. */
const ALAN_MANN = '9912003888';
const guidePage = (name: string): Json =>
  JSON.parse(
    readFileSync(
      new URL(
        `../../../../test/fixtures/external/nhs-patient-flags/guide-pages/${name}`,
        import.meta.url,
      ),
      'utf8',
    ),
  ) as Json;

const cppBundle = flagsExample('CPIS-CPP-Bundle-Example');
const patient = flagsExample('PatientFlag-AlanMann-Example');

const scheduled = {
  nhsNumber: ALAN_MANN,
  nhsNumberVerified: true,
  accessContext: 'scheduled',
  reason: { code: 'clinical-review' },
} as const;

type Resource = Json & { resourceType: string };

/** The CPP example's resources (and Alan Mann), as the API answers them: a searchset. */
function searchset(resources: Resource[], total = 1): Json {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    entry: resources.map((resource) => ({
      fullUrl: `${resource.resourceType}/${resource.id as string}`,
      resource,
      search: { mode: resource.resourceType === 'Flag' ? 'match' : 'include' },
    })),
  };
}
const [flag, carePlan, careTeam] = (cppBundle.entry as { resource: Resource }[]).map(
  (e) => e.resource,
);
const answer = (changes: { flag?: Json; carePlan?: Json; careTeam?: Json; patient?: Json } = {}) =>
  searchset([
    { ...flag!, ...changes.flag },
    { ...carePlan!, ...changes.carePlan },
    { ...careTeam!, ...changes.careTeam },
    { ...(patient as Resource), ...changes.patient },
  ]);

function clientWith(steps: Step[]) {
  const fetch = scriptedFetch(...steps);
  const client = createPatientFlagsClient({ baseUrl: BASE, getToken: () => TOKEN, fetch });
  return { client, calls: fetch.calls };
}

async function refusal(body: Json): Promise<string> {
  const { client } = clientWith([fhirJson(200, body)]);
  const error = await client.checks.create(scheduled).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CpisContractError);
  return (error as CpisContractError).rule;
}

describe('golden: NHS England published Patient Flags examples', () => {
  it('the CPIS-CPP-Bundle example (Flag, CarePlan, CareTeam) with its Patient maps to an active CPP for Alan Mann, a silent read', async () => {
    expect(isValidNhsNumber(ALAN_MANN)).toBe(true);
    const { client } = clientWith([fhirJson(200, answer())]);
    const result = await client.checks.create(scheduled);
    expect(result).toEqual({
      checkId: expect.any(String),
      nhsNumber: ALAN_MANN,
      checkedAt: expect.any(String),
      accessContext: 'scheduled',
      outcome: 'record-found',
      plans: [
        {
          planId: 'CPIS-CarePlan-Example',
          type: 'CPP',
          status: 'active',
          // CarePlan.period.start 2024-07-22T09:00:00+00:00: that day in London.
          startDate: '2024-07-22',
          responsibleAuthority: {
            name: 'SFD1 - SHEFFIELD CITY COUNCIL',
            officeHoursPhone: '01133973581',
            emergencyDutyPhone: '07133973581',
          },
        },
      ],
      accessHistory: [],
      notifiedAuthorities: [],
      notificationsKnown: true,
      answeredBy: 'nhs-patient-flags',
    });
  });

  it('the CPIS-CPP-Bundle example as published (a collection, not a search answer) is refused', async () => {
    expect(await refusal(cppBundle)).toBe('the answer is not a searchset Bundle');
  });

  it('without the Patient its subject points at, the Flag does not say whom it is about, so it is refused', async () => {
    expect(await refusal(searchset([flag!, carePlan!, careTeam!]))).toBe(
      'a flag does not say whom it is about',
    );
  });

  it("the separate CPIS-Flag example's flag-detail (…-example, lower case) does not resolve to CPIS-CarePlan-Example: refused, never guessed", async () => {
    const separate = ['CPIS-Flag-Example', 'CPIS-CarePlan-Example', 'CPIS-CareTeam-Example'].map(
      (name) => flagsExample(name) as Resource,
    );
    expect(await refusal(searchset([...separate, patient as Resource]))).toBe(
      "a flag's plan is not in the answer",
    );
  });

  it("the guide's empty searchset is no-record; its not-found OperationOutcome is an error, never no-record", async () => {
    const empty = clientWith([
      fhirJson(200, guidePage('retrieve-flag-by-code-empty-searchset-Bundle.json')),
    ]);
    expect((await empty.client.checks.create(scheduled)).outcome).toBe('no-record');
    const notFound = clientWith([
      fhirJson(404, guidePage('retrieve-flag-by-code-not-found.OperationOutcome.json')),
    ]);
    const error = await notFound.client.checks.create(scheduled).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CpisFhirError);
    expect(error).toMatchObject({ status: 404, issueCode: 'not-found' });
  });
});

describe('Patient Flags mapping refusals and statuses', () => {
  it('a Patient with another NHS number makes the flag about another NHS number: refused', async () => {
    const other = {
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' }],
    };
    expect(await refusal(answer({ patient: other }))).toBe('a flag is about another NHS number');
  });

  it('a match that is not a CP-IS flag (a Reasonable Adjustment flag) is refused', async () => {
    const ra = {
      coding: [
        {
          system: 'https://fhir.nhs.uk/England/CodeSystem/England-FlagCategoryPatient',
          code: 'national-reasonable-adjustment-flag',
        },
      ],
    };
    expect(await refusal(answer({ flag: { code: ra } }))).toBe(
      'the answer matched something that is not a CP-IS flag',
    );
  });

  it('a care team without both phone numbers, or an unknown plan category, is refused', async () => {
    expect(await refusal(answer({ careTeam: { telecom: [] } }))).toBe(
      'a plan has no phone number to call',
    );
    expect(
      await refusal(
        answer({
          carePlan: { category: [{ coding: [{ system: 'http://snomed.info/sct', code: '1' }] }] },
        }),
      ),
    ).toBe('a plan has an unknown category');
  });

  it('a completed CarePlan or an inactive Flag is an ended plan; an entered-in-error Flag is refused', async () => {
    for (const changes of [
      { carePlan: { status: 'completed' } },
      { flag: { status: 'inactive' } },
    ]) {
      const { client } = clientWith([fhirJson(200, answer(changes))]);
      expect((await client.checks.create(scheduled)).plans[0]?.status).toBe('ended');
    }
    expect(await refusal(answer({ flag: { status: 'entered-in-error' } }))).toBe(
      'a flag has an unknown status',
    );
  });

  it('a UCPP from the Patient Flags API has no expected delivery date, and is still shown', async () => {
    const ucpp = [{ coding: [{ system: 'http://snomed.info/sct', code: '818901000000100' }] }];
    const { client } = clientWith([fhirJson(200, answer({ carePlan: { category: ucpp } }))]);
    const [plan] = (await client.checks.create(scheduled)).plans;
    expect(plan).toMatchObject({ type: 'UCPP' });
    expect(plan?.expectedDeliveryDate).toBeUndefined();
  });
});

describe('Patient Flags requests', () => {
  it('is scheduled only: an unscheduled check is refused before anything is sent', async () => {
    const { client, calls } = clientWith([fhirJson(200, answer())]);
    const error = await client.checks
      .create({
        ...scheduled,
        accessContext: 'unscheduled',
        reason: { code: 'unscheduled-attendance' },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CpisValidationError);
    expect(error).toMatchObject({ field: 'accessContext' });
    expect(calls).toHaveLength(0);
  });

  it('GETs PatientFlag?patient=…&code=child-protection-information-system-flag with the token, a TraceID and IsUnscheduledAccessEvent: false, retried with the same TraceID', async () => {
    const { client, calls } = clientWith([
      networkError(),
      fhirJson(503, {}),
      fhirJson(200, answer()),
    ]);
    const result = await client.checks.create(scheduled);
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.url.pathname).toBe('/patient-flags-api/FHIR/R4/PatientFlag');
      expect([...call.url.searchParams]).toEqual([
        ['patient', ALAN_MANN],
        ['code', 'child-protection-information-system-flag'],
      ]);
      expect(call.headers.get('Authorization')).toBe(`Bearer ${TOKEN}`);
      expect(call.headers.get('IsUnscheduledAccessEvent')).toBe('false');
      expect(call.headers.get('TraceID')).toBe(result.checkId);
    }
  });
});
