/**
 * The contract's operation × principal table (`x-cpis-access`), proved against the server
 * over real HTTP: for each operation, each case and each of the ten principals, the
 * canonical valid request gets exactly the status the contract lists.
 */
import {
  expectedStatus,
  OPERATION_IDS,
  PRINCIPAL_KINDS,
  type OperationId,
  type PrincipalKind,
} from '@cpis/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract, operationIndex } from './contract.js';
import type { TokenClaims } from './auth.js';
import {
  assertContract,
  createTestServer,
  issuedTokens,
  itLogsNoPersonalData,
  signToken,
  type TestServer,
} from './testing/harness.js';
import { canonicalCdsFeedbackBody, canonicalCdsHookBody } from './testing/cds-hooks.js';
import { forEachEngine } from './testing/engines.js';

const OWN_LA = 'OWNLA';
const HEALTH_ORG = 'RHEALTH';

const contract = loadContract();
const operations = [...operationIndex(contract.document).values()].filter(
  (o) => o.operation['x-cpis-access'] !== undefined,
);

type Claims = Partial<TokenClaims> & Pick<TokenClaims, 'sub'>;
const clinician = (activities: string[], sub: string): Claims => ({
  sub,
  name: 'Matrix Clinician',
  role: 'Emergency department nurse',
  orgType: 'health',
  odsCode: HEALTH_ORG,
  orgName: 'Matrix Hospital',
  activities,
});
const localAuthority = (odsCode: string): Claims => ({
  sub: `la-${odsCode}`,
  name: 'Matrix Social Worker',
  role: 'Social worker',
  orgType: 'local-authority',
  odsCode,
  orgName: `${odsCode} Council`,
  activities: [],
});

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let s: TestServer;
let baseUrl: string;
const headersFor = {} as Record<PrincipalKind, Record<string, string>>;
let checkId = '';
let deleted = 0;

// The same suite on each engine (SQLite, and PostgreSQL when it is reachable).
forEachEngine(() => {
  beforeAll(async () => {
    s = await createTestServer();
    baseUrl = await s.app.listen({ port: 0, host: '127.0.0.1' });
    const now = s.clock.now();
    // The tokens that must not authenticate carry a B0107 clinician's claims, so that a
    // token wrongly accepted would show as a 201, not hide behind a 403.
    const b0107 = clinician(['B0107'], 'matrix-b0107');
    const exp = Math.floor(now.getTime() / 1000) + 3600;
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...b0107, iss: 'urn:cpis:dev', aud: 'urn:cpis:api', exp })}.`;
    issuedTokens.add(unsigned);
    const tokens: Record<PrincipalKind, string | null> = {
      none: null,
      expired: await signToken(b0107, now, { expiresInSeconds: -3600 }),
      'bad-signature': await signToken(b0107, now, {
        secret: 'another-secret-that-is-long-enough-0123456789',
      }),
      'alg-none': unsigned,
      'wrong-audience': await signToken(b0107, now, { audience: 'urn:another:api' }),
      'clinician-b0107': await signToken(b0107, now),
      'clinician-b0170': await signToken(clinician(['B0170'], 'matrix-b0170'), now),
      'clinician-no-activity': await signToken(clinician([], 'matrix-none'), now),
      'own-la': await signToken(localAuthority(OWN_LA), now),
      'other-la': await signToken(localAuthority('OTHERLA'), now),
    };
    for (const kind of PRINCIPAL_KINDS) {
      const token = tokens[kind];
      headersFor[kind] = token === null ? {} : { authorization: `Bearer ${token}` };
    }

    // The state every canonical request needs: the LA with phones, a plan, a check by the
    // clinicians' organisation.
    const own = headersFor['own-la'];
    expect((await call('PUT', `/v1/authorities/${OWN_LA}`, own, authorityBody)).status).toBe(201);
    expect((await call('PUT', `/v1/authorities/${OWN_LA}/plans/OWN-1`, own, planBody)).status).toBe(
      201,
    );
    const made = await call(
      'POST',
      '/v1/checks',
      headersFor['clinician-b0107'],
      checkBody('unscheduled'),
    );
    checkId = ((await made.json()) as { checkId: string }).checkId;
  });
  afterAll(async () => {
    await s.close();
  });

  const authorityBody = {
    name: 'Own Authority',
    officeHoursPhone: '020 7946 0500',
    emergencyDutyPhone: '020 7946 0501',
  };
  const planBody = { nhsNumber: '9990001375', type: 'CPP', startDate: '2025-01-15' };
  const fhirPatient = `patient:identifier=${encodeURIComponent('https://fhir.nhs.uk/Id/nhs-number|9990009597')}`;
  const checkBody = (accessContext: string) => ({
    nhsNumber: '9990009597',
    nhsNumberVerified: true,
    accessContext,
    reason: {
      code: accessContext === 'unscheduled' ? 'unscheduled-attendance' : 'clinical-review',
    },
  });

  async function call(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<Response> {
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
    const stream = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
    assertContract({
      method,
      url: path,
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: stream ? '' : await response.clone().text(),
    });
    if (stream) controller.abort();
    return response;
  }

  /** The canonical valid request of each operation, for one access case. */
  async function canonical(
    operationId: string,
    accessCase: string,
    headers: Record<string, string>,
  ): Promise<Response> {
    const la = `/v1/authorities/${OWN_LA}`;
    switch (operationId) {
      case 'createCheck':
        return call('POST', '/v1/checks', headers, checkBody(accessCase));
      case 'getCheck':
        return call('GET', `/v1/checks/${checkId}`, headers);
      case 'getAuthority':
        return call('GET', la, headers);
      case 'putAuthority':
        return call('PUT', la, headers, authorityBody);
      case 'listPlans':
        return call('GET', `${la}/plans`, headers);
      case 'batchPlans':
        return call('POST', `${la}/plans/batch`, headers, [{ planId: 'OWN-B', ...planBody }]);
      case 'putPlan':
        return call('PUT', `${la}/plans/OWN-1`, headers, planBody);
      case 'deletePlan': {
        // A fresh plan each time, so only the principal under test decides the answer.
        const planId = `OWN-DEL-${deleted++}`;
        await call('PUT', `${la}/plans/${planId}`, headersFor['own-la'], planBody);
        return call('DELETE', `${la}/plans/${planId}`, headers);
      }
      case 'listNotifications':
        return call('GET', `${la}/notifications`, headers);
      case 'streamNotifications':
        return call('GET', `${la}/notifications/stream`, headers);
      case 'getHealth':
        return call('GET', '/v1/health', headers);
      // NHS England's CP-IS FHIR API and Patient Flags API (the FHIR surface).
      case 'searchCareTeam':
        return call('GET', `/cpis/FHIR/R4/CareTeam?${fhirPatient}`, {
          ...headers,
          IsUnscheduledAccessEvent: String(accessCase === 'unscheduled'),
        });
      case 'searchAuditEvent':
        return call(
          'GET',
          `/cpis/FHIR/R4/AuditEvent?${fhirPatient}&_include=AuditEvent:agent`,
          headers,
        );
      case 'searchPatientFlag':
        return call(
          'GET',
          '/patient-flags-api/FHIR/R4/PatientFlag?patient=9990009597&code=child-protection-information-system-flag',
          { ...headers, IsUnscheduledAccessEvent: 'false' },
        );
      // CDS Hooks: a /v1 token is never an EHR's JWT, whoever holds it.
      case 'cdsDiscovery':
        return call('GET', '/cds-services', headers);
      case 'cdsHookCall':
        return call('POST', '/cds-services/cpis-encounter-start', headers, canonicalCdsHookBody);
      case 'cdsFeedback':
        return call(
          'POST',
          '/cds-services/cpis-encounter-start/feedback',
          headers,
          canonicalCdsFeedbackBody,
        );
      default:
        throw new Error(`No canonical request for ${operationId}: add one`);
    }
  }

  const rows = operations.flatMap((o) =>
    (o.operation['x-cpis-access'] ?? []).flatMap((c) =>
      PRINCIPAL_KINDS.map((kind) => ({
        operationId: o.operationId,
        accessCase: c.case,
        kind,
        status: c.statuses[kind],
      })),
    ),
  );

  describe('x-cpis-access: operation × principal', () => {
    it('covers every authenticated operation and all ten principals', () => {
      const authenticated = [...operationIndex(contract.document).values()].filter(
        (o) => o.authenticated,
      );
      for (const o of authenticated)
        expect(o.operation['x-cpis-access'], o.operationId).toBeDefined();
      for (const row of rows)
        expect(row.status, `${row.operationId}/${row.accessCase}/${row.kind}`).toBeTypeOf('number');
    });

    it.each(rows)(
      '$operationId ($accessCase) as $kind → $status',
      async ({ operationId, accessCase, kind, status }) => {
        const response = await canonical(operationId, accessCase, headersFor[kind]);
        expect(response.status).toBe(status);
      },
    );

    it('agrees with the rules in @cpis/domain (expectedStatus)', () => {
      for (const row of rows) {
        // The domain decides its own operations; health and CDS Hooks are not among them.
        if (!(OPERATION_IDS as readonly string[]).includes(row.operationId)) continue;
        const context = row.accessCase === 'scheduled' ? 'scheduled' : 'unscheduled';
        expect(
          expectedStatus(row.operationId as OperationId, row.kind, context),
          `${row.operationId}/${row.kind}`,
        ).toBe(row.status);
      }
    });
  });
});

itLogsNoPersonalData();
