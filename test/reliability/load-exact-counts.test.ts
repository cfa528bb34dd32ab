/**
 * quality.md, "load": thousands of checks from many concurrent clients → the notification
 * count exactly as expected; a cursor consumer and a reconnecting stream (`Last-Event-ID`)
 * each see every notification once, in order.
 *
 * The reference server listens on 127.0.0.1 in this process. Two authorities are given
 * plans for fresh NHS numbers; 2,000 checks are shuffled (seeded) and sent by 50 concurrent
 * clients: 1,500 unscheduled checks of distinct (user, NHS number) pairs, each of which
 * must notify (every fifth number also has a plan at the second authority); 300 repeats of
 * one of those pairs within 24 hours, which must collapse; 100 scheduled (silent) reads;
 * 100 no-record checks. While they run, a cursor consumer polls the first authority's feed
 * with `after`, and a stream consumer reads its Server-Sent Events, is disconnected by
 * force at least five times (mid-chunk) and reconnects with `Last-Event-ID`.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import type { components } from '@cpis/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWroteNoPersonalData, suiteLog } from './support/logs.ts';
import {
  clinician,
  fuzzSeed,
  nhsNumbers,
  seededRandom,
  sleep,
  socialWorker,
  startServer,
  type ReliabilityServer,
} from './support/server.ts';

type Notification = components['schemas']['Notification'];
type CheckResult = components['schemas']['CheckResult'];

const log = suiteLog('load-exact-counts');
const LA_A = 'RLOADA';
const LA_B = 'RLOADB';
const USERS = 40;
const CLIENTS = 50;
const DISTINCT = 1_500;
const REPEATS = 300;
const SCHEDULED = 100;
const NO_RECORD = 100;
/** The stream consumer is cut off after these many events (and reconnects). */
const CUT_AFTER = [120, 380, 640, 900, 1_150, 1_400];

const seed = fuzzSeed('load-exact-counts');
const random = seededRandom(seed);
const FLAGGED = nhsNumbers(100_000, DISTINCT);
const UNFLAGGED = nhsNumbers(800_000, NO_RECORD);

let s: ReliabilityServer;
let base: string;
let laToken: string;

beforeAll(async () => {
  s = await startServer(log, { streamHeartbeatMs: 1_000 });
  base = await s.app.listen({ port: 0, host: '127.0.0.1' });
  laToken = await s.token(socialWorker(LA_A));
  for (const la of [LA_A, LA_B]) {
    const token = la === LA_A ? laToken : await s.token(socialWorker(la));
    const headers = { authorization: `Bearer ${token}` };
    const put = await s.inject({
      method: 'PUT',
      url: `/v1/authorities/${la}`,
      headers,
      payload: {
        name: `Load Council ${la}`,
        officeHoursPhone: '020 7946 0300',
        emergencyDutyPhone: '020 7946 0301',
      },
    });
    expect(put.statusCode).toBe(201);
    const rows = FLAGGED.flatMap((nhsNumber, i) =>
      la === LA_A || i % 5 === 0
        ? [{ planId: `${la}-${i}`, nhsNumber, type: 'CPP', startDate: '2025-02-01' }]
        : [],
    );
    const batch = await s.inject({
      method: 'POST',
      url: `/v1/authorities/${la}/plans/batch`,
      headers,
      payload: rows,
    });
    expect(batch.statusCode).toBe(200);
  }
}, 60_000);
afterAll(async () => {
  await s?.close();
});

interface Job {
  token: string;
  nhsNumber: string;
  accessContext: 'unscheduled' | 'scheduled';
  kind: 'distinct' | 'repeat' | 'scheduled' | 'no-record';
}

async function workload(): Promise<{ jobs: Job[]; expectedA: number; expectedB: number }> {
  const b0107: string[] = [];
  for (let u = 0; u < USERS; u++) {
    b0107.push(
      await s.token(
        clinician(`load-${u}`, ['B0107'], { odsCode: `RLS${u}`, name: `Load Setting ${u}` }),
      ),
    );
  }
  const b0170 = await s.token(
    clinician('load-gp', ['B0170'], { odsCode: 'RLGP', name: 'Load Practice' }),
  );
  const jobs: Job[] = [];
  let expectedB = 0;
  // Distinct pairs: number i is checked once, by user i mod USERS.
  FLAGGED.forEach((nhsNumber, i) => {
    jobs.push({
      token: b0107[i % USERS] as string,
      nhsNumber,
      accessContext: 'unscheduled',
      kind: 'distinct',
    });
    if (i % 5 === 0) expectedB++;
  });
  for (let r = 0; r < REPEATS; r++) {
    const i = Math.floor(random() * DISTINCT);
    jobs.push({
      token: b0107[i % USERS] as string,
      nhsNumber: FLAGGED[i] as string,
      accessContext: 'unscheduled',
      kind: 'repeat',
    });
  }
  for (let r = 0; r < SCHEDULED; r++) {
    jobs.push({
      token: b0170,
      nhsNumber: FLAGGED[Math.floor(random() * DISTINCT)] as string,
      accessContext: 'scheduled',
      kind: 'scheduled',
    });
  }
  for (const nhsNumber of UNFLAGGED) {
    jobs.push({
      token: b0107[Math.floor(random() * USERS)] as string,
      nhsNumber,
      accessContext: 'unscheduled',
      kind: 'no-record',
    });
  }
  // Seeded Fisher–Yates: repeats may run before, with or after the check they repeat.
  for (let i = jobs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [jobs[i], jobs[j]] = [jobs[j] as Job, jobs[i] as Job];
  }
  return { jobs, expectedA: DISTINCT, expectedB };
}

/** Polls the feed with `after` until told to stop and it has caught up. */
async function cursorConsumer(
  done: () => boolean,
): Promise<{ seen: Notification[]; polls: number }> {
  const seen: Notification[] = [];
  let after = '0';
  let polls = 0;
  for (;;) {
    const finished = done();
    const limit = 1 + Math.floor(random() * 200);
    const response = await fetch(
      `${base}/v1/authorities/${LA_A}/notifications?after=${after}&limit=${limit}`,
      { headers: { authorization: `Bearer ${laToken}` } },
    );
    polls++;
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: Notification[]; nextCursor: string };
    seen.push(...page.items);
    after = page.nextCursor;
    if (page.items.length === 0) {
      if (finished) return { seen, polls };
      await sleep(25);
    }
  }
}

/** Reads the stream; cuts the connection at the `CUT_AFTER` counts and resumes with `Last-Event-ID`. */
function streamConsumer(expected: number) {
  const seen: Notification[] = [];
  const ids: string[] = [];
  let lastEventId = '0';
  let connections = 0;
  let cuts = 0;
  let current: ClientRequest | undefined;

  const connect = (): void => {
    connections++;
    let buffer = '';
    let cut = false;
    const req = httpRequest(`${base}/v1/authorities/${LA_A}/notifications/stream`, {
      headers: { authorization: `Bearer ${laToken}`, 'last-event-id': lastEventId },
    });
    current = req;
    req.on('response', (res) => {
      expect(res.statusCode).toBe(200);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (cut) return;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = '';
          let id = '';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (event !== 'notification') continue;
          seen.push(JSON.parse(data) as Notification);
          ids.push(id);
          lastEventId = id;
        }
        // Cut mid-chunk: whatever of this chunk came after the last whole event is lost.
        if (cuts < CUT_AFTER.length && seen.length >= (CUT_AFTER[cuts] as number)) {
          cuts++;
          cut = true;
          req.destroy();
          setImmediate(connect);
        }
      });
    });
    req.on('error', () => undefined);
    req.end();
  };
  connect();
  return {
    /** Waits until `expected` notifications have come (at most `timeoutMs`), and a moment more for any extra. */
    async settle(timeoutMs: number): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (seen.length < expected && Date.now() < until) await sleep(50);
      await sleep(300);
      current?.destroy();
    },
    result: () => ({ seen, ids, connections, cuts }),
  };
}

/** Every notification of an authority's feed, oldest first. */
async function wholeFeed(authority: string, token: string): Promise<Notification[]> {
  const all: Notification[] = [];
  let after = '0';
  for (;;) {
    const response = await fetch(
      `${base}/v1/authorities/${authority}/notifications?after=${after}&limit=500`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const page = (await response.json()) as { items: Notification[]; nextCursor: string };
    all.push(...page.items);
    if (page.items.length === 0) return all;
    after = page.nextCursor;
  }
}

function inOrderOnce(seen: readonly Notification[], expected: number) {
  const cursors = seen.map((n) => Number(n.cursor));
  const duplicates = seen.length - new Set(seen.map((n) => n.notificationId)).size;
  let gaps = 0;
  let outOfOrder = 0;
  for (let i = 1; i < cursors.length; i++) {
    const step = (cursors[i] as number) - (cursors[i - 1] as number);
    if (step <= 0) outOfOrder++;
    else if (step > 1) gaps += step - 1;
  }
  if (cursors.length > 0 && cursors[0] !== 1) gaps += (cursors[0] as number) - 1;
  return { count: seen.length, duplicates, gaps, outOfOrder, missing: expected - seen.length };
}

describe('thousands of checks from many concurrent clients', () => {
  it(`${DISTINCT + REPEATS + SCHEDULED + NO_RECORD} checks from ${CLIENTS} clients: the feed holds exactly the expected notifications; a cursor poller and a stream cut ${CUT_AFTER.length} times each see every one once, in order`, async () => {
    const { jobs, expectedA, expectedB } = await workload();
    const started = Date.now();
    let loadDone = false;
    const statuses = new Map<number, number>();
    const told = { [LA_A]: 0, [LA_B]: 0 } as Record<string, number>;
    const byKind = new Map<string, number>();

    const poller = cursorConsumer(() => loadDone);
    const stream = streamConsumer(expectedA);
    let next = 0;
    const client = async (): Promise<void> => {
      while (next < jobs.length) {
        const job = jobs[next++] as Job;
        const response = await fetch(`${base}/v1/checks`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${job.token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            nhsNumber: job.nhsNumber,
            nhsNumberVerified: true,
            accessContext: job.accessContext,
            reason: {
              code: job.accessContext === 'scheduled' ? 'clinical-review' : 'safeguarding-concern',
            },
          }),
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const result = (await response.json()) as CheckResult;
        for (const authority of result.notifiedAuthorities ?? []) {
          told[authority] = (told[authority] ?? 0) + 1;
        }
        if (result.notifiedAuthorities?.length > 0)
          byKind.set(job.kind, (byKind.get(job.kind) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const loadMs = Date.now() - started;
    loadDone = true;
    const polled = await poller;
    await stream.settle(15_000);

    // Every check answered; the answers told exactly the expected authorities.
    expect(Object.fromEntries(statuses)).toEqual({ 201: jobs.length });
    expect(told[LA_A]).toBe(expectedA);
    expect(told[LA_B]).toBe(expectedB);
    // Exactly one of each pair notified: the distinct check or its repeat, whichever ran first.
    expect((byKind.get('distinct') ?? 0) + (byKind.get('repeat') ?? 0)).toBe(DISTINCT);
    expect(byKind.get('scheduled') ?? 0).toBe(0);
    expect(byKind.get('no-record') ?? 0).toBe(0);

    // The feeds hold exactly that many.
    const feedA = await wholeFeed(LA_A, laToken);
    const feedB = await wholeFeed(LA_B, await s.token(socialWorker(LA_B)));
    expect(feedA).toHaveLength(expectedA);
    expect(feedB).toHaveLength(expectedB);
    expect(inOrderOnce(feedA, expectedA)).toMatchObject({ duplicates: 0, gaps: 0, missing: 0 });
    const pairs = new Set(feedA.map((n) => `${n.setting.odsCode} ${n.nhsNumber}`));
    expect(pairs.size).toBe(expectedA);

    // The cursor consumer: every one once, in order, the same as the feed.
    const cursor = inOrderOnce(polled.seen, expectedA);
    expect(cursor).toEqual({ count: expectedA, duplicates: 0, gaps: 0, outOfOrder: 0, missing: 0 });
    expect(polled.seen.map((n) => n.notificationId)).toEqual(feedA.map((n) => n.notificationId));

    // The stream consumer, cut and resumed: the same.
    const streamed = stream.result();
    const live = inOrderOnce(streamed.seen, expectedA);
    expect(live).toEqual({ count: expectedA, duplicates: 0, gaps: 0, outOfOrder: 0, missing: 0 });
    expect(streamed.ids).toEqual(streamed.seen.map((n) => n.cursor));
    expect(streamed.seen.map((n) => n.notificationId)).toEqual(feedA.map((n) => n.notificationId));
    expect(streamed.cuts).toBeGreaterThanOrEqual(5);

    console.log(
      `load: ${jobs.length} checks (${DISTINCT} distinct, ${REPEATS} repeats, ${SCHEDULED} scheduled, ` +
        `${NO_RECORD} no-record) from ${CLIENTS} clients in ${loadMs} ms ` +
        `(${Math.round((jobs.length * 1000) / loadMs)}/s), all 201\n` +
        `feed ${LA_A}: ${feedA.length} notifications (expected ${expectedA}); feed ${LA_B}: ${feedB.length} (expected ${expectedB})\n` +
        `cursor consumer: ${cursor.count} seen in ${polled.polls} polls, ${cursor.duplicates} duplicates, ${cursor.gaps} gaps, ${cursor.outOfOrder} out of order\n` +
        `stream consumer: ${live.count} seen over ${streamed.connections} connections (${streamed.cuts} forced cuts), ` +
        `${live.duplicates} duplicates, ${live.gaps} gaps, ${live.outOfOrder} out of order; seed ${seed}`,
    );
  }, 60_000);
});

itWroteNoPersonalData(log);
