/**
 * One storage suite for every store: the memory store, SQLite and PostgreSQL each run it,
 * so what the core relies on (atomic transactions, gap-free cursors in commit order, the
 * idempotency claim, live events only after commit) is proved the same way on each.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  AccessRecord,
  Authority,
  CheckRecord,
  NotificationEvent,
  NotificationRecord,
  PlanRecord,
  Storage,
} from '../storage.js';

export interface StoreUnderTest {
  store: Storage;
  dispose(): Promise<void>;
}

const AT = '2025-11-25T14:02:00.000Z';
const authority = (odsCode: string): Authority => ({
  odsCode,
  name: `Authority ${odsCode}`,
  officeHoursPhone: '020 7946 0000',
  emergencyDutyPhone: '020 7946 0001',
});
const plan = (
  authorityOds: string,
  planId: string,
  more: Partial<PlanRecord> = {},
): PlanRecord => ({
  authority: authorityOds,
  planId,
  nhsNumber: '9990000018',
  type: 'CPP',
  startDate: '2025-01-01',
  endDate: null,
  expectedDeliveryDate: null,
  createdAt: AT,
  updatedAt: AT,
  deletedAt: null,
  ...more,
});
const notification = (auth: string, seq: number, checkId: string): NotificationRecord => ({
  authority: auth,
  seq,
  checkId,
  userSub: 'user-1',
  notification: {
    notificationId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    cursor: String(seq),
    createdAt: AT,
    nhsNumber: '9990000018',
    planIds: ['P1'],
    accessedAt: AT,
    setting: { odsCode: 'RQXM1', name: 'Homerton ED' },
    user: { name: 'Priya Shah', role: 'Nurse' },
    reason: { code: 'unscheduled-attendance' },
  },
});
const check = (checkId: string, more: Partial<CheckRecord> = {}): CheckRecord => ({
  checkId,
  requestId: '00000000-0000-4000-8000-000000000001',
  checkedAt: AT,
  userSub: 'user-1',
  userName: 'Priya Shah',
  userRole: 'Nurse',
  orgOds: 'RQXM1',
  orgName: 'Homerton ED',
  nhsNumber: '9990000018',
  nhsNumberVerified: true,
  accessContext: 'unscheduled',
  reasonCode: 'unscheduled-attendance',
  reasonComment: null,
  outcome: 'record-found',
  notified: ['211'],
  snapshot: JSON.stringify({ checkId }),
  ...more,
});
const access = (
  entryId: string,
  accessedAt: string,
  more: Partial<AccessRecord> = {},
): AccessRecord => ({
  entryId,
  checkId: null,
  nhsNumber: '9990000018',
  accessedAt,
  settingOds: 'RQXM1',
  settingName: 'Homerton ED',
  userRole: 'Nurse',
  userSub: 'user-1',
  ...more,
});
const checkUuid = (n: number): string => `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`;

/** Registers the storage suite for the stores `create` makes (a fresh, empty one per test). */
export function describeStorage(name: string, create: () => Promise<StoreUnderTest>): void {
  describe(`storage: ${name}`, () => {
    let current: StoreUnderTest;
    let store: Storage;
    beforeEach(async () => {
      current = await create();
      store = current.store;
      await store.migrate();
    });
    afterEach(async () => {
      await current.dispose();
    });

    it('commits a transaction whole, and keeps nothing of one that throws', async () => {
      expect(await store.isEmpty()).toBe(true);
      await store.transaction(async (tx) => {
        await tx.insertAuthority(authority('211'), AT);
        await tx.upsertPlans([plan('211', 'P1')]);
      });
      await expect(
        store.transaction(async (tx) => {
          await tx.insertAuthority(authority('373'), AT);
          await tx.upsertPlans([plan('373', 'P2')]);
          await tx.reserveSeq('373');
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await store.isEmpty()).toBe(false);
      expect(await store.getAuthority('211')).toEqual(authority('211'));
      expect(await store.getAuthority('373')).toBeUndefined();
      expect(await store.getPlan('373', 'P2')).toBeUndefined();
      expect(await store.getPlan('211', 'P1')).toEqual(plan('211', 'P1'));
    });

    it('hands out cursors 1, 2, 3 per authority, and a rolled-back one again', async () => {
      const take = (auth: string) => store.transaction((tx) => tx.reserveSeq(auth));
      expect([await take('211'), await take('211'), await take('373')]).toEqual([1, 2, 1]);
      await expect(
        store.transaction(async (tx) => {
          await tx.reserveSeq('211');
          throw new Error('rolled back');
        }),
      ).rejects.toThrow();
      expect(await take('211')).toBe(3);
    });

    it('lists an authority’s live plans by plan id, after a plan id, up to a limit', async () => {
      await store.transaction(async (tx) => {
        await tx.insertAuthority(authority('211'), AT);
        await tx.upsertPlans([
          plan('211', 'b'),
          plan('211', 'a'),
          plan('211', 'C'),
          plan('211', 'd'),
        ]);
        await tx.markPlanDeleted('211', 'd', AT);
      });
      const ids = async (after: string | null, limit: number) =>
        (await store.listPlans('211', after, limit)).map((p) => p.planId);
      expect(await ids(null, 10)).toEqual(['C', 'a', 'b']);
      expect(await ids('C', 1)).toEqual(['a']);
      expect(await ids('b', 10)).toEqual([]);
      expect((await store.getPlan('211', 'd'))?.deletedAt).toBe(AT);
    });

    it('finds the live plans held for an NHS number, each with its authority', async () => {
      await store.transaction(async (tx) => {
        await tx.insertAuthority(authority('211'), AT);
        await tx.insertAuthority(authority('373'), AT);
        await tx.upsertPlans([
          plan('373', 'S1', { startDate: '2025-02-01' }),
          plan('211', 'T1', {
            startDate: '2025-01-01',
            type: 'UCPP',
            expectedDeliveryDate: '2025-06-01',
          }),
          plan('211', 'T2', { nhsNumber: '9990000026' }),
          plan('211', 'T3'),
        ]);
        await tx.markPlanDeleted('211', 'T3', AT);
      });
      const found = await store.transaction((tx) => tx.plansForNhsNumber('9990000018'));
      expect(
        found.map((p) => [p.planId, p.responsibleAuthority.odsCode, p.expectedDeliveryDate]),
      ).toEqual([
        ['T1', '211', '2025-06-01'],
        ['S1', '373', null],
      ]);
      const byId = await store.transaction((tx) => tx.plansByIds('211', ['T1', 'T3', 'nope']));
      expect([...byId.keys()].sort()).toEqual(['T1', 'T3']);
    });

    it('replaces a plan on upsert, keeping when it was created', async () => {
      await store.transaction(async (tx) => {
        await tx.insertAuthority(authority('211'), AT);
        await tx.upsertPlans([plan('211', 'P1')]);
        await tx.upsertPlans([
          plan('211', 'P1', { endDate: '2025-03-01', updatedAt: '2025-11-26T00:00:00.000Z' }),
        ]);
      });
      expect(await store.getPlan('211', 'P1')).toEqual(
        plan('211', 'P1', { endDate: '2025-03-01', updatedAt: '2025-11-26T00:00:00.000Z' }),
      );
    });

    it('keeps checks, access history newest first, and the last notification per authority', async () => {
      await store.transaction(async (tx) => {
        await tx.insertAuthority(authority('211'), AT);
        await tx.insertCheck(check(checkUuid(1)));
        await tx.insertAccessEntries([
          access('e1', '2025-11-24T10:00:00.000Z', { checkId: checkUuid(1) }),
          access('e2', '2025-11-25T10:00:00.000Z', {
            userSub: null,
            settingOds: 'RXX',
            settingName: 'Other',
          }),
          access('e3', '2025-11-23T10:00:00.000Z', { nhsNumber: '9990000026' }),
        ]);
        await tx.insertNotifications([
          { ...notification('211', await tx.reserveSeq('211'), checkUuid(1)) },
        ]);
      });
      expect(await store.getCheck(checkUuid(1))).toEqual(check(checkUuid(1)));
      expect(await store.getCheck(checkUuid(2))).toBeUndefined();
      const history = await store.transaction((tx) => tx.accessHistory('9990000018', 25));
      expect(history.map((h) => h.accessedAt)).toEqual([
        '2025-11-25T10:00:00.000Z',
        '2025-11-24T10:00:00.000Z',
      ]);
      expect(history[1]).toEqual({
        accessedAt: '2025-11-24T10:00:00.000Z',
        setting: { odsCode: 'RQXM1', name: 'Homerton ED' },
        userRole: 'Nurse',
      });
      const last = await store.transaction((tx) =>
        tx.lastWrittenByAuthority({
          nhsNumber: '9990000018',
          userSub: 'user-1',
          settingOds: 'RQXM1',
        }),
      );
      expect([...last.entries()]).toEqual([['211', new Date(AT)]]);
      const nobody = await store.transaction((tx) =>
        tx.lastWrittenByAuthority({
          nhsNumber: '9990000018',
          userSub: 'user-2',
          settingOds: 'RQXM1',
        }),
      );
      expect(nobody.size).toBe(0);
    });

    it('pages a feed oldest first after a cursor, or newest first, and knows its newest cursor', async () => {
      expect(await store.latestSeq('211')).toBe(0);
      await store.transaction((tx) => tx.insertAuthority(authority('211'), AT));
      for (let i = 1; i <= 5; i++) {
        await store.transaction(async (tx) => {
          await tx.insertCheck(check(checkUuid(i)));
          await tx.insertNotifications([
            notification('211', await tx.reserveSeq('211'), checkUuid(i)),
          ]);
        });
      }
      const cursors = async (range: { afterSeq: number; limit: number; order: 'asc' | 'desc' }) =>
        (await store.listNotifications('211', range)).map((n) => n.cursor);
      expect(await cursors({ afterSeq: 0, limit: 2, order: 'asc' })).toEqual(['1', '2']);
      expect(await cursors({ afterSeq: 3, limit: 10, order: 'asc' })).toEqual(['4', '5']);
      expect(await cursors({ afterSeq: 1, limit: 2, order: 'desc' })).toEqual(['5', '4']);
      expect(await cursors({ afterSeq: 5, limit: 2, order: 'desc' })).toEqual([]);
      expect(await store.latestSeq('211')).toBe(5);
      expect(
        (await store.listNotifications('211', { afterSeq: 0, limit: 1, order: 'asc' }))[0],
      ).toEqual(notification('211', 1, checkUuid(1)).notification);
    });

    it('keeps a check and a notification with no reason given (NHS England’s FHIR API takes none) as no reason, never as one', async () => {
      await store.transaction((tx) => tx.insertAuthority(authority('211'), AT));
      const sent = notification('211', 1, checkUuid(1));
      sent.notification.reason = null;
      await store.transaction(async (tx) => {
        await tx.insertCheck(check(checkUuid(1), { reasonCode: null, reasonComment: null }));
        await tx.insertNotifications([{ ...sent, seq: await tx.reserveSeq('211') }]);
      });
      const [kept] = await store.listNotifications('211', { afterSeq: 0, limit: 1, order: 'asc' });
      expect(kept?.reason).toBeNull();
      expect(kept).toEqual(sent.notification);
      expect((await store.getCheck(checkUuid(1)))?.reasonCode).toBeNull();
    });

    it('tells live listeners of notifications once committed, never of a rolled-back one', async () => {
      await store.transaction((tx) => tx.insertAuthority(authority('211'), AT));
      const seen: NotificationEvent[] = [];
      const stop = store.subscribe('211', (event) => seen.push(event));
      await expect(
        store.transaction(async (tx) => {
          await tx.insertCheck(check(checkUuid(1)));
          await tx.insertNotifications([
            notification('211', await tx.reserveSeq('211'), checkUuid(1)),
          ]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow();
      await store.transaction(async (tx) => {
        await tx.insertCheck(check(checkUuid(2)));
        await tx.insertNotifications([
          notification('211', await tx.reserveSeq('211'), checkUuid(2)),
        ]);
      });
      await expect.poll(() => seen.map((e) => e.seq)).toEqual([1]);
      stop();
    });

    it('claims an idempotency key once: replay, in progress, another body, expiry, abandonment, release', async () => {
      const id = { scope: { userSub: 'user-1', orgOds: 'RQXM1' }, key: 'k1' };
      const t0 = new Date(AT);
      const claim = (bodyHash: string, now: Date) =>
        store.claimIdempotencyKey({ ...id, bodyHash, now, keepMs: 24 * 3600_000, staleMs: 60_000 });
      expect(await claim('h1', t0)).toEqual({ state: 'claimed' });
      expect(await claim('h1', t0)).toEqual({ state: 'in-progress' });
      expect(await claim('h2', t0)).toEqual({ state: 'mismatch' });
      // Another scope holds its own key.
      expect(
        await store.claimIdempotencyKey({
          scope: { userSub: 'user-1', orgOds: 'RXX' },
          key: 'k1',
          bodyHash: 'h2',
          now: t0,
          keepMs: 1000,
          staleMs: 1000,
        }),
      ).toEqual({ state: 'claimed' });
      // Abandoned (never finished, older than staleMs): taken over.
      expect(await claim('h1', new Date(t0.getTime() + 61_000))).toEqual({ state: 'claimed' });
      await store.transaction(async (tx) => {
        await tx.insertCheck(check(checkUuid(7)));
        await tx.completeIdempotencyKey(id, checkUuid(7));
      });
      expect(await claim('h1', new Date(t0.getTime() + 120_000))).toEqual({
        state: 'replay',
        checkId: checkUuid(7),
      });
      // A finished claim is not released; one in progress is.
      await store.releaseIdempotencyKey(id);
      expect(await claim('h1', new Date(t0.getTime() + 120_000))).toEqual({
        state: 'replay',
        checkId: checkUuid(7),
      });
      // Kept 24 hours, then forgotten.
      expect(await claim('h2', new Date(t0.getTime() + 25 * 3600_000))).toEqual({
        state: 'claimed',
      });
      await store.releaseIdempotencyKey(id);
      expect(await claim('h3', new Date(t0.getTime() + 25 * 3600_000))).toEqual({
        state: 'claimed',
      });
      await store.purgeIdempotencyKeys(new Date(t0.getTime() + 26 * 3600_000));
      expect(await claim('h4', new Date(t0.getTime() + 25 * 3600_000))).toEqual({
        state: 'claimed',
      });
    });

    it('keeps the newest check of an EHR user for an encounter, by EHR, encounter, NHS number and user', async () => {
      const key = {
        issuer: 'https://ehr.example',
        encounterId: 'enc-1',
        nhsNumber: '9990000018',
        userId: 'PractitionerRole/1',
      };
      expect(await store.encounterCheck(key)).toBeUndefined();
      await store.transaction(async (tx) => {
        await tx.insertCheck(check(checkUuid(1)));
        await tx.insertCheck(check(checkUuid(2)));
        await tx.recordEncounterCheck(key, checkUuid(1));
      });
      expect(await store.encounterCheck(key)).toBe(checkUuid(1));
      await store.transaction((tx) => tx.recordEncounterCheck(key, checkUuid(2)));
      expect(await store.encounterCheck(key)).toBe(checkUuid(2));
      // Any other EHR, encounter, number or user has none.
      for (const other of [
        { ...key, issuer: 'https://other-ehr.example' },
        { ...key, encounterId: 'enc-2' },
        { ...key, nhsNumber: '9990000026' },
        { ...key, userId: 'PractitionerRole/2' },
      ]) {
        expect(await store.encounterCheck(other)).toBeUndefined();
      }
      // Rolled back with its transaction.
      await expect(
        store.transaction(async (tx) => {
          await tx.recordEncounterCheck({ ...key, encounterId: 'enc-3' }, checkUuid(1));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await store.encounterCheck({ ...key, encounterId: 'enc-3' })).toBeUndefined();
    });

    it('remembers a JWT id per issuer until it expires, and refuses it again until then', async () => {
      const t0 = new Date(AT);
      const later = (s: number) => new Date(t0.getTime() + s * 1000);
      const claim = (issuer: string, jti: string, now: Date) =>
        store.claimJti({ issuer, jti, expiresAt: later(120).toISOString(), now });
      expect(await claim('https://ehr.example', 'j1', t0)).toBe(true);
      expect(await claim('https://ehr.example', 'j1', later(60))).toBe(false);
      expect(await claim('https://other-ehr.example', 'j1', t0)).toBe(true);
      expect(await claim('https://ehr.example', 'j2', t0)).toBe(true);
      // Once the token has expired, its id is forgotten.
      expect(await claim('https://ehr.example', 'j1', later(120))).toBe(true);
      // Several claims of one id at once: exactly one wins.
      const race = await Promise.all(
        Array.from({ length: 5 }, () => claim('https://ehr.example', 'j3', t0)),
      );
      expect(race.filter(Boolean)).toHaveLength(1);
    });

    it('answers a ping', async () => {
      expect(await store.ping()).toBe(true);
    });
  });
}
