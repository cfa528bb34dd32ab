/**
 * The mock's bearer tokens: HS256 with a public secret (they only ever open the mock),
 * verified by the core as the server verifies its own. `tokenFor` can also make the
 * tokens the contract's access table says must be refused.
 */
import { SignJWT, UnsecuredJWT } from 'jose';
import { devTokenClaims, hs256Tokens, type TokenClaims } from '@cpis/service';
import type { components } from '@cpis/domain';

export type { TokenClaims };
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

const hmacKeys = new Map<string, Promise<CryptoKey>>();

/**
 * An HS256 key as a Web Crypto `CryptoKey`, made once per secret. jose recognises a
 * `CryptoKey` by its tag, in any realm; a `Uint8Array` key it recognises by `instanceof`,
 * which fails under jsdom, where `TextEncoder` and the global `Uint8Array` come from
 * different realms ("Received an instance of Uint8Array").
 */
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (key === undefined) {
    key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    hmacKeys.set(secret, key);
  }
  return key;
}

/** The mock's verifier and development-token signer, on the mock's clock. */
export function mockTokens(now: () => Date): ReturnType<typeof hs256Tokens> {
  return hs256Tokens({
    secret: MOCK_TOKEN_SECRET,
    issuer: MOCK_TOKEN_ISSUER,
    audience: MOCK_TOKEN_AUDIENCE,
    now,
    // The mock's clock is the only clock: no skew to tolerate.
    clockToleranceSeconds: 0,
  });
}

/** The claims a token for `principal` carries, issued at `now`. */
export function claimsFor(
  principal: TokenPrincipal,
  now: Date,
  options: TokenOptions = {},
): TokenClaims {
  const claims = devTokenClaims({ ...principal, activities: [...principal.activities] }, now, {
    issuer: options.flaw === 'wrong-issuer' ? 'someone-else' : MOCK_TOKEN_ISSUER,
    audience: options.flaw === 'wrong-audience' ? 'not-cpis' : MOCK_TOKEN_AUDIENCE,
    ...(options.expiresInSeconds !== undefined && { expiresInSeconds: options.expiresInSeconds }),
  });
  return options.flaw === 'expired'
    ? { ...claims, exp: Math.floor(now.getTime() / 1000) - 60 }
    : claims;
}

/** A bearer token for `principal`, HS256-signed with the mock secret unless `flaw` says otherwise. */
export async function signMockToken(
  principal: TokenPrincipal,
  now: Date,
  options: TokenOptions = {},
): Promise<string> {
  const claims = claimsFor(principal, now, options);
  const issuedAt = Math.floor(now.getTime() / 1000);
  if (options.flaw === 'alg-none')
    return new UnsecuredJWT({ ...claims }).setIssuedAt(issuedAt).encode();
  const secret =
    options.flaw === 'bad-signature' ? `${MOCK_TOKEN_SECRET}-but-not-quite` : MOCK_TOKEN_SECRET;
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(issuedAt)
    .sign(await hmacKey(secret));
}
