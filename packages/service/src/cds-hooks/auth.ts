/**
 * Authentication as the CDS Hooks specification requires: the EHR signs a JWT (ES384 or
 * RS384) whose `iss` is an EHR the deployment trusts, whose `aud` is the URL of the
 * service called (`CPIS_PUBLIC_URL` + `/cds-services/{id}`), with `exp` and `jti`. It is
 * verified against that EHR's JWK Set, found at the `jwksUrl` the deployment configured:
 * a `jku` header naming anywhere else is ignored. At most 60 s of clock skew is allowed,
 * and each `jti` is remembered (in storage, so on every instance) until its token expires:
 * a token is used once.
 */
import { createRemoteJWKSet, customFetch, decodeJwt, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Storage } from '../storage.js';
import {
  AuthenticationError,
  AuthUnavailableError,
  bearerToken,
  describeJoseError,
  isTokenError,
} from '../tokens.js';
import type { CdsHooksTrustedEhr } from './trust.js';

/** The algorithms the CDS Hooks specification requires a service to accept. */
export const CDS_HOOKS_ALGORITHMS = ['ES384', 'RS384'];
/** Clock skew allowed on `exp` (and `nbf`, `iat`), in seconds. */
export const CDS_HOOKS_CLOCK_SKEW_SECONDS = 60;
/**
 * The longest a token may live from now: its `jti` is kept until it expires. The
 * specification asks EHRs for five minutes.
 */
export const CDS_HOOKS_MAX_TOKEN_LIFETIME_SECONDS = 60 * 60;

export interface CdsHooksAuthOptions {
  trust: readonly CdsHooksTrustedEhr[];
  /**
   * A trusted EHR's signing keys; `undefined` (or no `keys`): its JWK Set, fetched from
   * its `jwksUrl` (with `fetch`).
   */
  keys?: (ehr: CdsHooksTrustedEhr) => JWTVerifyGetKey | undefined;
  /** How the JWK Sets are fetched; the global `fetch` unless set. */
  fetch?: typeof fetch;
}

/** The EHR that called, verified, and the user it names. */
export interface CdsHooksCaller {
  ehr: CdsHooksTrustedEhr;
  jti: string;
}

/**
 * Verifies the `Authorization` header of a call whose `aud` must be one of `audiences`;
 * throws `AuthenticationError` (401) or `AuthUnavailableError` (503).
 */
export type CdsHooksAuthenticator = (
  authorization: string | null,
  audiences: string[],
  now: Date,
  store: Storage,
) => Promise<CdsHooksCaller>;

/** The `aud` a token for service `serviceId` must carry. */
export function cdsServiceUrl(publicUrl: string, serviceId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/cds-services/${serviceId}`;
}

export function cdsHooksAuthenticator(options: CdsHooksAuthOptions): CdsHooksAuthenticator {
  const byIssuer = new Map(options.trust.map((ehr) => [ehr.iss, ehr]));
  const keySets = new Map<string, JWTVerifyGetKey>();
  const keysOf = (ehr: CdsHooksTrustedEhr): JWTVerifyGetKey => {
    let keys = keySets.get(ehr.iss);
    if (keys === undefined) {
      const fetcher = options.fetch;
      keys =
        options.keys?.(ehr) ??
        createRemoteJWKSet(new URL(ehr.jwksUrl), {
          cooldownDuration: 30_000,
          ...(fetcher !== undefined && {
            [customFetch]: (url: string, init: RequestInit) => fetcher(url, init),
          }),
        });
      keySets.set(ehr.iss, keys);
    }
    return keys;
  };

  return async (authorization, audiences, now, store) => {
    const token = bearerToken(authorization);
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new AuthenticationError('The token is not a JWT.');
    }
    const ehr = typeof issuer === 'string' ? byIssuer.get(issuer) : undefined;
    if (ehr === undefined) {
      throw new AuthenticationError('The token is not from an EHR this service trusts.');
    }
    let payload: Record<string, unknown>;
    try {
      // The key set is the trusted EHR's own: a `jku` header is never followed.
      ({ payload } = await jwtVerify(token, keysOf(ehr), {
        issuer: ehr.iss,
        audience: audiences,
        algorithms: CDS_HOOKS_ALGORITHMS,
        requiredClaims: ['iss', 'aud', 'exp', 'jti'],
        clockTolerance: CDS_HOOKS_CLOCK_SKEW_SECONDS,
        currentDate: now,
      }));
    } catch (error) {
      if (!isTokenError(error)) {
        throw new AuthUnavailableError('The EHR signing keys could not be fetched.', {
          cause: error,
        });
      }
      throw new AuthenticationError(describeJoseError(error));
    }
    const { jti, exp } = payload;
    if (typeof jti !== 'string' || jti === '' || jti.length > 200) {
      throw new AuthenticationError("The token's jti claim is not acceptable.");
    }
    const expiresAt = (exp as number) + CDS_HOOKS_CLOCK_SKEW_SECONDS;
    if ((exp as number) > now.getTime() / 1000 + CDS_HOOKS_MAX_TOKEN_LIFETIME_SECONDS) {
      throw new AuthenticationError('The token lives too long: its exp is over an hour away.');
    }
    const fresh = await store.claimJti({
      issuer: ehr.iss,
      jti,
      expiresAt: new Date(expiresAt * 1000).toISOString(),
      now,
    });
    if (!fresh) throw new AuthenticationError('The token has been used before (its jti).');
    return { ehr, jti };
  };
}
