import { describe, expect, it } from 'vitest';
import type { components } from '@cpis/domain';
import { authorities, personas } from './fixtures.js';
import { T0, harness, who } from './test-helpers.js';

type Schemas = components['schemas'];
type CheckResult = Schemas['CheckResult'];
type Problem = Schemas['Problem'];
type StoredPlan = Schemas['StoredPlan'];
type Page<T> = { items: T[]; nextCursor: string };

const NEW_NHS = '9990000204';
const OTHER_NEW_NHS = '9990000212';
const BAD_CHECK_DIGIT = '9990000205';
const CLIENT_ID = '0b7b2f4e-7d8a-4f7e-9b3e-2a3c1d5e6f70';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const problemType = (kind: string): string => `urn:cpis:problem:${kind}`;

describe('every response', () => {
  it('carries X-Request-ID: the client’s when it is a UUID, else a new one', async () => {
    const h = harness();
    const echoed = await h.call('GET', '/v1/health', { headers: { 'X-Request-ID': CLIENT_ID } });
    const replaced = await h.call('GET', '/v1/health', {
      headers: { 'X-Request-ID': 'not-a-uuid' },
    });
    const refused = await h.call<Problem>('GET', '/v1/authorities/211', {
      headers: { 'X-Request-ID': CLIENT_ID },
    });
    expect(echoed.headers.get('X-Request-ID')).toBe(CLIENT_ID);
    expect(replaced.headers.get('X-Request-ID')).toMatch(UUID);
    expect(refused.headers.get('X-Request-ID')).toBe(CLIENT_ID);
    expect(refused.body.requestId).toBe(CLIENT_ID);
  });

  it('is problem+json with type, title, status, detail and requestId when refused', async () => {
    const h = harness();
    const a = await h.call<Problem>('GET', '/v1/authorities/211');
    expect(a.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8');
    expect(a.body).toEqual({
      type: problemType('unauthenticated'),
      title: expect.any(String),
      status: 401,
      detail: expect.any(String),
      requestId: a.headers.get('X-Request-ID'),
    });
    expect(a.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
  });

  it('says Cache-Control: no-store on every answer that carries patient data or a token', async () => {
    const h = harness();
    const la = who.towerHamletsSocialWorker;
    const made = await h.check<CheckResult>(who.edNurse, 'lookedAfterOutOfArea');
    const plan = { nhsNumber: NEW_NHS, type: 'CPP', startDate: '2025-01-01' };
    const controller = new AbortController();
    const answers = [
      made,
      await h.call('GET', `/v1/checks/${made.body.checkId}`, { as: who.edNurse }),
      await h.call('GET', '/v1/authorities/211/plans', { as: la }),
      await h.call('PUT', '/v1/authorities/211/plans/NO-STORE-1', { as: la, body: plan }),
      await h.call('POST', '/v1/authorities/211/plans/batch', {
        as: la,
        body: [{ planId: 'NO-STORE-2', ...plan }],
      }),
      await h.call('GET', '/v1/authorities/211/notifications', { as: la }),
      await h.call('GET', '/v1/authorities/211/notifications/stream', {
        as: la,
        signal: controller.signal,
      }),
      await h.call('POST', '/v1/dev/tokens', {
        body: {
          name: 'A',
          orgType: 'health',
          odsCode: 'RQXM1',
          orgName: 'H',
          role: 'N',
          activities: [],
        },
      }),
    ];
    controller.abort();
    expect(answers.map((a) => [a.status, a.headers.get('Cache-Control')])).toEqual([
      [201, 'no-store'],
      [200, 'no-store'],
      [200, 'no-store'],
      [201, 'no-store'],
      [200, 'no-store'],
      [200, 'no-store'],
      [200, 'no-store, no-transform'],
      [200, 'no-store'],
    ]);
  });

  it('answers a path outside the contract 404 and a wrong method 405 with Allow', async () => {
    const h = harness();
    const unknown = await h.call<Problem>('GET', '/v1/children');
    const wrongMethod = await h.call<Problem>('DELETE', '/v1/checks');
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toBe(problemType('not-found'));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.type).toBe(problemType('method-not-allowed'));
    expect(wrongMethod.headers.get('Allow')).toBe('POST');
  });
});

describe('createCheck', () => {
  it('answers 201 with a CheckResult and its Location', async () => {
    const h = harness();
    const a = await h.check<CheckResult>(who.edNurse, 'lookedAfterOutOfArea');
    expect(a.status).toBe(201);
    expect(a.headers.get('Location')).toBe(`/v1/checks/${a.body.checkId}`);
    expect(a.body).toEqual({
      checkId: expect.stringMatching(UUID),
      nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
      checkedAt: T0.toISOString(),
      accessContext: 'unscheduled',
      outcome: 'record-found',
      plans: [
        {
          planId: 'TH-LAC-0042',
          type: 'LAC',
          status: 'active',
          startDate: '2024-06-03',
          responsibleAuthority: authorities.towerHamlets,
        },
      ],
      accessHistory: [
        {
          accessedAt: T0.toISOString(),
          setting: { odsCode: 'RQXM1', name: 'Homerton Emergency Department' },
          userRole: 'Emergency department nurse',
        },
        {
          accessedAt: '2025-10-15T22:40:00.000Z',
          setting: { odsCode: 'R1HKH', name: 'Royal London Emergency Department' },
          userRole: 'Emergency department nurse',
        },
      ],
      notifiedAuthorities: ['211'],
    });
  });

  it('notifies the responsible LA (not where the child lives) with who, where, when and why', async () => {
    const h = harness();
    await h.check(who.edNurse, 'lookedAfterOutOfArea', {
      reason: { code: 'other', comment: 'Brought in by <b>police</b>' },
    });
    expect(h.service.state.notifications.get(authorities.hackney.odsCode)).toBeUndefined();
    expect(h.service.state.notifications.get('211')).toEqual([
      {
        notificationId: expect.stringMatching(UUID),
        cursor: '1',
        createdAt: T0.toISOString(),
        nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
        planIds: ['TH-LAC-0042'],
        accessedAt: T0.toISOString(),
        setting: { odsCode: 'RQXM1', name: 'Homerton Emergency Department' },
        user: { name: 'Priya Shah', role: 'Emergency department nurse' },
        reason: { code: 'other', comment: 'Brought in by <b>police</b>' },
      },
    ]);
  });

  it('notifies each responsible LA once, with its own plans, and writes one access entry', async () => {
    const h = harness();
    const before = h.service.state.accesses.length;
    const a = await h.check<CheckResult>(who.edNurse, 'plansFromTwoAuthorities');
    expect(a.body.plans.map((p) => [p.planId, p.status])).toEqual([
      ['SHF-CPP-0950', 'ended'],
      ['WCC-LAC-310', 'active'],
    ]);
    expect(a.body.notifiedAuthorities).toEqual(['373', '213']);
    expect(h.service.state.notifications.get('373')?.map((n) => n.planIds)).toEqual([
      ['SHF-CPP-0950'],
    ]);
    expect(h.service.state.notifications.get('213')?.map((n) => n.planIds)).toEqual([
      ['WCC-LAC-310'],
    ]);
    expect(h.service.state.accesses.length).toBe(before + 1);
  });

  it('shows a UCPP with its expected delivery date and an ended plan as ended', async () => {
    const h = harness();
    const ucpp = await h.check<CheckResult>(who.edNurse, 'pregnantWithUnbornPlan');
    const ended = await h.check<CheckResult>(who.edNurse, 'recentlyEndedPlan');
    expect(ucpp.body.plans[0]).toMatchObject({ type: 'UCPP', expectedDeliveryDate: '2026-02-08' });
    expect(ended.body.plans[0]).toMatchObject({ status: 'ended', endDate: '2025-09-26' });
  });

  it('makes a scheduled check a silent read: no access entry, no notification', async () => {
    const h = harness();
    const before = h.service.state.accesses.length;
    const a = await h.check<CheckResult>(who.gp, 'lookedAfterOutOfArea', {
      accessContext: 'scheduled',
    });
    expect(a.status).toBe(201);
    expect(a.body.outcome).toBe('record-found');
    expect(a.body.notifiedAuthorities).toEqual([]);
    expect(a.body.accessHistory.map((e) => e.accessedAt)).toEqual(['2025-10-15T22:40:00.000Z']);
    expect(h.service.state.accesses.length).toBe(before);
    expect(h.service.state.notifications.size).toBe(0);
  });

  it('answers no-record with no plans, an empty history and nobody told', async () => {
    const h = harness();
    const a = await h.check<CheckResult>(who.edNurse, 'noRecord');
    expect(a.body).toMatchObject({
      outcome: 'no-record',
      plans: [],
      accessHistory: [],
      notifiedAuthorities: [],
    });
    expect(h.service.state.notifications.size).toBe(0);
  });

  it('returns the newest 25 accesses, newest first, this check included', async () => {
    const h = harness();
    const a = await h.check<CheckResult>(who.edNurse, 'manyEarlierAccesses');
    const times = a.body.accessHistory.map((e) => e.accessedAt);
    expect(times).toHaveLength(25);
    expect(times[0]).toBe(T0.toISOString());
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('audits every check with who, where, the number, whether it was verified, context, reason and outcome', async () => {
    const h = harness();
    const a = await h.call<CheckResult>('POST', '/v1/checks', {
      as: who.edNurse,
      headers: { 'X-Request-ID': CLIENT_ID },
      body: {
        nhsNumber: personas.noRecord.nhsNumber,
        nhsNumberVerified: false,
        accessContext: 'unscheduled',
        reason: { code: 'safeguarding-concern' },
      },
    });
    expect(h.service.state.audit).toEqual([
      {
        at: T0.toISOString(),
        requestId: CLIENT_ID,
        operation: 'check.create',
        sub: 'priya-shah@rqxm1',
        organisation: 'RQXM1',
        details: {
          checkId: a.body.checkId,
          nhsNumber: personas.noRecord.nhsNumber,
          nhsNumberVerified: false,
          accessContext: 'unscheduled',
          reason: { code: 'safeguarding-concern' },
          outcome: 'no-record',
        },
      },
    ]);
  });

  describe('refuses', () => {
    const valid = {
      nhsNumber: personas.activeChildProtectionPlan.nhsNumber,
      nhsNumberVerified: true,
      accessContext: 'unscheduled',
      reason: { code: 'unscheduled-attendance' },
    };

    it.each([
      ['letters', '99900O1375'],
      ['spaces', '999 000 1375'],
      ['a wrong check digit', BAD_CHECK_DIGIT],
      ['nine digits', '999000137'],
      ['an empty string', ''],
    ])('an NHS number with %s: 400 invalid-nhs-number', async (_, nhsNumber) => {
      const a = await harness().call<Problem>('POST', '/v1/checks', {
        as: who.edNurse,
        body: { ...valid, nhsNumber },
      });
      expect(a.status).toBe(400);
      expect(a.body.type).toBe(problemType('invalid-nhs-number'));
      expect(a.body.errors).toEqual([{ field: '/nhsNumber', message: expect.any(String) }]);
    });

    it.each([
      ['no accessContext (never defaulted)', { accessContext: undefined }, '/accessContext'],
      ['an unknown accessContext', { accessContext: 'emergency' }, '/accessContext'],
      ['no nhsNumberVerified', { nhsNumberVerified: undefined }, '/nhsNumberVerified'],
      ['no reason', { reason: undefined }, '/reason'],
      ['an unknown reason code', { reason: { code: 'curious' } }, '/reason/code'],
      ['"other" without a comment', { reason: { code: 'other' } }, '/reason/comment'],
      [
        '"other" with a blank comment',
        { reason: { code: 'other', comment: '  ' } },
        '/reason/comment',
      ],
      [
        '"other" with a comment of only invisible characters (U+200B)',
        { reason: { code: 'other', comment: '\u200b\u200b \u2060' } },
        '/reason/comment',
      ],
      [
        'a comment over 500 characters',
        { reason: { code: 'clinical-review', comment: 'x'.repeat(501) } },
        '/reason/comment',
      ],
      ['an unknown field', { priority: 'high' }, '/priority'],
      [
        'an unknown reason field',
        { reason: { code: 'other', comment: 'c', by: 'me' } },
        '/reason/by',
      ],
      ['a number where the NHS number goes', { nhsNumber: 9990001375 }, '/nhsNumber'],
    ])('%s: 400 invalid-request naming the field', async (_, change, field) => {
      const a = await harness().call<Problem>('POST', '/v1/checks', {
        as: who.edNurse,
        body: { ...valid, ...change },
      });
      expect(a.status).toBe(400);
      expect(a.body.type).toBe(problemType('invalid-request'));
      expect(a.body.errors?.map((e) => e.field)).toContain(field);
    });

    it('a body that is not JSON: 400; one that is not application/json: 415', async () => {
      const h = harness();
      const notJson = await h.call<Problem>('POST', '/v1/checks', {
        as: who.edNurse,
        raw: { contentType: 'application/json', text: '{"nhsNumber":' },
      });
      const notJsonType = await h.call<Problem>('POST', '/v1/checks', {
        as: who.edNurse,
        raw: { contentType: 'text/plain', text: JSON.stringify(valid) },
      });
      expect([notJson.status, notJson.body.type]).toEqual([400, problemType('invalid-request')]);
      expect([notJsonType.status, notJsonType.body.type]).toEqual([
        415,
        problemType('unsupported-media-type'),
      ]);
    });

    it.each([
      ['a B0107 clinician asking for a silent (scheduled) read', who.edNurse, 'scheduled'],
      ['a B0170 clinician asking for an unscheduled check', who.gp, 'unscheduled'],
      ['a clinician with no CP-IS activity', who.receptionist, 'unscheduled'],
      ['a local authority', who.towerHamletsSocialWorker, 'unscheduled'],
    ])('%s: 403, and nothing is written', async (_, principal, accessContext) => {
      const h = harness();
      const a = await h.check<Problem>(principal, 'activeChildProtectionPlan', { accessContext });
      expect([a.status, a.body.type]).toEqual([403, problemType('forbidden')]);
      expect(h.service.state.notifications.size).toBe(0);
      expect(h.service.state.checks.size).toBe(0);
    });

    it('in the order 401; 403 for who may make no check, before the body; 400; 403 for the context', async () => {
      const h = harness();
      const noTokenBadBody = await h.call('POST', '/v1/checks', {
        body: { ...valid, nhsNumber: 'x' },
      });
      const noActivityBadBody = await h.call<Problem>('POST', '/v1/checks', {
        as: who.receptionist,
        body: { ...valid, nhsNumber: 'x' },
      });
      const wrongContextBadBody = await h.call<Problem>('POST', '/v1/checks', {
        as: who.gp,
        body: { ...valid, nhsNumber: 'x' },
      });
      const wrongContext = await h.call<Problem>('POST', '/v1/checks', { as: who.gp, body: valid });
      expect(
        [noTokenBadBody, noActivityBadBody, wrongContextBadBody, wrongContext].map((a) => a.status),
      ).toEqual([401, 403, 400, 403]);
    });
  });
});

describe('getCheck', () => {
  it('answers the stored snapshot to the same organisation, writing no access entry or notification', async () => {
    const h = harness();
    const made = await h.check<CheckResult>(who.edNurse, 'activeChildProtectionPlan');
    await h.call('DELETE', '/v1/authorities/373/plans/SHF-CPP-1001', {
      as: who.sheffieldSocialWorker,
    });
    const accesses = h.service.state.accesses.length;
    h.advance(1000);
    const again = await h.call<CheckResult>('GET', `/v1/checks/${made.body.checkId}`, {
      as: who.edDoctor,
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(made.body);
    expect(h.service.state.accesses.length).toBe(accesses);
    expect(h.service.state.notifications.get('373')).toHaveLength(1);
    expect(h.service.state.audit.at(-1)).toMatchObject({
      operation: 'check.read',
      sub: 'dr-sam-okoye@rqxm1',
    });
  });

  it('answers 404 for another organisation’s check and for an unknown id', async () => {
    const h = harness();
    const made = await h.check<CheckResult>(who.gp, 'noRecord', { accessContext: 'scheduled' });
    const elsewhere = await h.call<Problem>('GET', `/v1/checks/${made.body.checkId}`, {
      as: who.gpElsewhere,
    });
    const unknown = await h.call<Problem>('GET', `/v1/checks/${CLIENT_ID}`, { as: who.gp });
    expect([elsewhere.status, elsewhere.body.type]).toEqual([404, problemType('not-found')]);
    expect(unknown.status).toBe(404);
  });

  it('refuses a checkId that is not a UUID (400), a user without B0107/B0170 or an LA (403)', async () => {
    const h = harness();
    const bad = await h.call<Problem>('GET', '/v1/checks/42', { as: who.gp });
    const receptionist = await h.call('GET', `/v1/checks/${CLIENT_ID}`, { as: who.receptionist });
    const la = await h.call('GET', `/v1/checks/${CLIENT_ID}`, { as: who.towerHamletsSocialWorker });
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'checkId']);
    expect([receptionist.status, la.status]).toEqual([403, 403]);
  });
});

describe('getAuthority', () => {
  it('answers any clinician and the LA itself; another LA is 403', async () => {
    const h = harness();
    for (const principal of [who.edNurse, who.gp, who.receptionist, who.towerHamletsSocialWorker]) {
      const a = await h.call('GET', '/v1/authorities/211', { as: principal });
      expect([a.status, a.body]).toEqual([200, authorities.towerHamlets]);
    }
    const other = await h.call('GET', '/v1/authorities/211', { as: who.sheffieldSocialWorker });
    expect(other.status).toBe(403);
  });

  it('answers 404 for an authority that is not registered, 400 for a code that is not an ODS code', async () => {
    const h = harness();
    expect((await h.call('GET', '/v1/authorities/ZZ999', { as: who.edNurse })).status).toBe(404);
    const bad = await h.call<Problem>('GET', '/v1/authorities/abc', { as: who.edNurse });
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'odsCode']);
  });
});

describe('putAuthority', () => {
  const input = {
    name: 'Newshire Council',
    officeHoursPhone: '01632 960 100',
    emergencyDutyPhone: '+44 (0)1632 960 101',
  };

  it('creates (201) and then replaces (200) the LA’s own authority, audited', async () => {
    const h = harness();
    const created = await h.call('PUT', '/v1/authorities/ZZ999', {
      as: who.newAuthorityWorker,
      body: input,
    });
    const replaced = await h.call('PUT', '/v1/authorities/ZZ999', {
      as: who.newAuthorityWorker,
      body: { ...input, name: 'Newshire County Council' },
    });
    expect([created.status, created.body]).toEqual([201, { odsCode: 'ZZ999', ...input }]);
    expect([replaced.status, replaced.body]).toMatchObject([
      200,
      { name: 'Newshire County Council' },
    ]);
    expect(h.service.state.audit.map((e) => e.operation)).toEqual([
      'authority.create',
      'authority.update',
    ]);
  });

  it.each([
    ['a phone with letters', { officeHoursPhone: '0800 CALL NOW' }, '/officeHoursPhone'],
    ['a phone too short', { emergencyDutyPhone: '999' }, '/emergencyDutyPhone'],
    ['an empty name', { name: '' }, '/name'],
    ['a name over 200 characters', { name: 'N'.repeat(201) }, '/name'],
    ['an unknown field', { website: 'https://example.org' }, '/website'],
    ['no emergency phone', { emergencyDutyPhone: undefined }, '/emergencyDutyPhone'],
  ])('refuses %s: 400', async (_, change, field) => {
    const a = await harness().call<Problem>('PUT', '/v1/authorities/ZZ999', {
      as: who.newAuthorityWorker,
      body: { ...input, ...change },
    });
    expect([a.status, a.body.type]).toEqual([400, problemType('invalid-request')]);
    expect(a.body.errors?.map((e) => e.field)).toEqual([field]);
  });

  it('refuses clinicians and other LAs: 403', async () => {
    const h = harness();
    for (const principal of [who.edNurse, who.gp, who.sheffieldSocialWorker]) {
      const a = await h.call('PUT', '/v1/authorities/211', { as: principal, body: input });
      expect(a.status).toBe(403);
    }
    expect(h.service.state.authorities.get('211')).toEqual(authorities.towerHamlets);
  });
});

describe('putPlan', () => {
  const plan = { nhsNumber: NEW_NHS, type: 'CPP', startDate: '2025-11-01' };

  it('creates (201), replaces (200), and the plan is then found by a check', async () => {
    const h = harness();
    const created = await h.call<StoredPlan>('PUT', '/v1/authorities/211/plans/TH-NEW-1', {
      as: who.towerHamletsSocialWorker,
      body: plan,
    });
    h.advance(1000);
    const ended = await h.call<StoredPlan>('PUT', '/v1/authorities/211/plans/TH-NEW-1', {
      as: who.towerHamletsSocialWorker,
      body: { ...plan, endDate: '2025-11-20' },
    });
    expect([created.status, created.body]).toEqual([
      201,
      { planId: 'TH-NEW-1', ...plan, status: 'active', updatedAt: T0.toISOString() },
    ]);
    expect([ended.status, ended.body.status, ended.body.endDate]).toEqual([
      200,
      'ended',
      '2025-11-20',
    ]);
    const check = await h.check<CheckResult>(who.edNurse, NEW_NHS);
    expect(check.body.plans.map((p) => [p.planId, p.status])).toEqual([['TH-NEW-1', 'ended']]);
  });

  it('takes a UCPP with its expected delivery date', async () => {
    const a = await harness().call('PUT', '/v1/authorities/211/plans/TH-U-1', {
      as: who.towerHamletsSocialWorker,
      body: { ...plan, type: 'UCPP', expectedDeliveryDate: '2026-03-01' },
    });
    expect(a.status).toBe(201);
  });

  it('refuses an authority without phones (409) so no plan is shown without a number to call', async () => {
    const h = harness();
    const a = await h.call<Problem>('PUT', '/v1/authorities/ZZ999/plans/NEW-1', {
      as: who.newAuthorityWorker,
      body: plan,
    });
    expect([a.status, a.body.type]).toEqual([409, problemType('conflict')]);
    expect(h.service.state.plans.size).toBe(9);
  });

  it.each([
    ['an invalid NHS number', { nhsNumber: BAD_CHECK_DIGIT }, 'invalid-nhs-number', '/nhsNumber'],
    ['a start in the future', { startDate: '2025-11-26' }, 'invalid-request', '/startDate'],
    ['an end before the start', { endDate: '2025-10-01' }, 'invalid-request', '/endDate'],
    ['a date that does not exist', { startDate: '2025-02-30' }, 'invalid-request', '/startDate'],
    [
      'a UCPP without a delivery date',
      { type: 'UCPP' },
      'invalid-request',
      '/expectedDeliveryDate',
    ],
    [
      'a delivery date on a CPP',
      { expectedDeliveryDate: '2026-01-01' },
      'invalid-request',
      '/expectedDeliveryDate',
    ],
    ['an unknown type', { type: 'CIN' }, 'invalid-request', '/type'],
    ['an unknown field', { childName: 'X' }, 'invalid-request', '/childName'],
  ])('refuses %s: 400 %s', async (_, change, kind, field) => {
    const h = harness();
    const a = await h.call<Problem>('PUT', '/v1/authorities/211/plans/TH-NEW-1', {
      as: who.towerHamletsSocialWorker,
      body: { ...plan, ...change },
    });
    expect([a.status, a.body.type]).toEqual([400, problemType(kind)]);
    expect(a.body.errors?.map((e) => e.field)).toEqual([field]);
    expect(h.service.state.plans.has('211/TH-NEW-1')).toBe(false);
  });

  it('refuses a planId outside the pattern: 400', async () => {
    const a = await harness().call<Problem>('PUT', '/v1/authorities/211/plans/TH%20NEW', {
      as: who.towerHamletsSocialWorker,
      body: plan,
    });
    expect([a.status, a.body.errors?.[0]?.field]).toEqual([400, 'planId']);
  });

  it('refuses clinicians and other LAs: 403, nothing stored', async () => {
    const h = harness();
    for (const principal of [who.edNurse, who.gp, who.sheffieldSocialWorker]) {
      const a = await h.call('PUT', '/v1/authorities/211/plans/TH-NEW-1', {
        as: principal,
        body: plan,
      });
      expect(a.status).toBe(403);
    }
    expect(h.service.state.plans.has('211/TH-NEW-1')).toBe(false);
  });
});

describe('deletePlan', () => {
  it('answers 204, keeps the plan marked deleted, and never returns it again', async () => {
    const h = harness();
    const a = await h.call('DELETE', '/v1/authorities/211/plans/TH-LAC-0042', {
      as: who.towerHamletsSocialWorker,
    });
    expect(a.status).toBe(204);
    expect(h.service.state.plans.get('211/TH-LAC-0042')?.deleted).toBe(true);
    const list = await h.call<Page<StoredPlan>>('GET', '/v1/authorities/211/plans', {
      as: who.towerHamletsSocialWorker,
    });
    expect(list.body.items.map((p) => p.planId)).toEqual(['TH-CPP-0108']);
    const check = await h.check<CheckResult>(who.edNurse, 'lookedAfterOutOfArea');
    expect(check.body.outcome).toBe('no-record');
    expect(h.service.state.audit.at(0)).toMatchObject({ operation: 'plan.delete' });
  });

  it('answers 404 for no such plan or one already deleted, and 409 to a PUT of a deleted planId', async () => {
    const h = harness();
    const as = who.towerHamletsSocialWorker;
    expect((await h.call('DELETE', '/v1/authorities/211/plans/NOPE', { as })).status).toBe(404);
    await h.call('DELETE', '/v1/authorities/211/plans/TH-LAC-0042', { as });
    expect((await h.call('DELETE', '/v1/authorities/211/plans/TH-LAC-0042', { as })).status).toBe(
      404,
    );
    const reuse = await h.call<Problem>('PUT', '/v1/authorities/211/plans/TH-LAC-0042', {
      as,
      body: { nhsNumber: NEW_NHS, type: 'LAC', startDate: '2025-01-01' },
    });
    expect([reuse.status, reuse.body.type]).toEqual([409, problemType('conflict')]);
  });

  it('refuses another LA (403) and leaves the plan', async () => {
    const h = harness();
    const a = await h.call('DELETE', '/v1/authorities/211/plans/TH-LAC-0042', {
      as: who.sheffieldSocialWorker,
    });
    expect(a.status).toBe(403);
    expect(h.service.state.plans.get('211/TH-LAC-0042')?.deleted).toBe(false);
  });
});

describe('listPlans', () => {
  async function withPlans(ids: string[]) {
    const h = harness();
    for (const id of ids) {
      await h.call('PUT', `/v1/authorities/211/plans/${id}`, {
        as: who.towerHamletsSocialWorker,
        body: { nhsNumber: NEW_NHS, type: 'CPP', startDate: '2025-01-01' },
      });
    }
    return h;
  }

  it('pages the LA’s own plans by planId, each with its NHS number', async () => {
    const h = await withPlans(['B-2', 'A-1', 'C-3']);
    const as = who.towerHamletsSocialWorker;
    const first = await h.call<Page<StoredPlan>>('GET', '/v1/authorities/211/plans?limit=2', {
      as,
    });
    const second = await h.call<Page<StoredPlan>>(
      'GET',
      `/v1/authorities/211/plans?limit=2&after=${first.body.nextCursor}`,
      { as },
    );
    const third = await h.call<Page<StoredPlan>>(
      'GET',
      `/v1/authorities/211/plans?limit=2&after=${second.body.nextCursor}`,
      { as },
    );
    expect(first.body.items.map((p) => p.planId)).toEqual(['A-1', 'B-2']);
    expect(second.body.items.map((p) => p.planId)).toEqual(['C-3', 'TH-CPP-0108']);
    expect(second.body.items[1]?.nhsNumber).toBe(personas.manyEarlierAccesses.nhsNumber);
    expect(third.body.items.map((p) => p.planId)).toEqual(['TH-LAC-0042']);
    const end = await h.call<Page<StoredPlan>>(
      'GET',
      `/v1/authorities/211/plans?after=${third.body.nextCursor}`,
      { as },
    );
    expect(end.body).toEqual({ items: [], nextCursor: third.body.nextCursor });
  });

  it('gives a cursor to continue from even for an authority with no plans', async () => {
    const h = harness();
    const empty = await h.call<Page<StoredPlan>>('GET', '/v1/authorities/ZZ999/plans', {
      as: who.newAuthorityWorker,
    });
    expect(empty.body.items).toEqual([]);
    expect(empty.body.nextCursor).toMatch(/^[A-Za-z0-9._~-]{1,200}$/);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['after=%2F%2F', 'after'],
    ['after=42', 'after'],
  ])('refuses %s: 400 naming %s', async (query, field) => {
    const a = await harness().call<Problem>('GET', `/v1/authorities/211/plans?${query}`, {
      as: who.towerHamletsSocialWorker,
    });
    expect([a.status, a.body.errors?.map((e) => e.field)]).toEqual([400, [field]]);
  });

  it('refuses clinicians and other LAs: 403', async () => {
    const h = harness();
    expect((await h.call('GET', '/v1/authorities/211/plans', { as: who.edNurse })).status).toBe(
      403,
    );
    expect(
      (await h.call('GET', '/v1/authorities/211/plans', { as: who.sheffieldSocialWorker })).status,
    ).toBe(403);
  });
});

describe('batchPlans', () => {
  const row = { planId: 'TH-B-1', nhsNumber: NEW_NHS, type: 'CPP', startDate: '2025-01-01' };

  it('applies or rejects each row whole and answers a result per row, numbered from 1', async () => {
    const h = harness();
    await h.call('DELETE', '/v1/authorities/211/plans/TH-LAC-0042', {
      as: who.towerHamletsSocialWorker,
    });
    const a = await h.call<Schemas['BatchResult']>('POST', '/v1/authorities/211/plans/batch', {
      as: who.towerHamletsSocialWorker,
      headers: { 'X-Request-ID': CLIENT_ID },
      body: [
        row,
        { ...row, planId: 'TH-B-2', nhsNumber: BAD_CHECK_DIGIT },
        { ...row, planId: 'TH-B-3', endDate: '2024-01-01' },
        { ...row, planId: 'TH-LAC-0042' },
        { nhsNumber: OTHER_NEW_NHS },
        { ...row, planId: 'TH-B-4', type: 'UCPP', expectedDeliveryDate: '2026-01-10' },
      ],
    });
    expect(a.status).toBe(200);
    const summary = a.body.results.map((r) => [r.row, r.planId, r.status, r.problem?.type]);
    expect(summary).toEqual([
      [1, 'TH-B-1', 'accepted', undefined],
      [2, 'TH-B-2', 'rejected', problemType('invalid-nhs-number')],
      [3, 'TH-B-3', 'rejected', problemType('invalid-request')],
      [4, 'TH-LAC-0042', 'rejected', problemType('conflict')],
      [5, undefined, 'rejected', problemType('invalid-request')],
      [6, 'TH-B-4', 'accepted', undefined],
    ]);
    expect(a.body.results[2]?.problem).toMatchObject({
      status: 400,
      requestId: CLIENT_ID,
      errors: [{ field: '/endDate' }],
    });
    expect(a.body.results[4]).not.toHaveProperty('planId');
    expect([...h.service.state.plans.keys()].filter((k) => k.startsWith('211/TH-B'))).toEqual([
      '211/TH-B-1',
      '211/TH-B-4',
    ]);
  });

  it('refuses a body that is not an array (400), more than 10,000 rows (413), a non-JSON type (415)', async () => {
    const h = harness();
    const as = who.towerHamletsSocialWorker;
    const path = '/v1/authorities/211/plans/batch';
    const notArray = await h.call<Problem>('POST', path, { as, body: row });
    // The contract's body schema is an array of objects: an item that is not one is a bad body.
    const notObjects = await h.call<Problem>('POST', path, { as, body: [row, 'not a row'] });
    const tooMany = await h.call<Problem>('POST', path, {
      as,
      body: Array.from({ length: 10_001 }, (_, i) => ({ ...row, planId: `R-${i}` })),
    });
    const xml = await h.call<Problem>('POST', path, {
      as,
      raw: { contentType: 'application/xml', text: '<a/>' },
    });
    expect([notArray.status, notArray.body.type]).toEqual([400, problemType('invalid-request')]);
    expect([notObjects.status, notObjects.body.errors]).toEqual([
      400,
      [
        { field: '/1', message: 'must be object' },
        { field: '/1', message: 'must match a schema in anyOf' },
      ],
    ]);
    expect([tooMany.status, tooMany.body.type]).toEqual([413, problemType('payload-too-large')]);
    expect([xml.status, xml.body.type]).toEqual([415, problemType('unsupported-media-type')]);
    expect(h.service.state.plans.size).toBe(9);
  });

  it('refuses the whole batch for an authority without phones (409), and other principals (403)', async () => {
    const h = harness();
    const noPhones = await h.call<Problem>('POST', '/v1/authorities/ZZ999/plans/batch', {
      as: who.newAuthorityWorker,
      body: [row],
    });
    expect([noPhones.status, noPhones.body.type]).toEqual([409, problemType('conflict')]);
    for (const principal of [who.edNurse, who.sheffieldSocialWorker]) {
      const a = await h.call('POST', '/v1/authorities/211/plans/batch', {
        as: principal,
        body: [row],
      });
      expect(a.status).toBe(403);
    }
  });

  it('takes text/csv with a BOM, CRLF, quoted cells and empty cells as absent, a result per row', async () => {
    type BatchResult = Schemas['BatchResult'];
    const csv =
      '\uFEFFplanId,nhsNumber,type,startDate,endDate,expectedDeliveryDate\r\n' +
      'TH-C-1,9990000204,CPP,2025-01-01,,\r\n' +
      '"TH-C-2",9990000204,"UCPP",2025-01-01,,\r\n' +
      'TH-C-3,not-a-number,CPP,2025-01-01,,\r\n';
    const a = await harness().call<BatchResult>('POST', '/v1/authorities/211/plans/batch', {
      as: who.towerHamletsSocialWorker,
      raw: { contentType: 'text/csv', text: csv },
    });
    expect(a.status).toBe(200);
    expect(a.body.results.map((r) => [r.row, r.planId, r.status])).toEqual([
      [1, 'TH-C-1', 'accepted'],
      [2, 'TH-C-2', 'rejected'],
      [3, 'TH-C-3', 'rejected'],
    ]);
  });

  it('reads a CSV that mixes CRLF and LF line ends as the same CSV with LF throughout', async () => {
    type BatchResult = Schemas['BatchResult'];
    const lines = [
      'planId,nhsNumber,type,startDate',
      'TH-M-1,9990000204,CPP,2025-01-01',
      'TH-M-2,9990000212,LAC,2025-01-02',
    ];
    const upload = (text: string) =>
      harness().call<BatchResult>('POST', '/v1/authorities/211/plans/batch', {
        as: who.towerHamletsSocialWorker,
        raw: { contentType: 'text/csv', text },
      });
    const mixed = await upload(`${lines[0]}\r\n${lines[1]}\n${lines[2]}\r\n`);
    const lf = await upload(`${lines.join('\n')}\n`);
    expect(mixed.body.results.map((r) => [r.planId, r.status])).toEqual([
      ['TH-M-1', 'accepted'],
      ['TH-M-2', 'accepted'],
    ]);
    expect(mixed.body).toEqual(lf.body);
  });

  it('refuses a CSV column named __proto__ as an unknown column in each row, never dropping it', async () => {
    type BatchResult = Schemas['BatchResult'];
    const h = harness();
    const a = await h.call<BatchResult>('POST', '/v1/authorities/211/plans/batch', {
      as: who.towerHamletsSocialWorker,
      raw: {
        contentType: 'text/csv',
        text: 'planId,nhsNumber,type,startDate,__proto__\nTH-P-1,9990000204,CPP,2025-01-01,x\n',
      },
    });
    expect(a.body.results[0]).toMatchObject({ row: 1, planId: 'TH-P-1', status: 'rejected' });
    expect(JSON.stringify(a.body.results[0]?.problem?.errors)).toContain('__proto__');
    expect(h.service.state.plans.size).toBe(9);
  });

  it('refuses CSV that cannot be parsed with 400 invalid-request, storing nothing', async () => {
    const a = await harness().call<Problem>('POST', '/v1/authorities/211/plans/batch', {
      as: who.towerHamletsSocialWorker,
      raw: { contentType: 'text/csv', text: 'planId,nhsNumber\r\n"unterminated,9990000204\r\n' },
    });
    expect([a.status, a.body.type]).toEqual([400, problemType('invalid-request')]);
  });
});

describe('listNotifications', () => {
  type Notification = Schemas['Notification'];

  /** Five notifications for Tower Hamlets, from five different clinicians' settings. */
  async function withFive() {
    const h = harness();
    for (let i = 0; i < 5; i++) {
      await h.check(
        { ...who.edNurse, odsCode: `RQX${i}`, orgName: `ED ${i}` },
        'lookedAfterOutOfArea',
      );
      h.advance(60_000);
    }
    return h;
  }
  const as = who.towerHamletsSocialWorker;

  it('answers oldest first after the cursor, and nextCursor continues where it stopped', async () => {
    const h = await withFive();
    const first = await h.call<Page<Notification>>(
      'GET',
      '/v1/authorities/211/notifications?limit=2',
      { as },
    );
    const rest = await h.call<Page<Notification>>(
      'GET',
      `/v1/authorities/211/notifications?after=${first.body.nextCursor}`,
      { as },
    );
    expect(first.body.items.map((n) => n.setting.name)).toEqual(['ED 0', 'ED 1']);
    expect(first.body.nextCursor).toBe(first.body.items[1]?.cursor);
    expect(rest.body.items.map((n) => n.setting.name)).toEqual(['ED 2', 'ED 3', 'ED 4']);
    const none = await h.call<Page<Notification>>(
      'GET',
      `/v1/authorities/211/notifications?after=${rest.body.nextCursor}`,
      { as },
    );
    expect(none.body).toEqual({ items: [], nextCursor: rest.body.nextCursor });
  });

  it('with order=desc answers the newest first, and nextCursor at the newest', async () => {
    const h = await withFive();
    const desc = await h.call<Page<Notification>>(
      'GET',
      '/v1/authorities/211/notifications?order=desc&limit=2',
      { as },
    );
    expect(desc.body.items.map((n) => n.setting.name)).toEqual(['ED 4', 'ED 3']);
    expect(desc.body.nextCursor).toBe(desc.body.items[0]?.cursor);
    await h.check(who.edNurse, 'manyEarlierAccesses');
    const poll = await h.call<Page<Notification>>(
      'GET',
      `/v1/authorities/211/notifications?after=${desc.body.nextCursor}`,
      { as },
    );
    expect(poll.body.items.map((n) => n.nhsNumber)).toEqual([
      personas.manyEarlierAccesses.nhsNumber,
    ]);
  });

  it('gives a cursor to continue from when the feed is empty', async () => {
    const h = harness();
    const empty = await h.call<Page<Notification>>('GET', '/v1/authorities/211/notifications', {
      as,
    });
    await h.check(who.edNurse, 'lookedAfterOutOfArea');
    const next = await h.call<Page<Notification>>(
      'GET',
      `/v1/authorities/211/notifications?after=${empty.body.nextCursor}`,
      { as },
    );
    expect(empty.body.items).toEqual([]);
    expect(next.body.items).toHaveLength(1);
  });

  it('refuses a bad order, limit or cursor (400), clinicians and other LAs (403)', async () => {
    const h = harness();
    const bad = await h.call<Problem>('GET', '/v1/authorities/211/notifications?order=newest', {
      as,
    });
    const cursor = await h.call<Problem>('GET', '/v1/authorities/211/notifications?after=p1', {
      as,
    });
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'order']);
    expect([cursor.status, cursor.body.errors?.[0]?.field]).toEqual([400, 'after']);
    expect(
      (await h.call('GET', '/v1/authorities/211/notifications', { as: who.edNurse })).status,
    ).toBe(403);
    const other = await h.call('GET', '/v1/authorities/211/notifications', {
      as: who.sheffieldSocialWorker,
    });
    expect(other.status).toBe(403);
  });
});

describe('streamNotifications', () => {
  const as = who.towerHamletsSocialWorker;

  /** Reads Server-Sent Events from `response` until `count` events have arrived. */
  async function readEvents(response: Response, count: number): Promise<string[]> {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const events = (): string[] => text.split('\n\n').filter((e) => e.startsWith('event:'));
    while (events().length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    await reader.cancel();
    return events();
  }

  it('pushes new notifications live as event, id and one-line JSON data', async () => {
    const h = harness();
    const controller = new AbortController();
    const stream = await h.call('GET', '/v1/authorities/211/notifications/stream', {
      as,
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('Content-Type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('X-Request-ID')).toMatch(UUID);
    await h.check(who.edNurse, 'lookedAfterOutOfArea');
    const [event] = await readEvents(stream.response, 1);
    const notification = h.service.state.notifications.get('211')?.[0];
    expect(event).toBe(`event: notification\nid: 1\ndata: ${JSON.stringify(notification)}`);
  });

  it('starts after Last-Event-ID (or after), else from now', async () => {
    const h = harness();
    await h.check(who.edNurse, 'lookedAfterOutOfArea');
    await h.check(who.edNurse, 'manyEarlierAccesses');
    const fromOne = await h.call('GET', '/v1/authorities/211/notifications/stream', {
      as,
      headers: { 'Last-Event-ID': '1' },
    });
    const fromZero = await h.call('GET', '/v1/authorities/211/notifications/stream?after=0', {
      as,
    });
    const fromNow = await h.call('GET', '/v1/authorities/211/notifications/stream', { as });
    await h.check(who.edDoctor, 'lookedAfterOutOfArea');
    const ids = (events: string[]): string[] => events.map((e) => /id: (\S+)/.exec(e)?.[1] ?? '');
    expect(ids(await readEvents(fromOne.response, 2))).toEqual(['2', '3']);
    expect(ids(await readEvents(fromZero.response, 3))).toEqual(['1', '2', '3']);
    expect(ids(await readEvents(fromNow.response, 1))).toEqual(['3']);
  });

  it('ends when the client aborts, and unsubscribes', async () => {
    const h = harness();
    const controller = new AbortController();
    const stream = await h.call('GET', '/v1/authorities/211/notifications/stream', {
      as,
      signal: controller.signal,
    });
    controller.abort();
    await expect(stream.response.body!.getReader().read()).rejects.toMatchObject({
      name: 'AbortError',
    });
    await h.check(who.edNurse, 'lookedAfterOutOfArea');
  });

  it('refuses a cursor it did not give out (400), clinicians and other LAs (403)', async () => {
    const h = harness();
    const bad = await h.call<Problem>('GET', '/v1/authorities/211/notifications/stream', {
      as,
      headers: { 'Last-Event-ID': 'abc' },
    });
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'Last-Event-ID']);
    for (const principal of [who.edNurse, who.sheffieldSocialWorker]) {
      const a = await h.call('GET', '/v1/authorities/211/notifications/stream', { as: principal });
      expect(a.status).toBe(403);
    }
  });
});

describe('getHealth', () => {
  it('answers ok with no token, and ignores a bad one', async () => {
    const h = harness();
    const none = await h.call('GET', '/v1/health');
    const bad = await h.call('GET', '/v1/health', { as: { token: 'nonsense' } });
    expect([none.status, none.body]).toEqual([200, { status: 'ok' }]);
    expect([bad.status, bad.body]).toEqual([200, { status: 'ok' }]);
  });
});

describe('createDevToken', () => {
  const request = {
    name: 'Dr Kit Test',
    orgType: 'health' as const,
    odsCode: 'RQXM1',
    orgName: 'Homerton Emergency Department',
    role: 'Registrar',
    activities: ['B0107'],
  };

  it('issues a token the mock accepts, with its claims and a derived sub', async () => {
    const h = harness();
    const issued = await h.call<Schemas['DevTokenResponse']>('POST', '/v1/dev/tokens', {
      body: request,
    });
    expect(issued.status).toBe(200);
    expect(issued.body.claims).toEqual({
      ...request,
      sub: 'dr-kit-test@rqxm1',
      iss: 'cpis-mock',
      aud: 'cpis',
      exp: T0.getTime() / 1000 + 12 * 60 * 60,
    });
    const check = await h.check(request, 'noRecord');
    const withIssued = await h.call('POST', '/v1/checks', {
      as: { token: issued.body.token },
      body: {
        nhsNumber: personas.noRecord.nhsNumber,
        nhsNumberVerified: true,
        accessContext: 'unscheduled',
        reason: { code: 'unscheduled-attendance' },
      },
    });
    expect([check.status, withIssued.status]).toEqual([201, 201]);
  });

  it('keeps a given sub, and refuses a body that breaks the contract (400)', async () => {
    const h = harness();
    const given = await h.call<Schemas['DevTokenResponse']>('POST', '/v1/dev/tokens', {
      body: { ...request, sub: 'user-42' },
    });
    const bad = await h.call<Problem>('POST', '/v1/dev/tokens', {
      body: { ...request, orgType: 'police', activities: ['X1'] },
    });
    expect(given.body.claims.sub).toBe('user-42');
    expect([bad.status, bad.body.errors?.map((e) => e.field)]).toEqual([
      400,
      ['/orgType', '/activities/0'],
    ]);
  });
});
