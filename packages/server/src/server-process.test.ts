/**
 * The server as `npm start` runs it, spoken to over real HTTP with the global fetch: once
 * in this process (`buildApp` + `listen`), once as the built `dist/main.js` in a child
 * process with its own SQLite file, stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { personas, principals } from '@cpis/mock/fixtures';
import { describe, expect, it } from 'vitest';
import {
  assertContract,
  capturedLogLines,
  createTestServer,
  forbiddenInLogs,
  issuedTokens,
  itLogsNoPersonalData,
} from './testing/harness.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const built = existsSync(MAIN);

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assertContract({
    method,
    url: path,
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: text,
  });
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

/** A walk through the kit as the examples use it: sign in, check, and read the LA feed. */
async function exercise(base: string): Promise<void> {
  expect((await call(base, 'GET', '/v1/health')).json()).toEqual({ status: 'ok' });
  const { key: _n, ...nurse } = principals.edNurse;
  const nurseToken = (await call(base, 'POST', '/v1/dev/tokens', undefined, nurse)).json()[
    'token'
  ] as string;
  issuedTokens.add(nurseToken);
  const check = await call(base, 'POST', '/v1/checks', nurseToken, {
    nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
    nhsNumberVerified: true,
    accessContext: 'unscheduled',
    reason: { code: 'unscheduled-attendance' },
  });
  expect(check.status).toBe(201);
  expect(check.json()).toMatchObject({ outcome: 'record-found', notifiedAuthorities: ['211'] });
  const { key: _s, ...socialWorker } = principals.towerHamletsSocialWorker;
  const laToken = (await call(base, 'POST', '/v1/dev/tokens', undefined, socialWorker)).json()[
    'token'
  ] as string;
  issuedTokens.add(laToken);
  const feed = await call(
    base,
    'GET',
    '/v1/authorities/211/notifications?order=desc&limit=1',
    laToken,
  );
  expect(feed.json()).toMatchObject({
    items: [{ nhsNumber: personas.lookedAfterOutOfArea.nhsNumber }],
  });
  expect((await call(base, 'GET', '/docs')).status).toBe(200);
  expect((await call(base, 'GET', '/openapi.json')).status).toBe(200);
}

describe('the server over real HTTP', () => {
  it('works in this process (buildApp + listen on a free port)', async () => {
    const s = await createTestServer();
    const base = await s.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await exercise(base);
    } finally {
      await s.close();
    }
  });

  it.skipIf(!built)(
    `works as the built dist/main.js in a child process, and stops on SIGTERM${built ? '' : ' — SKIPPED: packages/server/dist/main.js is missing; run npm run build'}`,
    async () => {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), 'cpis-main-'));
      const child = spawn(process.execPath, [MAIN], {
        env: {
          ...process.env,
          CPIS_MODE: 'development',
          PORT: String(port),
          HOST: '127.0.0.1',
          CPIS_SQLITE_PATH: join(dir, 'cpis.sqlite'),
          LOG_LEVEL: 'info',
          CORS_ORIGINS: 'http://localhost:5173',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output = collect(child);
      const base = `http://127.0.0.1:${port}`;
      try {
        await waitUntilUp(base, child, output);
        expect(output.stderr()).toContain(`${base}/docs`);
        expect(output.stderr()).toContain('CORS      on for http://localhost:5173');
        await exercise(base);
      } finally {
        child.kill('SIGTERM');
      }
      const code = await new Promise<number | null>((resolve) =>
        child.on('exit', (c) => resolve(c)),
      );
      expect(code).toBe(0);
      capturedLogLines.push(...output.stdout().split('\n').filter(Boolean));
      const leaks = forbiddenInLogs().filter(
        (secret) => output.stdout().includes(secret) || output.stderr().includes(secret),
      );
      expect(leaks).toEqual([]);
    },
    30_000,
  );
});

function collect(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { stdout: () => stdout, stderr: () => stderr };
}

async function waitUntilUp(
  base: string,
  child: ChildProcess,
  output: ReturnType<typeof collect>,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the server exited (${child.exitCode}): ${output.stderr()}`);
    try {
      if ((await fetch(`${base}/v1/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not come up: ${output.stderr()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

itLogsNoPersonalData();
