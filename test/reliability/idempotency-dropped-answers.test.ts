/**
 * quality.md, "idempotency": `POST /v1/checks` whose answers are dropped, retried by the
 * SDK → exactly one access entry and one notification.
 *
 * The real server listens on 127.0.0.1; a small node:http proxy in front of it forwards
 * every request, and for the first attempts of a check it drops the answer after the server
 * has made it (the client's socket is destroyed), or drops the request before it arrives,
 * or holds the answer past the SDK's per-attempt timeout. The SDK (`createCpisClient`,
 * short timeouts, enough retries) makes ONE logical check; it must end with the result,
 * and the database must hold one check, one access entry and one notification per
 * responsible authority — as the store, the LA's feed and the next check's history all say.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { personas } from '@cpis/mock/fixtures';
import { createCpisClient, type CheckResult } from '@cpis/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWroteNoPersonalData, suiteLog } from './support/logs.ts';
import { clinician, socialWorker, startServer, type ReliabilityServer } from './support/server.ts';

const log = suiteLog('idempotency-dropped-answers');

/** What the proxy does to one attempt of a check. */
type Fault =
  | 'drop-answer' // forwarded; the server answers; the client's socket is destroyed
  | 'drop-request' // the client's socket is destroyed before anything is forwarded
  | 'stall-answer'; // forwarded; the answer is held past the SDK's per-attempt timeout

interface Attempt {
  idempotencyKey: string | undefined;
  requestId: string | undefined;
  fault: Fault | 'none';
  upstreamStatus?: number;
}

const SDK_TIMEOUT_MS = 1_000;

interface Proxy {
  url: string;
  /** Faults for the next check attempts of the user with this token, in order. */
  plan(token: string, faults: Fault[]): void;
  attempts(token: string): Attempt[];
  close(): Promise<void>;
}

async function startProxy(upstream: string): Promise<Proxy> {
  const target = new URL(upstream);
  const faults = new Map<string, Fault[]>();
  const seen = new Map<string, Attempt[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const isCheck = req.method === 'POST' && req.url === '/v1/checks';
      const fault = isCheck ? (faults.get(token)?.shift() ?? 'none') : 'none';
      const attempt: Attempt = {
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        requestId: req.headers['x-request-id'] as string | undefined,
        fault,
      };
      if (isCheck) seen.set(token, [...(seen.get(token) ?? []), attempt]);
      if (fault === 'drop-request') {
        req.socket.destroy();
        return;
      }
      const forward = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer: IncomingMessage) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            attempt.upstreamStatus = answer.statusCode;
            if (fault === 'drop-answer') {
              req.socket.destroy();
              return;
            }
            const send = (): void => {
              if (req.socket.destroyed) return;
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(body));
            };
            if (fault === 'stall-answer') {
              // The SDK gives up on this attempt first; the answer then goes nowhere.
              setTimeout(() => req.socket.destroy(), SDK_TIMEOUT_MS + 500).unref();
              return;
            }
            send();
          });
        },
      );
      forward.on('error', () => req.socket.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    plan: (token, list) => faults.set(token, [...list]),
    attempts: (token) => seen.get(token) ?? [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let s: ReliabilityServer;
let proxy: Proxy;

beforeAll(async () => {
  s = await startServer(log);
  const base = await s.app.listen({ port: 0, host: '127.0.0.1' });
  proxy = await startProxy(base);
});
afterAll(async () => {
  await proxy?.close();
  await s?.close();
});

interface Scenario {
  title: string;
  faults: Fault[];
  persona: keyof typeof personas;
  authorities: string[];
}

const scenarios: Scenario[] = [
  {
    title: 'one dropped answer',
    faults: ['drop-answer'],
    persona: 'lookedAfterOutOfArea',
    authorities: ['211'],
  },
  {
    title: 'three dropped answers in a row',
    faults: ['drop-answer', 'drop-answer', 'drop-answer'],
    persona: 'lookedAfterOutOfArea',
    authorities: ['211'],
  },
  {
    title: 'five dropped answers in a row',
    faults: ['drop-answer', 'drop-answer', 'drop-answer', 'drop-answer', 'drop-answer'],
    persona: 'activeChildProtectionPlan',
    authorities: ['373'],
  },
  {
    title: 'a dropped request, then two dropped answers',
    faults: ['drop-request', 'drop-answer', 'drop-answer'],
    persona: 'lookedAfterOutOfArea',
    authorities: ['211'],
  },
  {
    title: 'two answers held past the per-attempt timeout',
    faults: ['stall-answer', 'stall-answer'],
    persona: 'lookedAfterOutOfArea',
    authorities: ['211'],
  },
  {
    title: 'two dropped answers for a child with plans from two authorities',
    faults: ['drop-answer', 'drop-answer'],
    persona: 'plansFromTwoAuthorities',
    authorities: ['213', '373'],
  },
];

let made = 0;

/** One logical unscheduled check through the dropping proxy, by a user of its own. */
async function checkThroughProxy(
  sub: string,
  persona: keyof typeof personas,
  faults: Fault[],
): Promise<{ result: CheckResult; token: string; setting: { odsCode: string; name: string } }> {
  const setting = { odsCode: `RIDM${String(made++).padStart(3, '0')}`, name: `Dropped ${sub}` };
  const token = await s.token(clinician(sub, ['B0107'], setting));
  proxy.plan(token, faults);
  const client = createCpisClient({
    baseUrl: proxy.url,
    getToken: () => token,
    timeoutMs: SDK_TIMEOUT_MS,
    deadlineMs: 20_000,
    retries: faults.length + 2,
  });
  const result = await client.checks.create({
    nhsNumber: personas[persona].nhsNumber,
    nhsNumberVerified: true,
    accessContext: 'unscheduled',
    reason: { code: 'unscheduled-attendance' },
  });
  return { result, token, setting };
}

/** What the database holds for one user's checks. */
async function storedFor(sub: string) {
  const db = s.store.db;
  const checks = await db.selectFrom('checks').selectAll().where('user_sub', '=', sub).execute();
  const entries = await db
    .selectFrom('access_entries')
    .selectAll()
    .where('user_sub', '=', sub)
    .execute();
  const notifications = await db
    .selectFrom('notifications')
    .selectAll()
    .where('user_sub', '=', sub)
    .execute();
  return { checks, entries, notifications };
}

async function feedItemsBy(authority: string, userName: string) {
  const token = await s.token(socialWorker(authority));
  const items: { user: { name: string }; nhsNumber: string }[] = [];
  let after = '0';
  for (;;) {
    const page = await s.inject({
      method: 'GET',
      url: `/v1/authorities/${authority}/notifications?after=${after}&limit=500`,
      headers: { authorization: `Bearer ${token}` },
    });
    const body = page.json<{ items: typeof items; nextCursor: string }>();
    items.push(...body.items);
    if (body.items.length < 500) break;
    after = body.nextCursor;
  }
  return items.filter((n) => n.user.name === userName);
}

describe('POST /v1/checks with its answers dropped, retried by the SDK', () => {
  it.each(scenarios)(
    '$title: the SDK gets the result; one check, one access entry, one notification per authority',
    async ({ faults, persona, authorities }) => {
      const sub = `idem-${made}`;
      const started = Date.now();
      const { result, token, setting } = await checkThroughProxy(sub, persona, faults);
      const attempts = proxy.attempts(token);

      // The SDK ended with the result of the one logical check.
      expect(result.outcome).toBe('record-found');
      expect(result.nhsNumber).toBe(personas[persona].nhsNumber);
      expect([...result.notifiedAuthorities].sort()).toEqual(authorities);
      // Every attempt went out with the same Idempotency-Key and its own request id.
      expect(attempts).toHaveLength(faults.length + 1);
      expect(new Set(attempts.map((a) => a.idempotencyKey)).size).toBe(1);
      expect(attempts[0]?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Set(attempts.map((a) => a.requestId)).size).toBe(attempts.length);
      const reached = attempts.filter((a) => a.fault !== 'drop-request');
      expect(reached.every((a) => a.upstreamStatus === 201)).toBe(true);

      // The database: one check, one access entry, one notification per authority.
      const stored = await storedFor(sub);
      expect(stored.checks).toHaveLength(1);
      expect(stored.checks[0]?.check_id).toBe(result.checkId);
      expect(stored.entries).toHaveLength(1);
      expect(stored.entries[0]?.check_id).toBe(result.checkId);
      expect(stored.notifications.map((n) => n.authority_ods).sort()).toEqual(authorities);
      expect(stored.notifications.every((n) => n.check_id === result.checkId)).toBe(true);

      // The LA feed: exactly one notification by this user per authority.
      for (const authority of authorities) {
        expect(await feedItemsBy(authority, `Reliability Clinician ${sub}`)).toHaveLength(1);
      }

      // The next check (a silent read from elsewhere) shows this access once.
      const reader = await s.token(
        clinician(`${sub}-reader`, ['B0170'], { odsCode: 'RREAD1', name: 'Reader Practice' }),
      );
      const next = await s.inject({
        method: 'POST',
        url: '/v1/checks',
        headers: { authorization: `Bearer ${reader}` },
        payload: {
          nhsNumber: personas[persona].nhsNumber,
          nhsNumberVerified: true,
          accessContext: 'scheduled',
          reason: { code: 'clinical-review' },
        },
      });
      expect(next.statusCode).toBe(201);
      const history = next.json<CheckResult>().accessHistory;
      expect(history.filter((e) => e.setting.odsCode === setting.odsCode)).toHaveLength(1);

      console.log(
        `${faults.join(' + ')}: ${attempts.length} attempts, ${reached.length} reached the server, ` +
          `1 check stored, ${stored.entries.length} access entry, ${stored.notifications.length} notification(s), ` +
          `${Date.now() - started} ms`,
      );
    },
  );

  it('eight logical checks at once, each with two dropped answers: eight entries, eight notifications', async () => {
    const subs = Array.from({ length: 8 }, (_, i) => `idem-par-${i}`);
    const outcomes = await Promise.all(
      subs.map((sub) =>
        checkThroughProxy(sub, 'lookedAfterOutOfArea', ['drop-answer', 'drop-answer']),
      ),
    );
    let attempts = 0;
    for (const [i, sub] of subs.entries()) {
      const { result, token } = outcomes[i] as (typeof outcomes)[number];
      attempts += proxy.attempts(token).length;
      const stored = await storedFor(sub);
      expect(stored.checks.map((c) => c.check_id)).toEqual([result.checkId]);
      expect(stored.entries).toHaveLength(1);
      expect(stored.notifications).toHaveLength(1);
    }
    expect(attempts).toBe(24);
    console.log(`8 concurrent logical checks: ${attempts} attempts, 8 entries, 8 notifications`);
  });

  it('four SDK calls sharing one Idempotency-Key at once all get the one check (a 409 in progress is waited out)', async () => {
    const sub = 'idem-inprogress';
    const setting = { odsCode: 'RIDMIP', name: 'In progress' };
    const token = await s.token(clinician(sub, ['B0107'], setting));
    proxy.plan(token, []);
    const client = createCpisClient({
      baseUrl: proxy.url,
      getToken: () => token,
      timeoutMs: SDK_TIMEOUT_MS,
      deadlineMs: 20_000,
      retries: 6,
    });
    const idempotencyKey = crypto.randomUUID();
    const body = {
      nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
      nhsNumberVerified: true,
      accessContext: 'unscheduled' as const,
      reason: { code: 'unscheduled-attendance' as const },
    };
    const results = await Promise.all(
      Array.from({ length: 4 }, () => client.checks.create(body, { idempotencyKey })),
    );
    expect(new Set(results.map((r) => r.checkId)).size).toBe(1);
    const statuses = proxy.attempts(token).map((a) => a.upstreamStatus);
    expect(statuses.every((st) => st === 201 || st === 409)).toBe(true);
    const stored = await storedFor(sub);
    expect(stored.checks).toHaveLength(1);
    expect(stored.entries).toHaveLength(1);
    expect(stored.notifications).toHaveLength(1);
    console.log(
      `one key, four calls at once: server answered ${statuses.join(', ')}; 1 check stored`,
    );
  });
});

itWroteNoPersonalData(log);
