import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { syntheticPopulation } from '@cpis/mock/fixtures';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessNotifyBus, RESYNC_SEQ, type NotificationEvent } from '../notify-bus.js';
import { forEachEngine, type TestEngine } from '../testing/engines.js';
import { seedIfEmpty } from '@cpis/service';
import { createSqliteEngine } from './sqlite.js';
import { createStorage } from './storage.js';
import { Store } from './store.js';

const stores: Store[] = [];
async function openStore(path = ':memory:'): Promise<Store> {
  const store = new Store(createSqliteEngine({ path }));
  await store.migrate();
  stores.push(store);
  return store;
}
async function openEngineStore(engine: TestEngine): Promise<Store> {
  const store = new Store(await engine.create());
  await store.migrate();
  stores.push(store);
  return store;
}
afterEach(async () => {
  for (const store of stores.splice(0)) await store.engine.destroy();
});

const NOW = new Date('2026-03-01T10:00:00.000Z');
const authority = {
  odsCode: '211',
  name: 'TH',
  officeHoursPhone: '020 7946 0211',
  emergencyDutyPhone: '020 7946 0876',
};

describe('the SQLite engine', () => {
  it('opens a file in WAL mode with foreign keys on, creating its folder', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cpis-store-')), 'nested', 'cpis.sqlite');
    const store = await openStore(path);
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
    expect(mode.rows[0]?.journal_mode).toBe('wal');
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
    expect(fk.rows[0]?.foreign_keys).toBe(1);
    await expect(
      store.db
        .insertInto('plans')
        .values({
          authority_ods: 'NOPE',
          plan_id: 'x',
          nhs_number: '9990001375',
          type: 'CPP',
          start_date: '2025-01-01',
          end_date: null,
          expected_delivery_date: null,
          created_at: NOW.toISOString(),
          updated_at: NOW.toISOString(),
          deleted_at: null,
        })
        .execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('migrates once: running the migrations again changes nothing, and data survives a reopen', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cpis-store-')), 'cpis.sqlite');
    const first = await openStore(path);
    await first.insertAuthority(first.db, authority, NOW.toISOString());
    await first.migrate();
    await first.engine.destroy();
    stores.splice(stores.indexOf(first), 1);
    const again = await openStore(path);
    expect(await again.getAuthority(again.db, '211')).toEqual(authority);
    const raw = new BetterSqlite3(path, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });

  it('says a busy or closed database is unavailable, and a bug is not', async () => {
    const store = await openStore();
    expect(
      store.engine.isUnavailable(Object.assign(new Error('locked'), { code: 'SQLITE_BUSY' })),
    ).toBe(true);
    expect(store.engine.isUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(await store.engine.ping()).toBe(true);
    await store.engine.destroy();
    stores.splice(stores.indexOf(store), 1);
    expect(await store.engine.ping()).toBe(false);
    expect(store.engine.isUnavailable(new Error('closed'))).toBe(true);
  });
});

// The same store, the same rules, on both engines.
forEachEngine((engine) => {
  const open = () => openEngineStore(engine);

  describe('notification cursors', () => {
    it('are 1, 2, 3… per authority, independent between authorities', async () => {
      const store = await open();
      const taken: [string, number][] = [];
      for (const ods of ['211', '211', '373', '211', '373']) {
        taken.push([ods, await store.transaction((trx) => store.engine.reserveSeq(trx, ods))]);
      }
      expect(taken).toEqual([
        ['211', 1],
        ['211', 2],
        ['373', 1],
        ['211', 3],
        ['373', 2],
      ]);
    });

    it('are not consumed by a transaction that rolls back', async () => {
      const store = await open();
      await store.transaction((trx) => store.engine.reserveSeq(trx, '211'));
      await expect(
        store.transaction(async (trx) => {
          await store.engine.reserveSeq(trx, '211');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await store.transaction((trx) => store.engine.reserveSeq(trx, '211'))).toBe(2);
    });
  });

  describe('idempotency keys', () => {
    const SCOPE = { userSub: 'u', orgOds: 'RQXM1' };
    const claim = (store: Store, bodyHash: string, now = NOW) =>
      store.claimIdempotencyKey({
        scope: SCOPE,
        key: 'k',
        bodyHash,
        now,
        keepMs: 86_400_000,
        staleMs: 60_000,
      });

    it('claims, then reports in progress, mismatch, replay; expires after the keep time', async () => {
      const store = await open();
      await store.insertAuthority(store.db, authority, NOW.toISOString());
      expect(await claim(store, 'h1')).toEqual({ state: 'claimed' });
      expect(await claim(store, 'h1')).toEqual({ state: 'in-progress' });
      expect(await claim(store, 'h2')).toEqual({ state: 'mismatch' });
      await store.db
        .insertInto('checks')
        .values({
          check_id: 'c1',
          request_id: 'r',
          checked_at: NOW.toISOString(),
          user_sub: 'u',
          user_name: 'n',
          user_role: 'r',
          org_ods: 'RQXM1',
          org_name: 'o',
          nhs_number: '9990009597',
          nhs_number_verified: 1,
          access_context: 'scheduled',
          reason_code: 'clinical-review',
          reason_comment: null,
          outcome: 'no-record',
          notified: '[]',
          snapshot: '{}',
        })
        .execute();
      await store.completeIdempotencyKey(store.db, SCOPE, 'k', 'c1');
      expect(await claim(store, 'h1')).toEqual({ state: 'replay', checkId: 'c1' });
      expect(await claim(store, 'h2', new Date(NOW.getTime() + 86_400_001))).toEqual({
        state: 'claimed',
      });
    });

    it('can be released after a failure, and purged by age', async () => {
      const store = await open();
      await claim(store, 'h1');
      await store.releaseIdempotencyKey(SCOPE, 'k');
      expect(await claim(store, 'h1')).toEqual({ state: 'claimed' });
      await store.purgeIdempotencyKeys(new Date(NOW.getTime() + 1));
      expect(await store.db.selectFrom('idempotency_keys').selectAll().execute()).toEqual([]);
    });
  });

  describe('seedIfEmpty', () => {
    it('loads the synthetic population into an empty database, once', async () => {
      const store = await open();
      const population = syntheticPopulation('2026-03-01');
      const storage = createStorage(store.engine);
      expect(await seedIfEmpty(storage, population, NOW)).toBe(true);
      expect(await seedIfEmpty(storage, population, NOW)).toBe(false);
      const plans = await store.db.selectFrom('plans').selectAll().execute();
      expect(plans).toHaveLength(population.plans.length);
      const entries = await store.db.selectFrom('access_entries').selectAll().execute();
      expect(entries).toHaveLength(population.accesses.length);
    });
  });

  it('orders plan ids byte by byte, as SQLite compares text', async () => {
    const store = await open();
    await store.insertAuthority(store.db, authority, NOW.toISOString());
    const at = NOW.toISOString();
    const ids = ['p_4', 'p-5', 'P-1', 'p-2', 'Z9', 'a1'];
    await store.upsertPlans(
      store.db,
      ids.map((plan_id) => ({
        authority_ods: '211',
        plan_id,
        nhs_number: '9990001375',
        type: 'CPP' as const,
        start_date: '2025-01-01',
        end_date: null,
        expected_delivery_date: null,
        created_at: at,
        updated_at: at,
        deleted_at: null,
      })),
    );
    const listed = await store.listPlans(store.db, '211', null, 10);
    expect(listed.map((p) => p.plan_id)).toEqual(['P-1', 'Z9', 'a1', 'p-2', 'p-5', 'p_4']);
    const after = await store.listPlans(store.db, '211', 'a1', 10);
    expect(after.map((p) => p.plan_id)).toEqual(['p-2', 'p-5', 'p_4']);
  });
});

describe('InProcessNotifyBus', () => {
  it('delivers to the authority’s subscribers only, survives a failing listener, and unsubscribes', () => {
    const bus = new InProcessNotifyBus();
    const got: NotificationEvent[] = [];
    const off = bus.subscribe('211', (e) => got.push(e));
    bus.subscribe('211', () => {
      throw new Error('broken stream');
    });
    bus.subscribe('373', () => got.push({ authority: 'wrong', seq: 0 }));
    bus.publish([{ authority: '211', seq: 1 }]);
    expect(got).toEqual([{ authority: '211', seq: 1 }]);
    expect(bus.subscriberCount()).toBe(3);
    off();
    bus.publish([{ authority: '211', seq: 2 }]);
    expect(got).toHaveLength(1);
    bus.close();
    expect(bus.subscriberCount()).toBe(0);
  });

  it('names the authorities that have subscribers; a resync cursor is above every cursor', () => {
    const bus = new InProcessNotifyBus();
    const off = bus.subscribe('211', () => undefined);
    bus.subscribe('373', () => undefined);
    expect(bus.authorities().sort()).toEqual(['211', '373']);
    off();
    expect(bus.authorities()).toEqual(['373']);
    expect(RESYNC_SEQ > Number.MAX_SAFE_INTEGER).toBe(true);
    expect(RESYNC_SEQ === Number.MAX_SAFE_INTEGER + 1).toBe(false);
  });
});
