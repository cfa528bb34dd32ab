/**
 * The privacy row of quality.md: every server log line written under the reliability
 * suites is kept in a file under the OS temporary folder, one folder per Vitest run, and
 * scanned for NHS numbers, names and tokens — by each suite's last test (its own lines)
 * and by `log-scan.test.ts` (every file of the run that has been written so far).
 *
 * One run, one folder: Vitest runs each test file in a child process of its own main
 * process (the `forks` pool), so the parent's pid names the run; `CPIS_RELIABILITY_LOG_DIR`
 * overrides it.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { isMainThread } from 'node:worker_threads';
import { isValidNhsNumber } from '@cpis/domain';
import { personas, principals } from '@cpis/mock/fixtures';
import { expect, it } from 'vitest';

const runKey = isMainThread ? process.ppid : process.pid;

/** Where this run's log and secret files are. */
export const runLogDir =
  process.env['CPIS_RELIABILITY_LOG_DIR'] ?? join(tmpdir(), `cpis-reliability-logs-${runKey}`);

/** Folders of earlier runs, a day old or more, are removed: the temporary folder stays small. */
function pruneEarlierRuns(): void {
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const name of readdirSync(tmpdir())) {
    const path = join(tmpdir(), name);
    if (!/^cpis-reliability-logs-[0-9]+$/.test(name) || path === runLogDir) continue;
    try {
      if (statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true });
    } catch {
      // another run removed it first
    }
  }
}

/** Lines are buffered and appended to the file in blocks (a load test writes thousands). */
const FLUSH_EVERY = 500;

export interface SuiteLog {
  /** Give this to `buildApp({ logStream })`: one JSON line per `write`. */
  readonly stream: Writable;
  /** The file this suite's lines go to. */
  readonly path: string;
  /** Adds lines written by something else (a child process's stdout). */
  append(text: string): void;
  /** Values that must never appear in a log line: tokens, names, NHS numbers used. */
  secret(...values: readonly string[]): void;
  /** Every line this suite has written so far. */
  lines(): string[];
  /** Writes out what is buffered; returns the file's path. */
  flush(): string;
  /** This suite's lines scanned for its own secrets and for anything shaped like one. */
  leaks(): string[];
}

/** A log destination for one suite (one test file). */
export function suiteLog(suite: string): SuiteLog {
  pruneEarlierRuns();
  mkdirSync(runLogDir, { recursive: true });
  const base = join(runLogDir, `${suite}-${process.pid}`);
  const path = `${base}.log`;
  const secretsPath = `${base}.secrets.json`;
  const all: string[] = [];
  let pending: string[] = [];
  const secrets = new Set<string>();

  const flush = (): string => {
    if (pending.length > 0) {
      appendFileSync(path, `${pending.join('\n')}\n`);
      pending = [];
    }
    writeSecrets();
    return path;
  };
  let secretsWritten = -1;
  const writeSecrets = (): void => {
    if (secrets.size === secretsWritten) return;
    writeFileSync(secretsPath, JSON.stringify([...secrets]));
    secretsWritten = secrets.size;
  };
  const add = (text: string): void => {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      all.push(line);
      pending.push(line);
    }
    if (pending.length >= FLUSH_EVERY) flush();
  };
  process.once('exit', () => {
    try {
      flush();
    } catch {
      // the run's folder is gone: nothing to keep
    }
  });

  return {
    stream: new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        add(String(chunk));
        callback();
      },
    }),
    path,
    append: add,
    secret(...values) {
      for (const value of values) if (value.length >= 6) secrets.add(value);
    },
    lines: () => [...all],
    flush,
    leaks: () => findLeaks(all, [...secrets, ...fixtureSecrets()]),
  };
}

/** Fixture NHS numbers and the full names of every persona and principal. */
export function fixtureSecrets(): string[] {
  const values: string[] = [];
  for (const p of Object.values(personas)) {
    values.push(p.nhsNumber, `${p.givenName} ${p.familyName}`);
  }
  for (const p of Object.values(principals)) values.push(p.name);
  return values;
}

// Ten digits (or 3-3-4 with spaces or dashes) that no letter, digit or dot touches: a UUID's
// groups are 8, 4 and 12 long, a pino time is 13 digits, a float has its dot.
const NHS_SHAPED = /(?<![0-9A-Za-z.])([0-9]{3})[ -]?([0-9]{3})[ -]?([0-9]{4})(?![0-9A-Za-z.])/g;
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./;
const BEARER = /Bearer\s+[A-Za-z0-9._~+/-]{8,}/i;

/**
 * What in `lines` looks like personal data or a credential: any of `secrets` (a token, a
 * name, an NHS number), any Modulus 11 valid NHS number, any JWT, any bearer credential.
 */
export function findLeaks(lines: readonly string[], secrets: readonly string[]): string[] {
  const leaks: string[] = [];
  const distinct = [...new Set(secrets.filter((s) => s.length >= 6))];
  // A token's signature alone is as bad as the whole token.
  const parts = distinct.flatMap((s) =>
    /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{20,}$/.test(s)
      ? [s.split('.')[2] as string]
      : [],
  );
  const needles = [...distinct, ...parts];
  for (const line of lines) {
    for (const needle of needles) {
      if (line.includes(needle)) leaks.push(`"${needle.slice(0, 20)}…" in: ${line.slice(0, 240)}`);
    }
    for (const match of line.matchAll(NHS_SHAPED)) {
      const digits = `${match[1]}${match[2]}${match[3]}`;
      if (isValidNhsNumber(digits)) leaks.push(`NHS number ${digits} in: ${line.slice(0, 240)}`);
    }
    if (JWT_SHAPED.test(line)) leaks.push(`a JWT in: ${line.slice(0, 240)}`);
    if (BEARER.test(line)) leaks.push(`a bearer credential in: ${line.slice(0, 240)}`);
  }
  return leaks;
}

export interface RunLogs {
  files: string[];
  lines: string[];
  secrets: string[];
}

/** Every log line and secret written so far in this run, by every suite. */
export function readRunLogs(dir: string = runLogDir): RunLogs {
  if (!existsSync(dir)) return { files: [], lines: [], secrets: [] };
  const names = readdirSync(dir).sort();
  const files = names.filter((n) => n.endsWith('.log')).map((n) => join(dir, n));
  const lines = files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== ''),
  );
  const secrets = names
    .filter((n) => n.endsWith('.secrets.json'))
    .flatMap((n) => {
      try {
        return JSON.parse(readFileSync(join(dir, n), 'utf8')) as string[];
      } catch {
        return [];
      }
    });
  return { files, lines, secrets };
}

/**
 * Registers, last in a suite, the test that its own log lines (there must be some) hold no
 * NHS number, name or token; it also writes them out for `log-scan.test.ts`.
 */
export function itWroteNoPersonalData(log: SuiteLog): void {
  it('wrote no NHS number, name or token to its server log', () => {
    const lines = log.lines();
    log.flush();
    const leaks = log.leaks();
    console.log(`log scan: ${lines.length} lines, ${leaks.length} leaks (${log.path})`);
    expect(lines.length).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
}
