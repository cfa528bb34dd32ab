/**
 * quality.md, "injection" (the API half; the in-Chromium rendering half is in test/e2e):
 * LA names, organisation names, user names, roles and reason comments carrying OWASP XSS
 * vectors and SQL metacharacters → stored and returned byte for byte; phone numbers
 * outside the pattern → 400 and nothing stored.
 *
 * For each payload, on the reference server (real HTTP on 127.0.0.1) and on the mock: an
 * authority is named with it; a development token carries it as the user's name, role and
 * organisation name; a check gives it as the reason's comment. Then the authority, the
 * check's result (plans, history), the stored check read back, the LA's notification feed
 * and stream, and the server's database rows must all hold exactly the text that was sent.
 * The database's tables must be the same afterwards (nothing dropped, nothing leaked into
 * another authority).
 */
import { createCpisMockService, createMockFetch } from '@cpis/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertContract } from '@cpis/server/testing';
import { ODD_TEXT, SQL_PAYLOADS, XSS_PAYLOADS } from './support/arbitraries.ts';
import { itWroteNoPersonalData, suiteLog } from './support/logs.ts';
import {
  countRows,
  nhsNumbers,
  socialWorker,
  startServer,
  type ReliabilityServer,
} from './support/server.ts';

const log = suiteLog('injection-api');

/** Every payload, each at least one character (names must not be empty). */
const PAYLOADS = [...SQL_PAYLOADS, ...XSS_PAYLOADS, ...ODD_TEXT].filter(
  (p) => p.length > 0 && !p.includes('\u0000'),
);
const NUMBERS = nhsNumbers(300_000, PAYLOADS.length + 4);

const BAD_PHONES = [
  '<script>alert(1)</script>',
  "020 7946 0000'; DROP TABLE authorities; --",
  '       ',
  '(((((((',
  '+++++++',
  '123456',
  '020 7946 0000 0000 00',
  '020 7946 0000 ext 5',
  '020-7946-0000',
  'tel:02079460000',
  '٠٢٠٧٩٤٦٠٠٠٠',
  '020 7946\n0000',
  '020\t7946 0000',
  '',
];

interface Answer {
  status: number;
  text: string;
  json<T>(): T;
}

interface Side {
  name: 'server' | 'mock';
  call(method: string, path: string, token: string | undefined, body?: unknown): Promise<Answer>;
  laToken(odsCode: string): Promise<string>;
  /** The notifications an authority's stream replays from the start. */
  stream(odsCode: string, token: string, count: number): Promise<unknown[]>;
}

let server: ReliabilityServer;
let serverBase: string;
const sides = {} as Record<'server' | 'mock', Side>;
const totals = { payloads: PAYLOADS.length, roundTrips: 0, fieldsCompared: 0 };

async function answer(response: Response, method: string, path: string): Promise<Answer> {
  const text = await response.text();
  assertContract({
    method,
    url: path,
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: text,
  });
  return { status: response.status, text, json: <T>() => JSON.parse(text) as T };
}

async function readStream(response: Response, count: number): Promise<unknown[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const events: unknown[] = [];
  const until = Date.now() + 3_000;
  while (events.length < count && Date.now() < until) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<null>((r) => setTimeout(() => r(null), until - Date.now())),
    ]);
    if (chunk === null || chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = text.indexOf('\n\n')) !== -1) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (block.includes('event: notification')) events.push(JSON.parse(data));
    }
  }
  await reader.cancel().catch(() => undefined);
  return events;
}

beforeAll(async () => {
  server = await startServer(log);
  serverBase = await server.app.listen({ port: 0, host: '127.0.0.1' });
  sides.server = {
    name: 'server',
    async call(method, path, token, body) {
      const response = await fetch(`${serverBase}${path}`, {
        method,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return answer(response, method, path);
    },
    laToken: (odsCode) => server.token(socialWorker(odsCode)),
    async stream(odsCode, token, count) {
      const controller = new AbortController();
      const response = await fetch(
        `${serverBase}/v1/authorities/${odsCode}/notifications/stream?after=0`,
        {
          headers: { authorization: `Bearer ${token}` },
          signal: controller.signal,
        },
      );
      expect(response.status).toBe(200);
      const events = await readStream(response, count);
      controller.abort();
      return events;
    },
  };
  const mock = createCpisMockService({ now: server.clock.now });
  const mockFetch = createMockFetch(mock.handlers);
  sides.mock = {
    name: 'mock',
    async call(method, path, token, body) {
      const response = await mockFetch(`${mock.baseUrl}${path}`, {
        method,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return answer(response, method, path);
    },
    async laToken(odsCode) {
      const claims = socialWorker(odsCode);
      const token = await mock.tokenFor({ ...(claims as Required<typeof claims>), activities: [] });
      log.secret(token);
      return token;
    },
    async stream(odsCode, token, count) {
      const controller = new AbortController();
      const response = await mockFetch(
        `${mock.baseUrl}/v1/authorities/${odsCode}/notifications/stream?after=0`,
        {
          headers: { authorization: `Bearer ${token}` },
          signal: controller.signal,
        },
      );
      expect(response.status).toBe(200);
      const events = await readStream(response, count);
      controller.abort();
      return events;
    },
  };
});
afterAll(async () => {
  await server?.close();
  console.log(
    `injection: ${totals.payloads} payloads (${SQL_PAYLOADS.length} SQL, ${XSS_PAYLOADS.length} XSS, ${PAYLOADS.length - SQL_PAYLOADS.length - XSS_PAYLOADS.length} odd text) × 5 fields, ` +
      `${totals.roundTrips} round trips, ${totals.fieldsCompared} values compared byte for byte; ${BAD_PHONES.length} bad phones × 2 sides refused`,
  );
});

/** A role fits in 100 characters, whole code points only. */
const asRole = (p: string): string => [...p].slice(0, 100).join('');

const cases = PAYLOADS.map((payload, i) => ({
  i,
  payload,
  label: JSON.stringify(payload).slice(0, 48),
}));

/** Every value that came back, beside what was sent. */
function same(received: unknown, sent: string, where: string): void {
  expect(received, where).toBe(sent);
  totals.fieldsCompared++;
}

for (const sideName of ['server', 'mock'] as const) {
  describe(`${sideName}: free text carrying SQL and script`, () => {
    it.each(cases)(
      `${sideName}: %s is stored and returned byte for byte in every field`,
      async ({ i, payload }) => {
        const side = sides[sideName];
        const ods = `INJ${i}`;
        const nhsNumber = NUMBERS[i] as string;
        const la = await side.laToken(ods);

        // The authority's name.
        const put = await side.call('PUT', `/v1/authorities/${ods}`, la, {
          name: payload,
          officeHoursPhone: '020 7946 0500',
          emergencyDutyPhone: '020 7946 0501',
        });
        expect(put.status, put.text).toBe(201);
        same(put.json<{ name: string }>().name, payload, 'PUT authority → name');
        same(
          (await side.call('GET', `/v1/authorities/${ods}`, la)).json<{ name: string }>().name,
          payload,
          'GET authority → name',
        );
        expect(
          (
            await side.call('PUT', `/v1/authorities/${ods}/plans/INJ-${i}`, la, {
              nhsNumber,
              type: 'CPP',
              startDate: '2025-01-15',
            })
          ).status,
        ).toBe(201);

        // The user's name, role and organisation, through a development token.
        const who = {
          name: payload,
          orgType: 'health',
          odsCode: `RINJ${i}`,
          orgName: payload,
          role: asRole(payload),
          activities: ['B0107'],
          sub: `inj-${sideName}-${i}`,
        };
        const issued = await side.call('POST', '/v1/dev/tokens', undefined, who);
        expect(issued.status, issued.text).toBe(200);
        const { token, claims } = issued.json<{
          token: string;
          claims: { name: string; orgName: string; role: string };
        }>();
        log.secret(token);
        same(claims.name, who.name, 'token claims → name');
        same(claims.orgName, who.orgName, 'token claims → orgName');
        same(claims.role, who.role, 'token claims → role');

        // The reason's comment, through a check.
        const check = await side.call('POST', '/v1/checks', token, {
          nhsNumber,
          nhsNumberVerified: true,
          accessContext: 'unscheduled',
          reason: { code: 'safeguarding-concern', comment: payload },
        });
        expect(check.status, check.text).toBe(201);
        const result = check.json<{
          checkId: string;
          plans: { responsibleAuthority: { name: string } }[];
          accessHistory: { setting: { name: string }; userRole: string }[];
          notifiedAuthorities: string[];
        }>();
        expect(result.notifiedAuthorities).toEqual([ods]);
        same(result.plans[0]?.responsibleAuthority.name, payload, 'check → plan authority name');
        same(result.accessHistory[0]?.setting.name, who.orgName, 'check → history setting name');
        same(result.accessHistory[0]?.userRole, who.role, 'check → history role');
        const again = await side.call('GET', `/v1/checks/${result.checkId}`, token);
        expect(again.status).toBe(200);
        expect(JSON.parse(again.text)).toEqual(JSON.parse(check.text));

        // The notification, in the feed and on the stream.
        const feed = (await side.call('GET', `/v1/authorities/${ods}/notifications`, la)).json<{
          items: Notification[];
        }>().items;
        expect(feed).toHaveLength(1);
        const streamed = (await side.stream(ods, la, 1)) as Notification[];
        expect(streamed).toHaveLength(1);
        for (const [where, n] of [
          ['feed', feed[0]],
          ['stream', streamed[0]],
        ] as const) {
          same(n?.user.name, who.name, `${where} → user name`);
          same(n?.user.role, who.role, `${where} → user role`);
          same(n?.setting.name, who.orgName, `${where} → setting name`);
          same(n?.reason.comment, payload, `${where} → reason comment`);
        }

        // What the server's database holds.
        if (sideName === 'server') {
          const db = server.store.db;
          const stored = await db
            .selectFrom('authorities')
            .select('name')
            .where('ods_code', '=', ods)
            .executeTakeFirstOrThrow();
          same(stored.name, payload, 'database → authorities.name');
          const row = await db
            .selectFrom('notifications')
            .selectAll()
            .where('authority_ods', '=', ods)
            .executeTakeFirstOrThrow();
          same(row.user_name, who.name, 'database → notifications.user_name');
          same(row.setting_name, who.orgName, 'database → notifications.setting_name');
          same(row.reason_comment, payload, 'database → notifications.reason_comment');
          const audit = await db
            .selectFrom('checks')
            .selectAll()
            .where('check_id', '=', result.checkId)
            .executeTakeFirstOrThrow();
          same(audit.reason_comment, payload, 'database → checks.reason_comment');
          same(audit.user_name, who.name, 'database → checks.user_name');
        }
        totals.roundTrips++;
      },
    );
  });
}

type Notification = {
  user: { name: string; role: string };
  setting: { name: string };
  reason: { comment?: string };
};

describe('the database after every payload', () => {
  it('still has every table, and no authority but the one named holds an injected plan or notification', async () => {
    const tables = await server.store.db
      .selectFrom('sqlite_master' as never)
      .select(['name' as never])
      .where('type' as never, '=', 'table' as never)
      .execute();
    const names = (tables as unknown as { name: string }[]).map((t) => t.name);
    for (const table of [
      'authorities',
      'plans',
      'checks',
      'access_entries',
      'notifications',
      'audit_events',
      'idempotency_keys',
    ]) {
      expect(names).toContain(table);
    }
    const perAuthority = await server.store.db
      .selectFrom('notifications')
      .select(['authority_ods', (eb) => eb.fn.countAll().as('n')])
      .where('authority_ods', 'like', 'INJ%')
      .groupBy('authority_ods')
      .execute();
    expect(perAuthority).toHaveLength(PAYLOADS.length);
    expect(perAuthority.every((r) => Number(r.n) === 1)).toBe(true);
    // The seeded authorities are untouched.
    const seeded = await server.store.db
      .selectFrom('authorities')
      .select(['ods_code', 'name'])
      .where('ods_code', 'in', ['204', '211', '213', '373'])
      .execute();
    expect(seeded).toHaveLength(4);
  });
});

describe('text no database can hold as sent', () => {
  it.each(['server', 'mock'] as const)(
    '%s: a NUL character in a name is refused whole (400) with nothing stored, whatever the engine',
    async (sideName) => {
      const side = sides[sideName];
      const name = 'Before\u0000After Council';
      const la = await side.laToken('INJNUL');
      const before = sideName === 'server' ? await countRows(server.store) : undefined;
      const put = await side.call('PUT', '/v1/authorities/INJNUL', la, {
        name,
        officeHoursPhone: '020 7946 0500',
        emergencyDutyPhone: '020 7946 0501',
      });
      expect(put.status).toBe(400);
      expect((await side.call('GET', '/v1/authorities/INJNUL', la)).status).toBe(404);
      if (before !== undefined) expect(await countRows(server.store)).toEqual(before);
      console.log(`${sideName}: NUL in a name → ${put.status}`);
    },
  );
});

describe('text that is not valid Unicode', () => {
  const lone = 'Lone \ud800 surrogate';
  const bodies = [
    {
      title: 'an authority name',
      method: 'PUT',
      path: '/v1/authorities/INJLONE',
      body: { name: lone, officeHoursPhone: '020 7946 0500', emergencyDutyPhone: '020 7946 0501' },
    },
    {
      title: 'a reason comment',
      method: 'POST',
      path: '/v1/checks',
      body: {
        nhsNumber: '9990002746',
        nhsNumberVerified: true,
        accessContext: 'unscheduled',
        reason: { code: 'other', comment: lone },
      },
    },
    {
      title: 'a token request name',
      method: 'POST',
      path: '/v1/dev/tokens',
      body: {
        name: lone,
        orgType: 'health',
        odsCode: 'RLONE',
        orgName: 'Lone Hospital',
        role: 'Nurse',
        activities: ['B0107'],
      },
    },
    {
      title: 'a field name',
      method: 'PUT',
      path: '/v1/authorities/INJLONE',
      body: {
        name: 'Lone Council',
        officeHoursPhone: '020 7946 0500',
        emergencyDutyPhone: '020 7946 0501',
        [lone]: 1,
      },
    },
  ] as const;
  for (const sideName of ['server', 'mock'] as const) {
    it.each(bodies)(
      `${sideName}: a lone surrogate in $title is refused whole (400), never stored as something else`,
      async ({ method, path, body }) => {
        const side = sides[sideName];
        const token = path.startsWith('/v1/authorities')
          ? await side.laToken('INJLONE')
          : path === '/v1/checks'
            ? (
                await side.call('POST', '/v1/dev/tokens', undefined, {
                  name: 'Lone Nurse',
                  orgType: 'health',
                  odsCode: 'RLONE',
                  orgName: 'Lone Hospital',
                  role: 'Nurse',
                  activities: ['B0107'],
                })
              ).json<{ token: string }>().token
            : undefined;
        if (token !== undefined) log.secret(token);
        const before = sideName === 'server' ? await countRows(server.store) : undefined;
        const refused = await side.call(method, path, token, body);
        expect(refused.status, refused.text).toBe(400);
        expect(refused.json<{ type: string }>().type).toBe('urn:cpis:problem:invalid-request');
        if (before !== undefined) expect(await countRows(server.store)).toEqual(before);
      },
    );
  }

  it('server: a token whose name holds a lone surrogate is refused (401), so it never reaches a notification', async () => {
    const token = await server.token({
      ...socialWorker('211'),
      sub: 'lone',
      name: 'Lone \ud800 Worker',
    });
    const answer = await sides.server.call('GET', '/v1/authorities/211/notifications', token);
    expect(answer.status).toBe(401);
  });
});

describe('phone numbers outside the pattern', () => {
  for (const sideName of ['server', 'mock'] as const) {
    it.each(BAD_PHONES.map((phone, k) => ({ phone, k, label: JSON.stringify(phone) })))(
      `${sideName}: $label is refused with 400 naming the field, and nothing is stored`,
      async ({ phone, k }) => {
        const side = sides[sideName];
        const ods = `INJP${k}`;
        const la = await side.laToken(ods);
        const before = sideName === 'server' ? await countRows(server.store) : undefined;
        const fresh = await side.call('PUT', `/v1/authorities/${ods}`, la, {
          name: 'Phone Council',
          officeHoursPhone: phone,
          emergencyDutyPhone: '020 7946 0501',
        });
        expect(fresh.status, fresh.text).toBe(400);
        const problem = fresh.json<{ type: string; errors?: { field: string }[] }>();
        expect(problem.type).toBe('urn:cpis:problem:invalid-request');
        expect(problem.errors?.map((e) => e.field)).toContain('/officeHoursPhone');
        expect((await side.call('GET', `/v1/authorities/${ods}`, la)).status).toBe(404);
        // An existing authority keeps the phones it had.
        const th = await side.laToken('211');
        const was = (await side.call('GET', '/v1/authorities/211', th)).text;
        const change = await side.call('PUT', '/v1/authorities/211', th, {
          name: 'London Borough of Tower Hamlets',
          officeHoursPhone: '020 7946 0211',
          emergencyDutyPhone: phone,
        });
        expect(change.status, change.text).toBe(400);
        expect(
          change.json<{ errors?: { field: string }[] }>().errors?.map((e) => e.field),
        ).toContain('/emergencyDutyPhone');
        expect((await side.call('GET', '/v1/authorities/211', th)).text).toBe(was);
        if (before !== undefined) expect(await countRows(server.store)).toEqual(before);
      },
    );
  }
});

itWroteNoPersonalData(log);
