/**
 * quality.md, "authorisation matrix": every operation × {no token, expired, bad signature,
 * `alg: none`, wrong audience, B0107 clinician, B0170 clinician, clinician with no
 * activity, own LA, other LA} → exactly the designed status; no other LA's data ever
 * returned.
 *
 * The table is read from the contract (`x-cpis-access`) and proved, in one place, against
 * BOTH the reference server (real HTTP on 127.0.0.1, tokens signed with its development
 * secret) and the mock (`createCpisMockService` + `createMockFetch`, tokens from its own
 * `tokenFor`, flaws included) — each side's tokens made by its own means. Every answer, the
 * mock's too, is checked against the contract. Every 200 of a local-authority read (an
 * authority, its plans, its notification feed and stream, replayed from the start) is
 * searched for any other authority's plan ids, NHS numbers, names and ODS codes.
 */
import { PRINCIPAL_KINDS, type PrincipalKind } from '@cpis/domain';
import { createCpisMockService, createMockFetch, type TokenFlaw } from '@cpis/mock';
import { authorities, personas, syntheticPopulation } from '@cpis/mock/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract, operationIndex } from '@cpis/server/testing';
import {
  assertContract,
  canonicalCdsFeedbackBody,
  canonicalCdsHookBody,
  issuedTokens,
} from '@cpis/server/testing';
import { itWroteNoPersonalData, suiteLog } from './support/logs.ts';
import {
  clinician,
  nhsNumbers,
  socialWorker,
  startServer,
  type Claims,
  type ReliabilityServer,
} from './support/server.ts';

const log = suiteLog('authorisation-matrix');
const OWN_LA = '211';
const OTHER_LA = '373';
const HEALTH_SETTING = { odsCode: 'RMATRIX', name: 'Matrix Hospital' };
const [OWN_PLAN_NHS] = nhsNumbers(600_000, 1) as [string];

const contract = loadContract();
const operations = [...operationIndex(contract.document).values()].filter(
  (o) => o.operation['x-cpis-access'] !== undefined,
);
const rows = operations.flatMap((o) =>
  (o.operation['x-cpis-access'] ?? []).flatMap((c) =>
    PRINCIPAL_KINDS.map((kind) => ({
      operationId: o.operationId,
      accessCase: c.case,
      kind,
      status: c.statuses[kind] as number,
    })),
  ),
);

/** What no answer about the own LA may hold: every other authority's plans, people and names. */
const population = syntheticPopulation();
const ownNumbers = new Set(
  population.plans.filter((p) => p.authority === OWN_LA).map((p) => p.nhsNumber),
);
const foreign = [
  ...population.plans
    .filter((p) => p.authority !== OWN_LA)
    .flatMap((p) => [p.planId, ...(ownNumbers.has(p.nhsNumber) ? [] : [p.nhsNumber])]),
  ...Object.values(authorities)
    .filter((a) => a.odsCode !== OWN_LA)
    .flatMap((a) => [a.name, a.officeHoursPhone, a.emergencyDutyPhone]),
];
const foreignOds = Object.values(authorities)
  .map((a) => a.odsCode)
  .filter((o) => o !== OWN_LA);

const claimsOf: Record<'b0107' | 'b0170' | 'none' | 'own' | 'other', Claims> = {
  b0107: clinician('matrix-b0107', ['B0107'], HEALTH_SETTING),
  b0170: clinician('matrix-b0170', ['B0170'], HEALTH_SETTING),
  none: clinician('matrix-none', [], HEALTH_SETTING),
  own: socialWorker(OWN_LA),
  other: socialWorker(OTHER_LA),
};

interface Answer {
  status: number;
  text: string;
}

/** One implementation of the contract, as the matrix talks to it. */
interface Side {
  name: 'server' | 'mock';
  headers: Record<PrincipalKind, Record<string, string>>;
  checkId: string;
  call(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<Answer>;
}

let server: ReliabilityServer;
const sides = {} as Record<'server' | 'mock', Side>;
const tally = { server: 0, mock: 0, leakChecked: 0 };

/** A request; a stream is read for a moment (its backlog) and then abandoned. */
async function exchange(
  doFetch: typeof fetch,
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer> {
  const controller = new AbortController();
  const response = await doFetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: controller.signal,
  });
  const streaming = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
  let text = '';
  if (streaming) {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const until = Date.now() + 400;
    for (;;) {
      const left = until - Date.now();
      if (left <= 0) break;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<null>((r) => setTimeout(() => r(null), left)),
      ]);
      if (chunk === null || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
  } else {
    text = await response.text();
  }
  assertContract({
    method,
    url: path,
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: streaming ? '' : text,
  });
  return { status: response.status, text };
}

const base64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  // The server: tokens signed as its development mode signs them.
  server = await startServer(log);
  const base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  const now = server.clock.now();
  const b0107 = claimsOf.b0107;
  const exp = Math.floor(now.getTime() / 1000) + 3600;
  const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...b0107, iss: 'urn:cpis:dev', aud: 'urn:cpis:api', exp })}.`;
  issuedTokens.add(unsigned);
  log.secret(unsigned);
  const serverTokens: Record<PrincipalKind, string | null> = {
    none: null,
    // The refused tokens carry a B0107 clinician's claims: one wrongly accepted shows as 201.
    expired: await server.token(b0107, { expiresInSeconds: -3600 }),
    'bad-signature': await server.token(b0107, {
      secret: 'another-secret-that-is-long-enough-0123456789',
    }),
    'alg-none': unsigned,
    'wrong-audience': await server.token(b0107, { audience: 'urn:another:api' }),
    'clinician-b0107': await server.token(b0107),
    'clinician-b0170': await server.token(claimsOf.b0170),
    'clinician-no-activity': await server.token(claimsOf.none),
    'own-la': await server.token(claimsOf.own),
    'other-la': await server.token(claimsOf.other),
  };
  const serverSide: Side = {
    name: 'server',
    headers: headersFrom(serverTokens),
    checkId: '',
    call: (method, path, headers, body) => exchange(fetch, base, method, path, headers, body),
  };

  // The mock: its own tokens, its own flaws.
  const mock = createCpisMockService({ now: server.clock.now });
  const mockFetch = createMockFetch(mock.handlers);
  const asMock = (claims: Claims, flaw?: TokenFlaw) =>
    mock.tokenFor(
      { ...(claims as Required<Claims>), activities: claims.activities ?? [] },
      flaw === undefined ? {} : { flaw },
    );
  const mockTokens: Record<PrincipalKind, string | null> = {
    none: null,
    expired: await asMock(b0107, 'expired'),
    'bad-signature': await asMock(b0107, 'bad-signature'),
    'alg-none': await asMock(b0107, 'alg-none'),
    'wrong-audience': await asMock(b0107, 'wrong-audience'),
    'clinician-b0107': await asMock(b0107),
    'clinician-b0170': await asMock(claimsOf.b0170),
    'clinician-no-activity': await asMock(claimsOf.none),
    'own-la': await asMock(claimsOf.own),
    'other-la': await asMock(claimsOf.other),
  };
  for (const token of Object.values(mockTokens)) if (token !== null) log.secret(token);
  const mockSide: Side = {
    name: 'mock',
    headers: headersFrom(mockTokens),
    checkId: '',
    call: (method, path, headers, body) =>
      exchange(mockFetch, mock.baseUrl, method, path, headers, body),
  };

  // The same state on both: the own LA has a plan of its own; checks notify the own LA and
  // others, so every LA feed has something that must not leak.
  for (const side of [serverSide, mockSide]) {
    const own = side.headers['own-la'];
    const b = side.headers['clinician-b0107'];
    expect(
      (await side.call('PUT', `/v1/authorities/${OWN_LA}/plans/OWN-1`, own, planBody)).status,
    ).toBe(201);
    for (const persona of [
      personas.lookedAfterOutOfArea,
      personas.activeChildProtectionPlan,
      personas.plansFromTwoAuthorities,
      personas.pregnantWithUnbornPlan,
    ]) {
      const made = await side.call(
        'POST',
        '/v1/checks',
        b,
        checkBody('unscheduled', persona.nhsNumber),
      );
      expect(made.status).toBe(201);
    }
    const made = await side.call('POST', '/v1/checks', b, checkBody('unscheduled', OWN_PLAN_NHS));
    side.checkId = (JSON.parse(made.text) as { checkId: string }).checkId;
  }
  sides.server = serverSide;
  sides.mock = mockSide;
});
afterAll(async () => {
  await server?.close();
  console.log(
    `authorisation matrix: ${rows.length} operation × principal cells (${operations.length} operations, ${PRINCIPAL_KINDS.length} principals), ` +
      `${tally.server} requests to the server, ${tally.mock} to the mock, ${tally.leakChecked} LA-side 200s searched for other authorities' data`,
  );
});

function headersFrom(
  tokens: Record<PrincipalKind, string | null>,
): Record<PrincipalKind, Record<string, string>> {
  const headers = {} as Record<PrincipalKind, Record<string, string>>;
  for (const kind of PRINCIPAL_KINDS) {
    const token = tokens[kind];
    headers[kind] = token === null ? {} : { authorization: `Bearer ${token}` };
  }
  return headers;
}

const planBody = { nhsNumber: OWN_PLAN_NHS, type: 'CPP', startDate: '2025-01-15' };
const authorityBody = {
  name: 'London Borough of Tower Hamlets',
  officeHoursPhone: '020 7946 0211',
  emergencyDutyPhone: '020 7946 0876',
};
const checkBody = (accessContext: string, nhsNumber = personas.noRecord.nhsNumber) => ({
  nhsNumber,
  nhsNumberVerified: true,
  accessContext,
  reason: { code: accessContext === 'unscheduled' ? 'unscheduled-attendance' : 'clinical-review' },
});

const fhirPatient = `patient:identifier=${encodeURIComponent(
  `https://fhir.nhs.uk/Id/nhs-number|${personas.noRecord.nhsNumber}`,
)}`;
let deleted = 0;
/** The canonical valid request of each operation, on one side, for one principal. */
async function canonical(
  side: Side,
  operationId: string,
  accessCase: string,
  headers: Record<string, string>,
): Promise<Answer> {
  const la = `/v1/authorities/${OWN_LA}`;
  switch (operationId) {
    case 'createCheck':
      return side.call('POST', '/v1/checks', headers, checkBody(accessCase));
    case 'getCheck':
      return side.call('GET', `/v1/checks/${side.checkId}`, headers);
    case 'getAuthority':
      return side.call('GET', la, headers);
    case 'putAuthority':
      return side.call('PUT', la, headers, authorityBody);
    case 'listPlans':
      return side.call('GET', `${la}/plans?limit=500`, headers);
    case 'batchPlans':
      return side.call('POST', `${la}/plans/batch`, headers, [{ planId: 'OWN-B', ...planBody }]);
    case 'putPlan':
      return side.call('PUT', `${la}/plans/OWN-1`, headers, planBody);
    case 'deletePlan': {
      // A fresh plan each time, so only the principal under test decides the answer.
      const planId = `OWN-DEL-${deleted++}`;
      expect(
        (await side.call('PUT', `${la}/plans/${planId}`, side.headers['own-la'], planBody)).status,
      ).toBe(201);
      return side.call('DELETE', `${la}/plans/${planId}`, headers);
    }
    case 'listNotifications':
      return side.call('GET', `${la}/notifications?limit=500`, headers);
    case 'streamNotifications':
      // From the start, so a 200 has the whole backlog to search for other LAs' data.
      return side.call('GET', `${la}/notifications/stream?after=0`, headers);
    case 'getHealth':
      return side.call('GET', '/v1/health', headers);
    // NHS England's CP-IS FHIR API and Patient Flags API (the FHIR surface).
    case 'searchCareTeam':
      return side.call('GET', `/cpis/FHIR/R4/CareTeam?${fhirPatient}`, {
        ...headers,
        IsUnscheduledAccessEvent: String(accessCase === 'unscheduled'),
      });
    case 'searchAuditEvent':
      return side.call(
        'GET',
        `/cpis/FHIR/R4/AuditEvent?${fhirPatient}&_include=AuditEvent:agent`,
        headers,
      );
    case 'searchPatientFlag':
      return side.call(
        'GET',
        `/patient-flags-api/FHIR/R4/PatientFlag?patient=${personas.noRecord.nhsNumber}&code=child-protection-information-system-flag`,
        { ...headers, IsUnscheduledAccessEvent: 'false' },
      );
    // CDS Hooks: a /v1 token is never an EHR's JWT, whoever holds it.
    case 'cdsDiscovery':
      return side.call('GET', '/cds-services', headers);
    case 'cdsHookCall':
      return side.call('POST', '/cds-services/cpis-encounter-start', headers, canonicalCdsHookBody);
    case 'cdsFeedback':
      return side.call(
        'POST',
        '/cds-services/cpis-encounter-start/feedback',
        headers,
        canonicalCdsFeedbackBody,
      );
    default:
      throw new Error(`No canonical request for ${operationId}: add one`);
  }
}

const LA_READS = new Set(['getAuthority', 'listPlans', 'listNotifications', 'streamNotifications']);

/** Fails when an answer about the own LA holds anything of another LA's. */
function expectNoOtherLaData(operationId: string, text: string): void {
  const found = foreign.filter((value) => text.includes(value));
  expect(found, `${operationId} leaked another authority's data`).toEqual([]);
  if (operationId === 'getAuthority') {
    expect((JSON.parse(text) as { odsCode: string }).odsCode).toBe(OWN_LA);
  }
  if (operationId === 'listPlans') {
    const { items } = JSON.parse(text) as { items: { planId: string }[] };
    const ownPlanIds = new Set([
      ...population.plans.filter((p) => p.authority === OWN_LA).map((p) => p.planId),
    ]);
    for (const item of items)
      expect(ownPlanIds.has(item.planId) || item.planId.startsWith('OWN-'), item.planId).toBe(true);
  }
  if (operationId === 'listNotifications' || operationId === 'streamNotifications') {
    const notifications =
      operationId === 'listNotifications'
        ? (JSON.parse(text) as { items: { planIds: string[] }[] }).items
        : text
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => JSON.parse(l.slice(6)) as { planIds: string[] });
    expect(
      notifications.length,
      `${operationId} should have notifications to search`,
    ).toBeGreaterThan(0);
    for (const n of notifications) {
      for (const planId of n.planIds)
        expect(foreign, `${operationId}: plan ${planId}`).not.toContain(planId);
    }
  }
  for (const ods of foreignOds)
    expect(text, `${operationId} names ${ods}`).not.toMatch(new RegExp(`"odsCode":"${ods}"`));
  tally.leakChecked++;
}

describe('x-cpis-access: every operation × principal, on the server and the mock', () => {
  it('the contract has a row for every authenticated operation and a status for each of the ten principals', () => {
    const authenticated = [...operationIndex(contract.document).values()].filter(
      (o) => o.authenticated,
    );
    for (const o of authenticated)
      expect(o.operation['x-cpis-access'], o.operationId).toBeDefined();
    for (const row of rows)
      expect(row.status, `${row.operationId}/${row.accessCase}/${row.kind}`).toBeTypeOf('number');
    expect(PRINCIPAL_KINDS).toHaveLength(10);
  });

  for (const sideName of ['server', 'mock'] as const) {
    it.each(rows)(
      `${sideName}: $operationId ($accessCase) as $kind → $status`,
      async ({ operationId, accessCase, kind, status }) => {
        const side = sides[sideName];
        const answer = await canonical(side, operationId, accessCase, side.headers[kind]);
        tally[sideName]++;
        expect(answer.status, answer.text.slice(0, 300)).toBe(status);
        if (answer.status === 200 && LA_READS.has(operationId)) {
          expectNoOtherLaData(operationId, answer.text);
        }
      },
    );
  }

  it('the server and the mock answered every cell alike', () => {
    expect(tally.server).toBe(rows.length);
    expect(tally.mock).toBe(rows.length);
  });
});

itWroteNoPersonalData(log);
