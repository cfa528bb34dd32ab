/**
 * Configuration from the environment (twelve-factor). Every problem names the variable
 * that caused it, so a refused start says exactly what to fix.
 */
import { existsSync } from 'node:fs';
import { STREAM_HEARTBEAT_MS } from '@cpis/domain';
import {
  CdsHooksTrustError,
  isLoopback,
  parseCdsHooksTrust,
  type CdsHooksTrustedEhr,
} from '@cpis/service';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ServerMode = 'development' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type JwtVerification =
  /** Development: HS256 with a shared secret; the server also signs `/v1/dev/tokens`. */
  | { kind: 'secret'; secret: string }
  /** A PEM (SPKI) or JWK public key. */
  | { kind: 'public-key'; key: string }
  /** A JWKS URL, fetched and cached by jose. */
  | { kind: 'jwks'; url: string };

export type DatabaseConfig =
  /** The embedded default. */
  | {
      engine: 'sqlite';
      /** A file path, or `:memory:`. */
      sqlitePath: string;
    }
  /** `DATABASE_URL` is set: one PostgreSQL shared by any number of server instances. */
  | {
      engine: 'postgres';
      /** `postgres://user:password@host:port/database…`; it holds a password: never log it. */
      url: string;
      /** Connections this instance may open (`CPIS_DATABASE_POOL_SIZE`). */
      poolSize: number;
    };

export interface ServerConfig {
  mode: ServerMode;
  port: number;
  host: string;
  /**
   * Where callers reach this server (`CPIS_PUBLIC_URL`, default `http://{HOST}:{PORT}`),
   * without a trailing slash: a CDS Hooks JWT's `aud` is this + `/cds-services/{id}`.
   */
  publicUrl: string;
  database: DatabaseConfig;
  jwt: {
    verification: JwtVerification;
    issuer: string;
    audience: string;
  };
  /**
   * The EHRs trusted to call the CDS Hooks services (`CPIS_CDS_HOOKS_TRUST`). Empty: in
   * production no EHR may call; in development the built-in development EHRs may.
   */
  cdsHooksTrust: CdsHooksTrustedEhr[];
  /**
   * The page a CDS Hooks card's link opens: the deployment's banner view, given the NHS
   * number in its fragment (`CPIS_CDS_HOOKS_BANNER_URL`; the example patient view unless set).
   */
  cdsHooksBannerUrl: string;
  /** Requests a minute per user (token `sub`; the client IP without one). */
  rateLimitPerMinute: number;
  /** Allowed browser origins; empty turns CORS off. `*` allows any. */
  corsOrigins: string[];
  logLevel: LogLevel;
  /** Seed the synthetic population when the database is empty (development only). */
  seed: boolean;
  /** Served at `/` in development mode; `null` serves nothing. */
  examplesDir: string | null;
  /** Milliseconds between keep-alive comments on a notification stream. */
  streamHeartbeatMs: number;
  /**
   * Live notification streams one user (token `sub`) may hold open on this instance
   * (`CPIS_MAX_STREAMS_PER_USER`, default 10); one more is 429 with `Retry-After`.
   */
  maxStreamsPerUser: number;
  /**
   * Milliseconds a client has to send a whole request, headers and body
   * (`CPIS_REQUEST_TIMEOUT_MS`, default 30,000); later, 408 and the connection is closed.
   */
  requestTimeoutMs: number;
  /**
   * Milliseconds a client has to send the request headers (`CPIS_HEADERS_TIMEOUT_MS`,
   * default 30,000, at most the request time-out).
   */
  headersTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** The development secret: it signs tokens anyone can mint, so it is never used in production. */
export const DEVELOPMENT_JWT_SECRET = 'cpis-development-only-secret-do-not-use-in-production';
export const DEVELOPMENT_ISSUER = 'urn:cpis:dev';
export const DEVELOPMENT_AUDIENCE = 'urn:cpis:api';

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** The repository (or installed package) root: the nearest folder holding `openapi/cpis.yaml`. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'openapi', 'cpis.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return process.cwd();
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the configuration from `env`; throws a `ConfigError` naming the first bad variable. */
export function loadConfig(env: Env = process.env): ServerConfig {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const modeValue = get('CPIS_MODE') ?? 'development';
  if (modeValue !== 'development' && modeValue !== 'production') {
    throw new ConfigError('CPIS_MODE', `must be "development" or "production", not "${modeValue}"`);
  }
  const mode: ServerMode = modeValue;
  const production = mode === 'production';

  const port = integer('PORT', get('PORT'), 8080, 0, 65535);
  const host = get('HOST') ?? '127.0.0.1';

  const publicUrl = publicUrlConfig(get('CPIS_PUBLIC_URL'), host, port);
  let cdsHooksTrust: CdsHooksTrustedEhr[] = [];
  const trust = get('CPIS_CDS_HOOKS_TRUST');
  if (trust !== undefined) {
    try {
      cdsHooksTrust = parseCdsHooksTrust(trust);
    } catch (error) {
      if (error instanceof CdsHooksTrustError) {
        throw new ConfigError('CPIS_CDS_HOOKS_TRUST', error.message);
      }
      throw error;
    }
  }

  const cdsHooksBannerUrl = get('CPIS_CDS_HOOKS_BANNER_URL') ?? `${publicUrl}/epr-patient-view/`;
  httpUrl('CPIS_CDS_HOOKS_BANNER_URL', cdsHooksBannerUrl);

  const root = repoRoot();
  const database = databaseConfig(get, root);

  const secret = get('CPIS_JWT_SECRET');
  const publicKey = get('CPIS_JWT_PUBLIC_KEY');
  const jwksUrl = get('CPIS_JWKS_URL');
  const configured = [
    secret && 'CPIS_JWT_SECRET',
    publicKey && 'CPIS_JWT_PUBLIC_KEY',
    jwksUrl && 'CPIS_JWKS_URL',
  ].filter(Boolean);
  if (configured.length > 1) {
    throw new ConfigError(configured[1] as string, `set only one of ${configured.join(', ')}`);
  }

  let verification: JwtVerification;
  if (jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new ConfigError('CPIS_JWKS_URL', 'is not a URL');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      throw new ConfigError('CPIS_JWKS_URL', 'must be https (http only on a loopback address)');
    }
    verification = { kind: 'jwks', url: url.href };
  } else if (publicKey !== undefined) {
    verification = { kind: 'public-key', key: publicKey.replace(/\\n/g, '\n') };
  } else if (secret !== undefined) {
    if (production) {
      throw new ConfigError(
        'CPIS_JWT_SECRET',
        'a shared secret is for development only; in production set CPIS_JWKS_URL or CPIS_JWT_PUBLIC_KEY',
      );
    }
    if (secret.length < 32)
      throw new ConfigError('CPIS_JWT_SECRET', 'must be at least 32 characters');
    verification = { kind: 'secret', secret };
  } else if (production) {
    throw new ConfigError(
      'CPIS_JWKS_URL',
      'production mode needs CPIS_JWKS_URL or CPIS_JWT_PUBLIC_KEY to verify tokens',
    );
  } else {
    verification = { kind: 'secret', secret: DEVELOPMENT_JWT_SECRET };
  }

  const issuer = get('CPIS_JWT_ISSUER') ?? (production ? undefined : DEVELOPMENT_ISSUER);
  if (issuer === undefined) {
    throw new ConfigError('CPIS_JWT_ISSUER', 'production mode needs the expected token issuer');
  }
  const audience = get('CPIS_JWT_AUDIENCE') ?? (production ? undefined : DEVELOPMENT_AUDIENCE);
  if (audience === undefined) {
    throw new ConfigError('CPIS_JWT_AUDIENCE', 'production mode needs the expected token audience');
  }

  const rateLimitPerMinute = integer(
    'CPIS_RATE_LIMIT_PER_MINUTE',
    get('CPIS_RATE_LIMIT_PER_MINUTE'),
    300,
    1,
    1_000_000,
  );

  const corsOrigins = (get('CORS_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of corsOrigins) {
    if (origin === '*') continue;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(
        'CORS_ORIGINS',
        `"${origin}" is not an origin like https://ehr.example`,
      );
    }
    if (parsed.origin !== origin) {
      throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin (scheme://host[:port])`);
    }
  }

  const logLevel = (get('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const maxStreamsPerUser = integer(
    'CPIS_MAX_STREAMS_PER_USER',
    get('CPIS_MAX_STREAMS_PER_USER'),
    10,
    1,
    10_000,
  );
  const requestTimeoutMs = integer(
    'CPIS_REQUEST_TIMEOUT_MS',
    get('CPIS_REQUEST_TIMEOUT_MS'),
    30_000,
    1_000,
    600_000,
  );
  const headersTimeoutMs = integer(
    'CPIS_HEADERS_TIMEOUT_MS',
    get('CPIS_HEADERS_TIMEOUT_MS'),
    Math.min(30_000, requestTimeoutMs),
    1_000,
    600_000,
  );
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      'CPIS_HEADERS_TIMEOUT_MS',
      `must be at most CPIS_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  }

  const examples = join(root, 'examples');
  return {
    mode,
    port,
    host,
    publicUrl,
    database,
    jwt: { verification, issuer, audience },
    cdsHooksTrust,
    cdsHooksBannerUrl,
    rateLimitPerMinute,
    corsOrigins,
    logLevel,
    seed: !production,
    examplesDir: !production && existsSync(examples) ? examples : null,
    streamHeartbeatMs: STREAM_HEARTBEAT_MS,
    maxStreamsPerUser,
    requestTimeoutMs,
    headersTimeoutMs,
  };
}

function databaseConfig(get: (name: string) => string | undefined, root: string): DatabaseConfig {
  const url = get('DATABASE_URL');
  const sqlitePath = get('CPIS_SQLITE_PATH');
  const poolSize = integer('CPIS_DATABASE_POOL_SIZE', get('CPIS_DATABASE_POOL_SIZE'), 10, 2, 1000);
  if (url === undefined) {
    const path = sqlitePath ?? join(root, 'data', 'cpis.sqlite');
    return { engine: 'sqlite', sqlitePath: path === ':memory:' ? path : resolve(path) };
  }
  if (sqlitePath !== undefined) {
    throw new ConfigError(
      'CPIS_SQLITE_PATH',
      'is for the embedded SQLite database; unset it, or unset DATABASE_URL to use SQLite',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Never echo the value: it may hold a password.
    throw new ConfigError('DATABASE_URL', 'is not a URL like postgres://user:password@host/db');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }
  return { engine: 'postgres', url, poolSize };
}

function integer(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value))
    throw new ConfigError(name, `must be a whole number, not "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}`);
  return n;
}

/** `value` as an http or https URL, or a ConfigError naming the variable. */
function httpUrl(name: string, value: string, notAUrl = 'must be an http or https URL'): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, notAUrl);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(name, 'must be an http or https URL');
  }
  return url;
}

function publicUrlConfig(value: string | undefined, host: string, port: number): string {
  if (value === undefined) {
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }
  const url = httpUrl('CPIS_PUBLIC_URL', value, 'is not a URL like https://cpis.example.nhs.uk');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError('CPIS_PUBLIC_URL', 'must have no query, fragment or credentials');
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * The start-up line about CORS. With it off, a page on another origin sees only `failed`
 * and the reason is in its browser console, so the server says so where it starts.
 */
export function describeCors(corsOrigins: readonly string[]): string {
  if (corsOrigins.length === 0) {
    return 'off: pages on other origins cannot call the API (set CORS_ORIGINS to allow them)';
  }
  if (corsOrigins.includes('*')) return 'on for any origin (CORS_ORIGINS=*)';
  return `on for ${corsOrigins.join(', ')}`;
}
