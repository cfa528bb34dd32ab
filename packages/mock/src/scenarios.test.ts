import { describe, expect, it } from 'vitest';
import { personas } from './fixtures.js';
import { createMockFetch } from './mock-fetch.js';
import {
  scenarioHandlers,
  scenarioNames,
  type Malformation,
  type ScenarioOptions,
} from './scenarios.js';
import { harness, who } from './test-helpers.js';

type Name = (typeof scenarioNames)[number];

const inScenario = (name: Name, options?: ScenarioOptions) =>
  harness({ layer: (service) => scenarioHandlers(name, service, options) });

describe('scenarioHandlers', () => {
  it('names nine scenarios', () => {
    expect(scenarioNames).toEqual([
      'ok',
      'slow',
      'unavailable',
      'timeout',
      'signed-out',
      'forbidden',
      'flaky',
      'malformed',
      'wrong-patient',
    ]);
  });

  it('ok: the service as it is', async () => {
    const h = inScenario('ok');
    const a = await h.check<{ outcome: string }>(who.edNurse, 'activeChildProtectionPlan');
    expect([a.status, a.body.outcome]).toEqual([201, 'record-found']);
  });

  it('slow: answers as ok, after the delay', async () => {
    const h = inScenario('slow', { delayMs: 80 });
    const started = performance.now();
    const a = await h.check<{ outcome: string }>(who.edNurse, 'activeChildProtectionPlan');
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect([a.status, a.body.outcome]).toEqual([201, 'record-found']);
  });

  it('slow: an abort during the delay rejects, and the check is never made', async () => {
    const h = inScenario('slow', { delayMs: 10_000 });
    const controller = new AbortController();
    const pending = h.call('GET', '/v1/health', { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(h.service.state.checks.size).toBe(0);
  });

  it('unavailable: 503 problem for the API, and health says unavailable', async () => {
    const h = inScenario('unavailable');
    const check = await h.check<{ type: string }>(who.edNurse, 'activeChildProtectionPlan');
    const health = await h.call('GET', '/v1/health');
    expect([check.status, check.body.type]).toEqual([503, 'urn:cpis:problem:unavailable']);
    expect(check.headers.get('X-Request-ID')).toBeTruthy();
    expect([health.status, health.body]).toEqual([503, { status: 'unavailable' }]);
    expect(h.service.state.checks.size).toBe(0);
  });

  it('timeout: never answers, until the request is aborted', async () => {
    const h = inScenario('timeout');
    const health = new AbortController();
    const check = new AbortController();
    let settled = false;
    const pendingCheck = h
      .call('POST', '/v1/checks', { as: who.edNurse, body: {}, signal: check.signal })
      .finally(() => {
        settled = true;
      });
    const pendingHealth = h.call('GET', '/v1/health', { signal: health.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    health.abort();
    await expect(pendingHealth).rejects.toMatchObject({ name: 'AbortError' });
    expect(settled).toBe(false);
    check.abort();
    await expect(pendingCheck).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('signed-out: every operation that needs a token is 401; health is not', async () => {
    const h = inScenario('signed-out');
    const check = await h.check<{ type: string }>(who.edNurse, 'activeChildProtectionPlan');
    const authority = await h.call('GET', '/v1/authorities/211', {
      as: who.towerHamletsSocialWorker,
    });
    expect([check.status, check.body.type]).toEqual([401, 'urn:cpis:problem:unauthenticated']);
    expect(check.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
    expect(authority.status).toBe(401);
    expect((await h.call('GET', '/v1/health')).status).toBe(200);
  });

  it('forbidden: every operation that needs a token is 403', async () => {
    const h = inScenario('forbidden');
    const check = await h.check<{ type: string }>(who.edNurse, 'activeChildProtectionPlan');
    const stored = await h.call('GET', '/v1/checks/5d2f1c7a-8b3e-4f6a-9c1d-2e3f4a5b6c7d', {
      as: who.gp,
    });
    expect([check.status, check.body.type]).toEqual([403, 'urn:cpis:problem:forbidden']);
    expect(stored.status).toBe(403);
  });

  it('unavailable, signed-out and forbidden reach the FHIR paths too, refused there as OperationOutcomes with TraceID', async () => {
    const traceId = '0b7b2f4e-7d8a-4f7e-9b3e-2a3c1d5e6f70';
    const careTeam = `/cpis/FHIR/R4/CareTeam?patient:identifier=${encodeURIComponent(
      `https://fhir.nhs.uk/Id/nhs-number|${personas.activeChildProtectionPlan.nhsNumber}`,
    )}`;
    for (const [name, status, code] of [
      ['unavailable', 503, 'SERVICE_UNAVAILABLE'],
      ['signed-out', 401, 'ACCESS_DENIED'],
      ['forbidden', 403, 'ACCESS_DENIED'],
    ] as const) {
      const h = inScenario(name);
      const a = await h.call<{
        resourceType: string;
        issue: { details: { coding: { code: string }[] } }[];
      }>('GET', careTeam, {
        as: who.edNurse,
        headers: { IsUnscheduledAccessEvent: 'true', TraceID: traceId },
      });
      expect([a.status, a.headers.get('Content-Type')]).toEqual([
        status,
        'application/fhir+json; charset=utf-8',
      ]);
      expect([a.body.resourceType, a.body.issue[0]?.details.coding[0]?.code]).toEqual([
        'OperationOutcome',
        code,
      ]);
      expect(a.headers.get('TraceID')).toBe(traceId);
      expect(h.service.state.checks.size).toBe(0);
    }
  });

  it('flaky: the first checks fail with 503, then the service recovers', async () => {
    const h = inScenario('flaky', { failures: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await h.check(who.edNurse, 'activeChildProtectionPlan')).status);
    }
    expect(statuses).toEqual([503, 503, 201]);
    expect(h.service.state.notifications.get('373')).toHaveLength(1);
  });

  it('flaky: one failure unless told otherwise; only checks fail', async () => {
    const h = inScenario('flaky');
    expect((await h.call('GET', '/v1/health')).status).toBe(200);
    expect((await h.check(who.edNurse, 'noRecord')).status).toBe(503);
    expect((await h.check(who.edNurse, 'noRecord')).status).toBe(201);
  });

  it.each<[Malformation, (body: Record<string, unknown>) => void]>([
    ['unknown-outcome', (b) => expect(b.outcome).toBe('maybe')],
    ['plans-not-array', (b) => expect(Array.isArray(b.plans)).toBe(false)],
    [
      'record-found-without-plans',
      (b) => expect([b.outcome, b.plans]).toEqual(['record-found', []]),
    ],
    [
      'no-record-with-plans',
      (b) => expect([b.outcome, (b.plans as unknown[]).length]).toEqual(['no-record', 1]),
    ],
  ])(
    'malformed (%s): a 201 whose body breaks the contract in that one way',
    async (malformation, breach) => {
      const h = inScenario('malformed', { malformation });
      const a = await h.check<Record<string, unknown>>(who.edNurse, 'noRecord');
      expect(a.status).toBe(201);
      expect(a.body.nhsNumber).toBe(personas.noRecord.nhsNumber);
      breach(a.body);
      expect(h.service.state.checks.size).toBe(0);
    },
  );

  it('malformed: unknown-outcome unless told otherwise; not-json is a body that does not parse', async () => {
    const h = inScenario('malformed');
    expect((await h.check<{ outcome: string }>(who.edNurse, 'noRecord')).body.outcome).toBe(
      'maybe',
    );
    const broken = inScenario('malformed', { malformation: 'not-json' });
    const response = await broken.fetch(
      new Request(`${broken.service.baseUrl}/v1/checks`, { method: 'POST', body: '{}' }),
    );
    expect(response.status).toBe(201);
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('wrong-patient: a well-formed record-found result for another NHS number', async () => {
    const h = inScenario('wrong-patient');
    const a = await h.check<{ nhsNumber: string; outcome: string; plans: unknown[] }>(
      who.edNurse,
      'noRecord',
    );
    expect(a.status).toBe(201);
    expect(a.body.nhsNumber).not.toBe(personas.noRecord.nhsNumber);
    expect(a.body.outcome).toBe('record-found');
    expect(a.body.plans).toHaveLength(1);
    const asked = await h.check<{ nhsNumber: string }>(who.edNurse, 'activeChildProtectionPlan');
    expect(asked.body.nhsNumber).not.toBe(personas.activeChildProtectionPlan.nhsNumber);
    const chosen = inScenario('wrong-patient', {
      otherNhsNumber: personas.recentlyEndedPlan.nhsNumber,
    });
    const b = await chosen.check<{ nhsNumber: string }>(who.edNurse, 'noRecord');
    expect(b.body.nhsNumber).toBe(personas.recentlyEndedPlan.nhsNumber);
  });

  it('gives each handler list its own flaky counter', async () => {
    const h = harness();
    const token = await h.service.tokenFor(who.edNurse);
    const post = (fetch: typeof globalThis.fetch) =>
      fetch(`${h.service.baseUrl}/v1/checks`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          nhsNumber: personas.noRecord.nhsNumber,
          nhsNumberVerified: true,
          accessContext: 'unscheduled',
          reason: { code: 'unscheduled-attendance' },
        }),
      });
    const first = createMockFetch(scenarioHandlers('flaky', h.service));
    const second = createMockFetch(scenarioHandlers('flaky', h.service));
    expect((await post(first)).status).toBe(503);
    expect((await post(second)).status).toBe(503);
    expect((await post(first)).status).toBe(201);
  });
});
