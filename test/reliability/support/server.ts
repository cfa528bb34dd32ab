/**
 * What the reliability suites share: the reference server built in this process (the
 * server's own test harness, its log lines sent to the suite's log file), tokens whose
 * every value is remembered as a secret the logs must not hold, row counts from the store,
 * HTTP calls whose answers are checked against the contract, and fast-check seeds.
 */
import { nhsNumberCheckDigit } from '@cpis/domain';
import type { TokenClaims } from '@cpis/server/testing';
import type { ServerConfig } from '@cpis/server/testing';
import type { Store } from '@cpis/server/testing';
import {
  assertContract,
  createTestServer,
  signToken,
  type TestClock,
  type TestServer,
  type TokenOptions,
} from '@cpis/server/testing';
import type { SuiteLog } from './logs.ts';

export type Claims = Partial<TokenClaims> & Pick<TokenClaims, 'sub'>;

export interface ReliabilityServer extends TestServer {
  /** A token for `claims`; the token and the claims' names are secrets of the suite's log. */
  token(claims: Claims, options?: TokenOptions): Promise<string>;
  store: Store;
}

/** The reference server (`buildApp`, seeded, SQLite `:memory:`) logging to `log`. */
export async function startServer(
  log: SuiteLog,
  overrides: Partial<ServerConfig> = {},
  options: { clock?: TestClock; now?: () => Date } = {},
): Promise<ReliabilityServer> {
  const server = await createTestServer(overrides, { ...options, logStream: log.stream });
  return {
    ...server,
    store: server.app.cpis.store,
    async token(claims, tokenOptions) {
      const token = await server.token(claims, tokenOptions);
      log.secret(token, ...namesOf(claims));
      return token;
    },
  };
}

/** A token signed as the server's development mode expects, for a server in another process. */
export async function devToken(
  log: SuiteLog,
  claims: Claims,
  options?: TokenOptions,
): Promise<string> {
  const token = await signToken(claims, new Date(), options);
  log.secret(token, ...namesOf(claims));
  return token;
}

function namesOf(claims: Claims): string[] {
  return [claims.name, claims.orgName].filter(
    (v): v is string => typeof v === 'string' && v.length >= 6,
  );
}

/** A clinician of a health organisation. */
export function clinician(
  sub: string,
  activities: string[],
  setting: { odsCode: string; name: string } = { odsCode: 'RREL1', name: 'Reliability Hospital' },
  role = 'Emergency department nurse',
): Claims {
  return {
    sub,
    name: `Reliability Clinician ${sub}`,
    role,
    orgType: 'health',
    odsCode: setting.odsCode,
    orgName: setting.name,
    activities,
  };
}

/** A social worker of the local authority `odsCode`. */
export function socialWorker(odsCode: string): Claims {
  return {
    sub: `la-${odsCode}`,
    name: `Reliability Social Worker ${odsCode}`,
    role: 'Social worker',
    orgType: 'local-authority',
    odsCode,
    orgName: `Reliability Council ${odsCode}`,
    activities: [],
  };
}

export const TABLES = [
  'authorities',
  'plans',
  'checks',
  'access_entries',
  'notifications',
  'audit_events',
  'idempotency_keys',
] as const;
export type Table = (typeof TABLES)[number];
export type RowCounts = Record<Table, number>;

/** How many rows each table of the store holds. */
export async function countRows(store: Store): Promise<RowCounts> {
  const counts = {} as RowCounts;
  for (const table of TABLES) {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/** One request over real HTTP; the answer is checked against the contract. */
export async function http(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; token?: string } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method, headers, body });
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
    json: <T>() => JSON.parse(text) as T,
  };
}

/**
 * The fast-check seed of a suite: `FC_SEED` when set (to replay a run), else a fresh one.
 * Printed either way, so any run can be replayed.
 */
export function fuzzSeed(suite: string): number {
  const fromEnv = process.env['FC_SEED'];
  const seed =
    fromEnv !== undefined && /^-?[0-9]+$/.test(fromEnv)
      ? Number(fromEnv)
      : Math.floor(Math.random() * 2 ** 31);
  console.log(`[${suite}] fast-check seed ${seed} (replay with FC_SEED=${seed})`);
  return seed;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `count` distinct valid NHS numbers of the test-only 998 range, from `start` up. */
export function nhsNumbers(start: number, count: number): string[] {
  const numbers: string[] = [];
  for (let n = start; numbers.length < count; n++) {
    const first9 = `998${String(n).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(first9);
    if (check !== null) numbers.push(`${first9}${check}`);
  }
  return numbers;
}

/** A small seeded PRNG (mulberry32), so a run's random choices can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
