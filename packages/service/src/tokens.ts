/**
 * Bearer tokens. The core takes a `TokenVerifier` (the server's verifies HS256 in
 * development and JWKS or a public key in production; the mock's verifies its own HS256
 * tokens) and judges every verified payload the same way here: the contract's
 * `TokenClaims` shape, claim lengths, well-formed text. Development tokens (HS256, Web
 * Crypto through jose) are signed here too, with one rule for the default `sub`.
 */
import { SignJWT, jwtVerify } from 'jose';
import type { components } from '@cpis/domain';
import { compileContract } from './contract.js';
import { illFormedText } from './text.js';

export type TokenClaims = components['schemas']['TokenClaims'];
export type DevTokenRequest = components['schemas']['DevTokenRequest'];
export type DevTokenResponse = components['schemas']['DevTokenResponse'];

/** The verified caller, as the core sees it. */
export interface Principal {
  sub: string;
  name: string;
  role: string;
  orgType: TokenClaims['orgType'];
  odsCode: string;
  orgName: string;
  activities: string[];
}

/** The token is missing or not acceptable: 401. */
export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** The keys to verify with cannot be had (the identity provider is unreachable): 503, not 401. */
export class AuthUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AuthUnavailableError';
  }
}

/**
 * Verifies the `Authorization` header's token and returns its payload; throws
 * `AuthenticationError` (401) or `AuthUnavailableError` (503).
 */
export type TokenVerifier = (token: string) => Promise<Record<string, unknown>>;

/** Signs development tokens (`POST /v1/dev/tokens`); absent in production. */
export type DevTokenSigner = (request: DevTokenRequest) => Promise<DevTokenResponse>;

/** How long a development token lives. */
export const DEV_TOKEN_TTL_SECONDS = 12 * 60 * 60;

// The contract leaves these lengths to the request schemas; a token must fit the responses
// its claims end up in (`Setting.name`, `NotificationUser`).
const CLAIM_MAX_LENGTHS = { name: 200, orgName: 200, role: 100, sub: 200 } as const;

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

/** The token of an `Authorization` header, or 401. */
export function bearerToken(authorization: string | null): string {
  if (authorization === null || authorization === '') {
    throw new AuthenticationError('A bearer token is required.');
  }
  const match = BEARER.exec(authorization.trim());
  if (match === null) {
    throw new AuthenticationError('The Authorization header must be "Bearer <token>".');
  }
  return match[1] as string;
}

/** The principal a verified payload names, or 401 when it is not the contract's `TokenClaims`. */
export function principalOf(payload: Record<string, unknown>): Principal {
  const validate = compileContract().schema('TokenClaims');
  if (!validate(payload)) {
    throw new AuthenticationError('The token does not carry the claims CP-IS needs.');
  }
  const claims = payload as unknown as TokenClaims;
  // A name that no database can store as sent (a lone surrogate or NUL) would be changed on
  // the way into the audit and the LA's notification: refused, as a body holding one is.
  if (illFormedText(payload) !== undefined) {
    throw new AuthenticationError('The token holds text that is not valid Unicode.');
  }
  for (const [claim, max] of Object.entries(CLAIM_MAX_LENGTHS)) {
    const value = claims[claim as keyof typeof CLAIM_MAX_LENGTHS];
    if (value.length === 0 || value.length > max) {
      throw new AuthenticationError(`The token's ${claim} claim must be 1 to ${max} characters.`);
    }
  }
  return {
    sub: claims.sub,
    name: claims.name,
    role: claims.role,
    orgType: claims.orgType,
    odsCode: claims.odsCode,
    orgName: claims.orgName,
    activities: [...claims.activities],
  };
}

/** `sub` when a development token request has none: stable for the same name and organisation. */
export function defaultSubject(name: string, odsCode: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug === '' ? 'user' : slug}@${odsCode.toLowerCase()}`;
}

export interface Hs256Options {
  secret: string;
  issuer: string;
  audience: string;
  now: () => Date;
  /** Seconds of clock skew tolerated on `exp` (30 unless set). */
  clockToleranceSeconds?: number;
}

/** The claims of a development token for `request`, issued at `now`. */
export function devTokenClaims(
  request: DevTokenRequest,
  now: Date,
  options: { issuer: string; audience: string; expiresInSeconds?: number },
): TokenClaims {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return {
    sub: request.sub ?? defaultSubject(request.name, request.odsCode),
    name: request.name,
    role: request.role,
    orgType: request.orgType,
    odsCode: request.odsCode,
    orgName: request.orgName,
    activities: [...request.activities],
    iss: options.issuer,
    aud: options.audience,
    exp: issuedAt + (options.expiresInSeconds ?? DEV_TOKEN_TTL_SECONDS),
  };
}

/** HS256 tokens with a shared secret: a verifier, and the development signer. */
export function hs256Tokens(options: Hs256Options): {
  verify: TokenVerifier;
  sign: DevTokenSigner;
} {
  const raw = new TextEncoder().encode(options.secret);
  // Imported once (Web Crypto): jose would otherwise import the raw bytes on every use. A
  // page without `crypto.subtle` (plain http) falls back to the bytes.
  const key: Promise<CryptoKey | Uint8Array> =
    globalThis.crypto?.subtle === undefined
      ? Promise.resolve(raw)
      : globalThis.crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [
          'sign',
          'verify',
        ]);
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, await key, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['HS256'],
          requiredClaims: ['exp', 'sub'],
          clockTolerance: options.clockToleranceSeconds ?? 30,
          currentDate: options.now(),
        });
        return payload;
      } catch (error) {
        throw new AuthenticationError(describeJoseError(error));
      }
    },
    async sign(request) {
      const now = options.now();
      const claims = devTokenClaims(request, now, options);
      const token = await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt(Math.floor(now.getTime() / 1000))
        .sign(await key);
      return { token, claims };
    },
  };
}

/** Why jose refused a token, in words that name no internals. */
export function describeJoseError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'The token has expired.';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as { claim?: string }).claim;
      return `The token's ${claim ?? 'claims'} claim is not acceptable.`;
    }
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'The token signature is not valid.';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'The token is not signed with an accepted algorithm.';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'No key matches the token.';
    default:
      return 'The token is not valid.';
  }
}

/** True for an error about the token itself, as opposed to fetching the keys to verify it. */
export function isTokenError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return (
    code.startsWith('ERR_JWT_') ||
    code.startsWith('ERR_JWS_') ||
    code === 'ERR_JOSE_ALG_NOT_ALLOWED' ||
    code === 'ERR_JOSE_NOT_SUPPORTED' ||
    code === 'ERR_JWKS_NO_MATCHING_KEY' ||
    code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'
  );
}
