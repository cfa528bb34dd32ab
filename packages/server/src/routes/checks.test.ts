import { randomUUID } from 'node:crypto';
import { addDays, londonDate } from '@cpis/domain';
import { authorities, personas, principals } from '@cpis/mock/fixtures';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../store/store.js';
import { bodyHash } from '@cpis/service';
import {
  bearer,
  createTestServer,
  itLogsNoPersonalData,
  principalClaims,
  type TestServer,
} from '../testing/harness.js';
import { forEachEngine } from '../testing/engines.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/** Noon UTC of a calendar date: that same date in London, in GMT and in BST. */
const noonInLondon = (date: string): Date => new Date(`${date}T12:00:00Z`);

type Body = Record<string, unknown>;
const unscheduled = (nhsNumber: string, extra: Body = {}): Body => ({
  nhsNumber,
  nhsNumberVerified: true,
  accessContext: 'unscheduled',
  reason: { code: 'unscheduled-attendance' },
  ...extra,
});
const scheduled = (nhsNumber: string): Body => ({
  nhsNumber,
  nhsNumberVerified: true,
  accessContext: 'scheduled',
  reason: { code: 'clinical-review' },
});

let s: TestServer;

async function check(
  body: Body,
  who: keyof typeof principals | Parameters<TestServer['token']>[0] = 'edNurse',
  headers: Record<string, string> = {},
) {
  const claims = typeof who === 'string' ? principalClaims(who) : who;
  const token = await s.token(claims);
  return s.inject({
    method: 'POST',
    url: '/v1/checks',
    headers: { ...bearer(token), ...headers },
    payload: body,
  });
}

async function checkResult(body: Body, who?: Parameters<typeof check>[1]): Promise<CheckResult> {
  const response = await check(body, who);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<CheckResult>();
}

const db = () => s.app.cpis.store.db;
const count = async (table: 'checks' | 'access_entries' | 'notifications', nhsNumber: string) =>
  Number(
    (
      await db()
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('nhs_number', '=', nhsNumber)
        .executeTakeFirstOrThrow()
    ).n,
  );

// The same suite on each engine (SQLite, and PostgreSQL when it is reachable).
forEachEngine(() => {
  describe('POST /v1/checks', () => {
    beforeEach(async () => {
      s = await createTestServer();
    });
    afterEach(async () => {
      await s.close();
    });

    describe('an unscheduled check that finds a record', () => {
      it('answers 201 with the plan, the authority and its phones, and a Location', async () => {
        const response = await check(unscheduled(personas.lookedAfterOutOfArea.nhsNumber));
        expect(response.statusCode).toBe(201);
        const result = response.json<CheckResult>();
        expect(response.headers.location).toBe(`/v1/checks/${result.checkId}`);
        expect(result).toMatchObject({
          nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
          accessContext: 'unscheduled',
          outcome: 'record-found',
          notifiedAuthorities: [authorities.towerHamlets.odsCode],
        });
        expect(result.plans).toEqual([
          expect.objectContaining({
            planId: 'TH-LAC-0042',
            type: 'LAC',
            status: 'active',
            responsibleAuthority: authorities.towerHamlets,
          }),
        ]);
      });

      it('writes one access entry, one notification to the responsible LA and the audit row, in one go', async () => {
        const nhsNumber = personas.lookedAfterOutOfArea.nhsNumber;
        const entriesBefore = await count('access_entries', nhsNumber);
        const requestId = randomUUID();
        const result = await (async () => {
          const r = await check(unscheduled(nhsNumber), 'edNurse', { 'x-request-id': requestId });
          return r.json<CheckResult>();
        })();
        expect(await count('access_entries', nhsNumber)).toBe(entriesBefore + 1);
        const notifications = await db()
          .selectFrom('notifications')
          .selectAll()
          .where('check_id', '=', result.checkId)
          .execute();
        expect(notifications).toHaveLength(1);
        expect(notifications[0]).toMatchObject({
          authority_ods: authorities.towerHamlets.odsCode,
          seq: 1,
          plan_ids: JSON.stringify(['TH-LAC-0042']),
          setting_ods: principals.edNurse.odsCode,
          user_name: principals.edNurse.name,
          reason_code: 'unscheduled-attendance',
        });
        const audit = await db()
          .selectFrom('checks')
          .selectAll()
          .where('check_id', '=', result.checkId)
          .executeTakeFirstOrThrow();
        expect(audit).toMatchObject({
          request_id: requestId,
          user_sub: 'test-edNurse',
          org_ods: principals.edNurse.odsCode,
          nhs_number: nhsNumber,
          nhs_number_verified: 1,
          access_context: 'unscheduled',
          reason_code: 'unscheduled-attendance',
          outcome: 'record-found',
          notified: JSON.stringify(['211']),
        });
        expect(JSON.parse(audit.snapshot)).toEqual(result);
      });

      it('puts this access first in the history, newest first', async () => {
        const result = await checkResult(unscheduled(personas.lookedAfterOutOfArea.nhsNumber));
        expect(result.accessHistory).toHaveLength(2);
        expect(result.accessHistory[0]).toEqual({
          accessedAt: result.checkedAt,
          setting: { odsCode: principals.edNurse.odsCode, name: principals.edNurse.orgName },
          userRole: principals.edNurse.role,
        });
        expect(result.accessHistory[1]?.setting.odsCode).toBe('R1HKH');
      });

      it('shows at most 25 earlier accesses including this one', async () => {
        const result = await checkResult(unscheduled(personas.manyEarlierAccesses.nhsNumber));
        expect(result.accessHistory).toHaveLength(25);
        expect(result.accessHistory[0]?.accessedAt).toBe(result.checkedAt);
        const times = result.accessHistory.map((e) => Date.parse(e.accessedAt));
        expect([...times].sort((a, b) => b - a)).toEqual(times);
      });

      it('tells each responsible LA of a child with plans from two LAs', async () => {
        const result = await checkResult(unscheduled(personas.plansFromTwoAuthorities.nhsNumber));
        expect(result.plans.map((p) => p.responsibleAuthority.odsCode).sort()).toEqual([
          '213',
          '373',
        ]);
        expect([...result.notifiedAuthorities].sort()).toEqual(['213', '373']);
        expect(await count('notifications', personas.plansFromTwoAuthorities.nhsNumber)).toBe(2);
        expect(await count('access_entries', personas.plansFromTwoAuthorities.nhsNumber)).toBe(1);
      });

      it('returns hostile authority text byte for byte', async () => {
        const result = await checkResult(unscheduled(personas.hostileAuthorityName.nhsNumber));
        expect(result.plans[0]?.responsibleAuthority.name).toBe(authorities.hostile.name);
      });
    });

    describe('the 24-hour collapse', () => {
      const nhsNumber = personas.lookedAfterOutOfArea.nhsNumber;

      it('collapses a repeat by the same user and setting within 24 hours: no entry, no notification', async () => {
        await checkResult(unscheduled(nhsNumber));
        s.clock.advance(23 * HOUR + 59 * 60 * 1000);
        const repeat = await checkResult(unscheduled(nhsNumber));
        expect(repeat.outcome).toBe('record-found');
        expect(repeat.notifiedAuthorities).toEqual([]);
        expect(repeat.accessHistory[0]?.accessedAt).not.toBe(repeat.checkedAt);
        expect(await count('notifications', nhsNumber)).toBe(1);
        expect(await count('checks', nhsNumber)).toBe(2);
      });

      it('counts 24 hours from the last entry written, not from collapsed repeats', async () => {
        await checkResult(unscheduled(nhsNumber));
        s.clock.advance(20 * HOUR);
        expect((await checkResult(unscheduled(nhsNumber))).notifiedAuthorities).toEqual([]);
        s.clock.advance(4 * HOUR);
        expect((await checkResult(unscheduled(nhsNumber))).notifiedAuthorities).toEqual(['211']);
        expect(await count('notifications', nhsNumber)).toBe(2);
      });

      it('does not collapse across users or settings', async () => {
        await checkResult(unscheduled(nhsNumber), 'edNurse');
        expect((await checkResult(unscheduled(nhsNumber), 'edDoctor')).notifiedAuthorities).toEqual(
          ['211'],
        );
        const elsewhere = {
          ...principalClaims('edNurse'),
          odsCode: 'R1HKH',
          orgName: 'Royal London Emergency Department',
        };
        expect((await checkResult(unscheduled(nhsNumber), elsewhere)).notifiedAuthorities).toEqual([
          '211',
        ]);
      });

      it('always tells a newly responsible LA', async () => {
        await checkResult(unscheduled(nhsNumber));
        const la = {
          ...principalClaims('towerHamletsSocialWorker'),
          odsCode: '204',
          orgName: authorities.hackney.name,
        };
        const laToken = await s.token(la);
        const put = await s.inject({
          method: 'PUT',
          url: '/v1/authorities/204/plans/HK-CPP-NEW',
          headers: bearer(laToken),
          payload: { nhsNumber, type: 'CPP', startDate: londonDate(s.clock.now()) },
        });
        expect(put.statusCode).toBe(201);
        s.clock.advance(HOUR);
        const repeat = await checkResult(unscheduled(nhsNumber));
        expect(repeat.plans).toHaveLength(2);
        expect(repeat.notifiedAuthorities).toEqual(['204']);
        expect(repeat.accessHistory[0]?.accessedAt).toBe(repeat.checkedAt);
      });
    });

    describe('a scheduled check', () => {
      it('is a silent read: audited, no access entry, no notification', async () => {
        const nhsNumber = personas.lookedAfterOutOfArea.nhsNumber;
        const entries = await count('access_entries', nhsNumber);
        const result = await checkResult(scheduled(nhsNumber), 'gp');
        expect(result).toMatchObject({
          outcome: 'record-found',
          accessContext: 'scheduled',
          notifiedAuthorities: [],
        });
        expect(result.accessHistory).toHaveLength(1);
        expect(await count('access_entries', nhsNumber)).toBe(entries);
        expect(await count('notifications', nhsNumber)).toBe(0);
        const audit = await db()
          .selectFrom('checks')
          .selectAll()
          .where('check_id', '=', result.checkId)
          .executeTakeFirstOrThrow();
        expect(audit.access_context).toBe('scheduled');
      });
    });

    describe('no-record', () => {
      it('answers no-record with empty plans, history and notifications, and audits it', async () => {
        const nhsNumber = personas.noRecord.nhsNumber;
        const result = await checkResult(unscheduled(nhsNumber));
        expect(result).toMatchObject({
          outcome: 'no-record',
          plans: [],
          accessHistory: [],
          notifiedAuthorities: [],
        });
        expect(await count('checks', nhsNumber)).toBe(1);
        expect(await count('access_entries', nhsNumber)).toBe(0);
      });

      it('records an unverified NHS number as unverified', async () => {
        const result = await checkResult({
          ...unscheduled(personas.unverifiedNumber.nhsNumber),
          nhsNumberVerified: false,
        });
        const audit = await db()
          .selectFrom('checks')
          .selectAll()
          .where('check_id', '=', result.checkId)
          .executeTakeFirstOrThrow();
        expect(audit.nhs_number_verified).toBe(0);
      });

      it('hides a plan that ended more than 365 days ago, and its history', async () => {
        const result = await checkResult(unscheduled(personas.planEndedOverAYearAgo.nhsNumber));
        expect(result).toMatchObject({ outcome: 'no-record', plans: [], accessHistory: [] });
      });
    });

    describe('visibility windows (Europe/London days)', () => {
      it('shows an ended CPP as ended for 365 days after its end date, then not', async () => {
        const nhsNumber = personas.recentlyEndedPlan.nhsNumber;
        const endDate = addDays(londonDate(s.clock.now()), -60);
        const first = await checkResult(unscheduled(nhsNumber));
        expect(first.plans[0]).toMatchObject({ status: 'ended', endDate });
        // London days, not 24-hour steps: 305 × 24 h from late evening in winter can land
        // on the next London day in summer time.
        s.clock.set(noonInLondon(addDays(endDate, 365)));
        expect((await checkResult(unscheduled(nhsNumber))).outcome).toBe('record-found');
        s.clock.set(noonInLondon(addDays(endDate, 366)));
        expect((await checkResult(unscheduled(nhsNumber))).outcome).toBe('no-record');
      });

      it('shows a UCPP until 28 days after the expected delivery date', async () => {
        const nhsNumber = personas.pregnantWithUnbornPlan.nhsNumber;
        const expectedDeliveryDate = addDays(londonDate(s.clock.now()), 75);
        const first = await checkResult(unscheduled(nhsNumber));
        expect(first.plans[0]).toMatchObject({
          type: 'UCPP',
          status: 'active',
          expectedDeliveryDate,
        });
        s.clock.set(noonInLondon(addDays(expectedDeliveryDate, 28)));
        expect((await checkResult(unscheduled(nhsNumber))).outcome).toBe('record-found');
        s.clock.set(noonInLondon(addDays(expectedDeliveryDate, 29)));
        expect((await checkResult(unscheduled(nhsNumber))).outcome).toBe('no-record');
      });

      it('uses the London calendar day: 23:30 UTC in summer is already the next day', async () => {
        const la = { ...principalClaims('towerHamletsSocialWorker') };
        s.clock.set(new Date('2026-06-01T12:00:00Z'));
        const laToken = await s.token(la);
        const put = await s.inject({
          method: 'PUT',
          url: '/v1/authorities/211/plans/TH-DST-1',
          headers: bearer(laToken),
          payload: {
            nhsNumber: personas.noRecord.nhsNumber,
            type: 'CPP',
            startDate: '2025-05-01',
            endDate: '2025-06-01',
          },
        });
        expect(put.statusCode).toBe(201);
        // 2026-06-01 is the 365th day after the end date: still shown, until 23:00 UTC.
        s.clock.set(new Date('2026-06-01T22:59:00Z'));
        expect((await checkResult(unscheduled(personas.noRecord.nhsNumber))).outcome).toBe(
          'record-found',
        );
        s.clock.set(new Date('2026-06-01T23:30:00Z'));
        expect((await checkResult(unscheduled(personas.noRecord.nhsNumber))).outcome).toBe(
          'no-record',
        );
      });
    });

    describe('refusals, in the order 401, 400, 403', () => {
      const invalid = ['9990001376', '99900O1375', '999 000 1375', '999000137', '99900013750', ''];
      it.each(invalid)('refuses NHS number %j with invalid-nhs-number', async (nhsNumber) => {
        const response = await check(unscheduled(nhsNumber));
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({
          type: 'urn:cpis:problem:invalid-nhs-number',
          errors: [{ field: '/nhsNumber' }],
        });
      });

      it.each([
        ['nhsNumberVerified missing', { nhsNumberVerified: undefined }, '/nhsNumberVerified'],
        ['nhsNumberVerified as text', { nhsNumberVerified: 'true' }, '/nhsNumberVerified'],
        ['accessContext missing (never defaulted)', { accessContext: undefined }, '/accessContext'],
        ['accessContext unknown', { accessContext: 'emergency' }, '/accessContext'],
        ['reason missing', { reason: undefined }, '/reason'],
        ['an unknown field', { extra: 1 }, '/extra'],
        [
          'an unknown reason field',
          { reason: { code: 'other', comment: 'x', note: 1 } },
          '/reason/note',
        ],
        [
          'a comment over 500 characters',
          { reason: { code: 'other', comment: 'x'.repeat(501) } },
          '/reason/comment',
        ],
        ['other without a comment', { reason: { code: 'other' } }, '/reason/comment'],
        [
          'other with a blank comment',
          { reason: { code: 'other', comment: '   ' } },
          '/reason/comment',
        ],
        [
          'other with a comment of only invisible characters (U+200B)',
          { reason: { code: 'other', comment: '\u200b\u200b \u2060' } },
          '/reason/comment',
        ],
      ])('refuses %s with invalid-request naming the field', async (_title, change, field) => {
        const response = await check(unscheduled(personas.noRecord.nhsNumber, change));
        expect(response.statusCode).toBe(400);
        const problem = response.json<{ type: string; errors: { field: string }[] }>();
        expect(problem.type).toBe('urn:cpis:problem:invalid-request');
        expect(problem.errors.map((e) => e.field)).toContain(field);
      });

      it('refuses a body that is not JSON, or empty', async () => {
        const token = await s.token(principalClaims('edNurse'));
        const broken = await s.inject({
          method: 'POST',
          url: '/v1/checks',
          headers: { ...bearer(token), 'content-type': 'application/json' },
          payload: '{"nhsNumber":',
        });
        expect(broken.statusCode).toBe(400);
        const empty = await s.inject({ method: 'POST', url: '/v1/checks', headers: bearer(token) });
        expect(empty.statusCode).toBe(400);
        expect(empty.json()).toMatchObject({ type: 'urn:cpis:problem:invalid-request' });
      });

      it('stores nothing from a refused request', async () => {
        await check(unscheduled('9990001376'));
        await check({ ...unscheduled(personas.lookedAfterOutOfArea.nhsNumber), extra: true });
        expect(await count('checks', personas.lookedAfterOutOfArea.nhsNumber)).toBe(0);
      });

      it('answers 400 before 403 and 401 before 400', async () => {
        const forbiddenButInvalid = await check(unscheduled('123'), 'gp');
        expect(forbiddenButInvalid.statusCode).toBe(400);
        const unauthenticated = await s.inject({
          method: 'POST',
          url: '/v1/checks',
          payload: { nonsense: true },
        });
        expect(unauthenticated.statusCode).toBe(401);
        expect(unauthenticated.headers['www-authenticate']).toMatch(/^Bearer/);
      });

      it.each([
        ['an ED user (B0107) asking for a silent read', 'edNurse', 'scheduled'],
        ['a GP (B0170) asking for an unscheduled check', 'gp', 'unscheduled'],
        ['a user with no activity', 'receptionist', 'unscheduled'],
        ['a local authority user', 'towerHamletsSocialWorker', 'unscheduled'],
      ] as const)('refuses %s with 403', async (_title, who, accessContext) => {
        const body =
          accessContext === 'scheduled'
            ? scheduled(personas.noRecord.nhsNumber)
            : unscheduled(personas.noRecord.nhsNumber);
        const response = await check(body, who);
        expect(response.statusCode).toBe(403);
        expect(response.json()).toMatchObject({ type: 'urn:cpis:problem:forbidden' });
        expect(await count('checks', personas.noRecord.nhsNumber)).toBe(0);
      });
    });

    describe('Idempotency-Key', () => {
      const nhsNumber = personas.lookedAfterOutOfArea.nhsNumber;

      it('answers a repeat with the first result, 201, and writes nothing', async () => {
        const key = randomUUID();
        const first = await check(unscheduled(nhsNumber), 'edNurse', { 'idempotency-key': key });
        s.clock.advance(HOUR);
        const again = await check(unscheduled(nhsNumber), 'edNurse', { 'idempotency-key': key });
        expect(again.statusCode).toBe(201);
        expect(again.json()).toEqual(first.json());
        expect(again.headers.location).toBe(first.headers.location);
        expect(await count('checks', nhsNumber)).toBe(1);
        expect(await count('notifications', nhsNumber)).toBe(1);
      });

      it('treats the same body in another key order as the same body', async () => {
        const key = randomUUID();
        await check(unscheduled(nhsNumber), 'edNurse', { 'idempotency-key': key });
        const reordered = {
          reason: { code: 'unscheduled-attendance' },
          accessContext: 'unscheduled',
          nhsNumberVerified: true,
          nhsNumber,
        };
        expect((await check(reordered, 'edNurse', { 'idempotency-key': key })).statusCode).toBe(
          201,
        );
        expect(await count('checks', nhsNumber)).toBe(1);
      });

      it('refuses the same key with another body (422)', async () => {
        const key = randomUUID();
        await check(unscheduled(nhsNumber), 'edNurse', { 'idempotency-key': key });
        const other = await check(unscheduled(personas.noRecord.nhsNumber), 'edNurse', {
          'idempotency-key': key,
        });
        expect(other.statusCode).toBe(422);
        expect(other.json()).toMatchObject({ type: 'urn:cpis:problem:idempotency-key-reused' });
      });

      it('answers 409 while a check with that key is in progress', async () => {
        const key = randomUUID();
        // Keys are scoped to the user and the organisation.
        await s.app.cpis.store.claimIdempotencyKey({
          scope: { userSub: 'test-edNurse', orgOds: principals.edNurse.odsCode },
          key,
          bodyHash: await bodyHash(unscheduled(nhsNumber)),
          now: s.clock.now(),
          keepMs: DAY,
          staleMs: 60_000,
        });
        const response = await check(unscheduled(nhsNumber), 'edNurse', { 'idempotency-key': key });
        expect(response.statusCode).toBe(409);
        expect(response.json()).toMatchObject({ type: 'urn:cpis:problem:conflict' });
        // An abandoned claim is taken over after a minute.
        s.clock.advance(61_000);
        expect(
          (await check(unscheduled(nhsNumber), 'edNurse', { 'idempotency-key': key })).statusCode,
        ).toBe(201);
      });

      it('scopes a key to its user, and forgets it after 24 hours', async () => {
        const key = randomUUID();
        const mine = await check(unscheduled(nhsNumber), 'edNurse', { 'idempotency-key': key });
        const theirs = await check(unscheduled(nhsNumber), 'edDoctor', { 'idempotency-key': key });
        expect(theirs.json<CheckResult>().checkId).not.toBe(mine.json<CheckResult>().checkId);
        s.clock.advance(DAY + 1);
        const later = await check(unscheduled(nhsNumber), 'edNurse', { 'idempotency-key': key });
        expect(later.json<CheckResult>().checkId).not.toBe(mine.json<CheckResult>().checkId);
        expect(await count('checks', nhsNumber)).toBe(3);
      });

      it('scopes a key to the organisation too: reused by the same user at another organisation, it makes a new check with its own access entry', async () => {
        const key = randomUUID();
        const atHomerton = principalClaims('edNurse');
        const atRoyalLondon = {
          ...atHomerton,
          odsCode: 'R1HKH',
          orgName: 'Royal London Emergency Department',
        };
        const first = await check(unscheduled(nhsNumber), atHomerton, { 'idempotency-key': key });
        s.clock.advance(1000);
        const elsewhere = await check(unscheduled(nhsNumber), atRoyalLondon, {
          'idempotency-key': key,
        });
        expect(elsewhere.statusCode).toBe(201);
        const result = elsewhere.json<CheckResult>();
        expect(result.checkId).not.toBe(first.json<CheckResult>().checkId);
        expect(result.accessHistory[0]?.setting.odsCode).toBe('R1HKH');
        const entries = await db()
          .selectFrom('access_entries')
          .select('setting_ods')
          .where('nhs_number', '=', nhsNumber)
          .where('check_id', 'is not', null)
          .orderBy('accessed_at')
          .execute();
        expect(entries.map((e) => e.setting_ods)).toEqual(['RQXM1', 'R1HKH']);
        // Each organisation's retry still answers its own first result.
        const retried = await check(unscheduled(nhsNumber), atRoyalLondon, {
          'idempotency-key': key,
        });
        expect(retried.json<CheckResult>().checkId).toBe(result.checkId);
        expect(await count('checks', nhsNumber)).toBe(2);
      });

      it('refuses a key that is not a UUID', async () => {
        const response = await check(unscheduled(nhsNumber), 'edNurse', {
          'idempotency-key': 'not-a-uuid',
        });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ errors: [{ field: 'Idempotency-Key' }] });
      });

      it('frees the key when the check fails, so the retry makes it', async () => {
        const store = s.app.cpis.store;
        const original = store.insertNotifications.bind(store);
        store.insertNotifications = () => Promise.reject(new Error('disk on fire'));
        const key = randomUUID();
        const failed = await check(unscheduled(nhsNumber), 'edNurse', { 'idempotency-key': key });
        store.insertNotifications = original;
        expect(failed.statusCode).toBe(500);
        const retried = await check(unscheduled(nhsNumber), 'edNurse', { 'idempotency-key': key });
        expect(retried.statusCode).toBe(201);
        expect(await count('notifications', nhsNumber)).toBe(1);
      });
    });

    describe('atomicity', () => {
      it('writes none of audit row, access entry and notifications when one of them fails', async () => {
        const nhsNumber = personas.plansFromTwoAuthorities.nhsNumber;
        const store = s.app.cpis.store;
        const original = store.insertNotifications.bind(store);
        store.insertNotifications = () =>
          Promise.reject(new Error('constraint violated for 9990006857'));
        const response = await check(unscheduled(nhsNumber));
        store.insertNotifications = original;
        expect(response.statusCode).toBe(500);
        const problem = response.json<{ type: string; detail: string }>();
        expect(problem.type).toBe('urn:cpis:problem:internal');
        expect(problem.detail).not.toMatch(/constraint|9990006857/);
        expect(await count('checks', nhsNumber)).toBe(0);
        expect(await count('access_entries', nhsNumber)).toBe(0);
        expect(await count('notifications', nhsNumber)).toBe(0);
        // The failed check took no cursor: the next notification is 1.
        const next = await checkResult(unscheduled(nhsNumber));
        const seqs = await db()
          .selectFrom('notifications')
          .select('seq')
          .where('check_id', '=', next.checkId)
          .execute();
        expect(seqs.map((r) => r.seq)).toEqual([1, 1]);
      });

      it('hands out each authority cursor once, in order, under concurrent checks', async () => {
        const users = Array.from({ length: 40 }, (_, i) => ({
          ...principalClaims('edNurse'),
          sub: `nurse-${i}`,
        }));
        const results = await Promise.all(
          users.map((u) => checkResult(unscheduled(personas.lookedAfterOutOfArea.nhsNumber), u)),
        );
        expect(results.every((r) => r.notifiedAuthorities.length === 1)).toBe(true);
        const seqs = await db()
          .selectFrom('notifications')
          .select('seq')
          .where('authority_ods', '=', '211')
          .orderBy('seq')
          .execute();
        expect(seqs.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      });
    });
  });

  describe('GET /v1/checks/{checkId}', () => {
    let created: CheckResult;
    beforeAll(async () => {
      s = await createTestServer();
      created = await checkResult(unscheduled(personas.lookedAfterOutOfArea.nhsNumber));
    });
    afterAll(async () => {
      await s.close();
    });

    const get = async (checkId: string, who: Parameters<typeof check>[1] = 'edDoctor') => {
      const claims = typeof who === 'string' ? principalClaims(who) : who;
      return s.inject({
        method: 'GET',
        url: `/v1/checks/${checkId}`,
        headers: bearer(await s.token(claims)),
      });
    };

    it('returns the snapshot to another user of the same organisation, not re-evaluated', async () => {
      const la = await s.token(principalClaims('towerHamletsSocialWorker'));
      const deleted = await s.inject({
        method: 'DELETE',
        url: '/v1/authorities/211/plans/TH-LAC-0042',
        headers: bearer(la),
      });
      expect(deleted.statusCode).toBe(204);
      const response = await get(created.checkId);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(created);
    });

    it('is audited, and writes no access entry or notification', async () => {
      const before = await db().selectFrom('notifications').select('seq').execute();
      await get(created.checkId);
      const reads = await db()
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'check.read')
        .where('target', '=', created.checkId)
        .execute();
      expect(reads.length).toBeGreaterThan(0);
      expect(reads.at(-1)).toMatchObject({
        actor_sub: 'test-edDoctor',
        actor_org: principals.edDoctor.odsCode,
      });
      expect(await db().selectFrom('notifications').select('seq').execute()).toEqual(before);
    });

    it('answers 404 to another organisation, as for an unknown check, and audits the attempt', async () => {
      const other = { ...principalClaims('edNurse'), odsCode: 'R1HKH', orgName: 'Royal London' };
      const response = await get(created.checkId, other);
      expect(response.statusCode).toBe(404);
      expect((await get(randomUUID())).statusCode).toBe(404);
      const attempt = await db()
        .selectFrom('audit_events')
        .selectAll()
        .where('actor_org', '=', 'R1HKH')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(attempt.detail)).toEqual({ found: false });
    });

    it('answers a B0170 user of the same organisation, and refuses users without an activity', async () => {
      const gpSameOrg = { ...principalClaims('gp'), odsCode: principals.edNurse.odsCode };
      expect((await get(created.checkId, gpSameOrg)).statusCode).toBe(200);
      expect((await get(created.checkId, 'receptionist')).statusCode).toBe(403);
      expect((await get(created.checkId, 'towerHamletsSocialWorker')).statusCode).toBe(403);
    });

    it('refuses a check id that is not a UUID with 400', async () => {
      const response = await get('not-a-uuid');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ errors: [{ field: 'checkId' }] });
    });
  });
});

itLogsNoPersonalData();
