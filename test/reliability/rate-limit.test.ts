/**
 * quality.md, "rate limiting": one user flooding checks → 429 with `Retry-After`; other
 * users unaffected.
 *
 * The reference server is built with a limit of 20 requests a minute per user and listens
 * on 127.0.0.1. One user sends 30 checks at once while another user, from the same address,
 * makes checks of their own; then a fresh token for the flooding user (same `sub`), the SDK
 * as that user, and a flood of unauthenticated requests (limited by address, not by user).
 */
import { personas } from '@cpis/mock/fixtures';
import { createCpisClient, CpisApiError } from '@cpis/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWroteNoPersonalData, suiteLog } from './support/logs.ts';
import {
  clinician,
  http,
  startServer,
  type HttpAnswer,
  type ReliabilityServer,
} from './support/server.ts';

const log = suiteLog('rate-limit');
const LIMIT = 20;
const FLOOD = 30;

let s: ReliabilityServer;
let base: string;

beforeAll(async () => {
  s = await startServer(log, { rateLimitPerMinute: LIMIT });
  base = await s.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await s?.close();
});

const check = (token: string, nhsNumber = personas.lookedAfterOutOfArea.nhsNumber) =>
  http(base, 'POST', '/v1/checks', {
    token,
    body: {
      nhsNumber,
      nhsNumberVerified: true,
      accessContext: 'unscheduled',
      reason: { code: 'unscheduled-attendance' },
    },
  });

function expectRateLimited(answer: HttpAnswer): number {
  expect(answer.status).toBe(429);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.json<{ type: string }>().type).toBe('urn:cpis:problem:rate-limited');
  const retryAfter = answer.headers.get('retry-after');
  expect(retryAfter, 'Retry-After').toMatch(/^[0-9]+$/);
  const seconds = Number(retryAfter);
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(60);
  return seconds;
}

const flooder = clinician('rate-flooder', ['B0107'], { odsCode: 'RRATE1', name: 'Flood Hospital' });
const bystander = clinician('rate-bystander', ['B0107'], {
  odsCode: 'RRATE2',
  name: 'Quiet Hospital',
});

describe(`one user flooding checks (limit ${LIMIT} a minute)`, () => {
  it(`${FLOOD} checks at once from one user: ${LIMIT} made, the rest 429 with Retry-After; another user's checks meanwhile all made`, async () => {
    const flood = await s.token(flooder);
    const other = await s.token(bystander);
    const [floodAnswers, otherAnswers] = await Promise.all([
      Promise.all(Array.from({ length: FLOOD }, () => check(flood))),
      Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          // Spread through the flood; each a different child, so each is a real check.
          new Promise((r) => setTimeout(r, i * 5)).then(() =>
            check(
              other,
              i % 2 === 0
                ? personas.activeChildProtectionPlan.nhsNumber
                : personas.noRecord.nhsNumber,
            ),
          ),
        ),
      ),
    ]);
    const statuses = floodAnswers.map((a) => a.status);
    expect(statuses.filter((st) => st === 201)).toHaveLength(LIMIT);
    const limited = floodAnswers.filter((a) => a.status !== 201);
    expect(limited).toHaveLength(FLOOD - LIMIT);
    const waits = limited.map(expectRateLimited);
    expect(otherAnswers.map((a) => a.status)).toEqual(Array(10).fill(201));
    // Nothing was stored for a refused check.
    const stored = await s.store.db
      .selectFrom('checks')
      .select('check_id')
      .where('user_sub', '=', 'rate-flooder')
      .execute();
    expect(stored).toHaveLength(LIMIT);
    console.log(
      `flood: ${FLOOD} checks → ${LIMIT}×201, ${limited.length}×429 (Retry-After ${Math.min(...waits)}–${Math.max(...waits)} s); ` +
        `the other user meanwhile: 10×201; ${stored.length} checks stored for the flooder`,
    );
  });

  it('a fresh token for the same user is still limited; a third user is not', async () => {
    const again = await s.token(flooder, { expiresInSeconds: 600 });
    expectRateLimited(await check(again));
    const third = await s.token(
      clinician('rate-third', ['B0107'], { odsCode: 'RRATE3', name: 'Third Hospital' }),
    );
    expect((await check(third)).status).toBe(201);
  });

  it('the SDK, for the limited user, fails promptly with the 429 (Retry-After is past its deadline) instead of hanging', async () => {
    const token = await s.token(flooder);
    const client = createCpisClient({
      baseUrl: base,
      getToken: () => token,
      timeoutMs: 1_000,
      deadlineMs: 3_000,
      retries: 3,
    });
    const started = Date.now();
    const error = await client.checks
      .create({
        nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
        nhsNumberVerified: true,
        accessContext: 'unscheduled',
        reason: { code: 'unscheduled-attendance' },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(CpisApiError);
    expect((error as CpisApiError).status).toBe(429);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('a flood of requests without a valid token is limited by address, and does not stop a signed-in user at the same address', async () => {
    const answers = await Promise.all(
      Array.from({ length: LIMIT + 5 }, (_, i) =>
        http(base, 'GET', '/v1/authorities/211', {
          headers: { authorization: `Bearer not-a-token-${i}` },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((st) => st === 401)).toHaveLength(LIMIT);
    for (const a of answers.filter((x) => x.status !== 401)) expectRateLimited(a);
    const user = await s.token(
      clinician('rate-after-ip-flood', ['B0107'], { odsCode: 'RRATE4', name: 'Fourth Hospital' }),
    );
    expect((await check(user)).status).toBe(201);
    console.log(
      `unauthenticated flood: ${statuses.filter((st) => st === 401).length}×401 then ${statuses.filter((st) => st === 429).length}×429; a signed-in user at the same address: 201`,
    );
  });
});

itWroteNoPersonalData(log);
