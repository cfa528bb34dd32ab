#!/usr/bin/env node
// Benchmark (not a test): POST /v1/checks against the built server in a child process —
// SQLite, JWT verification, contract validation, the rules, the audit write — with many
// users and NHS numbers, measured against a baseline in the same run: an authenticated
// GET /v1/authorities/{odsCode} (JWT verify + routing + one indexed read; the contract
// has no no-op route). Also times one 10,000-row CSV batch upload.
//
//   npm run build && node packages/server/bench/checks.bench.mjs [--duration=5] [--connections=10] [--rounds=2]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { nhsNumberCheckDigit } from '@cpis/domain';
import { personas } from '@cpis/mock/fixtures';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a) => a.replace(/^--/, '').split('='))
    .map(([k, v]) => [k, Number(v)]),
);
const DURATION = args.duration ?? 5;
const CONNECTIONS = args.connections ?? 10;
const ROUNDS = args.rounds ?? 2;
const USERS = 200;
const print = (line = '') => process.stdout.write(`${line}\n`);

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(main)) {
  console.error(`${main} is missing: run npm run build first.`);
  process.exit(1);
}

const port = await freePort();
const dir = mkdtempSync(join(tmpdir(), 'cpis-bench-'));
const server = spawn(process.execPath, [main], {
  env: {
    ...process.env,
    CPIS_MODE: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    CPIS_SQLITE_PATH: join(dir, 'cpis.sqlite'),
    CPIS_RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'info',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;

try {
  await waitUntilUp();
  const tokens = [];
  for (let i = 0; i < USERS; i++) {
    const response = await fetch(`${base}/v1/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `Bench Clinician ${i}`,
        orgType: 'health',
        odsCode: `RB${String(i % 20).padStart(3, '0')}`,
        orgName: `Bench Hospital ${i % 20}`,
        role: 'Emergency department nurse',
        activities: ['B0107'],
      }),
    });
    tokens.push((await response.json()).token);
  }

  // A mix of people CP-IS holds a record for (notifying, then collapsing on repeats) and
  // many it holds nothing for.
  const withRecord = Object.values(personas)
    .filter((p) => !['noRecord', 'planEndedOverAYearAgo', 'unverifiedNumber'].includes(p.key))
    .map((p) => p.nhsNumber);
  const withoutRecord = Array.from({ length: 5000 }, (_, i) => nhsNumber(i));
  const pick = (list) => list[Math.floor(Math.random() * list.length)];

  const baseline = () =>
    run('GET /v1/authorities/211 (baseline)', {
      method: 'GET',
      path: '/v1/authorities/211',
      setupRequest: (request) => ({
        ...request,
        headers: { ...request.headers, authorization: `Bearer ${pick(tokens)}` },
      }),
    });
  const checks = () =>
    run('POST /v1/checks', {
      method: 'POST',
      path: '/v1/checks',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({
        ...request,
        headers: { ...request.headers, authorization: `Bearer ${pick(tokens)}` },
        body: JSON.stringify({
          nhsNumber: Math.random() < 0.3 ? pick(withRecord) : pick(withoutRecord),
          nhsNumberVerified: true,
          accessContext: 'unscheduled',
          reason: { code: 'unscheduled-attendance' },
        }),
      }),
    });

  await run('warm-up', { method: 'GET', path: '/v1/health' }, 2);
  const results = { baseline: [], checks: [] };
  for (let round = 0; round < ROUNDS; round++) {
    results.baseline.push(await baseline());
    results.checks.push(await checks());
  }

  const batchMs = await timeBatch(tokens);

  const summary = (list) => ({
    rps: list.reduce((sum, r) => sum + r.requests.average, 0) / list.length,
    p99: Math.max(...list.map((r) => r.latency.p99)),
    errors: list.reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0),
  });
  const b = summary(results.baseline);
  const c = summary(results.checks);
  print('');
  print(
    `CP-IS server benchmark — ${CONNECTIONS} connections, ${DURATION} s × ${ROUNDS} rounds, ${USERS} users`,
  );
  print('| route | requests/s | p99 (ms) | errors + non-2xx |');
  print('| --- | ---: | ---: | ---: |');
  print(`| GET /v1/authorities/211 (baseline) | ${b.rps.toFixed(0)} | ${b.p99} | ${b.errors} |`);
  print(`| POST /v1/checks | ${c.rps.toFixed(0)} | ${c.p99} | ${c.errors} |`);
  print(
    `ratio checks / baseline: ${(c.rps / b.rps).toFixed(2)} × (goal ≥ 0.5 ×, p99 ≤ 25 ms, 0 errors)`,
  );
  print(`10,000-row CSV batch upload: ${batchMs.toFixed(0)} ms (goal ≤ 2,000 ms)`);
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}

async function run(title, request, duration = DURATION) {
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration,
    requests: [request],
  });
  if (title !== 'warm-up') {
    print(
      `${title}: ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms, ` +
        `errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`,
    );
  }
  return result;
}

async function timeBatch() {
  const la = await fetch(`${base}/v1/dev/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Bench Social Worker',
      orgType: 'local-authority',
      odsCode: '211',
      orgName: 'London Borough of Tower Hamlets',
      role: 'Social worker',
      activities: [],
    }),
  });
  const { token } = await la.json();
  const lines = ['planId,nhsNumber,type,startDate'];
  for (let i = 0; i < 10_000; i++)
    lines.push(`BENCH-${i},${nhsNumber(100_000 + i)},CPP,2025-01-15`);
  const started = performance.now();
  const response = await fetch(`${base}/v1/authorities/211/plans/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: `${lines.join('\r\n')}\r\n`,
  });
  const body = await response.json();
  const elapsed = performance.now() - started;
  const accepted = body.results.filter((r) => r.status === 'accepted').length;
  if (response.status !== 200 || accepted !== 10_000)
    throw new Error(`batch failed: ${response.status}, ${accepted} accepted`);
  return elapsed;
}

function nhsNumber(i) {
  for (let n = i; ; n++) {
    const first9 = `997${String(n).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(first9);
    if (check !== null) return `${first9}${check}`;
  }
}

async function waitUntilUp() {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/v1/health`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not start');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
}
