import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  AuthUnavailableError,
  createAuth,
  defaultSubject,
  type Auth,
} from './auth.js';
import type { JwtVerification } from './config.js';
const ISSUER = 'https://idp.example';
const AUDIENCE = 'cpis';
const claims = {
  sub: 'u-1',
  name: 'Test Nurse',
  role: 'Nurse',
  orgType: 'health',
  odsCode: 'RQXM1',
  orgName: 'Homerton',
  activities: ['B0107'],
};

const auth = (verification: JwtVerification): Promise<Auth> =>
  createAuth({
    verification,
    issuer: ISSUER,
    audience: AUDIENCE,
    now: () => new Date(),
  });

async function refusal(a: Auth, token: string): Promise<string> {
  try {
    await a.verify(`Bearer ${token}`);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthenticationError);
    return (error as Error).message;
  }
  throw new Error('the token was accepted');
}

const jwt = (payload: Record<string, unknown> = claims) =>
  new SignJWT(payload)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h');

describe('development mode (HS256)', () => {
  const secret = 'a-development-secret-of-enough-length';
  const key = new TextEncoder().encode(secret);

  it('signs a token it then verifies, with the contract claims', async () => {
    const a = await auth({ kind: 'secret', secret });
    const signed = await a.sign?.({
      name: 'Ann Lee',
      orgType: 'health',
      odsCode: 'RQXM1',
      orgName: 'H',
      role: 'N',
      activities: ['B0170'],
    });
    expect(signed?.claims).toMatchObject({
      sub: 'ann-lee@rqxm1',
      iss: ISSUER,
      aud: AUDIENCE,
      activities: ['B0170'],
    });
    const principal = await a.verify(`Bearer ${signed?.token}`);
    expect(principal).toEqual({
      sub: 'ann-lee@rqxm1',
      name: 'Ann Lee',
      role: 'N',
      orgType: 'health',
      odsCode: 'RQXM1',
      orgName: 'H',
      activities: ['B0170'],
    });
  });

  it('refuses no token, a token for another audience or issuer, an expired one and a bad signature', async () => {
    const a = await auth({ kind: 'secret', secret });
    await expect(a.verify(undefined)).rejects.toThrow(AuthenticationError);
    await expect(a.verify('Basic abc')).rejects.toThrow(AuthenticationError);
    const otherAudience = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience('x')
      .setExpirationTime('1h')
      .sign(key);
    expect(await refusal(a, otherAudience)).toMatch(/aud/);
    const otherIssuer = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('x')
      .setAudience(AUDIENCE)
      .setExpirationTime('1h')
      .sign(key);
    expect(await refusal(a, otherIssuer)).toMatch(/iss/);
    const expired = await jwt()
      .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(key);
    expect(await refusal(a, expired)).toMatch(/expired/);
    const forged = await jwt()
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('another-secret-another-secret-xx'));
    expect(await refusal(a, forged)).toMatch(/signature/);
  });

  it('accepts an aud array that holds our audience (RFC 7519), and refuses one that does not', async () => {
    const a = await auth({ kind: 'secret', secret });
    const withAudiences = (aud: string[]) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setAudience(aud)
        .setExpirationTime('1h')
        .sign(key);
    const principal = await a.verify(`Bearer ${await withAudiences(['another-api', AUDIENCE])}`);
    expect(principal.sub).toBe('u-1');
    expect(await refusal(a, await withAudiences(['another-api', 'x']))).toMatch(/aud/);
  });

  it('refuses a token without exp', async () => {
    const a = await auth({ kind: 'secret', secret });
    const noExp = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(key);
    await refusal(a, noExp);
  });

  it('refuses alg none and algorithms outside the allow-list', async () => {
    const a = await auth({ kind: 'secret', secret });
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const unsigned = `${b64({ alg: 'none' })}.${b64({ ...claims, iss: ISSUER, aud: AUDIENCE, exp })}.`;
    expect(await refusal(a, unsigned)).toMatch(/algorithm|not valid/);
    const hs512 = await jwt()
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new TextEncoder().encode(secret.repeat(2)));
    expect(await refusal(a, hs512)).toMatch(/algorithm/);
  });

  it.each([
    ['orgType outside the enum', { orgType: 'pharmacy' }],
    ['a malformed ODS code', { odsCode: 'rqxm1' }],
    ['activities that are not codes', { activities: ['unscheduled'] }],
    ['a missing name', { name: undefined }],
    ['a name over 200 characters', { name: 'n'.repeat(201) }],
    ['an empty sub', { sub: '' }],
  ])('refuses claims with %s', async (_title, change) => {
    const a = await auth({ kind: 'secret', secret });
    const token = await jwt({ ...claims, ...change })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(key);
    await refusal(a, token);
  });
});

describe('production mode (public keys)', () => {
  it('verifies with a PEM public key, refusing HS256 signed with that key (algorithm confusion)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const pem = await exportSPKI(publicKey);
    const a = await auth({ kind: 'public-key', key: pem });
    expect(a.sign).toBeNull();
    const good = await jwt().setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    expect((await a.verify(`Bearer ${good}`)).sub).toBe('u-1');
    const confused = await jwt()
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(pem));
    await refusal(a, confused);
  });

  it('verifies with a JWK public key', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const a = await auth({ kind: 'public-key', key: JSON.stringify(await exportJWK(publicKey)) });
    const good = await jwt().setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    expect((await a.verify(`Bearer ${good}`)).odsCode).toBe('RQXM1');
  });

  describe('a JWKS URL', () => {
    let server: Server;
    let url: string;
    let privateKey: CryptoKey;
    beforeAll(async () => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      privateKey = pair.privateKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
      server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('verifies a token signed by a key in the set, and refuses an unknown key', async () => {
      const a = await auth({ kind: 'jwks', url });
      const good = await jwt().setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
      expect((await a.verify(`Bearer ${good}`)).sub).toBe('u-1');
      const other = await generateKeyPair('ES256');
      const stranger = await jwt()
        .setProtectedHeader({ alg: 'ES256', kid: 'k2' })
        .sign(other.privateKey);
      await refusal(a, stranger);
    });

    it('says "unavailable", not "unauthenticated", when the key set cannot be fetched', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const a = await auth({ kind: 'jwks', url: `http://127.0.0.1:${port}/jwks.json` });
      const token = await jwt().setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
      await expect(a.verify(`Bearer ${token}`)).rejects.toBeInstanceOf(AuthUnavailableError);
    });
  });
});

describe('defaultSubject', () => {
  it('is a stable slug of the name and the organisation', () => {
    expect(defaultSubject('Dr Sam Okoye', 'RQXM1')).toBe('dr-sam-okoye@rqxm1');
    expect(defaultSubject('Zoë  Ñúñez', '211')).toBe('zoe-nunez@211');
    expect(defaultSubject('***', '211')).toBe('user@211');
  });
});
