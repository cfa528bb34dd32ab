import { SignJWT, UnsecuredJWT, jwtVerify } from 'jose';
import type { components } from '@cpis/domain';

export type TokenClaims = components['schemas']['TokenClaims'];
type DevTokenRequest = components['schemas']['DevTokenRequest'];

/** Who a token is for: the body of `POST /v1/dev/tokens` (a fixtures `DevPrincipal` fits). */
export type TokenPrincipal = Omit<DevTokenRequest, 'activities'> & {
  activities: readonly string[];
};

/** The ways a token can fail to authenticate, one per row of the contract's access table. */
export type TokenFlaw =
  'expired' | 'bad-signature' | 'alg-none' | 'wrong-audience' | 'wrong-issuer';

export interface TokenOptions {
  /** Issue a token that the mock (and the server) must refuse with 401. */
  flaw?: TokenFlaw;
  /** Lifetime in seconds; 12 hours unless set. */
  expiresInSeconds?: number;
}

export const MOCK_TOKEN_ISSUER = 'cpis-mock';
export const MOCK_TOKEN_AUDIENCE = 'cpis';
/** The mock's HS256 secret. Public on purpose: these tokens only ever open the mock. */
export const MOCK_TOKEN_SECRET = 'cpis-mock-hs256-secret-for-tests-only-never-production';

const TWELVE_HOURS = 12 * 60 * 60;

/**
 * The HS256 key as a Web Crypto `CryptoKey`, made on first use. jose recognises a
 * `CryptoKey` by its tag, in any realm; a `Uint8Array` key it recognises by `instanceof`,
 * which fails under jsdom, where `TextEncoder` and the global `Uint8Array` come from
 * different realms ("Received an instance of Uint8Array").
 */
function hmacKey(text: string): () => Promise<CryptoKey> {
  let key: Promise<CryptoKey> | undefined;
  return () =>
    (key ??= crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(text),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    ));
}
const secret = hmacKey(MOCK_TOKEN_SECRET);
const wrongSecret = hmacKey(`${MOCK_TOKEN_SECRET}-but-not-quite`);

/** `sub` when none is given: stable for the same name and organisation. */
export function defaultSub(principal: Pick<TokenPrincipal, 'name' | 'odsCode'>): string {
  const slug = principal.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `dev:${principal.odsCode}:${slug}`;
}

/** The claims a token for `principal` carries, issued at `now`. */
export function claimsFor(
  principal: TokenPrincipal,
  now: Date,
  options: TokenOptions = {},
): TokenClaims {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const lifetime = options.expiresInSeconds ?? TWELVE_HOURS;
  return {
    sub: principal.sub ?? defaultSub(principal),
    name: principal.name,
    role: principal.role,
    orgType: principal.orgType,
    odsCode: principal.odsCode,
    orgName: principal.orgName,
    activities: [...principal.activities],
    iss: options.flaw === 'wrong-issuer' ? 'someone-else' : MOCK_TOKEN_ISSUER,
    aud: options.flaw === 'wrong-audience' ? 'not-cpis' : MOCK_TOKEN_AUDIENCE,
    exp: options.flaw === 'expired' ? issuedAt - 60 : issuedAt + lifetime,
  };
}

/** A bearer token for `principal`, HS256-signed with the mock secret unless `flaw` says otherwise. */
export async function signMockToken(
  principal: TokenPrincipal,
  now: Date,
  options: TokenOptions = {},
): Promise<string> {
  const { iss, aud, exp, ...claims } = claimsFor(principal, now, options);
  const issuedAt = Math.floor(now.getTime() / 1000);
  if (options.flaw === 'alg-none') {
    return new UnsecuredJWT(claims)
      .setIssuer(iss)
      .setAudience(aud)
      .setIssuedAt(issuedAt)
      .setExpirationTime(exp)
      .encode();
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(iss)
    .setAudience(aud)
    .setIssuedAt(issuedAt)
    .setExpirationTime(exp)
    .sign(await (options.flaw === 'bad-signature' ? wrongSecret : secret)());
}

const REQUIRED_CLAIMS = ['sub', 'name', 'role', 'orgType', 'odsCode', 'orgName', 'activities'];

/**
 * The claims of a valid mock token, or `undefined`: verified as the server verifies —
 * HS256 only (so `alg: none` fails), `iss`, `aud` and `exp` checked against `now`.
 */
export async function verifyMockToken(token: string, now: Date): Promise<TokenClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, await secret(), {
      algorithms: ['HS256'],
      issuer: MOCK_TOKEN_ISSUER,
      audience: MOCK_TOKEN_AUDIENCE,
      currentDate: now,
      requiredClaims: ['exp', ...REQUIRED_CLAIMS],
    });
    return isTokenClaims(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}

function isTokenClaims(payload: Record<string, unknown>): payload is TokenClaims {
  const { orgType, activities } = payload;
  return (
    ['sub', 'name', 'role', 'odsCode', 'orgName'].every((k) => typeof payload[k] === 'string') &&
    (orgType === 'health' || orgType === 'local-authority') &&
    Array.isArray(activities) &&
    activities.every((a) => typeof a === 'string')
  );
}
