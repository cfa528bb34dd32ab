import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { personas } from '@cpis/mock/fixtures';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from './contract.js';
import {
  bearer,
  capturedLogLines,
  createTestServer,
  issuedTokens,
  itLogsNoPersonalData,
  principalClaims,
  type TestServer,
} from './testing/harness.js';
import { forEachEngine } from './testing/engines.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const checkBody = {
  nhsNumber: personas.noRecord.nhsNumber,
  nhsNumberVerified: true,
  accessContext: 'unscheduled',
  reason: { code: 'unscheduled-attendance' },
};

describe('the reference server (development mode)', () => {
  let s: TestServer;
  let nurse: Record<string, string>;
  beforeAll(async () => {
    s = await createTestServer();
    nurse = bearer(await s.token(principalClaims('edNurse')));
  });
  afterAll(async () => {
    await s.close();
  });

  describe('X-Request-ID', () => {
    it('echoes a UUID the client sent, on success and on a problem', async () => {
      const id = randomUUID();
      const ok = await s.inject({
        method: 'GET',
        url: '/v1/health',
        headers: { 'x-request-id': id },
      });
      expect(ok.headers['x-request-id']).toBe(id);
      const problem = await s.inject({
        method: 'GET',
        url: '/v1/nowhere',
        headers: { 'x-request-id': id },
      });
      expect(problem.headers['x-request-id']).toBe(id);
      expect(problem.json()).toMatchObject({ requestId: id });
    });

    it('ignores anything else and issues a new UUID', async () => {
      const response = await s.inject({
        method: 'GET',
        url: '/v1/health',
        headers: { 'x-request-id': 'abc; drop table' },
      });
      expect(response.headers['x-request-id']).toMatch(UUID);
    });
  });

  describe('problem+json for every error', () => {
    it('404 for an unknown route', async () => {
      const response = await s.inject({
        method: 'GET',
        url: `/v1/children/${personas.activeChildProtectionPlan.nhsNumber}?nhs=${personas.noRecord.nhsNumber}`,
      });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(response.json()).toMatchObject({ type: 'urn:cpis:problem:not-found', status: 404 });
    });

    it('400 for a URL that cannot be decoded', async () => {
      const response = await s.inject({
        method: 'GET',
        url: `/v1/authorities/%ZZ${personas.noRecord.nhsNumber}`,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ type: 'urn:cpis:problem:invalid-request' });
      expect(response.body).not.toContain(personas.noRecord.nhsNumber);
    });

    it('405 with Allow where the path exists', async () => {
      const response = await s.inject({ method: 'DELETE', url: '/v1/checks', headers: nurse });
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe('POST');
      expect(response.json()).toMatchObject({ type: 'urn:cpis:problem:method-not-allowed' });
      const get = await s.inject({ method: 'PATCH', url: '/v1/authorities/211' });
      expect(get.headers.allow).toBe('GET, PUT, HEAD');
    });

    it('413 for a body over the limit', async () => {
      const response = await s.inject({
        method: 'POST',
        url: '/v1/checks',
        headers: { ...nurse, 'content-type': 'application/json' },
        payload: JSON.stringify({
          ...checkBody,
          reason: { code: 'other', comment: 'x'.repeat(200_000) },
        }),
      });
      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({ type: 'urn:cpis:problem:payload-too-large' });
    });

    it.each([
      ['text/plain'],
      ['application/xml'],
      ['application/problem+json'],
      ['text/csv'],
      ['application/x-www-form-urlencoded'],
    ])('415 for a %s body where JSON is expected', async (contentType) => {
      const response = await s.inject({
        method: 'POST',
        url: '/v1/checks',
        headers: { ...nurse, 'content-type': contentType },
        payload: 'nhsNumber=9990009597',
      });
      expect(response.statusCode).toBe(415);
      expect(response.json()).toMatchObject({ type: 'urn:cpis:problem:unsupported-media-type' });
    });

    it('401 comes before 415 and 413', async () => {
      const response = await s.inject({
        method: 'POST',
        url: '/v1/checks',
        headers: { 'content-type': 'text/plain' },
        payload: 'x',
      });
      expect(response.statusCode).toBe(401);
    });

    it('500 internal, with no detail that leaks internals', async () => {
      const store = s.app.cpis.store;
      const original = store.getAuthority.bind(store);
      store.getAuthority = () =>
        Promise.reject(
          new TypeError(`cannot read plan of ${personas.noRecord.nhsNumber} at /srv/db.ts:12`),
        );
      const response = await s.inject({
        method: 'GET',
        url: '/v1/authorities/211',
        headers: nurse,
      });
      store.getAuthority = original;
      expect(response.statusCode).toBe(500);
      const problem = response.json<{ type: string; detail: string }>();
      expect(problem.type).toBe('urn:cpis:problem:internal');
      expect(problem.detail).not.toMatch(/plan|srv|TypeError|999/);
      const logged = capturedLogLines.find((l) => l.includes('cannot read plan of'));
      expect(logged).toContain('[nhs-number?]');
    });

    it('503 unavailable with Retry-After when the database is busy', async () => {
      const store = s.app.cpis.store;
      const original = store.getAuthority.bind(store);
      store.getAuthority = () =>
        Promise.reject(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
      const response = await s.inject({
        method: 'GET',
        url: '/v1/authorities/211',
        headers: nurse,
      });
      store.getAuthority = original;
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toMatchObject({ type: 'urn:cpis:problem:unavailable' });
    });

    it('400 invalid-request names query parameters by name, and coerces them', async () => {
      const la = bearer(await s.token(principalClaims('towerHamletsSocialWorker')));
      const bad = await s.inject({
        method: 'GET',
        url: '/v1/authorities/211/notifications?limit=0',
        headers: la,
      });
      expect(bad.json()).toMatchObject({
        type: 'urn:cpis:problem:invalid-request',
        errors: [{ field: 'limit' }],
      });
      const ok = await s.inject({
        method: 'GET',
        url: '/v1/authorities/211/plans?limit=1',
        headers: la,
      });
      expect(ok.json<{ items: unknown[] }>().items).toHaveLength(1);
    });

    it('401 for a malformed Authorization header', async () => {
      for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a.b', 'token']) {
        const response = await s.inject({
          method: 'GET',
          url: '/v1/authorities/211',
          headers: { authorization },
        });
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ type: 'urn:cpis:problem:unauthenticated' });
      }
    });
  });

  describe('security headers', () => {
    it('sends a content security policy and the usual protections, and no X-Powered-By', async () => {
      const response = await s.inject({ method: 'GET', url: '/v1/health' });
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-powered-by']).toBeUndefined();
    });

    it('says Cache-Control: no-store on every answer that carries patient data or a token', async () => {
      const la = bearer(await s.token(principalClaims('towerHamletsSocialWorker')));
      const made = await s.inject({
        method: 'POST',
        url: '/v1/checks',
        headers: nurse,
        payload: checkBody,
      });
      const plan = { nhsNumber: checkBody.nhsNumber, type: 'CPP', startDate: '2025-01-01' };
      const answers = [
        made,
        await s.inject({ method: 'GET', url: made.headers.location as string, headers: nurse }),
        await s.inject({ method: 'GET', url: '/v1/authorities/211/plans', headers: la }),
        await s.inject({
          method: 'PUT',
          url: '/v1/authorities/211/plans/NO-STORE-1',
          headers: la,
          payload: plan,
        }),
        await s.inject({
          method: 'POST',
          url: '/v1/authorities/211/plans/batch',
          headers: la,
          payload: [{ planId: 'NO-STORE-2', ...plan }],
        }),
        await s.inject({ method: 'GET', url: '/v1/authorities/211/notifications', headers: la }),
        await s.inject({
          method: 'POST',
          url: '/v1/dev/tokens',
          payload: {
            name: 'A',
            orgType: 'health',
            odsCode: 'RQXM1',
            orgName: 'H',
            role: 'N',
            activities: [],
          },
        }),
      ];
      issuedTokens.add(answers.at(-1)?.json<{ token: string }>().token ?? '');
      expect(answers.map((a) => [a.statusCode, a.headers['cache-control']])).toEqual([
        [201, 'no-store'],
        [200, 'no-store'],
        [200, 'no-store'],
        [201, 'no-store'],
        [200, 'no-store'],
        [200, 'no-store'],
        [200, 'no-store'],
      ]);
    });

    it('sends no CORS headers when CORS is off (the default)', async () => {
      const response = await s.inject({
        method: 'GET',
        url: '/v1/health',
        headers: { origin: 'https://evil.example' },
      });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('meta', () => {
    it('GET /v1/health answers ok, ignoring any token', async () => {
      const response = await s.inject({
        method: 'GET',
        url: '/v1/health',
        headers: { authorization: 'Bearer nonsense' },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
    });

    it('serves the contract as YAML and JSON, and the API reference at /docs', async () => {
      const contract = loadContract();
      const yaml = await s.inject({ method: 'GET', url: '/openapi.yaml' });
      expect(yaml.headers['content-type']).toMatch(/^application\/yaml/);
      expect(yaml.body).toBe(contract.text);
      const json = await s.inject({ method: 'GET', url: '/openapi.json' });
      expect(json.json()).toEqual(parse(contract.text));
      const docs = await s.inject({ method: 'GET', url: '/docs' });
      expect(docs.statusCode).toBe(200);
      expect(docs.body).toContain('swagger-ui-bundle.js');
      const asset = await s.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
      expect(asset.statusCode).toBe(200);
      expect((await s.inject({ method: 'GET', url: '/docs/json' })).json()).toMatchObject({
        openapi: '3.1.0',
      });
    });

    it('POST /v1/dev/tokens issues a working token, sub derived from name and organisation', async () => {
      const response = await s.inject({
        method: 'POST',
        url: '/v1/dev/tokens',
        payload: {
          name: 'Zoë O’Neil',
          orgType: 'health',
          odsCode: 'RQXM1',
          orgName: 'Homerton Emergency Department',
          role: 'Nurse',
          activities: ['B0107'],
        },
      });
      expect(response.statusCode).toBe(200);
      const { token, claims } = response.json<{ token: string; claims: Record<string, unknown> }>();
      issuedTokens.add(token);
      expect(claims).toMatchObject({
        sub: 'zoe-o-neil@rqxm1',
        iss: 'urn:cpis:dev',
        aud: 'urn:cpis:api',
      });
      expect(Number(claims['exp']) - Math.floor(s.clock.now().getTime() / 1000)).toBe(12 * 3600);
      const check = await s.inject({
        method: 'POST',
        url: '/v1/checks',
        headers: bearer(token),
        payload: checkBody,
      });
      expect(check.statusCode).toBe(201);
    });

    it('POST /v1/dev/tokens keeps a given sub and refuses a bad request', async () => {
      const ok = await s.inject({
        method: 'POST',
        url: '/v1/dev/tokens',
        payload: {
          name: 'A',
          orgType: 'local-authority',
          odsCode: '211',
          orgName: 'TH',
          role: 'SW',
          activities: [],
          sub: 'fixed-sub',
        },
      });
      issuedTokens.add(ok.json<{ token: string }>().token);
      expect(ok.json()).toMatchObject({ claims: { sub: 'fixed-sub' } });
      const bad = await s.inject({
        method: 'POST',
        url: '/v1/dev/tokens',
        payload: { name: 'A', orgType: 'nhs' },
      });
      expect(bad.statusCode).toBe(400);
    });

    it('answers HEAD for GET routes', async () => {
      const response = await s.inject({ method: 'HEAD', url: '/v1/health' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('');
    });
  });
});

describe('rate limiting', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await createTestServer({ rateLimitPerMinute: 3 });
  });
  afterAll(async () => {
    await s.close();
  });

  it('answers 429 with Retry-After to one user flooding, leaving other users and health alone', async () => {
    const flooder = bearer(await s.token({ ...principalClaims('edNurse'), sub: 'flooder' }));
    const other = bearer(await s.token({ ...principalClaims('edNurse'), sub: 'other' }));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await s.inject({ method: 'GET', url: '/v1/authorities/211', headers: flooder }))
          .statusCode,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await s.inject({
      method: 'POST',
      url: '/v1/checks',
      headers: flooder,
      payload: checkBody,
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ type: 'urn:cpis:problem:rate-limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(
      (await s.inject({ method: 'GET', url: '/v1/authorities/211', headers: other })).statusCode,
    ).toBe(200);
    for (let i = 0; i < 5; i++)
      expect((await s.inject({ method: 'GET', url: '/v1/health' })).statusCode).toBe(200);
  });

  it('limits requests without a valid token by address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await s.inject({ method: 'GET', url: '/v1/authorities/211', remoteAddress: '10.0.0.9' }))
          .statusCode,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});

describe('CORS, when configured', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await createTestServer({ corsOrigins: ['https://ehr.example'] });
  });
  afterAll(async () => {
    await s.close();
  });

  it('answers a preflight from an allowed origin and exposes X-Request-ID', async () => {
    const preflight = await s.inject({
      method: 'OPTIONS',
      url: '/v1/checks',
      headers: {
        origin: 'https://ehr.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://ehr.example');
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('Idempotency-Key');
    const get = await s.inject({
      method: 'GET',
      url: '/v1/health',
      headers: { origin: 'https://ehr.example' },
    });
    expect(String(get.headers['access-control-expose-headers'])).toContain('X-Request-ID');
  });

  it('gives another origin no CORS headers', async () => {
    const get = await s.inject({
      method: 'GET',
      url: '/v1/health',
      headers: { origin: 'https://evil.example' },
    });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });
});

forEachEngine(() => {
  describe('health when the database is gone', () => {
    it('answers 503 unavailable', async () => {
      const s = await createTestServer();
      await s.app.cpis.store.engine.destroy();
      const response = await s.inject({ method: 'GET', url: '/v1/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'unavailable' });
      await s.close();
    });
  });
});

describe('examples', () => {
  it('serves the examples folder at / in development mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpis-examples-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>examples</title>');
    const s = await createTestServer({ examplesDir: dir });
    const response = await s.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>examples</title>');
    expect((await s.inject({ method: 'GET', url: '/missing.js' })).statusCode).toBe(404);
    await s.close();
  });

  it('serves no dotfile and follows no symbolic link, from the examples or the kit', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'cpis-repo-'));
    const examples = join(repo, 'examples');
    const kit = join(repo, 'packages', 'elements', 'dist');
    const outside = mkdtempSync(join(tmpdir(), 'cpis-outside-'));
    mkdirSync(examples);
    mkdirSync(kit, { recursive: true });
    mkdirSync(join(examples, '.git'));
    writeFileSync(join(outside, 'secret.txt'), 'outside the folder');
    writeFileSync(join(examples, 'index.html'), '<!doctype html><title>examples</title>');
    writeFileSync(join(examples, '.env'), 'SECRET=1');
    writeFileSync(join(examples, '.git', 'config'), '[core]');
    writeFileSync(join(kit, 'cpis-elements.js'), 'export {};');
    writeFileSync(join(kit, '.npmrc'), 'token=1');
    symlinkSync(join(outside, 'secret.txt'), join(examples, 'linked.txt'));
    symlinkSync(outside, join(examples, 'linked-dir'));
    symlinkSync(join(outside, 'secret.txt'), join(kit, 'linked.js'));
    const s = await createTestServer({ examplesDir: examples });
    const status = async (url: string) => (await s.inject({ method: 'GET', url })).statusCode;
    expect(await status('/kit/cpis-elements.js')).toBe(200);
    expect({
      env: await status('/.env'),
      encodedEnv: await status('/%2Eenv'),
      gitConfig: await status('/.git/config'),
      kitNpmrc: await status('/kit/.npmrc'),
      linkedFile: await status('/linked.txt'),
      linkedDir: await status('/linked-dir/secret.txt'),
      kitLinked: await status('/kit/linked.js'),
    }).toEqual({
      env: 404,
      encodedEnv: 404,
      gitConfig: 404,
      kitNpmrc: 404,
      linkedFile: 404,
      linkedDir: 404,
      kitLinked: 404,
    });
    await s.close();
  });
});

describe('the HTTP layer', () => {
  let s: TestServer;
  let port = 0;
  beforeAll(async () => {
    s = await createTestServer();
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    port = (s.app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await s.close();
  });

  /** Sends `raw` on a new connection; the answer as it arrived and whether the server closed. */
  const exchange = (raw: string) =>
    new Promise<{ text: string; closed: boolean }>((done, fail) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('error', fail);
      socket.on('close', () => done({ text, closed: true }));
      socket.write(raw);
      setTimeout(() => {
        socket.destroy();
        done({ text, closed: false });
      }, 3000).unref();
    });

  const problemOf = (text: string) => {
    const [head = '', body = ''] = text.split('\r\n\r\n');
    const header = (name: string) =>
      new RegExp(`^${name}: *(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
    const parsed = JSON.parse(body) as { type: string; status: number; requestId: string };
    return {
      status: Number(head.split(' ')[1]),
      contentType: header('content-type'),
      requestIdMatches: parsed.requestId === header('x-request-id') && UUID.test(parsed.requestId),
      type: parsed.type,
    };
  };

  it('answers headers over the size limit (431) and unparsable requests (400) as problem+json with X-Request-ID, and closes', async () => {
    const huge = await exchange(
      `GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    const garbled = await exchange('GARBAGE\r\n\r\n');
    const badLength = await exchange(
      'POST /v1/checks HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n',
    );
    expect([huge, garbled, badLength].map((a) => a.closed)).toEqual([true, true, true]);
    expect([huge, garbled, badLength].map((a) => problemOf(a.text))).toEqual([
      {
        status: 431,
        contentType: 'application/problem+json',
        requestIdMatches: true,
        type: 'urn:cpis:problem:headers-too-large',
      },
      {
        status: 400,
        contentType: 'application/problem+json',
        requestIdMatches: true,
        type: 'urn:cpis:problem:invalid-request',
      },
      {
        status: 400,
        contentType: 'application/problem+json',
        requestIdMatches: true,
        type: 'urn:cpis:problem:invalid-request',
      },
    ]);
  });

  it('answers a body that is not JSON as problem+json with X-Request-ID', async () => {
    const response = await s.inject({
      method: 'POST',
      url: '/v1/dev/tokens',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json<{ requestId: string }>().requestId).toBe(response.headers['x-request-id']);
  });
});

describe('time-outs and early answers', () => {
  let s: TestServer;
  let port = 0;
  let laToken = '';
  beforeAll(async () => {
    s = await createTestServer({ requestTimeoutMs: 1_000, headersTimeoutMs: 1_000 });
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    port = (s.app.server.address() as { port: number }).port;
    laToken = await s.token(principalClaims('towerHamletsSocialWorker'));
  });
  afterAll(async () => {
    await s.close();
  });

  /**
   * Opens a connection, sends `head`, then trickles `trickle` a byte every 100 ms until the
   * server closes the connection (or 5 s pass). What came back, and after how long.
   */
  const trickled = (head: string, trickle = '') =>
    new Promise<{ text: string; closedAfterMs: number | null; sent: number }>((done) => {
      const started = performance.now();
      const socket = connect(port, '127.0.0.1');
      let text = '';
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < trickle.length && !socket.destroyed) socket.write(trickle[sent++] ?? '');
      }, 100);
      const finish = (closedAfterMs: number | null) => {
        clearInterval(timer);
        socket.destroy();
        done({ text, closedAfterMs, sent });
      };
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => finish(performance.now() - started));
      socket.write(head);
      setTimeout(() => finish(null), 5_000).unref();
    });

  it('answers a body trickled past the request time-out with 408 problem+json and closes the connection', async () => {
    const body = JSON.stringify([{ planId: 'SLOW-1' }]);
    const answer = await trickled(
      [
        'POST /v1/authorities/211/plans/batch HTTP/1.1',
        'Host: x',
        `Authorization: Bearer ${laToken}`,
        'Content-Type: application/json',
        `Content-Length: ${body.length + 1000}`,
        '',
        '',
      ].join('\r\n'),
      body.repeat(100),
    );
    expect(answer.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.text).toContain('urn:cpis:problem:request-timeout');
    expect(answer.text).toMatch(/x-request-id: [0-9a-f-]{36}/i);
    expect(answer.closedAfterMs).not.toBeNull();
    expect(answer.closedAfterMs ?? Infinity).toBeLessThan(3_000);
  });

  it('answers headers trickled past the headers time-out with 408 and closes the connection', async () => {
    const answer = await trickled(
      'GET /v1/health HTTP/1.1\r\nHost: x\r\n',
      'X-Slow: ' + 'a'.repeat(100),
    );
    expect(answer.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.closedAfterMs ?? Infinity).toBeLessThan(3_000);
  });

  it('keeps a live notification stream open past the request time-out', async () => {
    const controller = new AbortController();
    const response = await fetch(
      `http://127.0.0.1:${port}/v1/authorities/211/notifications/stream`,
      {
        headers: bearer(laToken),
        signal: controller.signal,
      },
    );
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(s.app.cpis.store.engine.bus.subscriberCount('211')).toBe(1);
    controller.abort();
  });

  it('closes the connection once it has answered 401 to a request whose body is still coming', async () => {
    const answer = await trickled(
      [
        'POST /v1/checks HTTP/1.1',
        'Host: x',
        'Authorization: Bearer not-a-token',
        'Content-Type: application/json',
        'Content-Length: 100000',
        '',
        '{"nhsNumber":',
      ].join('\r\n'),
      'x'.repeat(1000),
    );
    expect(answer.text).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.text).toMatch(/connection: close/i);
    // Closed with the answer, long before the time-out, the body still unsent.
    expect(answer.closedAfterMs ?? Infinity).toBeLessThan(800);
    expect(answer.sent).toBeLessThan(10);
  });
});

describe('bodies that would stall the server', () => {
  let s: TestServer;
  let port = 0;
  let laToken = '';
  let nurseToken = '';
  const MB = 1024 * 1024;
  beforeAll(async () => {
    s = await createTestServer();
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    port = (s.app.server.address() as { port: number }).port;
    laToken = await s.token(principalClaims('towerHamletsSocialWorker'));
    nurseToken = await s.token(principalClaims('edNurse'));
    // Warm: the first answer of a process pays for loading code, not for any upload.
    await (await fetch(`http://127.0.0.1:${port}/v1/health`)).text();
  });
  afterAll(async () => {
    await s.close();
  });

  /**
   * Uploads `body` (as fast as the socket takes it) and meanwhile asks /v1/health every
   * 20 ms. When the answer came, how much of the body had been written by then, and the
   * slowest health answer while the upload was on.
   */
  const upload = (path: string, token: string, contentType: string, body: Buffer) =>
    new Promise<{
      status: number;
      answeredMs: number;
      sentWhenAnswered: number;
      healthMaxMs: number;
      healthCount: number;
    }>((done, fail) => {
      const started = performance.now();
      const socket = connect(port, '127.0.0.1');
      let sent = 0;
      let text = '';
      let answered: { status: number; answeredMs: number; sentWhenAnswered: number } | undefined;
      let healthMaxMs = 0;
      let healthCount = 0;
      let polling = true;
      const poll = (async () => {
        while (polling) {
          const t = performance.now();
          const response = await fetch(`http://127.0.0.1:${port}/v1/health`);
          await response.text();
          healthMaxMs = Math.max(healthMaxMs, performance.now() - t);
          healthCount++;
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const finish = async () => {
        polling = false;
        await poll;
        socket.destroy();
        if (answered === undefined) fail(new Error(`no answer: ${text.slice(0, 200)}`));
        else done({ ...answered, healthMaxMs, healthCount });
      };
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (answered === undefined && text.includes('\r\n\r\n')) {
          answered = {
            status: Number(text.split(' ')[1]),
            answeredMs: performance.now() - started,
            sentWhenAnswered: sent,
          };
          void finish();
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => void finish());
      socket.write(
        [
          `POST ${path} HTTP/1.1`,
          'Host: x',
          `Authorization: Bearer ${token}`,
          `Content-Type: ${contentType}`,
          `Content-Length: ${body.length}`,
          '',
          '',
        ].join('\r\n'),
      );
      const CHUNK = 64 * 1024;
      const pump = () => {
        while (sent < body.length && answered === undefined && !socket.destroyed) {
          const chunk = body.subarray(sent, sent + CHUNK);
          sent += chunk.length;
          if (!socket.write(chunk)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });

  const nested = Buffer.from('['.repeat(4 * MB) + ']'.repeat(4 * MB));
  const report = (what: string, r: Awaited<ReturnType<typeof upload>>) =>
    console.log(
      `${what}: ${r.status} after ${r.answeredMs.toFixed(0)} ms, ${(r.sentWhenAnswered / MB).toFixed(2)} MB of the body written by then; /v1/health slowest ${r.healthMaxMs.toFixed(0)} ms over ${r.healthCount} answers`,
    );

  it("refuses a clinician's 8 MB batch nested 4 M deep with 403 before reading the body, health answering meanwhile", async () => {
    const r = await upload(
      '/v1/authorities/211/plans/batch',
      nurseToken,
      'application/json',
      nested,
    );
    report('clinician, 8 MB nested JSON', r);
    expect(r.status).toBe(403);
    expect(r.sentWhenAnswered).toBeLessThan(nested.length);
    expect(r.healthCount).toBeGreaterThan(0);
    expect(r.healthMaxMs).toBeLessThan(2_000);
  });

  it("refuses the LA's own 8 MB batch nested 4 M deep with 400 at the 33rd level, health answering meanwhile", async () => {
    const r = await upload('/v1/authorities/211/plans/batch', laToken, 'application/json', nested);
    report('own LA, 8 MB nested JSON', r);
    expect(r.status).toBe(400);
    expect(r.sentWhenAnswered).toBeLessThan(nested.length);
    expect(r.healthCount).toBeGreaterThan(0);
    expect(r.healthMaxMs).toBeLessThan(2_000);
  });

  it('refuses 2 M JSON rows and 2.6 M CSV rows with 413 at row 10,001, before the upload ends', async () => {
    const json = Buffer.from(`[${'{},'.repeat(2_000_000)}{}]`);
    const csv = Buffer.from(`planId\n${'A\n'.repeat(2_600_000)}`);
    const fromJson = await upload(
      '/v1/authorities/211/plans/batch',
      laToken,
      'application/json',
      json,
    );
    const fromCsv = await upload('/v1/authorities/211/plans/batch', laToken, 'text/csv', csv);
    report('own LA, 2 M JSON rows', fromJson);
    report('own LA, 2.6 M CSV rows', fromCsv);
    for (const [r, body] of [
      [fromJson, json],
      [fromCsv, csv],
    ] as const) {
      expect(r.status).toBe(413);
      expect(r.sentWhenAnswered).toBeLessThan(body.length);
      expect(r.healthMaxMs).toBeLessThan(2_000);
    }
  });

  it('refuses JSON nested deeper than 32 levels on every route that takes a body', async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const check = await s.inject({
      method: 'POST',
      url: '/v1/checks',
      headers: { ...bearer(nurseToken), 'content-type': 'application/json' },
      payload: `{"reason":${deep(40)}}`,
    });
    const token = await s.inject({
      method: 'POST',
      url: '/v1/dev/tokens',
      headers: { 'content-type': 'application/json' },
      payload: `{"name":${deep(40)}}`,
    });
    for (const answer of [check, token]) {
      expect(answer.statusCode).toBe(400);
      expect(answer.json<{ detail: string }>().detail).toMatch(/deeper than 32/);
    }
  });
});

describe('production mode', () => {
  let s: TestServer;
  let privateKey: CryptoKey;
  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    s = await createTestServer({
      mode: 'production',
      seed: false,
      jwt: {
        verification: { kind: 'public-key', key: await exportSPKI(pair.publicKey) },
        issuer: 'https://idp.example',
        audience: 'cpis-prod',
      },
    });
  });
  afterAll(async () => {
    await s.close();
  });

  const sign = async (alg: 'ES256' | 'HS256', audience = 'cpis-prod') => {
    const jwt = new SignJWT({ ...principalClaims('edNurse') })
      .setProtectedHeader({ alg })
      .setIssuer('https://idp.example')
      .setAudience(audience)
      .setExpirationTime('1h');
    const token =
      alg === 'ES256'
        ? await jwt.sign(privateKey)
        : await jwt.sign(new TextEncoder().encode('x'.repeat(40)));
    issuedTokens.add(token);
    return token;
  };

  it('has no development token route (404)', async () => {
    const response = await s.inject({
      method: 'POST',
      url: '/v1/dev/tokens',
      payload: {
        name: 'A',
        orgType: 'health',
        odsCode: 'RQXM1',
        orgName: 'X',
        role: 'Y',
        activities: ['B0107'],
      },
    });
    expect(response.statusCode).toBe(404);
  });

  it('does not seed', async () => {
    const rows = await s.app.cpis.store.db.selectFrom('authorities').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it('verifies tokens against the configured public key, issuer and audience only', async () => {
    expect(
      (
        await s.inject({
          method: 'POST',
          url: '/v1/checks',
          headers: bearer(await sign('ES256')),
          payload: checkBody,
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await s.inject({
          method: 'POST',
          url: '/v1/checks',
          headers: bearer(await sign('HS256')),
          payload: checkBody,
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (
        await s.inject({
          method: 'POST',
          url: '/v1/checks',
          headers: bearer(await sign('ES256', 'other')),
          payload: checkBody,
        })
      ).statusCode,
    ).toBe(401);
    const devToken = await s.token(principalClaims('edNurse'));
    expect(
      (
        await s.inject({
          method: 'POST',
          url: '/v1/checks',
          headers: bearer(devToken),
          payload: checkBody,
        })
      ).statusCode,
    ).toBe(401);
  });

  it('describes no development token route at /docs, /openapi.json or /openapi.yaml', async () => {
    const json = (await s.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    }>();
    const docs = (await s.inject({ method: 'GET', url: '/docs/json' })).json<typeof json>();
    const yaml = parse(
      (await s.inject({ method: 'GET', url: '/openapi.yaml' })).body,
    ) as typeof json;
    for (const served of [json, docs, yaml]) {
      expect(Object.keys(served.paths)).not.toContain('/v1/dev/tokens');
      expect(Object.keys(served.paths)).toContain('/v1/checks');
      expect(Object.keys(served.components.schemas)).not.toContain('DevTokenRequest');
    }
  });

  it('still serves the API reference and health', async () => {
    expect((await s.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(200);
    expect((await s.inject({ method: 'GET', url: '/v1/health' })).statusCode).toBe(200);
    expect((await s.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
  });
});

describe('production mode with an unreachable JWKS URL', () => {
  it('answers 503 unavailable, not 401, while the keys cannot be fetched, and logs a JWKS outage, not "database unavailable"', async () => {
    const s = await createTestServer({
      mode: 'production',
      seed: false,
      jwt: {
        verification: { kind: 'jwks', url: 'http://127.0.0.1:9/jwks.json' },
        issuer: 'https://idp.example',
        audience: 'cpis',
      },
    });
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ ...principalClaims('edNurse') })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://idp.example')
      .setAudience('cpis')
      .setExpirationTime('1h')
      .sign(privateKey);
    issuedTokens.add(token);
    const response = await s.inject({
      method: 'GET',
      url: '/v1/authorities/211',
      headers: bearer(token),
    });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ type: 'urn:cpis:problem:unavailable' });
    const logged = capturedLogLines.filter((line) =>
      line.includes(response.json<{ requestId: string }>().requestId),
    );
    expect(logged.some((line) => line.includes('JWKS'))).toBe(true);
    expect(logged.some((line) => line.includes('database unavailable'))).toBe(false);
    await s.close();
  });
});

itLogsNoPersonalData();
