/**
 * The FHIR surface of the core: NHS England's CP-IS FHIR API and Patient Flags API over
 * the same data and rules as `/v1`, every refusal an OperationOutcome with its
 * England-SpineErrorOrWarningCode.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../memory-store.js';
import { createService, type CpisService } from '../service.js';
import { hs256Tokens } from '../tokens.js';

const WITH_PLAN = '9990001375';
const NO_PLAN = '9990009597';
const INVALID = '9990001376';
const LA = 'OWNLA';
const TRACE = '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const BASE = 'http://cpis.test';

let clock = new Date('2025-11-25T14:02:00.000Z');
const now = () => clock;
const tokens = hs256Tokens({
  secret: 'a-test-secret-of-enough-length!!',
  issuer: 'i',
  audience: 'a',
  now,
});
let store: MemoryStore;
let core: CpisService;

const clinician = async (activities: string[], sub = 'nurse@rhealth') =>
  (
    await tokens.sign({
      sub,
      name: 'Priya Shah',
      orgType: 'health',
      odsCode: 'RHEALTH',
      orgName: 'Homerton Hospital',
      role: 'Emergency department nurse',
      activities,
    })
  ).token;
const localAuthority = async () =>
  (
    await tokens.sign({
      name: 'Sam Social',
      orgType: 'local-authority',
      odsCode: LA,
      orgName: 'Own Council',
      role: 'Social worker',
      activities: [],
    })
  ).token;

async function call(
  path: string,
  token: string | undefined,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await core.handle(
    new Request(`${BASE}${path}`, {
      method,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...headers },
    }),
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

const careTeams = (nhs: string) =>
  `/cpis/FHIR/R4/CareTeam?patient:identifier=${encodeURIComponent(`https://fhir.nhs.uk/Id/nhs-number|${nhs}`)}`;
const auditEvents = (nhs: string, include = '&_include=AuditEvent:agent') =>
  `/cpis/FHIR/R4/AuditEvent?patient:identifier=${encodeURIComponent(`https://fhir.nhs.uk/Id/nhs-number|${nhs}`)}${include}`;
const patientFlags = (nhs: string, code = 'child-protection-information-system-flag') =>
  `/patient-flags-api/FHIR/R4/PatientFlag?patient=${nhs}&code=${code}`;
const unscheduled = { IsUnscheduledAccessEvent: 'true' };
const scheduled = { IsUnscheduledAccessEvent: 'false' };

/** The Spine code of an OperationOutcome answer. */
const spineCode = (body: Record<string, unknown>) =>
  (body['issue'] as { details: { coding: { system: string; code: string }[] } }[])[0]?.details
    .coding[0];

async function notifications(): Promise<{ reason: unknown; planIds: string[] }[]> {
  const page = await call(`/v1/authorities/${LA}/notifications`, await localAuthority());
  return page.body['items'] as { reason: unknown; planIds: string[] }[];
}

beforeEach(async () => {
  clock = new Date('2025-11-25T14:02:00.000Z');
  store = new MemoryStore();
  core = createService({ store, verifyToken: tokens.verify, now });
  const la = await localAuthority();
  const put = (path: string, body: unknown) =>
    core.handle(
      new Request(`${BASE}${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${la}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  expect(
    (
      await put(`/v1/authorities/${LA}`, {
        name: 'Own Council',
        officeHoursPhone: '020 7946 0500',
        emergencyDutyPhone: '020 7946 0501',
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await put(`/v1/authorities/${LA}/plans/OWN_CPP-1`, {
        nhsNumber: WITH_PLAN,
        type: 'CPP',
        startDate: '2025-01-15',
      })
    ).status,
  ).toBe(201);
});

describe('CareTeam search (CP-IS FHIR API)', () => {
  it('an unscheduled search answers a searchset of CareTeams in the national example’s shape, and tells the LA with no reason given', async () => {
    const answer = await call(careTeams(WITH_PLAN), await clinician(['B0107']), {
      ...unscheduled,
      TraceID: TRACE,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(answer.headers.get('traceid')).toBe(TRACE);
    expect(answer.headers.get('x-request-id')).toBe(TRACE);
    expect(answer.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    const entry = (answer.body['entry'] as Record<string, unknown>[])[0];
    expect(entry).toMatchObject({
      fullUrl: `${BASE}/cpis/FHIR/R4/CareTeam/OWN.CPP-1`,
      search: { mode: 'match' },
      resource: {
        resourceType: 'CareTeam',
        id: 'OWN.CPP-1',
        status: 'active',
        category: [{ coding: [{ system: 'http://snomed.info/sct', code: '342191000000101' }] }],
        name: 'Own Council',
        subject: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: WITH_PLAN } },
        period: { start: '2025-01-15' },
        managingOrganization: [
          { identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: LA } },
        ],
        telecom: [
          { system: 'phone', value: '020 7946 0500', use: 'work' },
          { system: 'phone', value: '020 7946 0501', use: 'mobile' },
        ],
      },
    });
    expect(await notifications()).toEqual([
      expect.objectContaining({ planIds: ['OWN_CPP-1'], reason: null }),
    ]);
  });

  it('a second unscheduled search within 24 hours tells the LA nothing new; after 24 hours it does', async () => {
    // The same user each time (a token signed at each time, as tokens expire).
    await call(careTeams(WITH_PLAN), await clinician(['B0107']), unscheduled);
    clock = new Date(clock.getTime() + 23 * 60 * 60 * 1000);
    const later = await call(careTeams(WITH_PLAN), await clinician(['B0107']), unscheduled);
    expect([later.status, later.body['total']]).toEqual([200, 1]);
    expect(await notifications()).toHaveLength(1);
    clock = new Date(clock.getTime() + 2 * 60 * 60 * 1000);
    expect((await call(careTeams(WITH_PLAN), await clinician(['B0107']), unscheduled)).status).toBe(
      200,
    );
    expect(await notifications()).toHaveLength(2);
  });

  it('a scheduled search (IsUnscheduledAccessEvent: false) by B0170 answers the plans and tells no one', async () => {
    const answer = await call(careTeams(WITH_PLAN), await clinician(['B0170']), scheduled);
    expect([answer.status, answer.body['total']]).toEqual([200, 1]);
    expect(await notifications()).toEqual([]);
  });

  it('an omitted IsUnscheduledAccessEvent is taken as unscheduled: the LA is told', async () => {
    const answer = await call(careTeams(WITH_PLAN), await clinician(['B0107']));
    expect([answer.status, answer.body['total']]).toEqual([200, 1]);
    expect(await notifications()).toHaveLength(1);
  });

  it('an omitted IsUnscheduledAccessEvent from a B0170 user is an unscheduled search, refused 403 ACCESS_DENIED', async () => {
    const answer = await call(careTeams(WITH_PLAN), await clinician(['B0170']));
    expect([answer.status, spineCode(answer.body)?.code]).toEqual([403, 'ACCESS_DENIED']);
    expect(await notifications()).toEqual([]);
  });

  it('no record is a Bundle with total 0 and no entry, and tells no one', async () => {
    const answer = await call(careTeams(NO_PLAN), await clinician(['B0107']), unscheduled);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 0 });
    expect(answer.body['entry']).toBeUndefined();
    expect(await notifications()).toEqual([]);
  });

  it.each([['yes'], ['TRUE'], ['1'], ['']])(
    'IsUnscheduledAccessEvent %j (neither true nor false) is 400 PRECONDITION_FAILED, and tells no one',
    async (value) => {
      const answer = await call(careTeams(WITH_PLAN), await clinician(['B0107']), {
        IsUnscheduledAccessEvent: value,
      });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(answer.body['resourceType']).toBe('OperationOutcome');
      expect(spineCode(answer.body)).toEqual({
        system: 'https://fhir.nhs.uk/CodeSystem/England-SpineErrorOrWarningCode',
        code: 'PRECONDITION_FAILED',
        display: 'Precondition failed',
      });
      expect(await notifications()).toEqual([]);
    },
  );

  it('a TraceID that is not a UUID is 400 PRECONDITION_FAILED', async () => {
    const answer = await call(careTeams(WITH_PLAN), await clinician(['B0107']), {
      ...unscheduled,
      TraceID: 'not-a-uuid',
    });
    expect([answer.status, spineCode(answer.body)?.code]).toEqual([400, 'PRECONDITION_FAILED']);
  });

  it.each([
    ['a failed Modulus 11 check digit', careTeams(INVALID)],
    ['nine digits', careTeams('999000137')],
    ['letters', careTeams('999000137X')],
    ['another identifier system', `/cpis/FHIR/R4/CareTeam?patient:identifier=urn:x|${WITH_PLAN}`],
    ['no patient:identifier', '/cpis/FHIR/R4/CareTeam'],
  ])(
    'an invalid NHS number search (%s) is 400 INVALID_SEARCH_DATA, and tells no one',
    async (_, path) => {
      const answer = await call(path, await clinician(['B0107']), unscheduled);
      expect([answer.status, spineCode(answer.body)?.code]).toEqual([400, 'INVALID_SEARCH_DATA']);
      expect(answer.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(await notifications()).toEqual([]);
    },
  );

  it('B0107 with IsUnscheduledAccessEvent: false is 403 ACCESS_DENIED (no silent read to avoid telling the LA)', async () => {
    const answer = await call(careTeams(WITH_PLAN), await clinician(['B0107']), scheduled);
    expect(answer.status).toBe(403);
    expect(answer.body['issue']).toEqual([
      expect.objectContaining({ severity: 'error', code: 'forbidden' }),
    ]);
    expect(spineCode(answer.body)?.code).toBe('ACCESS_DENIED');
  });

  it('B0170 with IsUnscheduledAccessEvent: true is 403 ACCESS_DENIED', async () => {
    const answer = await call(careTeams(WITH_PLAN), await clinician(['B0170']), unscheduled);
    expect([answer.status, spineCode(answer.body)?.code]).toEqual([403, 'ACCESS_DENIED']);
  });

  it('a local authority, or a clinician with no CP-IS activity, is 403 ACCESS_DENIED', async () => {
    for (const token of [await localAuthority(), await clinician([])]) {
      const answer = await call(careTeams(WITH_PLAN), token, unscheduled);
      expect([answer.status, spineCode(answer.body)?.code]).toEqual([403, 'ACCESS_DENIED']);
    }
  });

  it('no token, or a bad one, is 401 ACCESS_DENIED as an OperationOutcome with WWW-Authenticate', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const answer = await call(careTeams(WITH_PLAN), token, { ...unscheduled, TraceID: TRACE });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(answer.headers.get('traceid')).toBe(TRACE);
      expect(answer.body['issue']).toEqual([expect.objectContaining({ code: 'login' })]);
      expect(spineCode(answer.body)?.code).toBe('ACCESS_DENIED');
    }
  });
});

describe('refusals on the FHIR paths are OperationOutcomes', () => {
  it('an unknown FHIR path is 404, as an OperationOutcome that never says "no record"', async () => {
    const answer = await call('/cpis/FHIR/R4/Patient', await clinician(['B0107']), {
      TraceID: TRACE,
    });
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(answer.headers.get('traceid')).toBe(TRACE);
    expect(spineCode(answer.body)?.code).toBe('NOT_IMPLEMENTED');
    expect(JSON.stringify(answer.body)).not.toMatch(/no.record/i);
  });

  it('a method the path does not take is 405 with Allow, as an OperationOutcome', async () => {
    const answer = await call(careTeams(WITH_PLAN), await clinician(['B0107']), {}, 'POST');
    expect([answer.status, answer.headers.get('allow')]).toEqual([405, 'GET']);
    expect(answer.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(spineCode(answer.body)?.code).toBe('NOT_IMPLEMENTED');
  });

  it('a HEAD on a CareTeam search is 405 and tells no one: only a deliberate GET notifies', async () => {
    const answer = await call(
      careTeams(WITH_PLAN),
      await clinician(['B0107']),
      unscheduled,
      'HEAD',
    );
    expect([answer.status, answer.headers.get('allow')]).toEqual([405, 'GET']);
    expect(await notifications()).toEqual([]);
    // Where a GET tells no one, HEAD stays (the AuditEvent search, a read).
    const audit = await call(auditEvents(WITH_PLAN), await clinician(['B0107']), {}, 'HEAD');
    expect(audit.status).toBe(200);
  });

  it('an unexpected fault is 500 INTERNAL_SERVER_ERROR and storage down is 503 SERVICE_UNAVAILABLE, never an answer', async () => {
    const token = await clinician(['B0107']);
    const failing = (error: Error, unavailable: boolean) =>
      createService({
        store: Object.assign(Object.create(store) as MemoryStore, {
          transaction: () => Promise.reject(error),
          isUnavailable: (e: unknown) => unavailable && e === error,
        }),
        verifyToken: tokens.verify,
        now,
      });
    for (const [service, status, code] of [
      [failing(new Error('boom'), false), 500, 'INTERNAL_SERVER_ERROR'],
      [failing(new Error('down'), true), 503, 'SERVICE_UNAVAILABLE'],
    ] as const) {
      const response = await service.handle(
        new Request(`${BASE}${careTeams(WITH_PLAN)}`, {
          headers: { authorization: `Bearer ${token}`, ...unscheduled },
        }),
      );
      const body = (await response.json()) as Record<string, unknown>;
      expect([response.status, body['resourceType'], spineCode(body)?.code]).toEqual([
        status,
        'OperationOutcome',
        code,
      ]);
      expect(JSON.stringify(body)).not.toContain('boom');
    }
  });

  it('the /v1 paths still refuse in problem+json', async () => {
    const answer = await call('/v1/checks/not-a-uuid', undefined);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('AuditEvent search (CP-IS FHIR API)', () => {
  it('answers each access as an AuditEvent with its PractitionerRole included (role, organisation), as the national example', async () => {
    await call(careTeams(WITH_PLAN), await clinician(['B0107']), unscheduled);
    const answer = await call(
      auditEvents(WITH_PLAN),
      await clinician(['B0170'], 'gp@rhealth'),
      scheduled,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    const [event, role] = answer.body['entry'] as {
      resource: Record<string, unknown>;
      search: { mode: string };
    }[];
    expect(event?.search.mode).toBe('match');
    expect(event?.resource).toMatchObject({
      resourceType: 'AuditEvent',
      recorded: '2025-11-25T14:02:00.000Z',
      agent: [
        {
          type: { coding: [{ code: 'PAT' }] },
          who: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: WITH_PLAN } },
          requestor: false,
        },
        {
          type: { coding: [{ code: 'ASSIGNED' }] },
          who: { reference: `PractitionerRole/${String(role?.resource['id'])}` },
          requestor: true,
        },
      ],
    });
    expect(role?.search.mode).toBe('include');
    expect(role?.resource).toMatchObject({
      resourceType: 'PractitionerRole',
      organization: {
        identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'RHEALTH' },
        display: 'Homerton Hospital',
      },
      code: [{ text: 'Emergency department nurse' }],
    });
  });

  it('is not itself an access: it writes no access entry and tells no one, whatever IsUnscheduledAccessEvent says', async () => {
    const token = await clinician(['B0107']);
    await call(careTeams(WITH_PLAN), token, unscheduled);
    for (const headers of [unscheduled, {}]) {
      const answer = await call(auditEvents(WITH_PLAN), token, headers);
      expect([answer.status, answer.body['total']]).toEqual([200, 1]);
    }
    expect(await notifications()).toHaveLength(1);
    // Audited as a read: who read whose history.
    expect(store.state.audit.filter((e) => e.operation === 'access-history.read')).toEqual([
      expect.objectContaining({
        sub: 'nurse@rhealth',
        details: { nhsNumber: WITH_PLAN, entries: 1 },
      }),
      expect.objectContaining({
        sub: 'nurse@rhealth',
        details: { nhsNumber: WITH_PLAN, entries: 1 },
      }),
    ]);
  });

  it('answers at most 25 accesses, newest first', async () => {
    for (let i = 0; i < 27; i += 1) {
      clock = new Date(Date.parse('2025-11-25T14:02:00.000Z') + i * 60_000);
      await call(
        careTeams(WITH_PLAN),
        await clinician(['B0107'], `user-${i}@rhealth`),
        unscheduled,
      );
    }
    const answer = await call(auditEvents(WITH_PLAN, ''), await clinician(['B0107']), unscheduled);
    const recorded = (answer.body['entry'] as { resource: { recorded: string } }[]).map(
      (e) => e.resource.recorded,
    );
    expect(answer.body['total']).toBe(25);
    expect(recorded).toHaveLength(25);
    expect(recorded[0]).toBe('2025-11-25T14:28:00.000Z');
    expect([...recorded].sort().reverse()).toEqual(recorded);
  });

  it('needs B0107 or B0170: a local authority or a clinician with neither is 403 ACCESS_DENIED', async () => {
    for (const token of [await localAuthority(), await clinician([])]) {
      const answer = await call(auditEvents(WITH_PLAN), token, unscheduled);
      expect([answer.status, spineCode(answer.body)?.code]).toEqual([403, 'ACCESS_DENIED']);
    }
  });

  it('an invalid NHS number or an include it does not take is 400 INVALID_SEARCH_DATA', async () => {
    const token = await clinician(['B0107']);
    for (const path of [
      auditEvents(INVALID),
      auditEvents(WITH_PLAN, '&_include=AuditEvent:entity-type'),
    ]) {
      const answer = await call(path, token, unscheduled);
      expect([answer.status, spineCode(answer.body)?.code]).toEqual([400, 'INVALID_SEARCH_DATA']);
    }
  });
});

describe('PatientFlag search (Patient Flags API)', () => {
  it('B0170 reads a searchset of Flag, CarePlan and CareTeam, as the national example, and tells no one', async () => {
    const answer = await call(patientFlags(WITH_PLAN), await clinician(['B0170']), scheduled);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    const entries = answer.body['entry'] as {
      resource: Record<string, unknown>;
      search: { mode: string };
    }[];
    expect(entries.map((e) => [e.resource['resourceType'], e.search.mode])).toEqual([
      ['Flag', 'match'],
      ['CarePlan', 'include'],
      ['CareTeam', 'include'],
    ]);
    const [flag, carePlan, careTeam] = entries.map((e) => e.resource);
    expect(flag).toMatchObject({
      status: 'active',
      code: {
        coding: [
          {
            system: 'https://fhir.nhs.uk/England/CodeSystem/England-FlagCategoryPatient',
            code: 'child-protection-information-system-flag',
          },
        ],
      },
      subject: { identifier: { value: WITH_PLAN } },
      extension: [{ valueReference: { reference: `CarePlan/${String(carePlan?.['id'])}` } }],
    });
    expect(carePlan).toMatchObject({
      status: 'active',
      intent: 'plan',
      careTeam: [{ reference: `CareTeam/${String(careTeam?.['id'])}` }],
    });
    expect(careTeam).toMatchObject({ name: 'Own Council' });
    expect(await notifications()).toEqual([]);
  });

  it('never tells anyone, even when IsUnscheduledAccessEvent says true or is omitted', async () => {
    const token = await clinician(['B0170']);
    for (const headers of [unscheduled, {}]) {
      expect((await call(patientFlags(WITH_PLAN), token, headers)).status).toBe(200);
    }
    expect(await notifications()).toEqual([]);
  });

  it('needs B0170: B0107 alone, a local authority and a clinician with neither are 403 ACCESS_DENIED', async () => {
    for (const token of [await clinician(['B0107']), await localAuthority(), await clinician([])]) {
      const answer = await call(patientFlags(WITH_PLAN), token, scheduled);
      expect([answer.status, spineCode(answer.body)?.code]).toEqual([403, 'ACCESS_DENIED']);
    }
  });

  it('an invalid NHS number, another flag code or none is 400 INVALID_SEARCH_DATA', async () => {
    const token = await clinician(['B0170']);
    for (const path of [
      patientFlags(INVALID),
      patientFlags(WITH_PLAN, 'reasonable-adjustment-flag'),
      `/patient-flags-api/FHIR/R4/PatientFlag?patient=${WITH_PLAN}`,
    ]) {
      const answer = await call(path, token, scheduled);
      expect([answer.status, spineCode(answer.body)?.code]).toEqual([400, 'INVALID_SEARCH_DATA']);
    }
  });

  it('no record is total 0', async () => {
    const answer = await call(patientFlags(NO_PLAN), await clinician(['B0170']), scheduled);
    expect([answer.status, answer.body['total'], answer.body['entry']]).toEqual([
      200,
      0,
      undefined,
    ]);
  });
});

describe('metadata', () => {
  it('is a CapabilityStatement of kind instance for FHIR 4.0.1 with the resources and search parameters of NHS England’s producer statement', async () => {
    const producer = JSON.parse(
      readFileSync(
        new URL(
          '../../../../test/fixtures/external/nhs-cpis-fhir/CapStatement-CPIS-FHIR-API-Producer.json',
          import.meta.url,
        ),
        'utf8',
      ),
    ) as { rest: { resource: { type: string; searchParam: Record<string, string>[] }[] }[] };
    const answer = await call('/cpis/FHIR/R4/metadata', undefined);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(answer.body).toMatchObject({
      resourceType: 'CapabilityStatement',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['json'],
    });
    const served = (answer.body['rest'] as typeof producer.rest)[0]?.resource ?? [];
    const shape = (resources: typeof served) =>
      resources.map((r) => ({
        type: r.type,
        searchParam: r.searchParam.map(({ name, definition, type }) => ({
          name,
          definition,
          type,
        })),
      }));
    expect(shape(served)).toEqual(shape(producer.rest[0]?.resource ?? []));
  });
});
