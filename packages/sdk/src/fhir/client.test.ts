import { describe, expect, it, vi } from 'vitest';
import { assertCheckResult } from '../answer-guard.js';
import {
  CpisApiError,
  CpisContractError,
  CpisTimeoutError,
  CpisValidationError,
  isCpisApiError,
} from '../errors.js';
import { TOKEN, UUID, networkError, scriptedFetch, type Step } from '../fake-fetch.test-helper.js';
import { createCpisFhirClient, type CpisFhirClientOptions } from './client.js';
import { mapCareTeamSearch } from './care-team-search.js';
import {
  ASKED,
  EXAMPLE_NHS_NUMBER,
  cpisExample,
  fhirJson,
  forNhsNumber,
  operationOutcome,
  type Json,
} from './fhir-examples.test-helper.js';
import { CpisFhirError } from './operation-outcome.js';

const BASE = 'https://cpis.test/cpis/FHIR/R4';
const careTeamResult = cpisExample('CPIS-GetCareTeamResult-Example');
const careTeamNone = cpisExample('CPIS-GetCareTeamNoResults-Example');
const auditEventResult = cpisExample('CPIS-GetAuditEventResult-Example');
const accessDenied = cpisExample('CPIS-AccessDenied-Example');

const unscheduled = {
  nhsNumber: ASKED,
  nhsNumberVerified: true,
  accessContext: 'unscheduled',
  reason: { code: 'unscheduled-attendance' },
} as const;
const scheduled = {
  ...unscheduled,
  accessContext: 'scheduled',
  reason: { code: 'clinical-review' },
} as const;

function clientWith(steps: Step[], options: Partial<CpisFhirClientOptions> = {}) {
  const fetch = scriptedFetch(...steps);
  const client = createCpisFhirClient({ baseUrl: BASE, getToken: () => TOKEN, fetch, ...options });
  return { client, calls: fetch.calls };
}

/** The example's CareTeam with `changes`, in a searchset of one, for `ASKED`. */
function careTeamAnswer(changes: Json): Json {
  const bundle = forNhsNumber(careTeamResult) as { entry: { resource: Json }[] };
  const [entry] = bundle.entry;
  entry!.resource = { ...entry!.resource, ...changes };
  return bundle as unknown as Json;
}

async function refusal(answer: Json, request: typeof unscheduled | typeof scheduled = scheduled) {
  const { client } = clientWith([
    fhirJson(200, answer),
    fhirJson(200, forNhsNumber(auditEventResult)),
  ]);
  const error = await client.checks.create(request).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CpisContractError);
  return (error as CpisContractError).rule;
}

const SNOMED = 'http://snomed.info/sct';
const category = (code: string) => [{ coding: [{ system: SNOMED, code }] }];

describe('golden: NHS England published CP-IS examples', () => {
  it('the CareTeam and AuditEvent result examples map to a record-found CPP for the NHS number asked about, with the history', async () => {
    const { client } = clientWith([
      fhirJson(200, forNhsNumber(careTeamResult)),
      fhirJson(200, forNhsNumber(auditEventResult)),
    ]);
    const result = await client.checks.create(unscheduled);
    expect(result).toEqual({
      checkId: expect.stringMatching(UUID),
      nhsNumber: ASKED,
      checkedAt: expect.any(String),
      accessContext: 'unscheduled',
      outcome: 'record-found',
      plans: [
        {
          planId: 'b3982299-c9cc-4502-a8d5-16d984de735f',
          type: 'CPP',
          // The example has no status; its end date, 2023-09-26, has passed.
          status: 'ended',
          startDate: '2022-09-26',
          endDate: '2023-09-26',
          responsibleAuthority: {
            name: 'Islington Local Authority',
            officeHoursPhone: '0207527200',
            emergencyDutyPhone: '0734577777',
          },
        },
      ],
      accessHistory: [
        {
          accessedAt: '2023-09-07T17:36:41.000Z',
          setting: {
            name: 'THE WHITTINGTON HOSPITAL NHS TRUST - COMM. PAED. MEDICAL TEAM (RKEAA)',
          },
          userRole: 'Midwifery sister',
        },
      ],
      notifiedAuthorities: [],
      notificationsKnown: false,
      answeredBy: 'nhs-cpis-fhir',
    });
    expect(Date.parse(result.checkedAt)).not.toBeNaN();
  });

  it('the CareTeam no-results example (total 0) maps to no-record, and no history is asked for', async () => {
    const { client, calls } = clientWith([fhirJson(200, forNhsNumber(careTeamNone))]);
    const result = await client.checks.create(unscheduled);
    expect(result).toMatchObject({ outcome: 'no-record', plans: [], accessHistory: [] });
    expect(calls.map((c) => c.url.pathname)).toEqual(['/cpis/FHIR/R4/CareTeam']);
  });

  it("the examples' own NHS number 9912003890 fails Modulus 11, so it is never asked about: nothing is sent", async () => {
    const { client, calls } = clientWith([fhirJson(200, careTeamResult)]);
    const error = await client.checks
      .create({ ...unscheduled, nhsNumber: EXAMPLE_NHS_NUMBER })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CpisValidationError);
    expect(calls).toHaveLength(0);
  });

  it('the CareTeam result example as published, answering a check on a valid number, is refused as about another NHS number', async () => {
    expect(await refusal(careTeamResult)).toBe('a plan is about another NHS number');
  });

  it('the AuditEvent result example as published, in a check on a valid number, is refused as about another NHS number', async () => {
    const { client } = clientWith([
      fhirJson(200, forNhsNumber(careTeamResult)),
      fhirJson(200, auditEventResult),
    ]);
    const error = await client.checks.create(unscheduled).catch((e: unknown) => e);
    expect((error as CpisContractError).rule).toBe('an access is about another NHS number');
  });

  it('a result for the invalid number 9912003890 itself is refused by the answer guard, even where the mapping agrees', () => {
    const plans = mapCareTeamSearch(careTeamResult, EXAMPLE_NHS_NUMBER, '2026-01-01');
    expect(plans).toHaveLength(1);
    expect(() =>
      assertCheckResult({
        checkId: crypto.randomUUID(),
        nhsNumber: EXAMPLE_NHS_NUMBER,
        checkedAt: new Date().toISOString(),
        accessContext: 'scheduled',
        outcome: 'record-found',
        plans,
        accessHistory: [],
        notifiedAuthorities: [],
        answeredBy: 'nhs-cpis-fhir',
      }),
    ).toThrow(new CpisContractError('nhsNumber not valid'));
  });

  it('the AccessDenied example (403) is a CpisFhirError with ACCESS_DENIED, which a banner shows as forbidden', async () => {
    const { client } = clientWith([fhirJson(403, accessDenied)]);
    const error = await client.checks.create(unscheduled).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CpisFhirError);
    expect(error).toBeInstanceOf(CpisApiError);
    expect(isCpisApiError(error, 403)).toBe(true);
    expect(error).toMatchObject({ spineCode: 'ACCESS_DENIED', issueCode: 'forbidden' });
  });
});

describe('OperationOutcome to typed errors', () => {
  it.each([
    [400, 'INVALID_SEARCH_DATA', 'invalid'],
    [400, 'PRECONDITION_FAILED', 'invalid'],
    [403, 'ACCESS_DENIED', 'forbidden'],
  ])(
    '%i %s is a CpisFhirError with that code, status and the TraceID as requestId',
    async (status, code, issueCode) => {
      const { client, calls } = clientWith([fhirJson(status, operationOutcome(code, issueCode))]);
      const error = (await client.checks
        .create(scheduled)
        .catch((e: unknown) => e)) as CpisFhirError;
      expect(error).toBeInstanceOf(CpisFhirError);
      expect(error).toMatchObject({ status, spineCode: code, issueCode });
      expect(error.requestId).toBe(calls[0]?.headers.get('TraceID'));
      expect(error.message).toBe(`CP-IS answered ${status} (${code})`);
    },
  );

  it('an error message never carries the diagnostics text, which may name the patient', async () => {
    const outcome = operationOutcome(
      'INVALID_SEARCH_DATA',
      'invalid',
      `Invalid NHS number ${ASKED}`,
    );
    const { client } = clientWith([fhirJson(400, outcome)]);
    const error = (await client.checks.create(scheduled).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(ASKED);
    expect(error.message).not.toContain('Invalid');
  });

  it('a malformed OperationOutcome on a 403 is still a 403 CpisFhirError (forbidden), not a contract error', async () => {
    const { client } = clientWith([
      fhirJson(403, { resourceType: 'OperationOutcome', issue: { code: 'forbidden' } }),
    ]);
    const error = await client.checks.create(scheduled).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CpisFhirError);
    expect(isCpisApiError(error, 403)).toBe(true);
  });

  it('a 401 with no body and a 500 HTML page are CpisFhirErrors without a code, never a result', async () => {
    const html = new Response('<html>Bad gateway</html>', { status: 500 });
    for (const [answer, status] of [
      [new Response(null, { status: 401 }), 401],
      [html, 500],
    ] as const) {
      const { client } = clientWith([answer]);
      const error = await client.checks.create(scheduled).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CpisFhirError);
      expect(error).toMatchObject({ status, spineCode: undefined });
    }
  });
});

describe('mapping CareTeam', () => {
  it.each([
    ['342191000000101', 'CPP'],
    ['764841000000100', 'LAC'],
    ['818901000000100', 'UCPP'],
  ])('category SNOMED %s is a %s', async (code, type) => {
    const { client } = clientWith([
      fhirJson(200, careTeamAnswer({ category: category(code) })),
      fhirJson(200, forNhsNumber(auditEventResult)),
    ]);
    const result = await client.checks.create(scheduled);
    expect(result.plans[0]?.type).toBe(type);
    // NHS England gives no expected delivery date: a UCPP has none, and is still shown.
    expect(result.plans[0]?.expectedDeliveryDate).toBeUndefined();
  });

  it('a category it does not know is refused, never read as no record', async () => {
    expect(await refusal(careTeamAnswer({ category: category('224353004') }))).toBe(
      'a plan has an unknown category',
    );
    expect(await refusal(careTeamAnswer({ category: undefined }))).toBe(
      'a plan has an unknown category',
    );
  });

  it('two different plan categories on one CareTeam are refused', async () => {
    const both = [
      {
        coding: [
          { system: SNOMED, code: '342191000000101' },
          { system: SNOMED, code: '764841000000100' },
        ],
      },
    ];
    expect(await refusal(careTeamAnswer({ category: both }))).toBe(
      'a plan has more than one category',
    );
  });

  it.each([
    ['the emergency duty (mobile) number', 'work'],
    ['the office-hours (work) number', 'mobile'],
  ])('a plan without %s is refused', async (_name, kept) => {
    const telecom = [{ system: 'phone', value: '0207527200', use: kept }];
    expect(await refusal(careTeamAnswer({ telecom }))).toBe('a plan has no phone number to call');
  });

  it('a plan with no authority name is refused', async () => {
    expect(await refusal(careTeamAnswer({ name: undefined }))).toBe(
      'a plan has no responsible authority',
    );
  });

  it('a CareTeam about another NHS number, or about no one by NHS number, is refused', async () => {
    const other = {
      identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' },
    };
    expect(await refusal(careTeamAnswer({ subject: other }))).toBe(
      'a plan is about another NHS number',
    );
    expect(await refusal(careTeamAnswer({ subject: { reference: 'Patient/1' } }))).toBe(
      'a plan does not say whom it is about',
    );
  });

  it('a Bundle whose total disagrees with its CareTeams is refused, never read as no record', async () => {
    expect(await refusal({ ...careTeamAnswer({}), total: 0 })).toBe(
      'the Bundle total does not agree with its entries',
    );
    expect(await refusal({ ...forNhsNumber(careTeamNone), total: 1 })).toBe(
      'the Bundle total does not agree with its entries',
    );
    expect(await refusal({ ...forNhsNumber(careTeamNone), total: undefined })).toBe(
      'the Bundle has no total',
    );
  });

  it('a 200 that is not a searchset Bundle (an OperationOutcome, HTML) is refused', async () => {
    expect(await refusal(accessDenied)).toBe('the answer is not a searchset Bundle');
    const { client } = clientWith([new Response('<html></html>', { status: 200 })]);
    await expect(client.checks.create(scheduled)).rejects.toThrow(
      new CpisContractError('the answer is not JSON'),
    );
  });

  it('status: active stays active, inactive is ended, entered-in-error is refused; with none, an end date still to come is active', async () => {
    const statusOf = async (changes: Json) => {
      const { client } = clientWith([
        fhirJson(200, careTeamAnswer(changes)),
        fhirJson(200, forNhsNumber(auditEventResult)),
      ]);
      return (await client.checks.create(scheduled)).plans[0]?.status;
    };
    expect(await statusOf({ status: 'active' })).toBe('active');
    expect(await statusOf({ status: 'inactive', period: { start: '2022-09-26' } })).toBe('ended');
    expect(await statusOf({ period: { start: '2022-09-26', end: '2999-01-01' } })).toBe('active');
    expect(await statusOf({ period: { start: '2022-09-26' } })).toBe('active');
    expect(await refusal(careTeamAnswer({ status: 'entered-in-error' }))).toBe(
      'a plan has an unknown status',
    );
  });

  it('a plan with no start date is refused', async () => {
    expect(await refusal(careTeamAnswer({ period: { end: '2023-09-26' } }))).toBe(
      'a plan has no startDate',
    );
  });
});

describe('mapping AuditEvent', () => {
  it('an access whose PractitionerRole is not included is refused', async () => {
    const audit = forNhsNumber(auditEventResult) as { entry: unknown[] };
    const { client } = clientWith([
      fhirJson(200, forNhsNumber(careTeamResult)),
      fhirJson(200, { ...audit, entry: audit.entry.slice(0, 1) }),
    ]);
    await expect(client.checks.create(scheduled)).rejects.toThrow(
      new CpisContractError('an access names no PractitionerRole in the answer'),
    );
  });

  it('the history is newest first and at most 25 entries', async () => {
    const audit = forNhsNumber(auditEventResult) as { entry: { resource: Json }[] };
    const [event, role] = audit.entry;
    const events = Array.from({ length: 30 }, (_, i) => ({
      ...event,
      resource: {
        ...event!.resource,
        id: `e${i}`,
        recorded: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
      },
    }));
    const { client } = clientWith([
      fhirJson(200, forNhsNumber(careTeamResult)),
      fhirJson(200, { ...audit, total: 30, entry: [...events, role] }),
    ]);
    const { accessHistory } = await client.checks.create(scheduled);
    expect(accessHistory).toHaveLength(25);
    expect(accessHistory[0]?.accessedAt).toBe('2025-01-30T00:00:00.000Z');
    expect(accessHistory[24]?.accessedAt).toBe('2025-01-06T00:00:00.000Z');
  });
});

describe('requests, headers and retries', () => {
  it('every request carries the bearer token, one TraceID and IsUnscheduledAccessEvent: true for an unscheduled check', async () => {
    const { client, calls } = clientWith([
      fhirJson(200, forNhsNumber(careTeamResult)),
      fhirJson(200, forNhsNumber(auditEventResult)),
    ]);
    const result = await client.checks.create(unscheduled);
    expect(calls).toHaveLength(2);
    const patient = `https://fhir.nhs.uk/Id/nhs-number|${ASKED}`;
    expect(calls[0]?.url.pathname).toBe('/cpis/FHIR/R4/CareTeam');
    expect([...calls[0]!.url.searchParams]).toEqual([['patient:identifier', patient]]);
    expect(calls[1]?.url.pathname).toBe('/cpis/FHIR/R4/AuditEvent');
    expect([...calls[1]!.url.searchParams]).toEqual([
      ['patient:identifier', patient],
      ['_include', 'AuditEvent:agent'],
    ]);
    for (const call of calls) {
      expect(call.method).toBe('GET');
      expect(call.headers.get('Authorization')).toBe(`Bearer ${TOKEN}`);
      expect(call.headers.get('IsUnscheduledAccessEvent')).toBe('true');
      expect(call.headers.get('TraceID')).toBe(result.checkId);
      expect(call.headers.get('Accept')).toBe('application/fhir+json');
    }
    expect(result.checkId).toMatch(UUID);
  });

  it('a scheduled check sends IsUnscheduledAccessEvent: false on every request, and says that no one was told', async () => {
    const { client, calls } = clientWith([
      fhirJson(200, forNhsNumber(careTeamResult)),
      fhirJson(200, forNhsNumber(auditEventResult)),
    ]);
    const result = await client.checks.create(scheduled);
    expect(calls.map((c) => c.headers.get('IsUnscheduledAccessEvent'))).toEqual(['false', 'false']);
    expect(result).toMatchObject({ notificationsKnown: true, notifiedAuthorities: [] });
  });

  it("the TraceID is the banner's idempotency key when that is a UUID, on every request and retry", async () => {
    const key = crypto.randomUUID();
    const { client, calls } = clientWith([
      fhirJson(503, {}),
      fhirJson(200, forNhsNumber(careTeamResult)),
      fhirJson(503, {}),
      fhirJson(200, forNhsNumber(auditEventResult)),
    ]);
    const result = await client.checks.create(scheduled, { idempotencyKey: key });
    expect(calls.map((c) => c.headers.get('TraceID'))).toEqual([key, key, key, key]);
    expect(result.checkId).toBe(key);
  });

  it.each([
    ['a network failure', [networkError()] as Step[]],
    ['a 503', [fhirJson(503, {})] as Step[]],
    ['a 429', [fhirJson(429, {})] as Step[]],
    ['an attempt that times out', ['hang'] as Step[]],
  ])(
    'an unscheduled CareTeam search (it notifies) is sent once: after %s it is not retried',
    async (_name, first) => {
      const { client, calls } = clientWith([...first, fhirJson(200, forNhsNumber(careTeamNone))], {
        timeoutMs: 20,
      });
      await expect(client.checks.create(unscheduled)).rejects.toThrow();
      expect(calls).toHaveLength(1);
    },
  );

  it('a scheduled CareTeam search (a silent read) is retried after a network failure and a 503, with the same TraceID', async () => {
    const { client, calls } = clientWith([
      networkError(),
      fhirJson(503, {}),
      fhirJson(200, forNhsNumber(careTeamNone)),
    ]);
    expect((await client.checks.create(scheduled)).outcome).toBe('no-record');
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.headers.get('TraceID'))).size).toBe(1);
  });

  it('in an unscheduled check, the AuditEvent search (it notifies no one) is retried, still with IsUnscheduledAccessEvent: true', async () => {
    const { client, calls } = clientWith([
      fhirJson(200, forNhsNumber(careTeamResult)),
      fhirJson(503, {}),
      fhirJson(200, forNhsNumber(auditEventResult)),
    ]);
    expect((await client.checks.create(unscheduled)).accessHistory).toHaveLength(1);
    expect(calls.map((c) => c.url.pathname.split('/').pop())).toEqual([
      'CareTeam',
      'AuditEvent',
      'AuditEvent',
    ]);
    expect(calls.map((c) => c.headers.get('IsUnscheduledAccessEvent'))).toEqual([
      'true',
      'true',
      'true',
    ]);
  });

  it('a check that outlasts deadlineMs across its two searches fails with the deadline CpisTimeoutError', async () => {
    const { client } = clientWith([fhirJson(200, forNhsNumber(careTeamResult)), 'hang'], {
      timeoutMs: 1000,
      deadlineMs: 50,
    });
    const error = await client.checks.create(scheduled).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CpisTimeoutError);
    expect(error).toMatchObject({ kind: 'deadline', ms: 50 });
  });

  it('an abort by the caller stops the check with the caller’s reason', async () => {
    const { client } = clientWith(['hang'], { timeoutMs: 1000 });
    const controller = new AbortController();
    const pending = client.checks.create(scheduled, { signal: controller.signal });
    controller.abort(new DOMException('left the page', 'AbortError'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('what the national service does not take', () => {
  it('onAccessReason is given the reason, the number, the context and the TraceID before anything is sent', async () => {
    const seen: unknown[] = [];
    const { client, calls } = clientWith([fhirJson(200, forNhsNumber(careTeamNone))], {
      onAccessReason: (record) => {
        seen.push({ ...record, callsSoFar: calls.length });
      },
    });
    const result = await client.checks.create({
      ...unscheduled,
      reason: { code: 'other', comment: 'brought in by ambulance' },
    });
    expect(seen).toEqual([
      {
        traceId: result.checkId,
        nhsNumber: ASKED,
        accessContext: 'unscheduled',
        reason: { code: 'other', comment: 'brought in by ambulance' },
        callsSoFar: 0,
      },
    ]);
    // The reason goes nowhere else: not into a header or the URL.
    expect(JSON.stringify([...calls[0]!.headers, calls[0]!.url.href])).not.toContain('ambulance');
  });

  it('when onAccessReason fails, nothing is sent and the check fails with its error', async () => {
    const onAccessReason = vi.fn(() => Promise.reject(new Error('audit store down')));
    const { client, calls } = clientWith([fhirJson(200, forNhsNumber(careTeamNone))], {
      onAccessReason,
    });
    await expect(client.checks.create(unscheduled)).rejects.toThrow('audit store down');
    expect(calls).toHaveLength(0);
  });

  it('an NHS number not traced on PDS, or an unknown access context, is refused before anything is sent', async () => {
    const { client, calls } = clientWith([fhirJson(200, forNhsNumber(careTeamNone))]);
    await expect(
      client.checks.create({ ...unscheduled, nhsNumberVerified: false }),
    ).rejects.toBeInstanceOf(CpisValidationError);
    await expect(
      client.checks.create({ ...unscheduled, accessContext: 'emergency' as 'unscheduled' }),
    ).rejects.toBeInstanceOf(CpisValidationError);
    expect(calls).toHaveLength(0);
  });
});
