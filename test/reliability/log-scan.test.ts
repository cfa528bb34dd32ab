/**
 * quality.md, "privacy": server logs under the whole test suite → no NHS number, no name,
 * no token appears in a log line.
 *
 * Every reliability suite sends its servers' log lines (in-process and child-process) to a
 * file of this run (`support/logs.ts`) and ends with a test that scans its own lines. This
 * suite proves the scanner catches what it must (planted NHS numbers in both forms, names,
 * tokens and bearer credentials) and nothing else (UUIDs, times, durations); then it tempts
 * a server to leak — NHS numbers, names and tokens in paths, query strings, bodies that do
 * not parse, bodies that fail validation, a database that has gone away — and scans those
 * lines, together with every log file the other suites of this run have written so far.
 */
import fc from 'fast-check';
import { personas, principals } from '@cpis/mock/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLeaks, fixtureSecrets, readRunLogs, runLogDir, suiteLog } from './support/logs.ts';
import {
  fuzzSeed,
  nhsNumbers,
  socialWorker,
  startServer,
  type ReliabilityServer,
} from './support/server.ts';

const log = suiteLog('log-scan');
const seed = fuzzSeed('log-scan');

const CLEAN_LINE =
  '{"level":30,"time":1764072120123,"pid":4242,"hostname":"ci","reqId":"6f1c2b8e-2f4a-4c1e-9a51-1b7d2c3e4f50","res":{"statusCode":201},"responseTime":3.1234567891,"msg":"request completed"}';

describe('the scanner', () => {
  it('finds a planted NHS number of the synthetic population, plain or spaced 3-3-4', () => {
    const nhs = personas.activeChildProtectionPlan.nhsNumber;
    const spaced = `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`;
    expect(findLeaks([CLEAN_LINE.replace('request completed', `checked ${nhs}`)], [])).toHaveLength(
      1,
    );
    expect(
      findLeaks([CLEAN_LINE.replace('request completed', `checked ${spaced}`)], []),
    ).toHaveLength(1);
    expect(
      findLeaks([`{"msg":"x","nhs":"${nhs.slice(0, 3)}-${nhs.slice(3, 6)}-${nhs.slice(6)}"}`], []),
    ).toHaveLength(1);
  });

  it('finds any Modulus 11 valid NHS number, not only the fixtures (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), (n) => {
        const [nhs] = nhsNumbers(n, 1) as [string];
        return findLeaks([`{"msg":"lookup","url":"/v1/x/${nhs}"}`], []).length === 1;
      }),
      { seed, numRuns: 200 },
    );
  });

  it("finds a persona's or a principal's name, and a token or its signature alone", () => {
    const token =
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi0xMjM0NTY3ODkw';
    const secrets = [...fixtureSecrets(), token];
    const persona = `${personas.noRecord.givenName} ${personas.noRecord.familyName}`;
    expect(findLeaks([`{"msg":"${persona}"}`], secrets)).not.toEqual([]);
    expect(findLeaks([`{"user":"${principals.edNurse.name}"}`], secrets)).not.toEqual([]);
    expect(findLeaks([`{"auth":"${token}"}`], secrets)).not.toEqual([]);
    expect(findLeaks([`{"sig":"${token.split('.')[2]}"}`], secrets)).not.toEqual([]);
    expect(findLeaks(['{"headers":{"authorization":"Bearer abcdefghijklmnop"}}'], [])).not.toEqual(
      [],
    );
    expect(findLeaks(['{"t":"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."}'], [])).not.toEqual([]);
  });

  it('lets through what a log line is made of: request ids, times, durations, statuses, routes', () => {
    expect(findLeaks([CLEAN_LINE], fixtureSecrets())).toEqual([]);
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.integer({ min: 0, max: 2 ** 53 - 1 }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (id, time, ms) => {
          const line = `{"level":30,"time":${time},"reqId":"${id}","req":{"method":"POST","route":"/v1/checks/:checkId"},"responseTime":${ms}}`;
          // A bare integer of exactly ten digits could be a number; pino times are 13.
          if (/(?<![0-9.])[0-9]{10}(?![0-9.])/.test(String(time))) return true;
          return findLeaks([line], fixtureSecrets()).length === 0;
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});

let s: ReliabilityServer;
let base: string;

beforeAll(async () => {
  s = await startServer(log);
  base = await s.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  // Its database was destroyed on purpose in the last test.
  await s?.close().catch(() => undefined);
});

describe('a server tempted to log personal data', () => {
  it('is given NHS numbers, names and tokens in paths, queries, headers and bodies, good and bad, and a database that has gone away', async () => {
    const nhs = personas.lookedAfterOutOfArea.nhsNumber;
    const name = `${personas.lookedAfterOutOfArea.givenName} ${personas.lookedAfterOutOfArea.familyName}`;
    const { key: _key, ...nurse } = principals.edNurse;
    const token = await s.token({ ...nurse, sub: 'log-scan-nurse', activities: ['B0107'] });
    const la = await s.token(socialWorker('211'));
    const auth = { authorization: `Bearer ${token}` };
    const tries: [string, string, Record<string, string>, string?][] = [
      ['GET', `/v1/checks/${nhs}`, auth],
      ['GET', `/v1/patients/${nhs}?name=${encodeURIComponent(name)}&token=${token}`, auth],
      [
        'GET',
        `/v1/authorities/211/notifications?after=${nhs}&name=${encodeURIComponent(name)}`,
        { authorization: `Bearer ${la}` },
      ],
      [
        'POST',
        '/v1/checks',
        { ...auth, 'content-type': 'application/json' },
        `{"nhsNumber":"${nhs}","name":"${name}"`,
      ],
      [
        'POST',
        '/v1/checks',
        { ...auth, 'content-type': 'application/json' },
        JSON.stringify({ nhsNumber: nhs, nhsNumberVerified: 'yes', patient: name }),
      ],
      [
        'POST',
        '/v1/checks',
        { ...auth, 'content-type': 'application/json' },
        JSON.stringify({
          nhsNumber: `${nhs.slice(0, 9)}0`,
          nhsNumberVerified: true,
          accessContext: 'unscheduled',
          reason: { code: 'other', comment: name },
        }),
      ],
      [
        'POST',
        '/v1/checks',
        { ...auth, 'content-type': 'application/json' },
        JSON.stringify({
          nhsNumber: nhs,
          nhsNumberVerified: true,
          accessContext: 'unscheduled',
          reason: { code: 'other', comment: `${name} ${nhs}` },
        }),
      ],
      ['POST', '/v1/checks', { ...auth, 'content-type': 'text/plain' }, `${name} ${nhs}`],
      [
        'PUT',
        '/v1/authorities/211/plans/LOG-1',
        { authorization: `Bearer ${la}`, 'content-type': 'application/json' },
        JSON.stringify({ nhsNumber: nhs, type: 'CPP', startDate: '2025-01-15' }),
      ],
      [
        'POST',
        '/v1/authorities/211/plans/batch',
        { authorization: `Bearer ${la}`, 'content-type': 'text/csv' },
        `planId,nhsNumber,type,startDate\r\n"LOG-2,${nhs},CPP,2025-01-15\r\n`,
      ],
      [
        'POST',
        '/v1/dev/tokens',
        { 'content-type': 'application/json' },
        JSON.stringify({ ...nurse, name }),
      ],
      ['GET', '/v1/authorities/211', { authorization: `Bearer ${token}x` }],
      [
        'GET',
        '/v1/authorities/211',
        { authorization: `Basic ${Buffer.from(`${name}:${nhs}`).toString('base64')}` },
      ],
      ['GET', `/v1/checks/${crypto.randomUUID()}`, { ...auth, 'x-request-id': nhs }],
    ];
    log.secret(name);
    const statuses: number[] = [];
    for (const [method, path, headers, body] of tries) {
      const response = await fetch(`${base}${path}`, { method, headers, body });
      await response.text();
      statuses.push(response.status);
      expect(response.status, `${method} ${path}`).toBeLessThan(500);
    }
    // The database goes away: the server logs the fault (and answers 503).
    await s.store.engine.destroy();
    const down = await fetch(`${base}/v1/checks`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        nhsNumber: nhs,
        nhsNumberVerified: true,
        accessContext: 'unscheduled',
        reason: { code: 'other', comment: name },
      }),
    });
    await down.text();
    statuses.push(down.status);
    expect(down.status).toBeGreaterThanOrEqual(500);
    console.log(`tempting requests answered ${statuses.join(', ')}`);
    const lines = log.lines();
    expect(lines.length).toBeGreaterThan(tries.length);
    expect(
      lines.some((l) => /"level":(40|50)/.test(l)),
      'the fault was logged',
    ).toBe(true);
    expect(log.leaks()).toEqual([]);
  });
});

describe('every server log line of this run', () => {
  it('holds no NHS number, name or token (this suite and every suite that has written its log so far)', () => {
    log.flush();
    const run = readRunLogs();
    const secrets = [...run.secrets, ...fixtureSecrets()];
    const leaks = findLeaks(run.lines, secrets);
    console.log(
      `log scan of ${runLogDir}: ${run.files.length} files, ${run.lines.length} lines, ${secrets.length} secrets (tokens, names, NHS numbers) + every Modulus 11 number, JWT and bearer credential; ${leaks.length} leaks`,
    );
    for (const file of run.files) console.log(`  ${file.split('/').pop()}`);
    expect(run.files.length).toBeGreaterThan(0);
    expect(run.lines.length).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
});
