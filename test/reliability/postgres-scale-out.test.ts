/**
 * Scaling out on PostgreSQL: two server PROCESSES (the built `packages/server/dist/main.js`,
 * as a deployment runs it) on one PostgreSQL, started together, with `DATABASE_URL` and
 * different ports — two instances behind a load balancer.
 *
 * Eight concurrent clients (eight users in four care settings) make 50 unscheduled checks
 * each on instance B, every one of a different NHS number with a plan, so none collapses:
 * 400 notifications to one authority. Meanwhile
 *
 * - a stream held open on instance A must see all 400, in cursor order, none twice;
 * - a stream that hops between the instances, resuming with `Last-Event-ID` each time,
 *   must see the same;
 * - a poller reading the cursor feed (`?after=`), alternating between A and B, must see
 *   every notification exactly once, in order: duplicates and gaps are counted, both 0;
 * - a third of the way through, both instances' `LISTEN` connections are killed on the
 *   database side: they must reconnect and their streams catch up from the store.
 *
 * Then 20 concurrent first `PUT`s of a new authority, and of one new plan, sent to A and B
 * alternately: exactly one 201 each, the rest 200, no 5xx, and an audit trail of one
 * creation followed by updates whose `before` is what they replaced.
 *
 * Skipped, saying why, when the server is not built or PostgreSQL is not reachable
 * (`CPIS_TEST_DATABASE_URL`); under `CI=true` the missing database fails instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertContract,
  auditChain,
  describePostgres,
  signToken,
  syntheticNhsNumber,
  type PostgresSchemas,
  type TokenClaims,
} from '@cpis/server/testing';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'packages/server/dist/main.js');
const built = existsSync(MAIN);

const LA = 'RSCALE';
const CLIENTS = 8;
const CHECKS_EACH = 50;
const TOTAL = CLIENTS * CHECKS_EACH;
const SETTINGS = [
  { odsCode: 'RQXM1', orgName: 'Homerton Emergency Department' },
  { odsCode: 'R1HKH', orgName: 'Royal London Emergency Department' },
  { odsCode: 'RCU01', orgName: "Sheffield Children's Emergency Department" },
  { odsCode: 'RJ122', orgName: "St Thomas' Urgent Treatment Centre" },
];
/** Distinct valid NHS numbers, one per check (`syntheticNhsNumber(i)` skips to the next valid). */
const NHS_NUMBERS = ((): string[] => {
  const numbers = new Set<string>();
  for (let i = 200_000; numbers.size < TOTAL; i++) numbers.add(syntheticNhsNumber(i));
  return [...numbers];
})();

type Claims = Partial<TokenClaims> & Pick<TokenClaims, 'sub'>;
const clinician = (i: number): Claims => ({
  sub: `scale-out-${i}`,
  name: `Scale Nurse ${i}`,
  role: 'Emergency department nurse',
  orgType: 'health',
  activities: ['B0107'],
  ...(SETTINGS[i % SETTINGS.length] as (typeof SETTINGS)[number]),
});
const socialWorker: Claims = {
  sub: 'scale-out-la',
  name: 'Scale Social Worker',
  role: 'Social worker',
  orgType: 'local-authority',
  odsCode: LA,
  orgName: 'Scale Council',
  activities: [],
};

if (!built) {
  describe.skip(`PostgreSQL scale-out — SKIPPED: ${MAIN} is missing; run npm run build`, () => {
    it('needs the built server', () => undefined);
  });
} else {
  describePostgres('PostgreSQL scale-out: two server processes, one database', scaleOut);
}

function scaleOut(url: string, schemas: PostgresSchemas): void {
  const instances: Instance[] = [];
  let schema = '';
  let admin: pg.Pool;
  let laToken = '';

  beforeAll(async () => {
    const taken = await schemas.acquire();
    schema = taken.name;
    admin = new pg.Pool({ connectionString: url, max: 2 });
    admin.on('error', () => undefined);
    // Both started at once: they take turns to migrate and seed.
    const started = await Promise.all(['A', 'B'].map((name) => startInstance(name, url, schema)));
    instances.push(...started);
    laToken = await signToken(socialWorker);
    const [a] = started as [Instance];
    expect(
      (
        await call(a, 'PUT', `/v1/authorities/${LA}`, laToken, {
          name: 'Scale Council',
          officeHoursPhone: '020 7946 0300',
          emergencyDutyPhone: '020 7946 0301',
        })
      ).status,
    ).toBe(201);
    const batch = await call(
      a,
      'POST',
      `/v1/authorities/${LA}/plans/batch`,
      laToken,
      NHS_NUMBERS.map((nhsNumber, i) => ({
        planId: `SCALE-${i}`,
        nhsNumber,
        type: 'CPP',
        startDate: '2025-01-01',
      })),
    );
    expect(batch.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    const codes = await Promise.all(instances.map((instance) => instance.stop()));
    await admin?.end();
    expect(codes).toEqual(instances.map(() => 0));
    const leaks = instances.flatMap((instance) =>
      NHS_NUMBERS.filter((n) => instance.output().includes(n)).map((n) => `${instance.name}:${n}`),
    );
    expect(leaks).toEqual([]);
  });

  it('fans checks made on B out to streams on A, and the cursor feed, exactly once and in order', async () => {
    const [a, b] = instances as [Instance, Instance];
    const streamA = openStream(a, laToken);
    const hopping = hoppingStream([a, b], laToken);
    await streamA.connected;
    await hopping.connected;

    // The poller: the cursor feed, alternating instances, while the writers write.
    let writing = true;
    let failure: unknown;
    const poller = (async () => {
      let after = 0;
      let polls = 0;
      let duplicates = 0;
      let gaps = 0;
      const seen = new Set<number>();
      for (let idle = 0; (writing || idle < 3) && failure === undefined; polls++) {
        const instance = polls % 2 === 0 ? a : b;
        const response = await call(
          instance,
          'GET',
          `/v1/authorities/${LA}/notifications?after=${after}&limit=100`,
          laToken,
        );
        const page = JSON.parse(response.text) as { items: { cursor: string }[] };
        for (const item of page.items) {
          const cursor = Number(item.cursor);
          if (seen.has(cursor)) duplicates++;
          else if (cursor !== after + 1) gaps++;
          seen.add(cursor);
          after = Math.max(after, cursor);
        }
        idle = writing || page.items.length > 0 ? 0 : idle + 1;
        if (page.items.length === 0) await sleep(5);
      }
      return { polls, duplicates, gaps, count: seen.size, last: after };
    })().catch((error: unknown) => {
      failure ??= error;
      return { polls: 0, duplicates: 0, gaps: 0, count: 0, last: 0 };
    });

    const started = performance.now();
    let killed = 0;
    let made = 0;
    const writers = Array.from({ length: CLIENTS }, async (_, c) => {
      const token = await signToken(clinician(c));
      for (let i = 0; i < CHECKS_EACH && failure === undefined; i++) {
        const nhsNumber = NHS_NUMBERS[c * CHECKS_EACH + i] as string;
        const response = await call(b, 'POST', '/v1/checks', token, {
          nhsNumber,
          nhsNumberVerified: true,
          accessContext: 'unscheduled',
          reason: { code: 'unscheduled-attendance' },
        });
        expect(response.status, response.text).toBe(201);
        if (!response.text.includes('"notifiedAuthorities":["RSCALE"]'))
          (await import('node:fs')).writeFileSync('/tmp/debug.json', response.text);
        expect(JSON.parse(response.text)).toMatchObject({ notifiedAuthorities: [LA] });
        made++;
        if (made === Math.floor(TOTAL / 3)) {
          // Both instances' LISTEN connections dropped by the database mid-load.
          const { rowCount } = await admin.query(
            `select pg_terminate_backend(pid) from pg_stat_activity
                where application_name = 'cpis-listener' and query like $1`,
            [`%${schema}%`],
          );
          killed = rowCount ?? 0;
        }
      }
    });
    // The first failure stops every writer and the poller, so none outlives the test.
    await Promise.all(writers.map((w) => w.catch((error: unknown) => (failure ??= error))));
    const wroteMs = performance.now() - started;
    writing = false;
    const feed = await poller;
    if (failure !== undefined) {
      streamA.close();
      hopping.close();
      throw failure;
    }

    await streamA.waitFor(TOTAL);
    await hopping.waitFor(TOTAL);
    const deliveredMs = performance.now() - started;
    streamA.close();
    hopping.close();

    const { rows } = await admin.query<{ seq: number }>(
      `select seq from ${pg.escapeIdentifier(schema)}.notifications
          where authority_ods = $1 order by seq`,
      [LA],
    );
    const a1 = tally(streamA.cursors);
    const hop = tally(hopping.cursors);
    console.log(
      [
        `PostgreSQL scale-out: ${CLIENTS} concurrent writers × ${CHECKS_EACH} checks on instance B = ${made} checks in ${wroteMs.toFixed(0)} ms; ${rows.length} notifications stored, cursors 1…${rows.at(-1)?.seq ?? 0}`,
        `  listener connections killed mid-load: ${killed}`,
        `  stream on A:               ${a1.count} received, ${a1.duplicates} duplicates, ${a1.gaps} gaps, ${a1.outOfOrder} out of order (all in ${deliveredMs.toFixed(0)} ms)`,
        `  stream hopping A↔B (${hopping.reconnects} resumes with Last-Event-ID): ${hop.count} received, ${hop.duplicates} duplicates, ${hop.gaps} gaps, ${hop.outOfOrder} out of order`,
        `  cursor poller (A and B alternately, ${feed.polls} polls): ${feed.count} seen, ${feed.duplicates} duplicates, ${feed.gaps} gaps`,
      ].join('\n'),
    );

    expect(rows.map((r) => r.seq)).toEqual(range(TOTAL));
    expect(killed).toBeGreaterThanOrEqual(2);
    expect(streamA.cursors).toEqual(range(TOTAL));
    expect(hopping.cursors).toEqual(range(TOTAL));
    expect(hopping.reconnects).toBeGreaterThan(0);
    expect({ duplicates: feed.duplicates, gaps: feed.gaps, count: feed.count }).toEqual({
      duplicates: 0,
      gaps: 0,
      count: TOTAL,
    });
  }, 45_000);

  it('20 concurrent first PUTs of a new authority and of one new plan, alternating the two instances: one 201 each, the rest 200, audited as one creation then true updates', async () => {
    const [a, b] = instances as [Instance, Instance];
    const WRITERS = 20;
    const race = 'RRACE';
    const token = await signToken({ ...socialWorker, odsCode: race, sub: 'scale-out-race' });
    const put = (path: string, body: (i: number) => unknown) =>
      Promise.all(
        Array.from({ length: WRITERS }, (_, i) =>
          call(i % 2 === 0 ? a : b, 'PUT', path, token, body(i)).then((r) => r.status),
        ),
      );
    const tally = (statuses: number[]) => ({
      created: statuses.filter((s) => s === 201).length,
      replaced: statuses.filter((s) => s === 200).length,
      other: statuses.filter((s) => s !== 200 && s !== 201),
    });
    const auditOf = async (target: string) =>
      (
        await admin.query<{ detail: string }>(
          `select detail from ${pg.escapeIdentifier(schema)}.audit_events
              where authority_ods = $1 and target = $2`,
          [race, target],
        )
      ).rows;

    const authorities = await put(`/v1/authorities/${race}`, (i) => ({
      name: `Race Council ${i}`,
      officeHoursPhone: '020 7946 0300',
      emergencyDutyPhone: '020 7946 0301',
    }));
    const plans = await put(`/v1/authorities/${race}/plans/RACE-1`, (i) => ({
      nhsNumber: NHS_NUMBERS[0],
      type: 'CPP',
      startDate: `2025-02-${String(i + 1).padStart(2, '0')}`,
    }));
    console.log(
      `PostgreSQL scale-out, first writes: authority ${JSON.stringify(tally(authorities))}, plan ${JSON.stringify(tally(plans))}`,
    );
    expect(tally(authorities)).toEqual({ created: 1, replaced: WRITERS - 1, other: [] });
    expect(tally(plans)).toEqual({ created: 1, replaced: WRITERS - 1, other: [] });
    expect(auditChain(await auditOf(race))).toEqual({
      creations: 1,
      chained: WRITERS,
      total: WRITERS,
    });
    expect(auditChain(await auditOf('RACE-1'))).toEqual({
      creations: 1,
      chained: WRITERS,
      total: WRITERS,
    });
  }, 30_000);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

function tally(cursors: readonly number[]) {
  const seen = new Set<number>();
  let duplicates = 0;
  let gaps = 0;
  let outOfOrder = 0;
  let last = 0;
  for (const cursor of cursors) {
    if (seen.has(cursor)) duplicates++;
    else if (cursor < last) outOfOrder++;
    else if (cursor !== last + 1) gaps++;
    seen.add(cursor);
    last = Math.max(last, cursor);
  }
  return { count: seen.size, duplicates, gaps, outOfOrder };
}

interface Instance {
  name: string;
  base: string;
  output(): string;
  stop(): Promise<number | null>;
}

async function startInstance(name: string, url: string, schema: string): Promise<Instance> {
  const port = await freePort();
  const databaseUrl = new URL(url);
  databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      CPIS_MODE: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl.href,
      CPIS_SQLITE_PATH: '',
      CPIS_RATE_LIMIT_PER_MINUTE: '100000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance ${name} exited: ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`instance ${name} did not come up: ${output}`);
    }
    try {
      if ((await fetch(`${base}/v1/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  expect(output).toContain('PostgreSQL');
  const password = decodeURIComponent(databaseUrl.password);
  if (password.length > 0) expect(output).not.toContain(`:${password}@`);
  return {
    name,
    base,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

async function call(
  instance: Instance,
  method: string,
  path: string,
  token: string,
  body?: unknown,
) {
  const response = await fetch(`${instance.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
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
  return { status: response.status, text };
}

interface Stream {
  /** Every cursor received, in order of arrival, over all of the client's connections. */
  cursors: number[];
  connected: Promise<void>;
  reconnects: number;
  waitFor(count: number): Promise<void>;
  close(): void;
}

interface Connection {
  connected: Promise<void>;
  ended: Promise<void>;
  close(): void;
}

/** One SSE connection to the notification stream, adding each event's cursor to `into`. */
function connectStream(
  instance: Instance,
  token: string,
  into: number[],
  options: { lastEventId?: number; stopAfter?: number } = {},
): Connection {
  const controller = new AbortController();
  let received = 0;
  let connect!: () => void;
  let fail!: (error: unknown) => void;
  const connected = new Promise<void>((resolve, reject) => {
    connect = resolve;
    fail = reject;
  });
  const ended = (async () => {
    const response = await fetch(`${instance.base}/v1/authorities/${LA}/notifications/stream`, {
      headers: {
        authorization: `Bearer ${token}`,
        ...(options.lastEventId === undefined
          ? {}
          : { 'last-event-id': String(options.lastEventId) }),
      },
      signal: controller.signal,
    });
    if (response.status !== 200 || response.body === null) {
      throw new Error(`stream on ${instance.name} answered ${response.status}`);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(': connected')) connect();
        const id = /^id: (\d+)$/m.exec(block)?.[1];
        if (id === undefined) continue;
        into.push(Number(id));
        received++;
        if (options.stopAfter !== undefined && received >= options.stopAfter) {
          controller.abort();
          return;
        }
      }
    }
  })().catch((error: unknown) => {
    if (!controller.signal.aborted) fail(error);
  });
  void ended.then(connect);
  return { connected, ended, close: () => controller.abort() };
}

async function waitForCount(cursors: readonly number[], count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (cursors.length < count && Date.now() < deadline) await sleep(10);
}

/** A client holding one stream open on `instance`. */
function openStream(instance: Instance, token: string): Stream {
  const cursors: number[] = [];
  const connection = connectStream(instance, token, cursors);
  return {
    cursors,
    connected: connection.connected,
    reconnects: 0,
    waitFor: (count) => waitForCount(cursors, count),
    close: () => connection.close(),
  };
}

/**
 * A client that leaves after every 60 notifications and resumes on the other instance
 * with `Last-Event-ID`, as a client behind a load balancer does.
 */
function hoppingStream(instances: readonly Instance[], token: string): Stream {
  const cursors: number[] = [];
  let closed = false;
  let current: Connection | undefined;
  const state: Stream = {
    cursors,
    reconnects: 0,
    connected: Promise.resolve(),
    waitFor: (count) => waitForCount(cursors, count),
    close() {
      closed = true;
      current?.close();
    },
  };
  const run = async (): Promise<void> => {
    for (let hop = 0; !closed; hop++) {
      const instance = instances[hop % instances.length] as Instance;
      const last = cursors.at(-1);
      current = connectStream(instance, token, cursors, {
        ...(last === undefined ? {} : { lastEventId: last }),
        stopAfter: 60,
      });
      if (hop === 0) state.connected = current.connected;
      else state.reconnects++;
      await current.ended;
    }
  };
  void run();
  return state;
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
