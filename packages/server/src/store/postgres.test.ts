/**
 * What only the PostgreSQL engine has to prove: several instances (here, several engines,
 * each with its own pool, on one schema) writing at once. The cursor stays gap-free and in
 * commit order, the idempotency claim and the 24-hour collapse hold across instances, a
 * deadlock is retried, `LISTEN/NOTIFY` delivers on commit only and survives the loss of its
 * connection, and instances starting together migrate and seed once. The engine-neutral
 * rules run on both engines in the other suites (`forEachEngine`).
 */
import { randomUUID } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { personas, syntheticPopulation } from '@cpis/mock/fixtures';
import pg from 'pg';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { RESYNC_SEQ, type NotificationEvent } from '../notify-bus.js';
import { describePostgres, type PostgresSchemas } from '../testing/engines.js';
import {
  bearer,
  createTestServer,
  itLogsNoPersonalData,
  principalClaims,
  syntheticNhsNumber,
  type TestServer,
} from '../testing/harness.js';
import type { Engine } from './engine.js';
import { createPostgresEngine } from './postgres.js';
import { channelFor, type PostgresNotifyBus } from './postgres-listener.js';
import { Store } from './store.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const TH = '211';

describePostgres('the PostgreSQL engine', (url: string, schemas: PostgresSchemas) => {
  const engines: Engine[] = [];
  const servers: TestServer[] = [];
  const released: (() => void)[] = [];
  let admin: pg.Pool;

  beforeAll(() => {
    admin = new pg.Pool({ connectionString: url, max: 2 });
    admin.on('error', () => undefined);
    return () => admin.end();
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    for (const engine of engines.splice(0)) await engine.destroy();
    for (const release of released.splice(0)) release();
  });

  /** A schema of its own for this test. */
  async function schema(): Promise<string> {
    const taken = await schemas.acquire();
    released.push(taken.release);
    return taken.name;
  }

  /** One "instance": an engine with its own pool (and listener) on `name`. */
  async function instance(name: string, migrate = true): Promise<Store> {
    const engine = createPostgresEngine({
      url,
      schema: name,
      poolSize: 12,
      listener: { reconnectDelayMs: 20, maxReconnectDelayMs: 200 },
    });
    engines.push(engine);
    const store = new Store(engine);
    if (migrate) await store.migrate();
    return store;
  }

  async function withAuthority(store: Store): Promise<void> {
    await store.insertAuthority(
      store.db,
      { odsCode: TH, name: 'TH', officeHoursPhone: '020 7946 0211', emergencyDutyPhone: '0' },
      NOW.toISOString(),
    );
  }

  /** One check that notifies `authority`, as the check route writes it; `hold` before commit. */
  function writeNotification(
    store: Store,
    authority: string,
    hold: () => Promise<void> = () => Promise.resolve(),
  ): Promise<number> {
    return store.transaction(async (trx) => {
      const checkId = randomUUID();
      const at = new Date().toISOString();
      await store.insertCheck(trx, {
        check_id: checkId,
        request_id: randomUUID(),
        checked_at: at,
        user_sub: 'u',
        user_name: 'n',
        user_role: 'r',
        org_ods: 'RQXM1',
        org_name: 'o',
        nhs_number: '9990001375',
        nhs_number_verified: 1,
        access_context: 'unscheduled',
        reason_code: 'unscheduled-attendance',
        reason_comment: null,
        outcome: 'record-found',
        notified: JSON.stringify([authority]),
        snapshot: '{}',
      });
      const seq = await store.engine.reserveSeq(trx, authority);
      await hold();
      await store.insertNotifications(trx, [
        {
          notification_id: randomUUID(),
          authority_ods: authority,
          seq,
          check_id: checkId,
          nhs_number: '9990001375',
          plan_ids: '["P1"]',
          accessed_at: at,
          setting_ods: 'RQXM1',
          setting_name: 'ED',
          user_sub: 'u',
          user_name: 'n',
          user_role: 'r',
          reason_code: 'unscheduled-attendance',
          reason_comment: null,
          created_at: at,
        },
      ]);
      await store.engine.announce(trx, [{ authority, seq }]);
      return seq;
    });
  }

  const seqs = async (store: Store, authority = TH): Promise<number[]> =>
    (
      await store.db
        .selectFrom('notifications')
        .select('seq')
        .where('authority_ods', '=', authority)
        .orderBy('seq')
        .execute()
    ).map((r) => r.seq);

  it('makes a second instance wait for an authority’s cursor until the first commits', async () => {
    const name = await schema();
    const a = await instance(name);
    const b = await instance(name);
    await withAuthority(a);
    let reserved!: () => void;
    const reservedP = new Promise<void>((r) => (reserved = r));
    let commit!: () => void;
    const gate = new Promise<void>((r) => (commit = r));
    const first = writeNotification(a, TH, async () => {
      reserved();
      await gate;
    });
    await reservedP;
    let secondDone = false;
    const second = writeNotification(b, TH).then((seq) => {
      secondDone = true;
      return seq;
    });
    await sleep(300);
    expect(secondDone).toBe(false);
    commit();
    expect(await first).toBe(1);
    expect(await second).toBe(2);
  });

  it('gives the cursor of a rolled-back check to the instance that waited for it', async () => {
    const name = await schema();
    const a = await instance(name);
    const b = await instance(name);
    await withAuthority(a);
    let reserved!: () => void;
    const reservedP = new Promise<void>((r) => (reserved = r));
    let abort!: () => void;
    const gate = new Promise<void>((r) => (abort = r));
    const first = writeNotification(a, TH, async () => {
      reserved();
      await gate;
      throw new Error('the check failed');
    });
    await reservedP;
    const second = writeNotification(b, TH);
    await sleep(100);
    abort();
    await expect(first).rejects.toThrow('the check failed');
    expect(await second).toBe(1);
    expect(await seqs(a)).toEqual([1]);
  });

  it('never lets a reader see a cursor before an earlier one has committed', async () => {
    const name = await schema();
    const instances = [await instance(name), await instance(name), await instance(name)];
    const [a] = instances as [Store];
    await withAuthority(a);
    const WRITERS = 12;
    const EACH = 15;
    let writing = true;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      const store = instances[w % instances.length] as Store;
      for (let i = 0; i < EACH; i++) {
        // Random time between taking the cursor and committing: commits race.
        await writeNotification(store, TH, () => sleep(Math.random() * 4));
      }
    });
    // A poller on its own connection: every snapshot must be 1…k, and the cursor feed read
    // with `seq > last` must continue exactly where it left off.
    const poller = (async () => {
      let polls = 0;
      let last = 0;
      const seen: number[] = [];
      const holes: string[] = [];
      while (writing) {
        const all = await seqs(a);
        if (all.some((seq, i) => seq !== i + 1)) holes.push(all.join(','));
        const page = await a.listNotifications(a.db, TH, {
          afterSeq: last,
          limit: 1000,
          order: 'asc',
        });
        for (const n of page) seen.push(Number(n.cursor));
        last = Number(page.at(-1)?.cursor ?? last);
        polls++;
      }
      const rest = await a.listNotifications(a.db, TH, {
        afterSeq: last,
        limit: 1000,
        order: 'asc',
      });
      seen.push(...rest.map((n) => Number(n.cursor)));
      return { polls, seen, holes };
    })();
    await Promise.all(writers);
    writing = false;
    const { polls, seen, holes } = await poller;
    console.log(
      `cursor poller: ${WRITERS} writers on 3 instances, ${WRITERS * EACH} notifications, ${polls} polls, ${holes.length} snapshots with a hole`,
    );
    expect(holes).toEqual([]);
    expect(seen).toEqual(Array.from({ length: WRITERS * EACH }, (_, i) => i + 1));
  });

  it('holds an idempotency claim across instances: the other one sees it in progress', async () => {
    const name = await schema();
    const a = await instance(name);
    const b = await instance(name);
    const claim = (store: Store, key: string, bodyHash = 'h') =>
      store.claimIdempotencyKey({
        scope: { userSub: 'u', orgOds: 'RQXM1' },
        key,
        bodyHash,
        now: NOW,
        keepMs: 86_400_000,
        staleMs: 60_000,
      });
    expect(await claim(a, 'k0')).toEqual({ state: 'claimed' });
    expect(await claim(b, 'k0')).toEqual({ state: 'in-progress' });
    expect(await claim(b, 'k0', 'other')).toEqual({ state: 'mismatch' });
    // At the same moment on two instances: exactly one wins, the other is told "in progress".
    for (let i = 1; i <= 20; i++) {
      const states = (await Promise.all([claim(a, `k${i}`), claim(b, `k${i}`)])).map(
        (c) => c.state,
      );
      expect(states.sort()).toEqual(['claimed', 'in-progress']);
    }
  });

  it('announces on commit only, and the other instance’s streams get the rows from the store', async () => {
    const name = await schema();
    const a = await instance(name);
    const b = await instance(name);
    await withAuthority(a);
    const bus = b.engine.bus as PostgresNotifyBus;
    await bus.whenListening();
    const got: NotificationEvent[] = [];
    bus.subscribe(TH, (e) => got.push(e));
    let commit!: () => void;
    const gate = new Promise<void>((r) => (commit = r));
    const written = writeNotification(a, TH, () => gate);
    await sleep(150);
    expect(got).toEqual([]);
    commit();
    await written;
    await until(() => got.length === 1, 'the committed notification');
    expect(got[0]).toMatchObject({
      authority: TH,
      seq: 1,
      notification: { cursor: '1', planIds: ['P1'] },
    });
    await expect(
      writeNotification(a, TH, () => Promise.reject(new Error('rolled back'))),
    ).rejects.toThrow('rolled back');
    await sleep(200);
    expect(got).toHaveLength(1);
  });

  it('reconnects its listener when the connection drops, then tells streams to catch up', async () => {
    const name = await schema();
    const a = await instance(name);
    const b = await instance(name);
    await withAuthority(a);
    const bus = b.engine.bus as PostgresNotifyBus;
    await bus.whenListening();
    const got: NotificationEvent[] = [];
    bus.subscribe(TH, (e) => got.push(e));
    const pid = bus.listenerPid;
    expect(pid).toBeTypeOf('number');
    await admin.query('select pg_terminate_backend($1)', [pid]);
    // Written while nobody listens on b: only the resync after reconnecting can reveal it.
    await writeNotification(a, TH);
    await until(() => bus.listenerPid !== undefined && bus.listenerPid !== pid, 'a new listener');
    await until(() => got.some((e) => e.seq === RESYNC_SEQ), 'the resync event');
    await writeNotification(a, TH);
    await until(() => got.some((e) => e.seq === 2), 'notification 2 after the reconnect');
    expect(got.find((e) => e.seq === 2)?.notification?.cursor).toBe('2');
  });

  it('runs a transaction again after a deadlock or a serialisation failure, a bug never', async () => {
    const store = await instance(await schema());
    let attempts = 0;
    const result = await store.transaction(async () => {
      attempts++;
      if (attempts < 3) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      return 'done';
    });
    expect([result, attempts]).toEqual(['done', 3]);
    attempts = 0;
    await expect(
      store.transaction(async () => {
        attempts++;
        throw Object.assign(new Error('duplicate key'), { code: '23505' });
      }),
    ).rejects.toThrow('duplicate key');
    expect(attempts).toBe(1);
  });

  it('keeps deployments in different schemas apart: one channel per schema', () => {
    expect(channelFor('public')).toBe('cpis_notifications');
    expect(channelFor('tenant_a')).toBe('cpis_notifications_tenant_a');
    const long = channelFor('x'.repeat(60));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(63);
    expect(long).not.toBe(channelFor(`${'x'.repeat(59)}y`));
  });

  it('migrates in the current schema, once, with plan ids in byte order', async () => {
    const name = await schema();
    // Two instances starting together on an empty schema.
    await Promise.all([instance(name), instance(name)]);
    const { rows } = await admin.query<{ name: string }>(
      `select name from ${pg.escapeIdentifier(name)}.kysely_migration order by name`,
    );
    expect(rows.map((r) => r.name)).toEqual([
      '0001-initial',
      '0002-plan-id-byte-order',
      '0003-idempotency-per-organisation',
      '0004-cds-hooks',
    ]);
    const collation = await admin.query<{ collation_name: string | null }>(
      `select collation_name from information_schema.columns
        where table_schema = $1 and table_name = 'plans' and column_name = 'plan_id'`,
      [name],
    );
    expect(collation.rows[0]?.collation_name).toBe('C');
  });

  it('says an unreachable database is unavailable, and a bug is not', async () => {
    const engine = createPostgresEngine({
      url: 'postgres://cpis:cpis@127.0.0.1:1/cpis',
      connectionTimeoutMs: 1_000,
    });
    engines.push(engine);
    expect(await engine.ping()).toBe(false);
    const error = await engine.db
      .selectFrom('authorities')
      .selectAll()
      .execute()
      .catch((e: unknown) => e);
    expect(engine.isUnavailable(error)).toBe(true);
    expect(engine.isUnavailable(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(engine.isUnavailable(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    expect(engine.isUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(engine.isRetryable(Object.assign(new Error('x'), { code: '40P01' }))).toBe(true);
    expect(engine.isRetryable(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    await engine.destroy();
    expect(engine.isUnavailable(new Error('anything'))).toBe(true);
  });

  describePostgresServers();

  /** Two servers (buildApp) on one schema: what the routes do with several instances. */
  function describePostgresServers(): void {
    async function twoServers(): Promise<[TestServer, TestServer]> {
      const name = await schema();
      // Development mode: both seed the synthetic population, started together.
      const [a, b] = await Promise.all([
        instance(name, false).then((s) => createTestServer({}, { engine: s.engine })),
        instance(name, false).then((s) => createTestServer({}, { engine: s.engine })),
      ]);
      servers.push(a, b);
      return [a, b];
    }

    const check = async (s: TestServer, sub: string, nhsNumber: string, comment?: string) => {
      const token = await s.token({ ...principalClaims('edNurse'), sub });
      return s.inject({
        method: 'POST',
        url: '/v1/checks',
        headers: bearer(token),
        payload: {
          nhsNumber,
          nhsNumberVerified: true,
          accessContext: 'unscheduled',
          reason:
            comment === undefined ? { code: 'unscheduled-attendance' } : { code: 'other', comment },
        },
      });
    };

    it('starts two instances together: migrated and seeded once', async () => {
      const [a] = await twoServers();
      const authorities = await a.app.cpis.store.db
        .selectFrom('authorities')
        .select('ods_code')
        .execute();
      expect(authorities).toHaveLength(syntheticPopulation('2026-03-01').authorities.length);
    });

    it('collapses the same user’s simultaneous checks on two instances into one notification', async () => {
      const [a, b] = await twoServers();
      const nhsNumber = personas.lookedAfterOutOfArea.nhsNumber;
      for (let i = 0; i < 10; i++) {
        const [x, y] = await Promise.all([
          check(a, `twin-${i}`, nhsNumber),
          check(b, `twin-${i}`, nhsNumber),
        ]);
        expect([x.statusCode, y.statusCode]).toEqual([201, 201]);
        const told = [x, y].map(
          (r) => r.json<{ notifiedAuthorities: string[] }>().notifiedAuthorities,
        );
        expect(told.sort()).toEqual([[], [TH]]);
      }
      const rows = await a.app.cpis.store.db
        .selectFrom('notifications')
        .select('user_sub')
        .where('user_sub', 'like', 'twin-%')
        .execute();
      expect(rows).toHaveLength(10);
    });

    it('takes two authorities’ cursors in one order: checks in opposite plan orders never deadlock', async () => {
      const [a, b] = await twoServers();
      const first = syntheticNhsNumber(700);
      const second = syntheticNhsNumber(701);
      // first: Tower Hamlets' plan is older; second: Sheffield's. Their checks lock the two
      // authorities' cursors in opposite orders.
      const put = async (
        who: 'towerHamletsSocialWorker' | 'sheffieldSocialWorker',
        ods: string,
      ) => {
        const headers = bearer(await a.token(principalClaims(who)));
        for (const [nhsNumber, startDate] of [
          [first, ods === TH ? '2024-01-01' : '2024-06-01'],
          [second, ods === TH ? '2024-06-01' : '2024-01-01'],
        ] as const) {
          const response = await a.inject({
            method: 'PUT',
            url: `/v1/authorities/${ods}/plans/DL-${nhsNumber}`,
            headers,
            payload: { nhsNumber, type: 'CPP', startDate },
          });
          expect(response.statusCode).toBe(201);
        }
      };
      await put('towerHamletsSocialWorker', TH);
      await put('sheffieldSocialWorker', '373');
      const deadlocks = async () =>
        Number(
          (
            await admin.query<{ n: string }>(
              'select deadlocks as n from pg_stat_database where datname = current_database()',
            )
          ).rows[0]?.n ?? 0,
        );
      const before = await deadlocks();
      const PAIRS = 12;
      const responses = await Promise.all(
        Array.from({ length: PAIRS }, (_, i) => [
          check(i % 2 === 0 ? a : b, `dl-a-${i}`, first),
          check(i % 2 === 0 ? b : a, `dl-b-${i}`, second),
        ]).flat(),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(responses.map(() => 201));
      const store = a.app.cpis.store;
      expect(await seqs(store, TH)).toEqual(Array.from({ length: 2 * PAIRS }, (_, i) => i + 1));
      expect(await seqs(store, '373')).toEqual(Array.from({ length: 2 * PAIRS }, (_, i) => i + 1));
      console.log(
        `opposite-order checks: ${2 * PAIRS} checks, all 201; deadlocks PostgreSQL counted meanwhile (any test of this database): ${(await deadlocks()) - before}`,
      );
    });

    it('answers 503 while the database is unreachable, then recovers, its stream included', async () => {
      const proxy = await tcpProxy(url);
      try {
        const engine = createPostgresEngine({
          url: proxy.url,
          schema: await schema(),
          poolSize: 4,
          connectionTimeoutMs: 1_000,
          listener: { reconnectDelayMs: 20, maxReconnectDelayMs: 100 },
        });
        engines.push(engine);
        const s = await createTestServer({}, { engine });
        servers.push(s);
        const base = await s.app.listen({ port: 0, host: '127.0.0.1' });
        const la = bearer(await s.token(principalClaims('towerHamletsSocialWorker')));
        const controller = new AbortController();
        const stream = await fetch(`${base}/v1/authorities/${TH}/notifications/stream`, {
          headers: la,
          signal: controller.signal,
        });
        expect(stream.status).toBe(200);
        let text = '';
        const reading = (async () => {
          const decoder = new TextDecoder();
          for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
            text += decoder.decode(chunk, { stream: true });
          }
        })().catch(() => undefined);

        proxy.cut();
        const down = await check(s, 'outage-1', personas.lookedAfterOutOfArea.nhsNumber);
        expect(down.statusCode).toBe(503);
        expect(down.headers['retry-after']).toBe('5');
        expect(down.json()).toMatchObject({ type: 'urn:cpis:problem:unavailable' });
        expect((await s.inject({ method: 'GET', url: '/v1/health' })).statusCode).toBe(503);

        proxy.restore();
        await until(() => (engine.bus as PostgresNotifyBus).listenerPid !== undefined, 'relisten');
        const up = await check(s, 'outage-2', personas.lookedAfterOutOfArea.nhsNumber);
        expect(up.statusCode).toBe(201);
        await until(() => text.includes('id: 1\n'), 'the notification on the stream opened before');
        controller.abort();
        await reading;
      } finally {
        proxy.close();
      }
    });

    it('refuses text PostgreSQL cannot store (U+0000) with 400, storing nothing', async () => {
      const [a] = await twoServers();
      const response = await check(
        a,
        'nul',
        personas.lookedAfterOutOfArea.nhsNumber,
        'before\u0000after',
      );
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ type: 'urn:cpis:problem:invalid-request' });
      const stored = await a.app.cpis.store.db
        .selectFrom('checks')
        .select('check_id')
        .where('user_sub', '=', 'nul')
        .execute();
      expect(stored).toEqual([]);
    });
  }

  itLogsNoPersonalData();
});

/** A TCP proxy to the database that the test can cut (every connection dropped, none taken). */
async function tcpProxy(databaseUrl: string): Promise<{
  url: string;
  cut(): void;
  restore(): void;
  close(): void;
}> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.href,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      open = true;
    },
    close() {
      open = false;
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
