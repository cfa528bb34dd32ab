import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { components } from '@cpis/domain';
import { personas, syntheticPopulation } from './fixtures.js';
import { createCpisMockService } from './service.js';
import { HOUR, T0, TODAY, harness, who } from './test-helpers.js';
import { MOCK_TOKEN_SECRET, type TokenFlaw } from './tokens.js';

type CheckResult = components['schemas']['CheckResult'];
type Problem = components['schemas']['Problem'];

const KEY = '5d2f1c7a-8b3e-4f6a-9c1d-2e3f4a5b6c7d';

describe('the 24-hour collapse', () => {
  const notifiedBy = async (
    h: ReturnType<typeof harness>,
    principal: Parameters<ReturnType<typeof harness>['check']>[0] = who.edNurse,
    persona: keyof typeof personas = 'lookedAfterOutOfArea',
  ): Promise<string[]> => (await h.check<CheckResult>(principal, persona)).body.notifiedAuthorities;

  it('writes no notification and no access entry for a repeat by the same user, setting, number and LA within 24 hours', async () => {
    const h = harness();
    expect(await notifiedBy(h)).toEqual(['211']);
    const accesses = h.service.state.accesses.length;
    h.advance(24 * HOUR - 1);
    const repeat = await h.check<CheckResult>(who.edNurse, 'lookedAfterOutOfArea');
    expect(repeat.body.outcome).toBe('record-found');
    expect(repeat.body.notifiedAuthorities).toEqual([]);
    expect(repeat.body.accessHistory[0]?.accessedAt).toBe(T0.toISOString());
    expect(h.service.state.accesses.length).toBe(accesses);
    expect(h.service.state.notifications.get('211')).toHaveLength(1);
  });

  it('counts 24 hours from the last entry written, not from collapsed repeats', async () => {
    const h = harness();
    expect(await notifiedBy(h)).toEqual(['211']);
    h.advance(20 * HOUR);
    expect(await notifiedBy(h)).toEqual([]);
    h.advance(4 * HOUR);
    expect(await notifiedBy(h)).toEqual(['211']);
    h.advance(23 * HOUR);
    expect(await notifiedBy(h)).toEqual([]);
  });

  it('does not collapse across users, settings, NHS numbers or contexts', async () => {
    const h = harness();
    expect(await notifiedBy(h)).toEqual(['211']);
    expect(await notifiedBy(h, who.otherEdNurse)).toEqual(['211']);
    expect(await notifiedBy(h, who.royalLondonNurse)).toEqual(['211']);
    expect(await notifiedBy(h, who.edNurse, 'manyEarlierAccesses')).toEqual(['211']);
    const scheduled = await h.check<CheckResult>(who.gp, 'lookedAfterOutOfArea', {
      accessContext: 'scheduled',
    });
    expect(scheduled.body.notifiedAuthorities).toEqual([]);
    expect(h.service.state.notifications.get('211')).toHaveLength(4);
  });

  it('always tells a newly responsible LA, while collapsing the one already told', async () => {
    const h = harness();
    expect(await notifiedBy(h, who.edNurse, 'activeChildProtectionPlan')).toEqual(['373']);
    await h.call('PUT', '/v1/authorities/213/plans/WCC-CPP-9', {
      as: who.westminsterSocialWorker,
      body: {
        nhsNumber: personas.activeChildProtectionPlan.nhsNumber,
        type: 'CPP',
        startDate: TODAY,
      },
    });
    h.advance(HOUR);
    expect(await notifiedBy(h, who.edNurse, 'activeChildProtectionPlan')).toEqual(['213']);
    expect(h.service.state.notifications.get('373')).toHaveLength(1);
    expect(h.service.state.notifications.get('213')?.[0]?.planIds).toEqual(['WCC-CPP-9']);
  });
});

describe('Idempotency-Key', () => {
  const withKey = { headers: { 'Idempotency-Key': KEY } };

  it('answers the same key and body with the first result (201) and writes nothing', async () => {
    const h = harness();
    const first = await h.check<CheckResult>(who.edNurse, 'lookedAfterOutOfArea', withKey);
    const accesses = h.service.state.accesses.length;
    h.advance(1000);
    const again = await h.call<CheckResult>('POST', '/v1/checks', {
      as: who.edNurse,
      headers: { 'Idempotency-Key': KEY },
      // The same body, its keys in another order.
      body: {
        reason: { code: 'unscheduled-attendance' },
        accessContext: 'unscheduled',
        nhsNumberVerified: true,
        nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
      },
    });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('Location')).toBe(first.headers.get('Location'));
    expect(h.service.state.accesses.length).toBe(accesses);
    expect(h.service.state.notifications.get('211')).toHaveLength(1);
    expect(h.service.state.checks.size).toBe(1);
  });

  it('refuses the same key with another body: 422', async () => {
    const h = harness();
    await h.check(who.edNurse, 'lookedAfterOutOfArea', withKey);
    const other = await h.check<Problem>(who.edNurse, 'noRecord', withKey);
    expect([other.status, other.body.type]).toEqual([
      422,
      'urn:cpis:problem:idempotency-key-reused',
    ]);
  });

  it('scopes keys to the user', async () => {
    const h = harness();
    const mine = await h.check<CheckResult>(who.edNurse, 'lookedAfterOutOfArea', withKey);
    const theirs = await h.check<CheckResult>(who.edDoctor, 'lookedAfterOutOfArea', withKey);
    expect(theirs.status).toBe(201);
    expect(theirs.body.checkId).not.toBe(mine.body.checkId);
  });

  it('scopes keys to the organisation too: the same user at another organisation makes a new check with its own access entry', async () => {
    const h = harness();
    const atHomerton = { ...who.edNurse, sub: 'one-person' };
    const atRoyalLondon = { ...who.royalLondonNurse, sub: 'one-person' };
    const first = await h.check<CheckResult>(atHomerton, 'lookedAfterOutOfArea', withKey);
    const accesses = h.service.state.accesses.length;
    h.advance(1000);
    const elsewhere = await h.check<CheckResult>(atRoyalLondon, 'lookedAfterOutOfArea', withKey);
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.checkId).not.toBe(first.body.checkId);
    expect(elsewhere.body.accessHistory[0]?.setting.odsCode).toBe('R1HKH');
    expect(h.service.state.accesses.length).toBe(accesses + 1);
  });

  it('answers 409 while the check with that key is still in progress, then the result', async () => {
    const h = harness({ checkDurationMs: 50 });
    const first = h.check<CheckResult>(who.edNurse, 'lookedAfterOutOfArea', withKey);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const during = await h.check<Problem>(who.edNurse, 'lookedAfterOutOfArea', withKey);
    expect([during.status, during.body.type]).toEqual([409, 'urn:cpis:problem:conflict']);
    const done = await first;
    const after = await h.check<CheckResult>(who.edNurse, 'lookedAfterOutOfArea', withKey);
    expect(after.body.checkId).toBe(done.body.checkId);
    expect(h.service.state.notifications.get('211')).toHaveLength(1);
  });

  it('keeps a key for 24 hours', async () => {
    const h = harness();
    const first = await h.check<CheckResult>(who.edNurse, 'noRecord', withKey);
    h.advance(24 * HOUR);
    const later = await h.check<CheckResult>(who.edNurse, 'noRecord', withKey);
    expect(later.body.checkId).not.toBe(first.body.checkId);
  });

  it('refuses a key that is not a UUID: 400', async () => {
    const a = await harness().check<Problem>(who.edNurse, 'noRecord', {
      headers: { 'Idempotency-Key': 'retry-1' },
    });
    expect([a.status, a.body.errors?.[0]?.field]).toEqual([400, 'Idempotency-Key']);
  });
});

describe('tokens', () => {
  it.each<TokenFlaw>(['expired', 'bad-signature', 'alg-none', 'wrong-audience', 'wrong-issuer'])(
    'refuses a token that is %s: 401 unauthenticated',
    async (flaw) => {
      const h = harness();
      const token = await h.service.tokenFor(who.edNurse, { flaw });
      const a = await h.call<Problem>('GET', '/v1/authorities/211', { as: { token } });
      expect([a.status, a.body.type]).toEqual([401, 'urn:cpis:problem:unauthenticated']);
    },
  );

  it('refuses a token that has expired since it was issued, by the mock’s clock', async () => {
    const h = harness();
    const token = await h.service.tokenFor(who.edNurse, { expiresInSeconds: 60 });
    expect((await h.call('GET', '/v1/authorities/211', { as: { token } })).status).toBe(200);
    h.advance(61_000);
    expect((await h.call('GET', '/v1/authorities/211', { as: { token } })).status).toBe(401);
  });

  it('refuses a well-signed token that lacks the CP-IS claims', async () => {
    const h = harness();
    const token = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('cpis-mock')
      .setAudience('cpis')
      .setExpirationTime(T0.getTime() / 1000 + 60)
      .sign(new TextEncoder().encode(MOCK_TOKEN_SECRET));
    expect((await h.call('GET', '/v1/authorities/211', { as: { token } })).status).toBe(401);
  });

  it('refuses a header that is not a bearer token', async () => {
    const h = harness();
    const token = await h.service.tokenFor(who.edNurse);
    const basic = await h.call('GET', '/v1/authorities/211', {
      headers: { Authorization: `Basic ${token}` },
    });
    expect(basic.status).toBe(401);
  });
});

describe('createCpisMockService', () => {
  it('reset() brings back the seeded population, in the same state object', async () => {
    const h = harness();
    const state = h.service.state;
    await h.check(who.edNurse, 'lookedAfterOutOfArea');
    await h.call('DELETE', '/v1/authorities/211/plans/TH-LAC-0042', {
      as: who.towerHamletsSocialWorker,
    });
    h.service.reset();
    expect(h.service.state).toBe(state);
    expect(state.notifications.size).toBe(0);
    expect(state.checks.size).toBe(0);
    expect(state.audit).toEqual([]);
    expect(state.plans.get('211/TH-LAC-0042')?.deleted).toBe(false);
    expect(state.accesses).toHaveLength(31);
  });

  it('reset() ends open notification streams', async () => {
    const h = harness();
    const stream = await h.call('GET', '/v1/authorities/211/notifications/stream', {
      as: who.towerHamletsSocialWorker,
    });
    h.service.reset();
    // It ends having sent only its opening comment: no event, no keep-alive.
    expect(await new Response(stream.response.body).text()).toBe(': connected\n\n');
  });

  it('seeds the population it is given, relative to its today', async () => {
    const population = syntheticPopulation('2030-01-01');
    const service = createCpisMockService({ population, today: '2030-01-01', now: () => T0 });
    expect(service.state.plans.get('373/SHF-CPP-1001')?.startDate).toBe('2029-09-03');
    expect(service.baseUrl).toBe('http://cpis.test');
  });

  it('answers 500 internal, with X-Request-ID and nothing written, when its population is broken', async () => {
    const population = { ...syntheticPopulation(TODAY), authorities: [] };
    const h = harness({ population });
    const a = await h.check<Problem>(who.edNurse, 'activeChildProtectionPlan');
    expect([a.status, a.body.type]).toEqual([500, 'urn:cpis:problem:internal']);
    expect(a.headers.get('X-Request-ID')).toBe(a.body.requestId);
    expect(h.service.state.notifications.size).toBe(0);
    expect(h.service.state.accesses).toHaveLength(31);
  });

  it('answers under its baseUrl, with Location under the same path', async () => {
    const h = harness({ baseUrl: 'https://hub.example/api/cpis/' });
    const a = await h.check<CheckResult>(who.edNurse, 'noRecord');
    expect(h.service.baseUrl).toBe('https://hub.example/api/cpis');
    expect(a.status).toBe(201);
    expect(a.headers.get('Location')).toBe(`/api/cpis/v1/checks/${a.body.checkId}`);
  });
});
