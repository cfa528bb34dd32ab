import { addDays, londonDate } from '@cpis/domain';
import { authorities, personas } from '@cpis/mock/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components } from '@cpis/domain';
import {
  bearer,
  createTestServer,
  itLogsNoPersonalData,
  principalClaims,
  syntheticNhsNumber,
  type TestServer,
} from '../testing/harness.js';
import { auditChain } from '../testing/audit-chain.js';
import { forEachEngine } from '../testing/engines.js';

type StoredPlan = components['schemas']['StoredPlan'];
type BatchResult = components['schemas']['BatchResult'];

const LA = '211';
let s: TestServer;
let la: Record<string, string>;
let otherLa: Record<string, string>;
let clinician: Record<string, string>;
const today = () => londonDate(s.clock.now());
const db = () => s.app.cpis.store.db;

// The same suite on each engine (SQLite, and PostgreSQL when it is reachable).
forEachEngine(() => {
  beforeAll(async () => {
    s = await createTestServer();
    la = bearer(
      await s.token(principalClaims('towerHamletsSocialWorker'), {
        expiresInSeconds: 3600 * 24 * 30,
      }),
    );
    otherLa = bearer(
      await s.token(principalClaims('sheffieldSocialWorker'), { expiresInSeconds: 3600 * 24 * 30 }),
    );
    clinician = bearer(
      await s.token(principalClaims('edNurse'), { expiresInSeconds: 3600 * 24 * 30 }),
    );
  });
  afterAll(async () => {
    await s.close();
  });

  describe('concurrent first writes', () => {
    const WRITERS = 20;
    const tally = (statuses: number[]) =>
      Object.fromEntries(
        [...new Set(statuses)].sort().map((c) => [c, statuses.filter((x) => x === c).length]),
      );
    const auditOf = (authority: string, target: string) =>
      db()
        .selectFrom('audit_events')
        .select('detail')
        .where('authority_ods', '=', authority)
        .where('target', '=', target)
        .execute();

    it('20 concurrent first PUTs of a new authority: one 201, the rest 200, no 5xx, audited as one creation then true updates', async () => {
      const token = bearer(
        await s.token({
          ...principalClaims('towerHamletsSocialWorker'),
          odsCode: 'RACE1',
          sub: 'race-1',
        }),
      );
      const answers = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) =>
          s.inject({
            method: 'PUT',
            url: '/v1/authorities/RACE1',
            headers: token,
            payload: {
              name: `Race Council ${i}`,
              officeHoursPhone: '020 7946 0100',
              emergencyDutyPhone: '020 7946 0101',
            },
          }),
        ),
      );
      expect(tally(answers.map((a) => a.statusCode))).toEqual({ 200: WRITERS - 1, 201: 1 });
      expect(auditChain(await auditOf('RACE1', 'RACE1'))).toEqual({
        creations: 1,
        chained: WRITERS,
        total: WRITERS,
      });
    });

    it('20 concurrent first PUTs of one new plan: one 201, the rest 200, no 5xx, audited as one creation then true updates', async () => {
      const answers = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) =>
          s.inject({
            method: 'PUT',
            url: `/v1/authorities/${LA}/plans/RACE-PLAN-1`,
            headers: la,
            payload: {
              nhsNumber: syntheticNhsNumber(900),
              type: 'CPP',
              startDate: `2025-01-${String(i + 1).padStart(2, '0')}`,
            },
          }),
        ),
      );
      expect(tally(answers.map((a) => a.statusCode))).toEqual({ 200: WRITERS - 1, 201: 1 });
      expect(auditChain(await auditOf(LA, 'RACE-PLAN-1'))).toEqual({
        creations: 1,
        chained: WRITERS,
        total: WRITERS,
      });
    });
  });

  describe('GET/PUT /v1/authorities/{odsCode}', () => {
    it('lets any clinician and the LA itself read an authority; another LA is refused', async () => {
      const byClinician = await s.inject({
        method: 'GET',
        url: `/v1/authorities/${LA}`,
        headers: clinician,
      });
      expect(byClinician.statusCode).toBe(200);
      expect(byClinician.json()).toEqual(authorities.towerHamlets);
      expect(
        (await s.inject({ method: 'GET', url: `/v1/authorities/${LA}`, headers: la })).statusCode,
      ).toBe(200);
      expect(
        (await s.inject({ method: 'GET', url: `/v1/authorities/${LA}`, headers: otherLa }))
          .statusCode,
      ).toBe(403);
    });

    it('answers 404 for an unknown authority and 400 for a malformed ODS code', async () => {
      expect(
        (await s.inject({ method: 'GET', url: '/v1/authorities/ZZZ999', headers: clinician }))
          .statusCode,
      ).toBe(404);
      const bad = await s.inject({
        method: 'GET',
        url: '/v1/authorities/th-211',
        headers: clinician,
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ errors: [{ field: 'odsCode' }] });
    });

    it('creates (201) then replaces (200) an authority, auditing both with what changed', async () => {
      const newLa = bearer(
        await s.token({
          ...principalClaims('towerHamletsSocialWorker'),
          odsCode: 'NEWLA1',
          sub: 'newla-admin',
        }),
      );
      const body = {
        name: 'New Authority',
        officeHoursPhone: '020 7946 0100',
        emergencyDutyPhone: '020 7946 0101',
      };
      const created = await s.inject({
        method: 'PUT',
        url: '/v1/authorities/NEWLA1',
        headers: newLa,
        payload: body,
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toEqual({ odsCode: 'NEWLA1', ...body });
      const replaced = await s.inject({
        method: 'PUT',
        url: '/v1/authorities/NEWLA1',
        headers: newLa,
        payload: { ...body, emergencyDutyPhone: '+44 (0)20 7946 0102' },
      });
      expect(replaced.statusCode).toBe(200);
      const audit = await db()
        .selectFrom('audit_events')
        .selectAll()
        .where('authority_ods', '=', 'NEWLA1')
        .orderBy('at')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['authority.create', 'authority.update']);
      expect(JSON.parse(audit[1]?.detail ?? '{}')).toMatchObject({
        before: { emergencyDutyPhone: '020 7946 0101' },
        after: { emergencyDutyPhone: '+44 (0)20 7946 0102' },
      });
    });

    it('stores and returns hostile text byte for byte', async () => {
      const name = `<script>alert(1)</script>'; DROP TABLE plans; -- "x" \u202e`;
      const sqlLa = bearer(
        await s.token({
          ...principalClaims('towerHamletsSocialWorker'),
          odsCode: 'SQLLA',
          sub: 'sqlla',
        }),
      );
      const put = await s.inject({
        method: 'PUT',
        url: '/v1/authorities/SQLLA',
        headers: sqlLa,
        payload: { name, officeHoursPhone: '0114 496 0000', emergencyDutyPhone: '0114 496 0001' },
      });
      expect(put.json()).toMatchObject({ name });
      expect(
        (
          await s.inject({ method: 'GET', url: '/v1/authorities/SQLLA', headers: clinician })
        ).json(),
      ).toMatchObject({ name });
    });

    it.each([
      ['a phone outside the pattern', { officeHoursPhone: '020-7946-0100' }, '/officeHoursPhone'],
      ['a phone with letters', { emergencyDutyPhone: 'call 999' }, '/emergencyDutyPhone'],
      ['an empty name', { name: '' }, '/name'],
      ['an unknown field', { email: 'a@b.c' }, '/email'],
    ])('refuses %s with 400', async (_title, change, field) => {
      const body = {
        name: 'Tower Hamlets',
        officeHoursPhone: '020 7946 0211',
        emergencyDutyPhone: '020 7946 0876',
        ...change,
      };
      const response = await s.inject({
        method: 'PUT',
        url: `/v1/authorities/${LA}`,
        headers: la,
        payload: body,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(
        field,
      );
    });

    it('refuses another LA and any clinician (403)', async () => {
      const body = {
        name: 'Hijack',
        officeHoursPhone: '020 7946 0211',
        emergencyDutyPhone: '020 7946 0876',
      };
      for (const headers of [otherLa, clinician]) {
        expect(
          (await s.inject({ method: 'PUT', url: `/v1/authorities/${LA}`, headers, payload: body }))
            .statusCode,
        ).toBe(403);
      }
      expect(
        (
          await s.inject({ method: 'GET', url: `/v1/authorities/${LA}`, headers: clinician })
        ).json(),
      ).toEqual(authorities.towerHamlets);
    });
  });

  describe('PUT/DELETE /v1/authorities/{odsCode}/plans/{planId}', () => {
    const plan = (extra: Record<string, unknown> = {}) => ({
      nhsNumber: syntheticNhsNumber(1),
      type: 'CPP',
      startDate: addDays(today(), -10),
      ...extra,
    });
    const put = (planId: string, body: unknown, headers = la, ods = LA) =>
      s.inject({
        method: 'PUT',
        url: `/v1/authorities/${ods}/plans/${planId}`,
        headers,
        payload: body as object,
      });

    it('creates (201), replaces (200) and ends a plan, auditing each write', async () => {
      const created = await put('TH-T-1', plan());
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({
        planId: 'TH-T-1',
        nhsNumber: syntheticNhsNumber(1),
        status: 'active',
      });
      s.clock.advance(1000);
      const ended = await put('TH-T-1', plan({ endDate: addDays(today(), -1) }));
      expect(ended.statusCode).toBe(200);
      const stored = ended.json<StoredPlan>();
      expect(stored).toMatchObject({ status: 'ended', endDate: addDays(today(), -1) });
      expect(stored.updatedAt).toBe(s.clock.now().toISOString());
      const audit = await db()
        .selectFrom('audit_events')
        .select(['action', 'actor_sub'])
        .where('target', '=', 'TH-T-1')
        .orderBy('at')
        .execute();
      expect(audit).toEqual([
        { action: 'plan.create', actor_sub: 'test-towerHamletsSocialWorker' },
        { action: 'plan.end', actor_sub: 'test-towerHamletsSocialWorker' },
      ]);
    });

    it('keeps the end day itself active', async () => {
      const response = await put('TH-T-ENDS-TODAY', plan({ endDate: today() }));
      expect(response.json()).toMatchObject({ status: 'active' });
    });

    it('refuses a plan for an authority without phones (or unknown) with 409', async () => {
      const noPhones = bearer(
        await s.token({
          ...principalClaims('towerHamletsSocialWorker'),
          odsCode: 'NOPHONE',
          sub: 'np',
        }),
      );
      const response = await put('NP-1', plan(), noPhones, 'NOPHONE');
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ type: 'urn:cpis:problem:conflict' });
      expect(
        await db().selectFrom('plans').selectAll().where('authority_ods', '=', 'NOPHONE').execute(),
      ).toEqual([]);
    });

    it('deletes a plan entered in error: 204, kept and marked, never returned, audited; then 404', async () => {
      expect((await put('TH-T-DEL', plan({ nhsNumber: syntheticNhsNumber(2) }))).statusCode).toBe(
        201,
      );
      const deleted = await s.inject({
        method: 'DELETE',
        url: `/v1/authorities/${LA}/plans/TH-T-DEL`,
        headers: la,
      });
      expect(deleted.statusCode).toBe(204);
      expect(deleted.body).toBe('');
      const row = await db()
        .selectFrom('plans')
        .selectAll()
        .where('plan_id', '=', 'TH-T-DEL')
        .executeTakeFirstOrThrow();
      expect(row.deleted_at).not.toBeNull();
      expect(
        (
          await s.inject({
            method: 'DELETE',
            url: `/v1/authorities/${LA}/plans/TH-T-DEL`,
            headers: la,
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (
          await s.inject({
            method: 'DELETE',
            url: `/v1/authorities/${LA}/plans/NEVER`,
            headers: la,
          })
        ).statusCode,
      ).toBe(404);
      const check = await s.inject({
        method: 'POST',
        url: '/v1/checks',
        headers: clinician,
        payload: {
          nhsNumber: syntheticNhsNumber(2),
          nhsNumberVerified: true,
          accessContext: 'unscheduled',
          reason: { code: 'unscheduled-attendance' },
        },
      });
      expect(check.json()).toMatchObject({ outcome: 'no-record', plans: [] });
      const audit = await db()
        .selectFrom('audit_events')
        .select('action')
        .where('target', '=', 'TH-T-DEL')
        .execute();
      expect(audit.map((a) => a.action)).toContain('plan.delete');
    });

    it('refuses to reuse a deleted plan id (409)', async () => {
      const response = await put('TH-T-DEL', plan());
      expect(response.statusCode).toBe(409);
    });

    it.each([
      [
        'an invalid NHS number',
        { nhsNumber: '9990001376' },
        'urn:cpis:problem:invalid-nhs-number',
        '/nhsNumber',
      ],
      [
        'a start date in the future',
        { startDate: addDays(new Date().toISOString().slice(0, 10), 2) },
        'urn:cpis:problem:invalid-request',
        '/startDate',
      ],
      [
        'an end before the start',
        { endDate: '2000-01-01' },
        'urn:cpis:problem:invalid-request',
        '/endDate',
      ],
      [
        'a UCPP without an expected delivery date',
        { type: 'UCPP' },
        'urn:cpis:problem:invalid-request',
        '/expectedDeliveryDate',
      ],
      [
        'a CPP with an expected delivery date',
        { expectedDeliveryDate: '2030-01-01' },
        'urn:cpis:problem:invalid-request',
        '/expectedDeliveryDate',
      ],
      [
        'a date that does not exist',
        { startDate: '2025-02-30' },
        'urn:cpis:problem:invalid-request',
        '/startDate',
      ],
      ['an unknown type', { type: 'CIN' }, 'urn:cpis:problem:invalid-request', '/type'],
      ['an unknown field', { status: 'active' }, 'urn:cpis:problem:invalid-request', '/status'],
    ])('refuses %s with 400', async (_title, change, type, field) => {
      const response = await put('TH-T-BAD', plan(change));
      expect(response.statusCode).toBe(400);
      const problem = response.json<{ type: string; errors: { field: string }[] }>();
      expect(problem.type).toBe(type);
      expect(problem.errors.map((e) => e.field)).toContain(field);
    });

    it('refuses a malformed plan id (400), another LA and clinicians (403)', async () => {
      expect((await put('bad%20id', plan())).statusCode).toBe(400);
      expect((await put('x'.repeat(65), plan())).statusCode).toBe(400);
      expect((await put('TH-T-2', plan(), otherLa)).statusCode).toBe(403);
      expect((await put('TH-T-2', plan(), clinician)).statusCode).toBe(403);
      expect(
        (
          await s.inject({
            method: 'DELETE',
            url: `/v1/authorities/${LA}/plans/TH-LAC-0042`,
            headers: otherLa,
          })
        ).statusCode,
      ).toBe(403);
      expect(
        await db()
          .selectFrom('plans')
          .select('plan_id')
          .where('plan_id', 'in', ['TH-T-BAD', 'TH-T-2'])
          .execute(),
      ).toEqual([]);
    });
  });

  describe('GET /v1/authorities/{odsCode}/plans', () => {
    const ods = 'PAGELA';
    let pageLa: Record<string, string>;
    beforeAll(async () => {
      pageLa = bearer(
        await s.token({
          ...principalClaims('towerHamletsSocialWorker'),
          odsCode: ods,
          sub: 'page-la',
        }),
      );
      await s.inject({
        method: 'PUT',
        url: `/v1/authorities/${ods}`,
        headers: pageLa,
        payload: {
          name: 'Paging',
          officeHoursPhone: '0114 496 0000',
          emergencyDutyPhone: '0114 496 0001',
        },
      });
      for (const id of ['p-5', 'P-1', 'p-2', 'p-3', 'p_4']) {
        await s.inject({
          method: 'PUT',
          url: `/v1/authorities/${ods}/plans/${id}`,
          headers: pageLa,
          payload: { nhsNumber: syntheticNhsNumber(10), type: 'LAC', startDate: '2024-01-01' },
        });
      }
      await s.inject({
        method: 'DELETE',
        url: `/v1/authorities/${ods}/plans/p-3`,
        headers: pageLa,
      });
    });
    const list = (query = '') =>
      s.inject({ method: 'GET', url: `/v1/authorities/${ods}/plans${query}`, headers: pageLa });

    it('pages through the plans by plan id, without deleted ones, with opaque cursors', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 5; page++) {
        const response = await list(`?limit=2${cursor === undefined ? '' : `&after=${cursor}`}`);
        expect(response.statusCode).toBe(200);
        const body = response.json<{ items: StoredPlan[]; nextCursor: string }>();
        seen.push(...body.items.map((p) => p.planId));
        if (body.items.length === 0) {
          expect(body.nextCursor).toBe(cursor);
          break;
        }
        expect(body.nextCursor).not.toContain(body.items.at(-1)?.planId);
        cursor = body.nextCursor;
      }
      expect(seen).toEqual(['P-1', 'p-2', 'p-5', 'p_4']);
    });

    it('defaults to 100 a page and starts an empty list at "0"', async () => {
      expect((await list()).json<{ items: unknown[] }>().items).toHaveLength(4);
      const none = bearer(
        await s.token({
          ...principalClaims('towerHamletsSocialWorker'),
          odsCode: 'EMPTYLA',
          sub: 'e',
        }),
      );
      const empty = await s.inject({
        method: 'GET',
        url: '/v1/authorities/EMPTYLA/plans',
        headers: none,
      });
      expect(empty.json()).toEqual({ items: [], nextCursor: '0' });
    });

    it.each([['?limit=0'], ['?limit=501'], ['?limit=ten'], ['?after=not-ours'], ['?after=k%2Fxx']])(
      'refuses %s with 400',
      async (query) => {
        expect((await list(query)).statusCode).toBe(400);
      },
    );

    it('refuses another LA and clinicians (403): no other LA data is ever listed', async () => {
      for (const headers of [otherLa, clinician]) {
        expect(
          (await s.inject({ method: 'GET', url: `/v1/authorities/${ods}/plans`, headers }))
            .statusCode,
        ).toBe(403);
      }
    });
  });

  describe('POST /v1/authorities/{odsCode}/plans/batch', () => {
    const batch = (payload: unknown, contentType = 'application/json', headers = la, ods = LA) =>
      s.inject({
        method: 'POST',
        url: `/v1/authorities/${ods}/plans/batch`,
        headers: { ...headers, 'content-type': contentType },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });

    it('applies each valid row and rejects each bad one whole, a result per row from 1', async () => {
      const rows = [
        { planId: 'B-1', nhsNumber: syntheticNhsNumber(20), type: 'CPP', startDate: '2025-01-15' },
        { planId: 'B-2', nhsNumber: '9990001376', type: 'CPP', startDate: '2025-01-15' },
        { nhsNumber: syntheticNhsNumber(21), type: 'LAC', startDate: '2025-01-15' },
        {
          planId: 'B-4',
          nhsNumber: syntheticNhsNumber(22),
          type: 'UCPP',
          startDate: '2025-01-15',
          expectedDeliveryDate: '2025-09-01',
        },
        {
          planId: 'B-5',
          nhsNumber: syntheticNhsNumber(23),
          type: 'CPP',
          startDate: '2025-01-15',
          colour: 'red',
        },
        { planId: 'B-6', nhsNumber: syntheticNhsNumber(24), type: 'UCPP', startDate: '2025-01-15' },
      ];
      const response = await batch(rows);
      expect(response.statusCode).toBe(200);
      const { results } = response.json<BatchResult>();
      expect(results.map((r) => [r.row, r.planId, r.status, r.problem?.type])).toEqual([
        [1, 'B-1', 'accepted', undefined],
        [2, 'B-2', 'rejected', 'urn:cpis:problem:invalid-nhs-number'],
        [3, undefined, 'rejected', 'urn:cpis:problem:invalid-request'],
        [4, 'B-4', 'accepted', undefined],
        [5, 'B-5', 'rejected', 'urn:cpis:problem:invalid-request'],
        [6, 'B-6', 'rejected', 'urn:cpis:problem:invalid-request'],
      ]);
      expect(results[2]?.problem?.errors).toEqual([{ field: '/planId', message: 'is required' }]);
      expect(results[4]?.problem?.errors).toEqual([
        { field: '/colour', message: 'is not a field of this request' },
      ]);
      const stored = await db()
        .selectFrom('plans')
        .select('plan_id')
        .where('plan_id', 'like', 'B-%')
        .orderBy('plan_id')
        .execute();
      expect(stored.map((p) => p.plan_id)).toEqual(['B-1', 'B-4']);
    });

    it('reads RFC 4180 CSV: a BOM, CRLF, quoted cells, empty cells as absent', async () => {
      const csv =
        '\uFEFFplanId,nhsNumber,type,startDate,endDate,expectedDeliveryDate\r\n' +
        `C-1,${syntheticNhsNumber(30)},CPP,2025-01-15,,\r\n` +
        `"C-2",${syntheticNhsNumber(31)},"LAC","2025-02-01","2025-03-01",\r\n` +
        `C-3,${syntheticNhsNumber(32)},UCPP,2025-01-15,,2025-08-01\r\n` +
        `C-4,${syntheticNhsNumber(33)},CPP,2025-01-15,,2025-08-01\r\n`;
      const response = await batch(csv, 'text/csv; charset=utf-8');
      expect(response.statusCode).toBe(200);
      const { results } = response.json<BatchResult>();
      expect(results.map((r) => r.status)).toEqual([
        'accepted',
        'accepted',
        'accepted',
        'rejected',
      ]);
      const c2 = await db()
        .selectFrom('plans')
        .selectAll()
        .where('plan_id', '=', 'C-2')
        .executeTakeFirstOrThrow();
      expect(c2).toMatchObject({
        type: 'LAC',
        end_date: '2025-03-01',
        expected_delivery_date: null,
      });
      const c1 = await db()
        .selectFrom('plans')
        .selectAll()
        .where('plan_id', '=', 'C-1')
        .executeTakeFirstOrThrow();
      expect(c1.end_date).toBeNull();
    });

    it('reads LF line ends and a quoted cell holding a comma (rejected by the row schema)', async () => {
      const csv = `planId,nhsNumber,type,startDate\nL-1,${syntheticNhsNumber(34)},CPP,2025-01-15\n"L,2",${syntheticNhsNumber(35)},CPP,2025-01-15\n`;
      const { results } = (await batch(csv, 'text/csv')).json<BatchResult>();
      expect(results.map((r) => [r.planId, r.status])).toEqual([
        ['L-1', 'accepted'],
        ['L,2', 'rejected'],
      ]);
    });

    it('reads a CSV that mixes CRLF and LF line ends as the same CSV with LF throughout', async () => {
      const lines = [
        'planId,nhsNumber,type,startDate',
        `M-1,${syntheticNhsNumber(36)},CPP,2025-01-15`,
        `M-2,${syntheticNhsNumber(37)},LAC,2025-01-16`,
        `M-3,${syntheticNhsNumber(38)},CPP,2025-01-17`,
      ];
      const mixed = `${lines[0]}\r\n${lines[1]}\n${lines[2]}\r\n${lines[3]}\n`;
      const mixedAnswer = await batch(mixed, 'text/csv');
      expect(mixedAnswer.statusCode, mixedAnswer.body).toBe(200);
      const stored = await db()
        .selectFrom('plans')
        .select(['plan_id', 'nhs_number', 'type', 'start_date'])
        .where('plan_id', 'like', 'M-%')
        .orderBy('plan_id')
        .execute();
      const lf = await batch(`${lines.join('\n')}\n`, 'text/csv');
      expect(mixedAnswer.json<BatchResult>().results).toEqual(lf.json<BatchResult>().results);
      expect(stored).toEqual([
        {
          plan_id: 'M-1',
          nhs_number: syntheticNhsNumber(36),
          type: 'CPP',
          start_date: '2025-01-15',
        },
        {
          plan_id: 'M-2',
          nhs_number: syntheticNhsNumber(37),
          type: 'LAC',
          start_date: '2025-01-16',
        },
        {
          plan_id: 'M-3',
          nhs_number: syntheticNhsNumber(38),
          type: 'CPP',
          start_date: '2025-01-17',
        },
      ]);
    });

    it('refuses a CSV column named __proto__ as an unknown column in each row, never dropping it', async () => {
      const csv = `planId,nhsNumber,type,startDate,__proto__\nPROTO-1,${syntheticNhsNumber(39)},CPP,2025-01-15,x\n`;
      const response = await batch(csv, 'text/csv');
      expect(response.statusCode).toBe(200);
      const [result] = response.json<BatchResult>().results;
      expect(result).toMatchObject({ row: 1, planId: 'PROTO-1', status: 'rejected' });
      expect(JSON.stringify(result?.problem?.errors)).toContain('__proto__');
      expect(
        await db().selectFrom('plans').select('plan_id').where('plan_id', '=', 'PROTO-1').execute(),
      ).toEqual([]);
    });

    it.each([
      ['an unclosed quote', 'planId,nhsNumber,type,startDate\n"L-1,9990001375,CPP,2025-01-15\n'],
      [
        'a row with too many cells',
        'planId,nhsNumber,type,startDate\nL-1,9990001375,CPP,2025-01-15,x\n',
      ],
      ['a repeated header', 'planId,planId,type,startDate\nL-1,L-2,CPP,2025-01-15\n'],
    ])('refuses CSV with %s as a whole (400), storing nothing', async (_title, csv) => {
      const response = await batch(csv, 'text/csv');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ type: 'urn:cpis:problem:invalid-request' });
      expect(
        await db().selectFrom('plans').select('plan_id').where('plan_id', '=', 'L-2').execute(),
      ).toEqual([]);
    });

    it('refuses a row for a deleted plan id (409 in its result) and applies rows in order', async () => {
      await s.inject({
        method: 'PUT',
        url: `/v1/authorities/${LA}/plans/D-1`,
        headers: la,
        payload: { nhsNumber: syntheticNhsNumber(40), type: 'CPP', startDate: '2025-01-01' },
      });
      await s.inject({ method: 'DELETE', url: `/v1/authorities/${LA}/plans/D-1`, headers: la });
      const { results } = (
        await batch([
          {
            planId: 'D-1',
            nhsNumber: syntheticNhsNumber(40),
            type: 'CPP',
            startDate: '2025-01-01',
          },
          {
            planId: 'D-2',
            nhsNumber: syntheticNhsNumber(41),
            type: 'CPP',
            startDate: '2025-01-01',
          },
          {
            planId: 'D-2',
            nhsNumber: syntheticNhsNumber(41),
            type: 'CPP',
            startDate: '2025-01-01',
            endDate: '2025-02-01',
          },
        ])
      ).json<BatchResult>();
      expect(results.map((r) => [r.status, r.problem?.status])).toEqual([
        ['rejected', 409],
        ['accepted', undefined],
        ['accepted', undefined],
      ]);
      const d2 = await db()
        .selectFrom('plans')
        .selectAll()
        .where('plan_id', '=', 'D-2')
        .executeTakeFirstOrThrow();
      expect(d2.end_date).toBe('2025-02-01');
    });

    it('refuses a batch for an authority without phones as a whole (409)', async () => {
      const noPhones = bearer(
        await s.token({
          ...principalClaims('towerHamletsSocialWorker'),
          odsCode: 'NOPH2',
          sub: 'np2',
        }),
      );
      const response = await batch(
        [
          {
            planId: 'N-1',
            nhsNumber: syntheticNhsNumber(50),
            type: 'CPP',
            startDate: '2025-01-01',
          },
        ],
        'application/json',
        noPhones,
        'NOPH2',
      );
      expect(response.statusCode).toBe(409);
    });

    it('refuses more than 10,000 rows (413), a body that is not an array (400) and text/plain (415)', async () => {
      const row = {
        planId: 'X',
        nhsNumber: syntheticNhsNumber(60),
        type: 'CPP',
        startDate: '2025-01-01',
      };
      const tooMany = await batch(Array.from({ length: 10_001 }, () => row));
      expect(tooMany.statusCode).toBe(413);
      expect(tooMany.json()).toMatchObject({ type: 'urn:cpis:problem:payload-too-large' });
      expect((await batch(row)).statusCode).toBe(400);
      expect((await batch([row, 42])).statusCode).toBe(400);
      expect((await batch('planId\nX', 'text/plain')).statusCode).toBe(415);
      expect(
        await db().selectFrom('plans').select('plan_id').where('plan_id', '=', 'X').execute(),
      ).toEqual([]);
    });

    it('refuses another LA and clinicians (403)', async () => {
      const rows = [
        { planId: 'F-1', nhsNumber: syntheticNhsNumber(70), type: 'CPP', startDate: '2025-01-01' },
      ];
      expect((await batch(rows, 'application/json', otherLa)).statusCode).toBe(403);
      expect((await batch(rows, 'application/json', clinician)).statusCode).toBe(403);
    });

    it('uploads 10,000 CSV rows in one transaction, each audited', async () => {
      const lines = ['planId,nhsNumber,type,startDate'];
      for (let i = 0; i < 10_000; i++)
        lines.push(`BULK-${i},${syntheticNhsNumber(1000 + i * 2)},CPP,2025-01-15`);
      const started = performance.now();
      const response = await batch(`${lines.join('\r\n')}\r\n`, 'text/csv');
      const elapsed = performance.now() - started;
      expect(response.statusCode).toBe(200);
      const { results } = response.json<BatchResult>();
      expect(results.filter((r) => r.status === 'accepted')).toHaveLength(10_000);
      const stored = await db()
        .selectFrom('plans')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('plan_id', 'like', 'BULK-%')
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(10_000);
      const audited = await db()
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('target', 'like', 'BULK-%')
        .executeTakeFirstOrThrow();
      expect(Number(audited.n)).toBe(10_000);
      // Timing is the benchmark's job; this only makes a regression visible in the output.
      console.info(`10,000-row CSV batch: ${elapsed.toFixed(0)} ms`);
    });
  });
});

itLogsNoPersonalData(() =>
  Array.from({ length: 100 }, (_, i) => syntheticNhsNumber(i)).concat(personas.noRecord.nhsNumber),
);
