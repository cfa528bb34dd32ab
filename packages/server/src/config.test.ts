import { describe, expect, it } from 'vitest';
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from './config.js';

const PEM = '-----BEGIN PUBLIC KEY-----\\nMFkw\\n-----END PUBLIC KEY-----';
const production = {
  CPIS_MODE: 'production',
  CPIS_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
  CPIS_JWT_ISSUER: 'https://idp.example',
  CPIS_JWT_AUDIENCE: 'cpis',
};

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('loadConfig', () => {
  it('defaults to development on 127.0.0.1:8080 with SQLite in <repo>/data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: 'development',
      port: 8080,
      host: '127.0.0.1',
      rateLimitPerMinute: 300,
      corsOrigins: [],
      logLevel: 'info',
      seed: true,
      streamHeartbeatMs: 15_000,
      maxStreamsPerUser: 10,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 30_000,
      jwt: { verification: { kind: 'secret', secret: DEVELOPMENT_JWT_SECRET } },
    });
    expect(config.database).toMatchObject({ engine: 'sqlite' });
    expect(config.database.engine === 'sqlite' && config.database.sqlitePath).toMatch(
      /[/\\]data[/\\]cpis\.sqlite$/,
    );
  });

  it('uses PostgreSQL when DATABASE_URL is set, with a pool of CPIS_DATABASE_POOL_SIZE', () => {
    const url = 'postgres://cpis:secret@db.internal:5432/cpis?sslmode=require';
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({
      engine: 'postgres',
      url,
      poolSize: 10,
    });
    expect(
      loadConfig({ DATABASE_URL: 'postgresql:///cpis', CPIS_DATABASE_POOL_SIZE: '25' }).database,
    ).toEqual({ engine: 'postgres', url: 'postgresql:///cpis', poolSize: 25 });
  });

  it('never repeats a refused DATABASE_URL, which may hold a password', () => {
    const error = refusal({ DATABASE_URL: 'mysql://root:hunter2@db/cpis' });
    expect(error.variable).toBe('DATABASE_URL');
    expect(error.message).not.toContain('hunter2');
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      CPIS_SQLITE_PATH: ':memory:',
      CPIS_JWT_SECRET: 's'.repeat(32),
      CPIS_JWT_ISSUER: 'iss',
      CPIS_JWT_AUDIENCE: 'aud',
      CPIS_RATE_LIMIT_PER_MINUTE: '60',
      CORS_ORIGINS: 'https://a.example, http://localhost:3000',
      LOG_LEVEL: 'warn',
      CPIS_MAX_STREAMS_PER_USER: '3',
      CPIS_REQUEST_TIMEOUT_MS: '20000',
      CPIS_HEADERS_TIMEOUT_MS: '5000',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      database: { sqlitePath: ':memory:' },
      jwt: {
        verification: { kind: 'secret', secret: 's'.repeat(32) },
        issuer: 'iss',
        audience: 'aud',
      },
      rateLimitPerMinute: 60,
      corsOrigins: ['https://a.example', 'http://localhost:3000'],
      logLevel: 'warn',
      maxStreamsPerUser: 3,
      requestTimeoutMs: 20_000,
      headersTimeoutMs: 5_000,
    });
  });

  it('refuses a headers time-out longer than the request time-out, and a stream cap of 0', () => {
    expect(
      refusal({ CPIS_REQUEST_TIMEOUT_MS: '5000', CPIS_HEADERS_TIMEOUT_MS: '6000' }).variable,
    ).toBe('CPIS_HEADERS_TIMEOUT_MS');
    expect(refusal({ CPIS_MAX_STREAMS_PER_USER: '0' }).variable).toBe('CPIS_MAX_STREAMS_PER_USER');
  });

  it('runs production with a JWKS URL or a public key, never seeding or serving examples', () => {
    expect(loadConfig(production)).toMatchObject({
      mode: 'production',
      seed: false,
      examplesDir: null,
    });
    const withKey = loadConfig({ ...production, CPIS_JWKS_URL: '', CPIS_JWT_PUBLIC_KEY: PEM });
    expect(withKey.jwt.verification).toEqual({
      kind: 'public-key',
      key: PEM.replace(/\\n/g, '\n'),
    });
  });

  it.each([
    [{ CPIS_MODE: 'prod' }, 'CPIS_MODE'],
    [{ PORT: '80a' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://db/cpis' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://db/cpis', CPIS_SQLITE_PATH: 'x.sqlite' }, 'CPIS_SQLITE_PATH'],
    [{ CPIS_DATABASE_POOL_SIZE: '1' }, 'CPIS_DATABASE_POOL_SIZE'],
    [{ CPIS_JWT_SECRET: 'short' }, 'CPIS_JWT_SECRET'],
    [{ CPIS_RATE_LIMIT_PER_MINUTE: '0' }, 'CPIS_RATE_LIMIT_PER_MINUTE'],
    [{ CORS_ORIGINS: 'ehr.example' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://ehr.example/path' }, 'CORS_ORIGINS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ CPIS_MODE: 'production' }, 'CPIS_JWKS_URL'],
    [{ ...production, CPIS_JWT_ISSUER: '' }, 'CPIS_JWT_ISSUER'],
    [{ ...production, CPIS_JWT_AUDIENCE: '' }, 'CPIS_JWT_AUDIENCE'],
    [{ ...production, CPIS_JWKS_URL: 'http://idp.example/jwks' }, 'CPIS_JWKS_URL'],
    [{ ...production, CPIS_JWKS_URL: 'not a url' }, 'CPIS_JWKS_URL'],
    [{ ...production, CPIS_JWKS_URL: '', CPIS_JWT_SECRET: 's'.repeat(40) }, 'CPIS_JWT_SECRET'],
    [{ ...production, CPIS_JWT_PUBLIC_KEY: PEM }, 'CPIS_JWKS_URL'],
  ])('refuses %j naming %s', (env, variable) => {
    const error = refusal(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
  });
});
