/**
 * One conformance suite, the same expectations, three backends: the reference server on
 * SQLite, on PostgreSQL (when `CPIS_TEST_DATABASE_URL` answers), and the mock. Built from
 * the server's route tests: what a client can see through HTTP, nothing read from a
 * database, so the one expectation holds for every backend.
 */
import { randomUUID } from 'node:crypto';
import { personas } from '@cpis/population';
import { forEachEngine } from '@cpis/server/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockBackend, serverBackend, type Backend } from './backends.ts';

const DAY = 24 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Problem = { type: string; requestId: string; errors?: { field: string }[] };
type Check = {
  checkId: string;
  outcome: string;
  notifiedAuthorities: string[];
  accessHistory: unknown[];
  plans: { planId: string; responsibleAuthority: { odsCode: string } }[];
};

const unscheduled = (nhsNumber: string, extra: Record<string, unknown> = {}) => ({
  nhsNumber,
  nhsNumberVerified: true,
  accessContext: 'unscheduled',
  reason: { code: 'unscheduled-attendance' },
  ...extra,
});
const plan = (extra: Record<string, unknown> = {}) => ({
  nhsNumber: personas.noRecord.nhsNumber,
  type: 'CPP',
  startDate: '2025-01-15',
  ...extra,
});
const typeOf = (kind: string) => `urn:cpis:problem:${kind}`;

function conformance(make: () => Promise<Backend>): void {
  let b: Backend;
  beforeEach(async () => {
    b = await make();
  });
  afterEach(async () => {
    await b.close();
  });

  describe('checks', () => {
    it('answers an unscheduled check with 201, Location, the plans and who was told', async () => {
      const a = await b.call('POST', '/v1/checks', {
        as: 'edNurse',
        body: unscheduled(personas.lookedAfterOutOfArea.nhsNumber),
      });
      expect(a.status).toBe(201);
      const result = a.json<Check>();
      expect(a.header('location')).toBe(`/v1/checks/${result.checkId}`);
      expect(result.outcome).toBe('record-found');
      expect(result.plans.map((p) => [p.planId, p.responsibleAuthority.odsCode])).toEqual([
        ['TH-LAC-0042', '211'],
      ]);
      expect(result.notifiedAuthorities).toEqual(['211']);
      expect(a.header('cache-control')).toBe('no-store');
    });

    it('collapses a repeat within 24 hours, and tells the LA again after them', async () => {
      const nhsNumber = personas.activeChildProtectionPlan.nhsNumber;
      const first = await b.call('POST', '/v1/checks', {
        as: 'edNurse',
        body: unscheduled(nhsNumber),
      });
      b.advance(DAY - 60_000);
      const repeat = await b.call('POST', '/v1/checks', {
        as: 'edNurse',
        body: unscheduled(nhsNumber),
      });
      b.advance(61_000);
      const later = await b.call('POST', '/v1/checks', {
        as: 'edNurse',
        body: unscheduled(nhsNumber),
      });
      expect([first, repeat, later].map((a) => a.json<Check>().notifiedAuthorities)).toEqual([
        ['373'],
        [],
        ['373'],
      ]);
    });

    it('makes a scheduled check a silent read, and no-record an empty history', async () => {
      const silent = await b.call('POST', '/v1/checks', {
        as: 'gp',
        body: {
          ...unscheduled(personas.activeChildProtectionPlan.nhsNumber),
          accessContext: 'scheduled',
        },
      });
      expect([silent.status, silent.json<Check>().notifiedAuthorities]).toEqual([201, []]);
      const none = await b.call('POST', '/v1/checks', {
        as: 'edNurse',
        body: unscheduled(personas.noRecord.nhsNumber),
      });
      expect([none.json<Check>().outcome, none.json<Check>().accessHistory]).toEqual([
        'no-record',
        [],
      ]);
    });

    it('refuses in the order 401, 400, 403', async () => {
      const bad = { ...unscheduled(personas.noRecord.nhsNumber), extra: 1 };
      expect((await b.call('POST', '/v1/checks', { body: bad })).status).toBe(401);
      // A B0170 clinician may make some checks: the body decides, so it is judged first.
      expect((await b.call('POST', '/v1/checks', { as: 'gp', body: bad })).status).toBe(400);
      const good = unscheduled(personas.noRecord.nhsNumber);
      const refused = await b.call('POST', '/v1/checks', { as: 'gp', body: good });
      expect([refused.status, refused.json<Problem>().type]).toEqual([403, typeOf('forbidden')]);
      // An LA may make none: 403 before the body is read.
      const la = await b.call('POST', '/v1/checks', { as: 'towerHamletsSocialWorker', body: bad });
      expect(la.status).toBe(403);
    });

    it.each([
      ['an invalid NHS number', { nhsNumber: '9990000019' }, 'invalid-nhs-number', '/nhsNumber'],
      ['an unknown field', { extra: 1 }, 'invalid-request', '/extra'],
      ['no accessContext', { accessContext: undefined }, 'invalid-request', '/accessContext'],
      [
        '"other" without a comment',
        { reason: { code: 'other' } },
        'invalid-request',
        '/reason/comment',
      ],
    ])('refuses %s with 400 naming the field', async (_title, change, kind, field) => {
      const a = await b.call('POST', '/v1/checks', {
        as: 'edNurse',
        body: unscheduled(personas.noRecord.nhsNumber, change),
      });
      expect([a.status, a.json<Problem>().type]).toEqual([400, typeOf(kind)]);
      expect(a.json<Problem>().errors?.map((e) => e.field)).toContain(field);
      expect(a.json<Problem>().requestId).toBe(a.header('x-request-id'));
    });

    it('replays an Idempotency-Key with the same body, and refuses it with another (422)', async () => {
      const key = randomUUID();
      const body = unscheduled(personas.activeChildProtectionPlan.nhsNumber);
      const headers = { 'idempotency-key': key };
      const first = await b.call('POST', '/v1/checks', { as: 'edNurse', body, headers });
      const again = await b.call('POST', '/v1/checks', { as: 'edNurse', body, headers });
      expect([again.status, again.text]).toEqual([201, first.text]);
      const other = await b.call('POST', '/v1/checks', {
        as: 'edNurse',
        body: unscheduled(personas.noRecord.nhsNumber),
        headers,
      });
      expect([other.status, other.json<Problem>().type]).toEqual([
        422,
        typeOf('idempotency-key-reused'),
      ]);
      const notUuid = await b.call('POST', '/v1/checks', {
        as: 'edNurse',
        body,
        headers: { 'idempotency-key': 'not-a-uuid' },
      });
      expect([notUuid.status, notUuid.json<Problem>().errors?.[0]?.field]).toEqual([
        400,
        'Idempotency-Key',
      ]);
    });

    it('answers a stored check to its organisation only (404 elsewhere; 400 for a bad id)', async () => {
      const made = await b.call('POST', '/v1/checks', {
        as: 'edNurse',
        body: unscheduled(personas.activeChildProtectionPlan.nhsNumber),
      });
      const id = made.json<Check>().checkId;
      const same = await b.call('GET', `/v1/checks/${id}`, { as: 'edDoctor' });
      expect([same.status, same.text]).toEqual([200, made.text]);
      expect((await b.call('GET', `/v1/checks/${id}`, { as: 'gp' })).status).toBe(404);
      expect(
        (await b.call('GET', `/v1/checks/${id.toUpperCase()}`, { as: 'edDoctor' })).status,
      ).toBe(200);
      const bad = await b.call('GET', '/v1/checks/nope', { as: 'edDoctor' });
      expect([bad.status, bad.json<Problem>().errors?.[0]?.field]).toEqual([400, 'checkId']);
    });
  });

  describe('authorities and plans', () => {
    it('lets any clinician read an authority, and only the LA change it', async () => {
      expect((await b.call('GET', '/v1/authorities/211', { as: 'edNurse' })).status).toBe(200);
      const input = {
        name: 'Tower Hamlets',
        officeHoursPhone: '020 7946 0001',
        emergencyDutyPhone: '020 7946 0002',
      };
      expect(
        (
          await b.call('PUT', '/v1/authorities/211', {
            as: 'towerHamletsSocialWorker',
            body: input,
          })
        ).status,
      ).toBe(200);
      expect(
        (await b.call('PUT', '/v1/authorities/211', { as: 'sheffieldSocialWorker', body: input }))
          .status,
      ).toBe(403);
      expect((await b.call('GET', '/v1/authorities/999', { as: 'edNurse' })).status).toBe(404);
      const bad = await b.call('GET', '/v1/authorities/th', { as: 'edNurse' });
      expect([bad.status, bad.json<Problem>().errors?.[0]?.field]).toEqual([400, 'odsCode']);
    });

    it('creates (201) and replaces (200) a plan, deletes it (204, then 404), and never reuses its id (409)', async () => {
      const path = '/v1/authorities/211/plans/TH-CONF-1';
      const as = 'towerHamletsSocialWorker' as const;
      expect((await b.call('PUT', path, { as, body: plan() })).status).toBe(201);
      expect(
        (await b.call('PUT', path, { as, body: plan({ endDate: '2025-02-01' }) })).status,
      ).toBe(200);
      expect((await b.call('DELETE', path, { as })).status).toBe(204);
      expect((await b.call('DELETE', path, { as })).status).toBe(404);
      const reused = await b.call('PUT', path, { as, body: plan() });
      expect([reused.status, reused.json<Problem>().type]).toEqual([409, typeOf('conflict')]);
      const early = await b.call('PUT', path, { as, body: plan({ endDate: '2025-01-01' }) });
      expect(early.status).toBe(400);
    });

    it('refuses a plan for an authority without phones (409) and another LA (403)', async () => {
      const body = plan();
      const a = await b.call('PUT', '/v1/authorities/ZZ999/plans/X-1', {
        as: 'towerHamletsSocialWorker',
        body,
      });
      expect(a.status).toBe(403);
      expect(
        (
          await b.call('PUT', '/v1/authorities/211/plans/X-1', {
            as: 'sheffieldSocialWorker',
            body,
          })
        ).status,
      ).toBe(403);
    });

    it('lists an LA’s plans by id, a page at a time, continuing from nextCursor', async () => {
      const as = 'towerHamletsSocialWorker' as const;
      const ids: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await b.call(
          'GET',
          `/v1/authorities/211/plans?limit=1${cursor ? `&after=${cursor}` : ''}`,
          { as },
        );
        expect(page.status).toBe(200);
        const { items, nextCursor } = page.json<{
          items: { planId: string }[];
          nextCursor: string;
        }>();
        if (items.length === 0) break;
        ids.push(...items.map((p) => p.planId));
        cursor = nextCursor;
      }
      expect(ids).toEqual([...ids].sort());
      expect(ids.length).toBeGreaterThan(0);
      const bad = await b.call('GET', '/v1/authorities/211/plans?after=pTH', { as });
      expect([bad.status, bad.json<Problem>().errors?.[0]?.field]).toEqual([400, 'after']);
      const limit = await b.call('GET', '/v1/authorities/211/plans?limit=0', { as });
      expect([limit.status, limit.json<Problem>().errors?.[0]?.field]).toEqual([400, 'limit']);
    });

    it('takes a batch as JSON or CSV, a result per row, each row applied or rejected whole', async () => {
      const as = 'towerHamletsSocialWorker' as const;
      const json = await b.call('POST', '/v1/authorities/211/plans/batch', {
        as,
        body: [
          { planId: 'B-1', ...plan() },
          { planId: 'B-2', ...plan({ type: 'CIN' }) },
        ],
      });
      expect(json.json<{ results: { status: string }[] }>().results.map((r) => r.status)).toEqual([
        'accepted',
        'rejected',
      ]);
      const csv = await b.call('POST', '/v1/authorities/211/plans/batch', {
        as,
        raw: {
          contentType: 'text/csv',
          text: `\uFEFFplanId,nhsNumber,type,startDate,endDate\r\nB-3,${personas.noRecord.nhsNumber},CPP,2025-01-15,\r\n"B-4",${personas.noRecord.nhsNumber},LAC,2025-01-15,2025-02-01\r\n`,
        },
      });
      expect(csv.json<{ results: { status: string }[] }>().results.map((r) => r.status)).toEqual([
        'accepted',
        'accepted',
      ]);
      const twice = await b.call('POST', '/v1/authorities/211/plans/batch', {
        as,
        raw: { contentType: 'text/csv', text: 'planId,planId\nA,B\n' },
      });
      expect(twice.status).toBe(400);
    });
  });

  describe('notifications', () => {
    it('gives the LA its notifications, oldest first or newest first, with a cursor to go on from', async () => {
      for (let i = 0; i < 2; i++) {
        await b.call('POST', '/v1/checks', {
          as: i === 0 ? 'edNurse' : 'gp',
          body: {
            ...unscheduled(personas.lookedAfterOutOfArea.nhsNumber),
            ...(i === 1 && { accessContext: 'scheduled' }),
          },
        });
      }
      await b.call('POST', '/v1/checks', {
        as: 'edDoctor',
        body: unscheduled(personas.lookedAfterOutOfArea.nhsNumber),
      });
      const as = 'towerHamletsSocialWorker' as const;
      const asc = await b.call('GET', '/v1/authorities/211/notifications', { as });
      const page = asc.json<{ items: { cursor: string }[]; nextCursor: string }>();
      expect(page.items.map((n) => n.cursor)).toEqual(['1', '2']);
      expect(page.nextCursor).toBe('2');
      const desc = await b.call('GET', '/v1/authorities/211/notifications?order=desc&limit=1', {
        as,
      });
      expect(desc.json<{ items: { cursor: string }[]; nextCursor: string }>()).toMatchObject({
        items: [{ cursor: '2' }],
        nextCursor: '2',
      });
      const after = await b.call('GET', '/v1/authorities/211/notifications?after=2', { as });
      expect(after.json<{ items: unknown[]; nextCursor: string }>()).toEqual({
        items: [],
        nextCursor: '2',
      });
      const bad = await b.call('GET', '/v1/authorities/211/notifications?after=abc', { as });
      expect([bad.status, bad.json<Problem>().errors?.[0]?.field]).toEqual([400, 'after']);
      expect(
        (await b.call('GET', '/v1/authorities/211/notifications', { as: 'edNurse' })).status,
      ).toBe(403);
    });
  });

  describe('the edges of the API', () => {
    it('answers 404 for an unknown path, 405 with Allow for a wrong method, HEAD as GET', async () => {
      const unknown = await b.call('GET', '/v1/nothing');
      expect([unknown.status, unknown.json<Problem>().type]).toEqual([404, typeOf('not-found')]);
      const wrong = await b.call('DELETE', '/v1/checks', { as: 'edNurse' });
      expect([wrong.status, wrong.header('allow')]).toEqual([405, 'POST']);
      const head = await b.call('HEAD', '/v1/health');
      expect([head.status, head.text]).toEqual([200, '']);
      const health = await b.call('GET', '/v1/health');
      expect(health.json()).toEqual({ status: 'ok' });
    });

    it('keeps the client’s X-Request-ID when it is a UUID, and issues one otherwise', async () => {
      const id = randomUUID();
      expect(
        (await b.call('GET', '/v1/health', { headers: { 'x-request-id': id } })).header(
          'x-request-id',
        ),
      ).toBe(id);
      const issued = (
        await b.call('GET', '/v1/health', { headers: { 'x-request-id': 'abc' } })
      ).header('x-request-id');
      expect(issued).toMatch(UUID);
    });

    it('refuses a body in a media type the operation does not take (415), and one that is not JSON (400)', async () => {
      const csv = await b.call('POST', '/v1/checks', {
        as: 'edNurse',
        raw: { contentType: 'text/csv', text: 'a' },
      });
      expect(csv.status).toBe(415);
      const broken = await b.call('POST', '/v1/checks', {
        as: 'edNurse',
        raw: { contentType: 'application/json', text: '{' },
      });
      expect(broken.status).toBe(400);
      const deep = await b.call('POST', '/v1/checks', {
        as: 'edNurse',
        raw: { contentType: 'application/json', text: `${'['.repeat(40)}${']'.repeat(40)}` },
      });
      expect(deep.status).toBe(400);
    });
  });
}

forEachEngine((engine) => {
  describe(`conformance: the reference server on ${engine.name}`, () => conformance(serverBackend));
});

describe('conformance: the mock', () => conformance(mockBackend));
