/**
 * quality.md, "atomicity": the server killed (SIGKILL) while checks are being made → after
 * restart every audit row has its access entry and notifications, or none of them; the
 * database passes its integrity check.
 *
 * The built server (`packages/server/dist/main.js`, as `npm start` runs it) runs in a child
 * process on a temporary SQLite file. Many clients (distinct users and settings, fresh NHS
 * numbers, so nearly every check notifies; some scheduled and no-record checks too) make
 * checks as fast as they can; after a random while the process is SIGKILLed, then started
 * again on the same file. After each restart the file is opened read-only (better-sqlite3)
 * and joined: every unscheduled record-found check that notified has exactly its one
 * access entry and its notifications, no other check has any, no access entry or
 * notification is without its check, every authority's cursors run 1…N with no gap, every
 * check that was answered 201 before the kill is there, and `PRAGMA integrity_check` is ok.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWroteNoPersonalData, suiteLog } from './support/logs.ts';
import {
  clinician,
  devToken,
  fuzzSeed,
  http,
  nhsNumbers,
  seededRandom,
  socialWorker,
} from './support/server.ts';

const log = suiteLog('atomicity-sigkill');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'packages/server/dist/main.js');

const KILLS = 5;
const CLIENTS = 24;
/** How long the load runs before each kill: between these, drawn from the seed. */
const RUN_MS = [500, 1_200] as const;
/** Plans uploaded for fresh NHS numbers, so each check of one notifies. */
const FLAGGED = 6_000;
const LA_A = 'RKILA';
const LA_B = 'RKILB';

const FLAGGED_NUMBERS = nhsNumbers(0, FLAGGED);
const NO_RECORD_NUMBERS = nhsNumbers(900_000, 1_000);

const seed = fuzzSeed('atomicity-sigkill');
const random = seededRandom(seed);

let dir: string;
let dbPath: string;
let child: ChildProcess | undefined;
let base = '';

beforeAll(() => {
  if (!existsSync(MAIN)) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0)
      throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  }
  dir = mkdtempSync(join(tmpdir(), 'cpis-sigkill-'));
  dbPath = join(dir, 'cpis.sqlite');
}, 180_000);

afterAll(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<void> {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // SQLite, whatever this shell has set for PostgreSQL.
  const { DATABASE_URL: _postgres, ...inherited } = process.env;
  const proc = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      ...inherited,
      CPIS_MODE: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      CPIS_SQLITE_PATH: dbPath,
      CPIS_RATE_LIMIT_PER_MINUTE: '1000000',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let output = '';
  proc.stdout?.on('data', (c: Buffer) => log.append(c.toString()));
  proc.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
    log.append(c.toString());
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the server exited on start: ${output}`);
    try {
      if ((await fetch(`${base}/v1/health`, { signal: AbortSignal.timeout(1_000) })).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not come up: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function kill(): Promise<void> {
  const proc = child;
  if (proc === undefined) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
  expect(proc.signalCode).toBe('SIGKILL');
}

interface Tally {
  sent: number;
  answered201: string[];
  otherStatus: number;
  noAnswer: number;
}

let nextNumber = 0;
/** Every check answered 201 before a kill, over all rounds. */
const acknowledged: string[] = [];
const tokens: { b0107: string[]; b0170: string } = { b0107: [], b0170: '' };

/** Checks from `CLIENTS` concurrent clients until `stop` is set. */
async function load(stop: { stopped: boolean }, tally: Tally): Promise<void> {
  const client = async (i: number): Promise<void> => {
    const token = tokens.b0107[i] as string;
    for (let k = 0; !stop.stopped; k++) {
      // Mostly fresh flagged numbers (each notifies one or two authorities); every seventh a
      // no-record number; every eleventh a silent read by a B0170 user.
      const scheduled = k % 11 === 10;
      const noRecord = k % 7 === 6;
      const body = {
        nhsNumber: noRecord
          ? (NO_RECORD_NUMBERS[k % 1000] as string)
          : (FLAGGED_NUMBERS[nextNumber++ % FLAGGED] as string),
        nhsNumberVerified: k % 2 === 0,
        accessContext: scheduled ? 'scheduled' : 'unscheduled',
        reason: { code: scheduled ? 'clinical-review' : 'unscheduled-attendance' },
      };
      tally.sent++;
      try {
        const response = await fetch(`${base}/v1/checks`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${scheduled ? tokens.b0170 : token}`,
            'content-type': 'application/json',
            ...(k % 3 === 0 ? { 'idempotency-key': crypto.randomUUID() } : {}),
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        if (response.status === 201) {
          tally.answered201.push((JSON.parse(text) as { checkId: string }).checkId);
        } else tally.otherStatus++;
      } catch {
        tally.noAnswer++;
        return; // the server is gone
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
}

interface Audit {
  checks: number;
  written: number;
  entries: number;
  notifications: number;
  problems: string[];
}

/** The database file, read-only, joined: what must hold after any crash. */
function audit(acknowledged: readonly string[], path = dbPath): Audit {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const problems: string[] = [];
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const foreign = db.pragma('foreign_key_check') as unknown[];
    if (foreign.length > 0) problems.push(`foreign_key_check: ${JSON.stringify(foreign)}`);

    const rows = db
      .prepare(
        `SELECT c.check_id AS id, c.access_context AS context, c.outcome AS outcome,
                c.notified AS notified,
                (SELECT count(*) FROM access_entries e WHERE e.check_id = c.check_id) AS entries,
                (SELECT group_concat(n.authority_ods) FROM
                   (SELECT authority_ods FROM notifications WHERE check_id = c.check_id
                    ORDER BY authority_ods) n) AS told
         FROM checks c`,
      )
      .all() as {
      id: string;
      context: string;
      outcome: string;
      notified: string;
      entries: number;
      told: string | null;
    }[];
    let written = 0;
    for (const r of rows) {
      const notified = (JSON.parse(r.notified) as string[]).sort().join(',');
      const writes = r.context === 'unscheduled' && r.outcome === 'record-found' && notified !== '';
      if (writes) {
        written++;
        if (r.entries !== 1) problems.push(`check ${r.id}: ${r.entries} access entries, not 1`);
        if ((r.told ?? '') !== notified)
          problems.push(`check ${r.id}: notified ${r.told ?? 'nobody'}, audit says ${notified}`);
      } else if (r.entries !== 0 || r.told !== null) {
        problems.push(`check ${r.id} (${r.context}, ${r.outcome}) wrote an entry or notification`);
      }
    }
    const orphanEntries = db
      .prepare(
        `SELECT count(*) AS n FROM access_entries e LEFT JOIN checks c ON c.check_id = e.check_id
         WHERE e.check_id IS NOT NULL AND c.check_id IS NULL`,
      )
      .get() as { n: number };
    if (orphanEntries.n > 0) problems.push(`${orphanEntries.n} access entries without their check`);
    const orphanNotifications = db
      .prepare(
        `SELECT count(*) AS n FROM notifications n LEFT JOIN checks c ON c.check_id = n.check_id
         WHERE c.check_id IS NULL`,
      )
      .get() as { n: number };
    if (orphanNotifications.n > 0)
      problems.push(`${orphanNotifications.n} notifications without their check`);
    // Cursors are taken inside the writing transaction: a torn write would leave a gap.
    const feeds = db
      .prepare(
        `SELECT n.authority_ods AS authority, count(*) AS n, max(n.seq) AS top,
                count(DISTINCT n.seq) AS distinctSeq, s.last_seq AS last
         FROM notifications n JOIN authority_sequences s ON s.ods_code = n.authority_ods
         GROUP BY n.authority_ods`,
      )
      .all() as { authority: string; n: number; top: number; distinctSeq: number; last: number }[];
    for (const f of feeds) {
      if (f.n !== f.top || f.distinctSeq !== f.n || f.last !== f.top) {
        problems.push(
          `feed ${f.authority}: ${f.n} notifications, cursors up to ${f.top}, sequence at ${f.last}`,
        );
      }
    }
    const stored = new Set(
      (db.prepare('SELECT check_id AS id FROM checks').all() as { id: string }[]).map((r) => r.id),
    );
    const lost = acknowledged.filter((id) => !stored.has(id));
    if (lost.length > 0) problems.push(`${lost.length} checks answered 201 are missing`);
    const entries = (db.prepare('SELECT count(*) AS n FROM access_entries').get() as { n: number })
      .n;
    const notifications = (
      db.prepare('SELECT count(*) AS n FROM notifications').get() as { n: number }
    ).n;
    return { checks: rows.length, written, entries, notifications, problems };
  } finally {
    db.close();
  }
}

describe('SIGKILL while checks are being made', () => {
  it(`${KILLS} kills mid-load, each followed by a restart on the same file: every check's audit row, access entry and notifications are all there or none; integrity_check ok`, async () => {
    const started = Date.now();
    await start();
    // Two authorities with phones; fresh NHS numbers with plans (every third one with
    // both, so one check writes two notifications in its transaction).
    for (const la of [LA_A, LA_B]) {
      const token = await devToken(log, socialWorker(la));
      const put = await http(base, 'PUT', `/v1/authorities/${la}`, {
        token,
        body: {
          name: `Kill Test Council ${la}`,
          officeHoursPhone: '020 7946 0100',
          emergencyDutyPhone: '020 7946 0101',
        },
      });
      expect(put.status).toBe(201);
      const rows = Array.from({ length: FLAGGED }, (_, i) => i)
        .filter((i) => la === LA_A || i % 3 === 0)
        .map((i) => ({
          planId: `${la}-${i}`,
          nhsNumber: FLAGGED_NUMBERS[i] as string,
          type: 'CPP',
          startDate: '2025-01-15',
        }));
      const batch = await http(base, 'POST', `/v1/authorities/${la}/plans/batch`, {
        token,
        body: rows,
      });
      expect(batch.status).toBe(200);
    }
    for (let i = 0; i < CLIENTS; i++) {
      tokens.b0107.push(
        await devToken(
          log,
          clinician(`kill-${i}`, ['B0107'], { odsCode: `RKS${i}`, name: `Kill Setting ${i}` }),
        ),
      );
    }
    tokens.b0170 = await devToken(
      log,
      clinician('kill-gp', ['B0170'], { odsCode: 'RKGP', name: 'Kill Practice' }),
    );

    const totals = { sent: 0, answered: 0, other: 0, noAnswer: 0 };
    const rounds: string[] = [];
    for (let round = 1; round <= KILLS; round++) {
      const tally: Tally = { sent: 0, answered201: [], otherStatus: 0, noAnswer: 0 };
      const stop = { stopped: false };
      const running = load(stop, tally);
      const runFor = RUN_MS[0] + Math.floor(random() * (RUN_MS[1] - RUN_MS[0]));
      await new Promise((r) => setTimeout(r, runFor));
      // On a loaded machine the first answers can take longer than the run: the kill waits
      // for some checks to have been answered (up to 20 s), so each round kills mid-load.
      const waitUntil = Date.now() + 20_000;
      while (tally.answered201.length < 3 && Date.now() < waitUntil) {
        await new Promise((r) => setTimeout(r, 25));
      }
      await kill();
      stop.stopped = true;
      await running;
      acknowledged.push(...tally.answered201);
      await start();
      const result = audit(acknowledged);
      expect(result.problems, `after kill ${round}`).toEqual([]);
      expect(tally.answered201.length).toBeGreaterThan(0);
      totals.sent += tally.sent;
      totals.answered += tally.answered201.length;
      totals.other += tally.otherStatus;
      totals.noAnswer += tally.noAnswer;
      rounds.push(
        `kill ${round} after ${runFor} ms: ${tally.sent} sent, ${tally.answered201.length} answered 201, ` +
          `${tally.noAnswer} cut off; database: ${result.checks} checks (${result.written} that notified), ` +
          `${result.entries} access entries, ${result.notifications} notifications — consistent`,
      );
    }
    // The server still works on the file after the last kill, and stops cleanly.
    const token = tokens.b0107[0] as string;
    const after = await http(base, 'POST', '/v1/checks', {
      token,
      body: {
        nhsNumber: FLAGGED_NUMBERS[FLAGGED - 1] as string,
        nhsNumberVerified: true,
        accessContext: 'unscheduled',
        reason: { code: 'unscheduled-attendance' },
      },
    });
    expect(after.status).toBe(201);
    const proc = child as ChildProcess;
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    const final = audit(acknowledged);
    expect(final.problems).toEqual([]);

    expect(totals.answered).toBeGreaterThan(200);

    console.log(rounds.join('\n'));
    console.log(
      `SIGKILL: ${KILLS} kills, ${totals.sent} checks sent, ${totals.answered} answered 201 ` +
        `(all ${acknowledged.length} found after restart), ${totals.noAnswer} cut off by a kill, ` +
        `${totals.other} other answers; final database ${final.checks} checks, ${final.entries} ` +
        `access entries, ${final.notifications} notifications; seed ${seed}; ${Date.now() - started} ms`,
    );
  }, 180_000);

  it('the same audit catches a torn write: a copy of the file missing one notification, one access entry and one answered check fails it on each count', () => {
    expect(acknowledged.length).toBeGreaterThan(0);
    // A copy of the file with one notification, one access entry and
    // one answered check taken away (a torn write, a lost commit) is caught on each count.
    const torn = join(dir, 'torn.sqlite');
    copyFileSync(dbPath, torn);
    const tear = new Database(torn);
    tear.pragma('foreign_keys = OFF');
    const victim = tear
      .prepare('SELECT check_id AS id FROM notifications ORDER BY seq DESC LIMIT 1')
      .get() as { id: string };
    tear.prepare('DELETE FROM notifications WHERE check_id = ?').run(victim.id);
    tear
      .prepare(
        `DELETE FROM access_entries WHERE entry_id = (SELECT entry_id FROM access_entries
         WHERE check_id IS NOT NULL AND check_id NOT IN (?, ?) LIMIT 1)`,
      )
      .run(victim.id, acknowledged[0]);
    tear.prepare('DELETE FROM checks WHERE check_id = ?').run(acknowledged[0]);
    tear.close();
    const caught = audit(acknowledged, torn).problems.join('\n');
    expect(caught).toMatch(/notified nobody|notifications without|cursors up to/);
    expect(caught).toMatch(/0 access entries, not 1|access entries without/);
    expect(caught).toMatch(/answered 201 are missing/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

itWroteNoPersonalData(log);
