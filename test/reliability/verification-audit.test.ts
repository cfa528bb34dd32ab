/**
 * quality.md, "verification": the audit records `nhsNumberVerified` for every check (true
 * and false both stored as sent), and the contract requires the field (a check without it
 * is 400).
 *
 * Property-based (fast-check, seed printed): random checks — verified or not, unscheduled
 * or scheduled, a child with a record or without, with or without an Idempotency-Key —
 * each made on the reference server and on the mock; each check's audit row (the server's
 * `checks` table, the mock's audit log) must hold the flag as sent with who, where, what
 * and why. Then every way of leaving the flag out or getting its type wrong is refused
 * with 400 on both, storing nothing.
 */
import fc from 'fast-check';
import { createCpisMockService, createMockFetch, type CpisMockService } from '@cpis/mock';
import { personas } from '@cpis/mock/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '@cpis/server/testing';
import { itWroteNoPersonalData, suiteLog } from './support/logs.ts';
import {
  clinician,
  countRows,
  fuzzSeed,
  startServer,
  type Claims,
  type ReliabilityServer,
} from './support/server.ts';

const log = suiteLog('verification-audit');
const seed = fuzzSeed('verification-audit');
const RUNS = 80;
const SETTING = { odsCode: 'RVERIFY', name: 'Verify Hospital' };

let s: ReliabilityServer;
let mock: CpisMockService;
let mockFetch: typeof fetch;
const principals: Record<'unscheduled' | 'scheduled', Claims> = {
  unscheduled: clinician('verify-b0107', ['B0107'], SETTING),
  scheduled: clinician('verify-b0170', ['B0170'], SETTING),
};
const serverTokens = {} as Record<'unscheduled' | 'scheduled', string>;
const mockTokens = {} as Record<'unscheduled' | 'scheduled', string>;
const counts = { server: { true: 0, false: 0 }, mock: { true: 0, false: 0 }, refused: 0 };

beforeAll(async () => {
  s = await startServer(log);
  mock = createCpisMockService({ now: s.clock.now });
  mockFetch = createMockFetch(mock.handlers);
  for (const context of ['unscheduled', 'scheduled'] as const) {
    const claims = principals[context];
    serverTokens[context] = await s.token(claims);
    mockTokens[context] = await mock.tokenFor({
      ...(claims as Required<Claims>),
      activities: claims.activities ?? [],
    });
    log.secret(mockTokens[context]);
  }
});
afterAll(async () => {
  await s?.close();
  console.log(
    `verification audit (seed ${seed}): server audited ${counts.server.true} verified + ${counts.server.false} unverified checks, ` +
      `mock ${counts.mock.true} + ${counts.mock.false}; ${counts.refused} checks without a proper flag refused on both`,
  );
});

describe('every check records nhsNumberVerified in its audit row', () => {
  it(`${RUNS} random checks on the server and the mock: each audit row holds the flag as sent, with who, where, what and why`, async () => {
    const people = Object.values(personas).map((p) => p.nhsNumber);
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.constantFrom('unscheduled' as const, 'scheduled' as const),
        fc.constantFrom(...people),
        fc.boolean(),
        fc.uuid(),
        async (verified, context, nhsNumber, withKey, requestId) => {
          const body = {
            nhsNumber,
            nhsNumberVerified: verified,
            accessContext: context,
            reason: {
              code: context === 'unscheduled' ? 'unscheduled-attendance' : 'clinical-review',
            },
          };
          const headers = {
            'x-request-id': requestId,
            ...(withKey ? { 'idempotency-key': crypto.randomUUID() } : {}),
          };
          // The server: its `checks` table is the audit of checks.
          const made = await s.inject({
            method: 'POST',
            url: '/v1/checks',
            headers: { ...headers, authorization: `Bearer ${serverTokens[context]}` },
            payload: body,
          });
          expect(made.statusCode, made.body).toBe(201);
          const result = made.json<{ checkId: string; outcome: string }>();
          const row = await s.store.db
            .selectFrom('checks')
            .selectAll()
            .where('check_id', '=', result.checkId)
            .executeTakeFirstOrThrow();
          expect(row).toMatchObject({
            nhs_number: nhsNumber,
            nhs_number_verified: verified ? 1 : 0,
            access_context: context,
            reason_code: body.reason.code,
            outcome: result.outcome,
            user_sub: principals[context].sub,
            org_ods: SETTING.odsCode,
            request_id: requestId,
          });
          counts.server[verified ? 'true' : 'false']++;

          // The mock: its audit log.
          const mocked = await mockFetch(`${mock.baseUrl}/v1/checks`, {
            method: 'POST',
            headers: {
              ...headers,
              authorization: `Bearer ${mockTokens[context]}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify(body),
          });
          expect(mocked.status).toBe(201);
          const mockResult = (await mocked.json()) as { checkId: string };
          const entry = mock.state.audit.find(
            (e) => e.operation === 'check.create' && e.details['checkId'] === mockResult.checkId,
          );
          expect(entry?.details).toMatchObject({
            nhsNumber,
            nhsNumberVerified: verified,
            accessContext: context,
          });
          counts.mock[verified ? 'true' : 'false']++;
        },
      ),
      { seed, numRuns: RUNS },
    );
    expect(counts.server.true).toBeGreaterThan(0);
    expect(counts.server.false).toBeGreaterThan(0);
  });

  it('an unverified check of a child with a plan is still a check: audited as unverified, the authority told', async () => {
    const made = await s.inject({
      method: 'POST',
      url: '/v1/checks',
      headers: {
        authorization: `Bearer ${await s.token(clinician('verify-once', ['B0107'], SETTING))}`,
      },
      payload: {
        nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
        nhsNumberVerified: false,
        accessContext: 'unscheduled',
        reason: { code: 'unscheduled-attendance' },
      },
    });
    expect(made.statusCode).toBe(201);
    const { checkId, notifiedAuthorities } = made.json<{
      checkId: string;
      notifiedAuthorities: string[];
    }>();
    expect(notifiedAuthorities).toEqual(['211']);
    const row = await s.store.db
      .selectFrom('checks')
      .select('nhs_number_verified')
      .where('check_id', '=', checkId)
      .executeTakeFirstOrThrow();
    expect(row.nhs_number_verified).toBe(0);
  });
});

describe('the contract requires nhsNumberVerified', () => {
  it('CheckRequest lists nhsNumberVerified as required, of type boolean', () => {
    const schema = loadContract().document.components['schemas']?.['CheckRequest'] as {
      required: string[];
      properties: Record<string, { type?: string }>;
    };
    expect(schema.required).toContain('nhsNumberVerified');
    expect(schema.properties['nhsNumberVerified']?.type).toBe('boolean');
  });

  const wrong: { title: string; value: unknown }[] = [
    { title: 'left out', value: undefined },
    { title: 'null', value: null },
    { title: 'the string "true"', value: 'true' },
    { title: 'the string "false"', value: 'false' },
    { title: 'the number 1', value: 1 },
    { title: 'the number 0', value: 0 },
    { title: 'an empty string', value: '' },
    { title: 'an object', value: { verified: true } },
    { title: 'an array', value: [true] },
  ];

  it.each(wrong)(
    'a check with nhsNumberVerified $title: 400 naming the field on the server and the mock, nothing stored',
    async ({ value }) => {
      const body: Record<string, unknown> = {
        nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
        accessContext: 'unscheduled',
        reason: { code: 'unscheduled-attendance' },
      };
      if (value !== undefined) body['nhsNumberVerified'] = value;
      const before = await countRows(s.store);
      const refused = await s.inject({
        method: 'POST',
        url: '/v1/checks',
        headers: {
          authorization: `Bearer ${serverTokens.unscheduled}`,
          'idempotency-key': crypto.randomUUID(),
        },
        payload: body,
      });
      expect(refused.statusCode).toBe(400);
      const problem = refused.json<{ type: string; errors: { field: string }[] }>();
      expect(problem.type).toBe('urn:cpis:problem:invalid-request');
      expect(problem.errors.map((e) => e.field)).toContain('/nhsNumberVerified');
      expect(await countRows(s.store)).toEqual(before);

      const auditBefore = mock.state.audit.length;
      const mocked = await mockFetch(`${mock.baseUrl}/v1/checks`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${mockTokens.unscheduled}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      expect(mocked.status).toBe(400);
      const mockProblem = (await mocked.json()) as { type: string; errors: { field: string }[] };
      expect(mockProblem.type).toBe('urn:cpis:problem:invalid-request');
      expect(mockProblem.errors.map((e) => e.field)).toContain('/nhsNumberVerified');
      expect(mock.state.audit.length).toBe(auditBefore);
      counts.refused++;
    },
  );
});

itWroteNoPersonalData(log);
