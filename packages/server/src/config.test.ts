import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, DEVELOPMENT_JWT_SECRET, describeCors, loadConfig } from './config.js';

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

  it('defaults CPIS_PUBLIC_URL to http://{HOST}:{PORT} and trusts no CDS Hooks EHR unless told', () => {
    expect(loadConfig({ HOST: '10.0.0.5', PORT: '9000' })).toMatchObject({
      publicUrl: 'http://10.0.0.5:9000',
      cdsHooksTrust: [],
      cdsHooksBannerUrl: 'http://10.0.0.5:9000/epr-patient-view/',
    });
    expect(loadConfig({ HOST: '::1' }).publicUrl).toBe('http://[::1]:8080');
    expect(loadConfig({ CPIS_PUBLIC_URL: 'https://cpis.example.nhs.uk/' }).publicUrl).toBe(
      'https://cpis.example.nhs.uk',
    );
  });

  it('reads the trusted CDS Hooks EHRs from CPIS_CDS_HOOKS_TRUST', () => {
    const ehr = {
      iss: 'https://ehr.example/fhir',
      jwksUrl: 'https://ehr.example/.well-known/jwks.json',
      odsCode: 'RQXM1',
      orgName: 'Homerton Emergency Department',
      setting: 'unscheduled',
    };
    expect(loadConfig({ CPIS_CDS_HOOKS_TRUST: JSON.stringify([ehr]) }).cdsHooksTrust).toEqual([
      ehr,
    ]);
  });

  it.each([
    ['not json', /is not JSON/],
    ['{}', /must be a JSON array/],
    ['[1]', /entry 1 is not an object/],
    [
      '[{"iss":"a","jwksUrl":"https://e.example/k","odsCode":"RQXM1","orgName":"A"}]',
      /entry 1: setting must be/,
    ],
    [
      '[{"iss":"a","jwksUrl":"https://e.example/k","odsCode":"RQXM1","orgName":"A","setting":"ward"}]',
      /setting must be "unscheduled" or "scheduled"/,
    ],
    [
      '[{"iss":"a","jwksUrl":"http://e.example/k","odsCode":"RQXM1","orgName":"A","setting":"scheduled"}]',
      /jwksUrl must be https/,
    ],
    [
      '[{"iss":"a","jwksUrl":"nope","odsCode":"RQXM1","orgName":"A","setting":"scheduled"}]',
      /jwksUrl is not a URL/,
    ],
    [
      '[{"iss":"a","jwksUrl":"https://e.example/k","odsCode":"rq x","orgName":"A","setting":"scheduled"}]',
      /odsCode must be an ODS code/,
    ],
    [
      '[{"iss":"a","jwksUrl":"https://e.example/k","odsCode":"RQXM1","orgName":"","setting":"scheduled"}]',
      /orgName must be text/,
    ],
    [
      '[{"iss":"a","jwksUrl":"https://e.example/k","odsCode":"RQXM1","orgName":"A","setting":"scheduled","role":"x"}]',
      /unknown field\(s\) role/,
    ],
    [
      '[{"iss":"a","jwksUrl":"https://e.example/k","odsCode":"RQXM1","orgName":"A","setting":"scheduled"},{"iss":"a","jwksUrl":"https://e.example/k","odsCode":"RQXM1","orgName":"A","setting":"scheduled"}]',
      /entry 2: iss "a" is listed twice/,
    ],
  ])('refuses CPIS_CDS_HOOKS_TRUST %s, saying what is wrong', (value, message) => {
    const error = refusal({ CPIS_CDS_HOOKS_TRUST: value });
    expect(error.variable).toBe('CPIS_CDS_HOOKS_TRUST');
    expect(error.message).toMatch(message);
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
    [{ CPIS_PUBLIC_URL: 'cpis.example' }, 'CPIS_PUBLIC_URL'],
    [{ CPIS_PUBLIC_URL: 'ftp://cpis.example' }, 'CPIS_PUBLIC_URL'],
    [{ CPIS_PUBLIC_URL: 'https://cpis.example/?x=1' }, 'CPIS_PUBLIC_URL'],
    [{ CPIS_CDS_HOOKS_BANNER_URL: 'javascript:alert(1)' }, 'CPIS_CDS_HOOKS_BANNER_URL'],
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

describe('describeCors: the start-up line about CORS', () => {
  it('says CORS is off, and which variable turns it on, when CORS_ORIGINS is unset', () => {
    const line = describeCors(loadConfig({}).corsOrigins);
    expect(line).toMatch(/^off: /);
    expect(line).toContain('CORS_ORIGINS');
  });

  it('names every allowed origin when CORS is on', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://ehr.example, http://localhost:5173' });
    expect(describeCors(config.corsOrigins)).toBe(
      'on for https://ehr.example, http://localhost:5173',
    );
  });

  it('says any origin may call when CORS_ORIGINS is *', () => {
    expect(describeCors(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins)).toBe(
      'on for any origin (CORS_ORIGINS=*)',
    );
  });
});

describe('the README documents every setting', () => {
  it('has a row in its settings table for every variable loadConfig reads', () => {
    const source = readFileSync(fileURLToPath(new URL('./config.ts', import.meta.url)), 'utf8');
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const variables = new Set(
      [...source.matchAll(/\b(?:get|integer)\(\s*'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]),
    );
    expect(variables.size).toBeGreaterThanOrEqual(14);
    const undocumented = [...variables].filter((v) => !readme.includes(`| \`${v}\` |`));
    expect(undocumented).toEqual([]);
  });
});
