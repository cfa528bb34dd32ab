/**
 * Test support: a server on `:memory:` with a movable clock, tokens for any principal,
 * every response checked against the contract, and every log line kept so each test file
 * can prove that no NHS number, name or token was logged.
 */
import { Writable } from 'node:stream';
import { nhsNumberCheckDigit } from '@cpis/domain';
import { principals, personas } from '@cpis/mock/fixtures';
import type {
  FastifyInstance,
  InjectOptions,
  LightMyRequestResponse as InjectResponse,
} from 'fastify';
import { SignJWT } from 'jose';
import { expect, it } from 'vitest';
import { buildApp, type BuildOptions } from '../app.js';
import type { TokenClaims } from '../auth.js';
import {
  DEVELOPMENT_AUDIENCE,
  DEVELOPMENT_ISSUER,
  DEVELOPMENT_JWT_SECRET,
  type ServerConfig,
} from '../config.js';
import { createResponseChecker } from './contract-check.js';
import { currentTestEngine } from './engines.js';

/** Every log line written by any server this test file started. */
export const capturedLogLines: string[] = [];
/** Every token this test file made or was given. */
export const issuedTokens = new Set<string>();

const checkResponse = createResponseChecker();

export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    mode: 'development',
    port: 0,
    host: '127.0.0.1',
    publicUrl: 'http://127.0.0.1:8080',
    database: { engine: 'sqlite', sqlitePath: ':memory:' },
    jwt: {
      verification: { kind: 'secret', secret: DEVELOPMENT_JWT_SECRET },
      issuer: DEVELOPMENT_ISSUER,
      audience: DEVELOPMENT_AUDIENCE,
    },
    cdsHooksTrust: [],
    cdsHooksBannerUrl: 'http://127.0.0.1:8080/epr-patient-view/',
    rateLimitPerMinute: 100_000,
    corsOrigins: [],
    logLevel: 'debug',
    seed: true,
    examplesDir: null,
    streamHeartbeatMs: 15_000,
    maxStreamsPerUser: 10,
    requestTimeoutMs: 30_000,
    headersTimeoutMs: 30_000,
    ...overrides,
  };
}

export class TestClock {
  #now: number;
  constructor(start = new Date()) {
    this.#now = start.getTime();
  }
  now = (): Date => new Date(this.#now);
  advance(ms: number): void {
    this.#now += ms;
  }
  set(date: Date): void {
    this.#now = date.getTime();
  }
}

export interface TestServer {
  app: FastifyInstance;
  config: ServerConfig;
  clock: TestClock;
  /** `app.inject`, with the response checked against the contract. */
  inject(options: InjectOptions): Promise<InjectResponse>;
  /** A token for a principal (defaults: valid for a day from the clock's now). */
  token(
    claims: Partial<TokenClaims> & Pick<TokenClaims, 'sub'>,
    options?: TokenOptions,
  ): Promise<string>;
  close(): Promise<void>;
}

export interface TokenOptions {
  expiresInSeconds?: number;
  secret?: string;
  audience?: string;
  issuer?: string;
}

export function logStream(): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      capturedLogLines.push(String(chunk));
      callback();
    },
  });
}

/**
 * A server on a fresh database: inside a `forEachEngine` block, an engine of that block's
 * kind (given back when the server closes); elsewhere SQLite `:memory:`.
 */
export async function createTestServer(
  overrides: Partial<ServerConfig> = {},
  options: BuildOptions & { clock?: TestClock } = {},
): Promise<TestServer> {
  const clock = options.clock ?? new TestClock();
  const config = testConfig(overrides);
  const testEngine = options.engine === undefined ? currentTestEngine() : undefined;
  const engine = await testEngine?.create();
  let app: FastifyInstance;
  try {
    app = await buildApp(config, {
      now: clock.now,
      logStream: logStream(),
      ...options,
      ...(engine === undefined ? {} : { engine }),
    });
  } catch (error) {
    await engine?.destroy();
    throw error;
  }
  return {
    app,
    config,
    clock,
    async inject(injectOptions) {
      const response = await app.inject(injectOptions);
      assertContract({
        method: injectOptions.method ?? 'GET',
        url: typeof injectOptions.url === 'string' ? injectOptions.url : String(injectOptions.path),
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
      });
      return response;
    },
    token: (claims, tokenOptions) => signToken(claims, clock.now(), tokenOptions),
    async close() {
      await app.close();
      if (engine !== undefined) await testEngine?.release(engine);
    },
  };
}

/** Fails the test when a response breaks the contract. */
export function assertContract(
  response: Parameters<ReturnType<typeof createResponseChecker>>[0],
): void {
  const failures = checkResponse(response);
  expect(failures, failures.join('\n')).toEqual([]);
}

export async function signToken(
  claims: Partial<TokenClaims> & Pick<TokenClaims, 'sub'>,
  now: Date = new Date(),
  options: TokenOptions = {},
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  const payload = {
    name: 'Test User',
    role: 'Tester',
    orgType: 'health',
    odsCode: 'RTEST',
    orgName: 'Test Organisation',
    activities: [],
    ...claims,
  };
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(options.issuer ?? DEVELOPMENT_ISSUER)
    .setAudience(options.audience ?? DEVELOPMENT_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.expiresInSeconds ?? 24 * 60 * 60))
    .sign(new TextEncoder().encode(options.secret ?? DEVELOPMENT_JWT_SECRET));
  issuedTokens.add(token);
  return token;
}

/** Claims for one of the synthetic principals of `@cpis/mock`. */
export function principalClaims(
  key: keyof typeof principals,
): Partial<TokenClaims> & Pick<TokenClaims, 'sub'> {
  const { key: _key, ...p } = principals[key];
  return { ...p, sub: `test-${key}` };
}

export const bearer = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
});

/**
 * Registers, last in a file, the test that scans every log line the file's servers wrote
 * for any fixture NHS number, any principal or persona name, and any token issued.
 */
export function itLogsNoPersonalData(extraSecrets: () => Iterable<string> = () => []): void {
  it('wrote no NHS number, name or token to the logs', () => {
    expect(capturedLogLines.length).toBeGreaterThan(0);
    const secrets = new Set<string>([...forbiddenInLogs(), ...issuedTokens, ...extraSecrets()]);
    const leaks: string[] = [];
    for (const line of capturedLogLines) {
      for (const secret of secrets) {
        if (line.includes(secret)) leaks.push(`${secret.slice(0, 24)}… in ${line.slice(0, 200)}`);
      }
    }
    expect(leaks).toEqual([]);
  });
}

/** Fixture NHS numbers and every principal's and persona's name (and given/family names). */
export function forbiddenInLogs(): string[] {
  const values: string[] = [];
  for (const persona of Object.values(personas)) {
    values.push(persona.nhsNumber, `${persona.givenName} ${persona.familyName}`);
  }
  for (const principal of Object.values(principals)) values.push(principal.name);
  return values;
}

/** The i-th valid NHS number of a synthetic 999 range (998…) used only by tests. */
export function syntheticNhsNumber(i: number): string {
  for (let n = i; ; n++) {
    const first9 = `998${String(n).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(first9);
    if (check !== null) return `${first9}${check}`;
  }
}
