/**
 * NHS England's CP-IS FHIR API and Patient Flags API, as the reference server (SQLite, and
 * PostgreSQL when `CPIS_TEST_DATABASE_URL` answers) and the mock serve them, driven by the
 * SDK's own clients (`createCpisFhirClient`, `createPatientFlagsClient`): what a vendor
 * pointing the SDK at http://127.0.0.1:8080 sees, and what the local authority then sees
 * in its feed. Every answer is also checked against the contract.
 */
import { personas } from '@cpis/population';
import { CpisFhirError, createCpisFhirClient } from '@cpis/sdk/fhir';
import { createPatientFlagsClient } from '@cpis/sdk/patient-flags';
import { forEachEngine } from '@cpis/server/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockBackend, serverBackend, type Backend, type PrincipalKey } from './backends.ts';

const DAY = 24 * 60 * 60 * 1000;
const TOWER_HAMLETS = '211';
const LOOKED_AFTER = personas.lookedAfterOutOfArea.nhsNumber;
type Feed = {
  items: { nhsNumber: string; planIds: string[]; reason: unknown; setting: unknown }[];
};

function fhirConformance(make: () => Promise<Backend>): void {
  let b: Backend;
  beforeEach(async () => {
    b = await make();
  });
  afterEach(async () => {
    await b.close();
  });

  const fhirClient = (as: PrincipalKey) =>
    createCpisFhirClient({
      baseUrl: `${b.baseUrl}/cpis/FHIR/R4`,
      getToken: () => b.tokenFor(as),
      fetch: (request) => b.fetch(request),
      retries: 0,
    });
  const flagsClient = (as: PrincipalKey) =>
    createPatientFlagsClient({
      baseUrl: `${b.baseUrl}/patient-flags-api/FHIR/R4`,
      getToken: () => b.tokenFor(as),
      fetch: (request) => b.fetch(request),
    });
  const check = (nhsNumber: string, accessContext: 'unscheduled' | 'scheduled') => ({
    nhsNumber,
    nhsNumberVerified: true as const,
    accessContext,
    reason: {
      code:
        accessContext === 'unscheduled'
          ? ('unscheduled-attendance' as const)
          : ('clinical-review' as const),
    },
  });
  const feed = async () =>
    (
      await b.call('GET', `/v1/authorities/${TOWER_HAMLETS}/notifications`, {
        as: 'towerHamletsSocialWorker',
      })
    ).json<Feed>().items;

  it("the SDK's FHIR client: an unscheduled CareTeam search shows in the LA inbox, with no reason given", async () => {
    const result = await fhirClient('edNurse').checks.create(check(LOOKED_AFTER, 'unscheduled'));
    expect(result).toMatchObject({
      answeredBy: 'nhs-cpis-fhir',
      outcome: 'record-found',
      notificationsKnown: false,
      notifiedAuthorities: [],
    });
    expect(result.plans.map((p) => [p.planId, p.type, p.responsibleAuthority.odsCode])).toEqual([
      ['TH-LAC-0042', 'LAC', TOWER_HAMLETS],
    ]);
    // The history the client fetched with the include, newest first: this access, from the
    // nurse's setting, before the persona's earlier ones.
    expect(result.accessHistory[0]).toEqual({
      accessedAt: [...result.accessHistory.map((e) => e.accessedAt)].sort().reverse()[0],
      setting: { odsCode: 'RQXM1', name: 'Homerton Emergency Department' },
      userRole: 'Emergency department nurse',
    });
    expect(result.accessHistory.length).toBeGreaterThan(1);
    const items = await feed();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      nhsNumber: LOOKED_AFTER,
      planIds: ['TH-LAC-0042'],
      reason: null,
    });
  });

  it('the 24-hour collapse holds through the FHIR API, and the LA is told again after it', async () => {
    const client = fhirClient('edNurse');
    await client.checks.create(check(LOOKED_AFTER, 'unscheduled'));
    b.advance(DAY - 60_000);
    await client.checks.create(check(LOOKED_AFTER, 'unscheduled'));
    expect(await feed()).toHaveLength(1);
    b.advance(61_000);
    await client.checks.create(check(LOOKED_AFTER, 'unscheduled'));
    expect(await feed()).toHaveLength(2);
  });

  it('a scheduled CareTeam search (B0170) answers the plans and is silent', async () => {
    const result = await fhirClient('gp').checks.create(check(LOOKED_AFTER, 'scheduled'));
    expect(result).toMatchObject({ outcome: 'record-found', notificationsKnown: true });
    expect(await feed()).toEqual([]);
  });

  it('an omitted IsUnscheduledAccessEvent is taken as unscheduled: the LA is told', async () => {
    const token = await b.tokenFor('edNurse');
    const answer = await b.call(
      'GET',
      `/cpis/FHIR/R4/CareTeam?patient:identifier=${encodeURIComponent(`https://fhir.nhs.uk/Id/nhs-number|${LOOKED_AFTER}`)}`,
      { as: { token } },
    );
    expect(answer.status).toBe(200);
    expect(answer.header('content-type')).toMatch(/^application\/fhir\+json/);
    expect(await feed()).toHaveLength(1);
  });

  it("the SDK's FHIR client meets 403 ACCESS_DENIED for a scheduled check by a B0107 user, and nothing is told", async () => {
    const failure = await fhirClient('edNurse')
      .checks.create(check(LOOKED_AFTER, 'scheduled'))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CpisFhirError);
    expect(failure).toMatchObject({ status: 403, spineCode: 'ACCESS_DENIED' });
    expect(await feed()).toEqual([]);
  });

  it('an invalid NHS number is 400 INVALID_SEARCH_DATA, a bad header 400 PRECONDITION_FAILED, both OperationOutcomes', async () => {
    const token = await b.tokenFor('edNurse');
    const search = (nhs: string, headers: Record<string, string>) =>
      b.call(
        'GET',
        `/cpis/FHIR/R4/CareTeam?patient:identifier=${encodeURIComponent(`https://fhir.nhs.uk/Id/nhs-number|${nhs}`)}`,
        { as: { token }, headers },
      );
    const code = (a: { json<T>(): T }) =>
      a.json<{ issue: { details: { coding: { code: string }[] } }[] }>().issue[0]?.details.coding[0]
        ?.code;
    const invalid = await search('9990002747', { IsUnscheduledAccessEvent: 'true' });
    expect([invalid.status, code(invalid)]).toEqual([400, 'INVALID_SEARCH_DATA']);
    const header = await search(LOOKED_AFTER, { IsUnscheduledAccessEvent: 'maybe' });
    expect([header.status, code(header)]).toEqual([400, 'PRECONDITION_FAILED']);
    expect(await feed()).toEqual([]);
  });

  it('TraceID is the request id: echoed as TraceID and X-Request-ID', async () => {
    const traceId = '0b7b2f4e-7d8a-4f7e-9b3e-2a3c1d5e6f70';
    const answer = await b.call('GET', '/cpis/FHIR/R4/metadata', { headers: { TraceID: traceId } });
    expect([answer.status, answer.header('traceid'), answer.header('x-request-id')]).toEqual([
      200,
      traceId,
      traceId,
    ]);
  });

  it("the SDK's Patient Flags client reads the plans silently", async () => {
    const result = await flagsClient('gp').checks.create(check(LOOKED_AFTER, 'scheduled'));
    expect(result).toMatchObject({ answeredBy: 'nhs-patient-flags', outcome: 'record-found' });
    expect(result.plans.map((p) => [p.planId, p.type])).toEqual([['TH-LAC-0042', 'LAC']]);
    expect(await feed()).toEqual([]);
  });

  it("the SDK's Patient Flags client meets 403 ACCESS_DENIED for a B0107-only user", async () => {
    const failure = await flagsClient('edNurse')
      .checks.create(check(LOOKED_AFTER, 'scheduled'))
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 403, spineCode: 'ACCESS_DENIED' });
  });

  it('two authorities holding a plan of the same id for one person: each plan keeps its own authority and phones, through both APIs', async () => {
    const nhsNumber = personas.noRecord.nhsNumber;
    const plan = { nhsNumber, type: 'CPP', startDate: '2025-01-15' };
    for (const [ods, as] of [
      [TOWER_HAMLETS, 'towerHamletsSocialWorker'],
      ['373', 'sheffieldSocialWorker'],
    ] as const) {
      const put = await b.call('PUT', `/v1/authorities/${ods}/plans/SAME_ID-1`, { as, body: plan });
      expect(put.status).toBe(201);
    }
    const expected = [
      ['London Borough of Tower Hamlets', TOWER_HAMLETS],
      ['Sheffield City Council', '373'],
    ];
    const authorityOf = (result: {
      plans: { responsibleAuthority: { name: string; odsCode?: string } }[];
    }) =>
      result.plans.map((p) => [p.responsibleAuthority.name, p.responsibleAuthority.odsCode]).sort();
    const fhir = await fhirClient('gp').checks.create(check(nhsNumber, 'scheduled'));
    expect(authorityOf(fhir)).toEqual(expected);
    const flags = await flagsClient('gp').checks.create(check(nhsNumber, 'scheduled'));
    expect(authorityOf(flags)).toEqual(expected);
    expect(new Set(flags.plans.map((p) => p.planId)).size).toBe(2);
  });

  it('no record through either API is no-record, never a failure', async () => {
    const nhs = personas.noRecord.nhsNumber;
    expect((await fhirClient('edNurse').checks.create(check(nhs, 'unscheduled'))).outcome).toBe(
      'no-record',
    );
    expect((await flagsClient('gp').checks.create(check(nhs, 'scheduled'))).outcome).toBe(
      'no-record',
    );
  });
}

forEachEngine((engine) => {
  describe(`FHIR conformance: the reference server on ${engine.name}`, () =>
    fhirConformance(serverBackend));
});

describe('FHIR conformance: the mock', () => fhirConformance(mockBackend));
