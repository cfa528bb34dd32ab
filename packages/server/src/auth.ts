/**
 * Bearer tokens (jose). Development mode signs and verifies HS256 with a shared secret;
 * production mode verifies only, against a JWKS URL or a public key. `iss`, `aud` and
 * `exp` are always checked, the algorithm is always from an allow-list (so `alg: none`
 * and algorithm confusion are refused), and the claims must have the contract's shape.
 */
import { createPublicKey } from 'node:crypto';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import {
  SignJWT,
  createRemoteJWKSet,
  importJWK,
  importSPKI,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import type { components } from '@cpis/domain';
import type { JwtVerification } from './config.js';
import { illFormedText } from './validation.js';

export type TokenClaims = components['schemas']['TokenClaims'];
export type DevTokenRequest = components['schemas']['DevTokenRequest'];

/** The verified caller, as the handlers see it. */
export interface AuthenticatedPrincipal {
  sub: string;
  name: string;
  role: string;
  orgType: 'health' | 'local-authority';
  odsCode: string;
  orgName: string;
  activities: string[];
}

export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** The keys to verify with could not be fetched (the identity provider is unreachable): 503, not 401. */
export class AuthUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AuthUnavailableError';
  }
}

export interface AuthOptions {
  verification: JwtVerification;
  issuer: string;
  audience: string;
  /** The contract's `TokenClaims` schema, compiled. */
  validateClaims: ValidateFunction;
  now: () => Date;
  /** Seconds of clock skew tolerated on `exp`. */
  clockToleranceSeconds?: number;
}

export interface Auth {
  verify(authorization: string | undefined): Promise<AuthenticatedPrincipal>;
  /** Development mode only: signs a token for anyone. */
  readonly sign:
    ((request: DevTokenRequest) => Promise<{ token: string; claims: TokenClaims }>) | null;
}

/** How long a development token lives. */
export const DEV_TOKEN_TTL_SECONDS = 12 * 60 * 60;

const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

// The contract leaves these lengths to the request schemas; a token must fit the responses
// its claims end up in (`Setting.name`, `NotificationUser`).
const CLAIM_MAX_LENGTHS = { name: 200, orgName: 200, role: 100, sub: 200 } as const;

export async function createAuth(options: AuthOptions): Promise<Auth> {
  const { key, algorithms } = await verificationKey(options.verification);
  const verifyWith =
    typeof key === 'function'
      ? (token: string) => jwtVerify(token, key, verifyOptions())
      : (token: string) => jwtVerify(token, key, verifyOptions());
  const tolerance = options.clockToleranceSeconds ?? 30;

  async function verify(authorization: string | undefined): Promise<AuthenticatedPrincipal> {
    if (authorization === undefined || authorization === '') {
      throw new AuthenticationError('A bearer token is required.');
    }
    const match = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
    if (match === null)
      throw new AuthenticationError('The Authorization header must be "Bearer <token>".');
    const token = match[1] as string;
    let payload: Record<string, unknown>;
    try {
      payload = (await verifyWith(token)).payload;
    } catch (error) {
      if (options.verification.kind === 'jwks' && !isTokenError(error)) {
        throw new AuthUnavailableError('The signing keys could not be fetched.', { cause: error });
      }
      throw new AuthenticationError(describeJoseError(error));
    }
    if (!options.validateClaims(payload)) {
      throw new AuthenticationError('The token does not carry the claims CP-IS needs.');
    }
    const claims = payload as unknown as TokenClaims;
    // A name that no database can store as sent (a lone surrogate or NUL) would be changed on the
    // way into the audit and the LA's notification: refused, as a body holding one is.
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

  function verifyOptions() {
    return {
      issuer: options.issuer,
      audience: options.audience,
      algorithms,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: tolerance,
      currentDate: options.now(),
    };
  }

  const secretKey = options.verification.kind === 'secret' ? (key as CryptoKey) : null;
  const sign =
    secretKey === null
      ? null
      : async (request: DevTokenRequest): Promise<{ token: string; claims: TokenClaims }> => {
          const now = Math.floor(options.now().getTime() / 1000);
          const claims: TokenClaims = {
            sub: request.sub ?? defaultSubject(request.name, request.odsCode),
            name: request.name,
            role: request.role,
            orgType: request.orgType,
            odsCode: request.odsCode,
            orgName: request.orgName,
            activities: [...request.activities],
            iss: options.issuer,
            aud: options.audience,
            exp: now + DEV_TOKEN_TTL_SECONDS,
          };
          const token = await new SignJWT({ ...claims })
            .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
            .setIssuedAt(now)
            .sign(secretKey);
          return { token, claims };
        };

  return { verify, sign };
}

/** `sub` when a dev token request has none: stable for the same name and organisation. */
export function defaultSubject(name: string, odsCode: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug === '' ? 'user' : slug}@${odsCode.toLowerCase()}`;
}

type VerificationKey = CryptoKey | JWTVerifyGetKey;

async function verificationKey(
  verification: JwtVerification,
): Promise<{ key: VerificationKey; algorithms: string[] }> {
  switch (verification.kind) {
    case 'secret':
      // Imported once: jose would otherwise import raw key bytes on every verification.
      return {
        key: await crypto.subtle.importKey(
          'raw',
          new TextEncoder().encode(verification.secret),
          { name: 'HMAC', hash: 'SHA-256' },
          false,
          ['sign', 'verify'],
        ),
        algorithms: ['HS256'],
      };
    case 'jwks':
      return {
        key: createRemoteJWKSet(new URL(verification.url), { cooldownDuration: 30_000 }),
        algorithms: ASYMMETRIC_ALGORITHMS,
      };
    case 'public-key': {
      const text = verification.key.trim();
      if (text.startsWith('{')) {
        const jwk = JSON.parse(text) as JWK;
        const alg = jwk.alg ?? algorithmForJwk(jwk);
        return { key: (await importJWK(jwk, alg)) as CryptoKey, algorithms: [alg] };
      }
      const alg = algorithmForPem(text);
      return { key: await importSPKI(text, alg), algorithms: [alg] };
    }
  }
}

function algorithmForJwk(jwk: JWK): string {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC') return ecAlgorithm(jwk.crv);
  if (jwk.kty === 'OKP') return 'EdDSA';
  throw new Error(`CPIS_JWT_PUBLIC_KEY: a JWK of type ${String(jwk.kty)} cannot verify tokens`);
}

function algorithmForPem(pem: string): string {
  const key = createPublicKey(pem);
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256';
    case 'rsa-pss':
      return 'PS256';
    case 'ec':
      return ecAlgorithm(key.asymmetricKeyDetails?.namedCurve);
    case 'ed25519':
      return 'EdDSA';
    default:
      throw new Error(
        `CPIS_JWT_PUBLIC_KEY: a ${String(key.asymmetricKeyType)} key cannot verify tokens`,
      );
  }
}

function ecAlgorithm(curve: string | undefined): string {
  if (curve === 'P-256' || curve === 'prime256v1') return 'ES256';
  if (curve === 'P-384' || curve === 'secp384r1') return 'ES384';
  if (curve === 'P-521' || curve === 'secp521r1') return 'ES512';
  throw new Error(`CPIS_JWT_PUBLIC_KEY: the curve ${String(curve)} is not supported`);
}

/** Errors that are about the token itself, as opposed to fetching the keys. */
function isTokenError(error: unknown): boolean {
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

function describeJoseError(error: unknown): string {
  const code = (error as { code?: string }).code;
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
