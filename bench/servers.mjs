// The built reference server in child processes, as the bench drives it: on SQLite, or on
// PostgreSQL in a schema of its own (dropped afterwards), one instance or two behind the
// round-robin proxy (bench/proxy.mjs). Also the tokens and NHS numbers the rows share.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nhsNumberCheckDigit } from '@cpis/domain';

export const MAIN = fileURLToPath(new URL('../packages/server/dist/main.js', import.meta.url));
const PROXY = fileURLToPath(new URL('./proxy.mjs', import.meta.url));
export const DEFAULT_DATABASE_URL = 'postgres://cpis:cpis@127.0.0.1:5432/cpis';
/** Open files each server and subscriber process asks for (`ulimit -n` in its shell). */
const FILE_LIMIT = 8192;

/** A valid NHS number in the 997 range the population never uses; `i` picks which. */
export function nhsNumber(i) {
  for (let n = i; ; n++) {
    const first9 = `997${String(n).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(first9);
    if (check !== null) return `${first9}${check}`;
  }
}

/** `count` different valid NHS numbers from `start` on. */
export function distinctNhsNumbers(start, count) {
  const numbers = new Set();
  for (let i = start; numbers.size < count; i++) numbers.add(nhsNumber(i));
  return [...numbers];
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Runs `argv` in a shell that first raises its open-file limit (the soft limit only). */
export function spawnWithFileLimit(argv, options) {
  const quoted = argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return spawn('/bin/sh', ['-c', `ulimit -n ${FILE_LIMIT} 2>/dev/null; exec ${quoted}`], options);
}

/** The open-file limit a process started as `spawnWithFileLimit` does gets. */
export function fileLimitOf(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    return Number(line?.split(/\s+/)[3]);
  } catch {
    return Number.NaN;
  }
}

/** CPU time a process has used, user + system, in ms (Linux; 100 ticks a second). */
export function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Resident memory of a process, in bytes (Linux), or NaN. */
export function rssOf(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return Number(line?.split(/\s+/)[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}

async function waitUntilUp(base, child) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
    try {
      if ((await fetch(`${base}/v1/health`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not start');
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

async function startInstance(env, extraEnv) {
  const port = await freePort();
  const child = spawnWithFileLimit([process.execPath, ...(extraEnv.nodeArgs ?? []), MAIN], {
    env: {
      ...process.env,
      CPIS_MODE: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      CPIS_RATE_LIMIT_PER_MINUTE: '1000000',
      LOG_LEVEL: 'warn',
      ...env,
      ...extraEnv.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Its start-up lines are kept, and shown only if it does not start.
  let said = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (said = (said + chunk).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(base, child);
  } catch (error) {
    await stop(child);
    process.stderr.write(said);
    throw error;
  }
  return { base, child, stop: () => stop(child) };
}

/** Whether a PostgreSQL answers at `url`: `null` if it does, else why not. */
export async function postgresUnavailable(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts a deployment: `{ engine: 'sqlite' | 'postgres', instances: 1 | 2, databaseUrl?,
 * env?, nodeArgs? }`. Answers `{ base, pids, stop }`; with two instances `base` is the proxy.
 */
export async function startDeployment({ engine, instances = 1, databaseUrl, env = {}, nodeArgs }) {
  const cleanups = [];
  const extra = { env, nodeArgs };
  try {
    let shared;
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'cpis-bench-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      shared = { CPIS_SQLITE_PATH: join(dir, 'cpis.sqlite') };
    } else {
      const { default: pg } = await import('pg');
      const schema = `bench_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`create schema ${pg.escapeIdentifier(schema)}`);
      await admin.end();
      cleanups.push(async () => {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        await client.query(`drop schema ${pg.escapeIdentifier(schema)} cascade`);
        await client.end();
      });
      const url = new URL(databaseUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      shared = { DATABASE_URL: url.toString() };
    }
    const started = [];
    // One after the other: the first migrates and seeds, the second finds it done.
    for (let i = 0; i < instances; i++) {
      const instance = await startInstance(shared, extra);
      started.push(instance);
      cleanups.push(instance.stop);
    }
    let base = started[0].base;
    if (instances > 1) {
      const port = await freePort();
      const proxy = spawnWithFileLimit(
        [process.execPath, PROXY, String(port), ...started.map((s) => s.base)],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      cleanups.push(() => stop(proxy));
      base = `http://127.0.0.1:${port}`;
      await waitUntilUp(base, proxy);
    }
    return {
      base,
      pids: started.map((s) => s.child.pid),
      async stop() {
        for (const cleanup of cleanups.reverse()) await cleanup();
      },
    };
  } catch (error) {
    for (const cleanup of cleanups.reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch(() => undefined);
    }
    throw error;
  }
}

export async function devToken(base, claims) {
  const response = await fetch(`${base}/v1/dev/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(claims),
  });
  if (!response.ok) throw new Error(`POST /v1/dev/tokens answered ${response.status}`);
  return (await response.json()).token;
}

/** Emergency-department nurses (B0107) across 20 hospitals: many users, as in life. */
export async function clinicianTokens(base, count) {
  const tokens = [];
  for (let i = 0; i < count; i++) {
    tokens.push(
      await devToken(base, {
        name: `Bench Clinician ${i}`,
        orgType: 'health',
        odsCode: `RB${String(i % 20).padStart(3, '0')}`,
        orgName: `Bench Hospital ${i % 20}`,
        role: 'Emergency department nurse',
        activities: ['B0107'],
      }),
    );
  }
  return tokens;
}

export function socialWorkerToken(base, i = 0) {
  return devToken(base, {
    name: `Bench Social Worker ${i}`,
    orgType: 'local-authority',
    odsCode: '211',
    orgName: 'London Borough of Tower Hamlets',
    role: 'Social worker',
    activities: [],
  });
}

/** Uploads one CPP at authority 211 for each NHS number; answers the time it took (ms). */
export async function uploadPlans(base, token, numbers, prefix) {
  const lines = ['planId,nhsNumber,type,startDate'];
  numbers.forEach((n, i) => lines.push(`${prefix}-${i},${n},CPP,2025-01-15`));
  const started = performance.now();
  const response = await fetch(`${base}/v1/authorities/211/plans/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: `${lines.join('\r\n')}\r\n`,
  });
  const body = await response.json();
  const elapsed = performance.now() - started;
  const accepted = body.results?.filter((r) => r.status === 'accepted').length ?? 0;
  if (response.status !== 200 || accepted !== numbers.length) {
    throw new Error(`batch upload failed: ${response.status}, ${accepted} accepted`);
  }
  return elapsed;
}

export const checkBody = (nhs) =>
  JSON.stringify({
    nhsNumber: nhs,
    nhsNumberVerified: true,
    accessContext: 'unscheduled',
    reason: { code: 'unscheduled-attendance' },
  });
