import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../memory-store.js';
import { AuthenticationError, AuthUnavailableError } from '../tokens.js';
import { cdsHooksAuthenticator, cdsServiceUrl } from './auth.js';
import type { CdsHooksTrustedEhr } from './trust.js';

const PUBLIC_URL = 'http://127.0.0.1:8080';
const NOW = new Date('2026-03-02T10:00:00Z');
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

interface KeyPair {
  privateKey: CryptoKey;
  jwk: JWK;
}
async function keyPair(alg: 'ES384' | 'RS384' | 'ES256', kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWK Set server on 127.0.0.1, as an EHR publishes its keys. */
async function jwksServer(keys: () => JWK[]): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: keys() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/jwks.json`, server };
}

describe('CDS Hooks authentication', () => {
  let es: KeyPair;
  let rs: KeyPair;
  let es256: KeyPair;
  let stranger: KeyPair;
  let ehrKeys: Awaited<ReturnType<typeof jwksServer>>;
  let attackerKeys: Awaited<ReturnType<typeof jwksServer>>;
  let ehr: CdsHooksTrustedEhr;

  beforeAll(async () => {
    es = await keyPair('ES384', 'ehr-es');
    rs = await keyPair('RS384', 'ehr-rs');
    es256 = await keyPair('ES256', 'ehr-es256');
    stranger = await keyPair('ES384', 'ehr-es');
    ehrKeys = await jwksServer(() => [es.jwk, rs.jwk, es256.jwk]);
    attackerKeys = await jwksServer(() => [stranger.jwk]);
    ehr = {
      iss: 'https://ehr.example/fhir',
      jwksUrl: ehrKeys.url,
      odsCode: 'RQXM1',
      orgName: 'Homerton Emergency Department',
      setting: 'unscheduled',
    };
  });
  afterAll(() => {
    ehrKeys.server.close();
    attackerKeys.server.close();
  });

  const sign = (
    key: KeyPair,
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
  ) =>
    new SignJWT({
      iss: ehr.iss,
      aud: cdsServiceUrl(PUBLIC_URL, 'cpis-patient-view'),
      exp: seconds(NOW) + 300,
      iat: seconds(NOW),
      jti: crypto.randomUUID(),
      ...claims,
    })
      .setProtectedHeader({ alg: key.jwk.alg as string, typ: 'JWT', kid: key.jwk.kid, ...header })
      .sign(key.privateKey);

  const authenticate = (token: string | null, now = NOW, store = new MemoryStore()) =>
    cdsHooksAuthenticator({ trust: [ehr] })(
      token === null ? null : `Bearer ${token}`,
      [cdsServiceUrl(PUBLIC_URL, 'cpis-patient-view')],
      now,
      store,
    );
  const refusal = async (promise: Promise<unknown>): Promise<string> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    return (error as Error).message;
  };

  it('accepts ES384 and RS384 tokens from a trusted EHR, verified against its JWK Set', async () => {
    await expect(authenticate(await sign(es))).resolves.toMatchObject({ ehr });
    await expect(authenticate(await sign(rs))).resolves.toMatchObject({ ehr });
  });

  it('accepts a JWT with the specification’s example header and claims (its tenant ignored)', async () => {
    const example = (name: string) =>
      JSON.parse(
        readFileSync(
          new URL(`../../../../test/fixtures/external/cds-hooks/${name}`, import.meta.url),
          'utf8',
        ),
      ) as Record<string, unknown>;
    const header = example('jwt-header-example.json');
    const claims = example('jwt-payload-example.json');
    expect(Object.keys(header).sort()).toEqual(['alg', 'jku', 'kid', 'typ']);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'tenant']);
    // The published key's private half is not carried, and its iss, aud and exp are another
    // deployment's: those are ours; the rest (jku, typ, iat, jti, tenant) as published.
    const token = await new SignJWT({
      ...claims,
      iss: ehr.iss,
      aud: cdsServiceUrl(PUBLIC_URL, 'cpis-patient-view'),
      exp: seconds(NOW) + 300,
    })
      .setProtectedHeader({ ...header, alg: 'ES384', kid: es.jwk.kid } as { alg: string })
      .sign(es.privateKey);
    await expect(authenticate(token)).resolves.toMatchObject({ ehr, jti: claims['jti'] });
  });

  it('refuses a missing token, a token that is not a JWT, and one from an EHR nobody trusts', async () => {
    expect(await refusal(authenticate(null))).toMatch(/required/);
    expect(await refusal(authenticate('not-a-jwt'))).toMatch(/not a JWT/);
    expect(
      await refusal(authenticate(await sign(es, { iss: 'https://other-ehr.example' }))),
    ).toMatch(/not from an EHR this service trusts/);
  });

  it('refuses a token for another service, or for this service at another public URL', async () => {
    const other = await sign(es, { aud: cdsServiceUrl(PUBLIC_URL, 'cpis-encounter-start') });
    expect(await refusal(authenticate(other))).toMatch(/aud/);
    const elsewhere = await sign(es, {
      aud: cdsServiceUrl('https://cpis.example', 'cpis-patient-view'),
    });
    expect(await refusal(authenticate(elsewhere))).toMatch(/aud/);
  });

  it('allows under 60 seconds of clock skew past exp, and not 61', async () => {
    const token = () => sign(es, { exp: seconds(NOW) });
    await expect(
      authenticate(await token(), new Date(NOW.getTime() + 59_000)),
    ).resolves.toBeDefined();
    expect(await refusal(authenticate(await token(), new Date(NOW.getTime() + 61_000)))).toMatch(
      /expired/,
    );
  });

  it('refuses a token without exp or jti, or one that lives over an hour', async () => {
    const noExp = await new SignJWT({
      iss: ehr.iss,
      aud: cdsServiceUrl(PUBLIC_URL, 'cpis-patient-view'),
      jti: 'j',
    })
      .setProtectedHeader({ alg: 'ES384', kid: 'ehr-es' })
      .sign(es.privateKey);
    expect(await refusal(authenticate(noExp))).toMatch(/exp/);
    expect(await refusal(authenticate(await sign(es, { jti: undefined })))).toMatch(/jti/);
    expect(await refusal(authenticate(await sign(es, { exp: seconds(NOW) + 3601 })))).toMatch(
      /too long/,
    );
  });

  it('refuses algorithms other than ES384 and RS384, and a signature by another key', async () => {
    expect(await refusal(authenticate(await sign(es256)))).toMatch(/algorithm/);
    expect(await refusal(authenticate(await sign(stranger)))).toMatch(/signature/);
  });

  it('ignores a jku header that names another JWK Set, and accepts one that names the trusted one', async () => {
    // Signed with the attacker's key, which their own JWK Set (at jku) would vouch for.
    const forged = await sign(stranger, {}, { jku: attackerKeys.url });
    expect(await refusal(authenticate(forged))).toMatch(/signature/);
    await expect(authenticate(await sign(es, {}, { jku: ehr.jwksUrl }))).resolves.toMatchObject({
      ehr,
    });
  });

  it('refuses a reused jti with 401 until its token has expired', async () => {
    const store = new MemoryStore();
    const token = await sign(es, { jti: 'once' });
    await expect(authenticate(token, NOW, store)).resolves.toMatchObject({ jti: 'once' });
    expect(await refusal(authenticate(token, NOW, store))).toMatch(/used before/);
    expect(await refusal(authenticate(token, new Date(NOW.getTime() + 300_000), store))).toMatch(
      /used before/,
    );
  });

  it('answers 503, not 401, when the EHR JWK Set cannot be fetched', async () => {
    const closed = await jwksServer(() => []);
    closed.server.close();
    const unreachable = { ...ehr, jwksUrl: closed.url };
    const error = await cdsHooksAuthenticator({ trust: [unreachable] })(
      `Bearer ${await sign(es)}`,
      [cdsServiceUrl(PUBLIC_URL, 'cpis-patient-view')],
      NOW,
      new MemoryStore(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthUnavailableError);
  });
});
