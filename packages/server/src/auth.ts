/**
 * Bearer tokens (jose). Development mode signs and verifies HS256 with a shared secret;
 * production mode verifies only, against a JWKS URL or a public key. `iss`, `aud` and
 * `exp` are always checked and the algorithm is always from an allow-list (so `alg: none`
 * and algorithm confusion are refused). What a verified payload must hold (the contract's
 * claims, their lengths, well-formed text) is the service core's rule (`principalOf`).
 */
import { createPublicKey } from 'node:crypto';
import {
  AuthenticationError,
  AuthUnavailableError,
  bearerToken,
  describeJoseError,
  isTokenError,
  hs256Tokens,
  principalOf,
  type DevTokenRequest,
  type DevTokenSigner,
  type Principal,
  type TokenClaims,
  type TokenVerifier,
} from '@cpis/service';
import {
  createRemoteJWKSet,
  importJWK,
  importSPKI,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import type { JwtVerification } from './config.js';

export { AuthenticationError, AuthUnavailableError, type DevTokenRequest, type TokenClaims };
export { defaultSubject } from '@cpis/service';

/** The verified caller, as the core sees it. */
export type AuthenticatedPrincipal = Principal;

export interface AuthOptions {
  verification: JwtVerification;
  issuer: string;
  audience: string;
  now: () => Date;
  /** Seconds of clock skew tolerated on `exp`. */
  clockToleranceSeconds?: number;
}

export interface Auth {
  /** An `Authorization` header to the principal it names, or `AuthenticationError`. */
  verify(authorization: string | undefined): Promise<AuthenticatedPrincipal>;
  /** A bare token to its verified payload: the service core's `TokenVerifier`. */
  verifyToken: TokenVerifier;
  /** Development mode only: signs a token for anyone. */
  readonly sign: DevTokenSigner | null;
}

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

export async function createAuth(options: AuthOptions): Promise<Auth> {
  const tolerance = options.clockToleranceSeconds ?? 30;
  let verifyToken: TokenVerifier;
  let sign: DevTokenSigner | null = null;
  if (options.verification.kind === 'secret') {
    // Development: the service core's HS256 tokens, the same the mock uses.
    const tokens = hs256Tokens({ ...options, secret: options.verification.secret });
    verifyToken = tokens.verify;
    sign = tokens.sign;
  } else {
    const verification = options.verification;
    const { key, algorithms } = await verificationKey(verification);
    const verifyOptions = () => ({
      issuer: options.issuer,
      audience: options.audience,
      algorithms,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: tolerance,
      currentDate: options.now(),
    });
    verifyToken = async (token) => {
      try {
        return typeof key === 'function'
          ? (await jwtVerify(token, key, verifyOptions())).payload
          : (await jwtVerify(token, key, verifyOptions())).payload;
      } catch (error) {
        if (verification.kind === 'jwks' && !isTokenError(error)) {
          throw new AuthUnavailableError('The signing keys could not be fetched.', {
            cause: error,
          });
        }
        throw new AuthenticationError(describeJoseError(error));
      }
    };
  }
  return {
    verify: async (authorization) =>
      principalOf(await verifyToken(bearerToken(authorization ?? null))),
    verifyToken,
    sign,
  };
}

type VerificationKey = CryptoKey | JWTVerifyGetKey;

async function verificationKey(
  verification: Exclude<JwtVerification, { kind: 'secret' }>,
): Promise<{ key: VerificationKey; algorithms: string[] }> {
  switch (verification.kind) {
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
