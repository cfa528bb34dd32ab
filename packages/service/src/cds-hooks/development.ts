/**
 * The development shortcut: EHRs the service trusts without any configuration, whose
 * ES384 keys it makes at start and holds in memory, and whose JWTs it signs itself
 * (`POST /v1/dev/cds-hooks-tokens`). Only a development server and the mock have them; a
 * production deployment trusts the EHRs `CPIS_CDS_HOOKS_TRUST` lists, and nothing else.
 */
import {
  SignJWT,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
  type JWTVerifyGetKey,
} from 'jose';
import { randomUuid } from '../ids.js';
import { Refusal } from '../problem.js';
import type { CdsHooksSetting, CdsHooksTrustedEhr } from './trust.js';

/** A development EHR: who it is, without keys (they are made here). */
export interface DevelopmentEhr {
  iss: string;
  odsCode: string;
  orgName: string;
  setting: CdsHooksSetting;
}

/** Never fetched: the development EHRs' keys are held in memory. */
export const DEVELOPMENT_JWKS_URL = 'urn:cpis:dev-ehr:keys-held-in-memory';
/** How long a development EHR's JWT lives (the specification's five minutes). */
export const DEVELOPMENT_TOKEN_SECONDS = 300;

export interface DevelopmentEhrs {
  trust: CdsHooksTrustedEhr[];
  keys: (ehr: CdsHooksTrustedEhr) => JWTVerifyGetKey;
  /** A JWT from development EHR `iss` for `aud`; 400 for another issuer. */
  sign(iss: string, aud: string, now: Date): Promise<string>;
}

export function developmentEhrs(ehrs: readonly DevelopmentEhr[]): DevelopmentEhrs {
  const trust = ehrs.map((e) => ({ ...e, jwksUrl: DEVELOPMENT_JWKS_URL }));
  // One key pair for all of them, made once, on first use.
  let pair: Promise<{ privateKey: CryptoKey; keys: JWTVerifyGetKey }> | undefined;
  const keyPair = () =>
    (pair ??= generateKeyPair('ES384', { extractable: true }).then(
      async ({ privateKey, publicKey }) => ({
        privateKey,
        keys: createLocalJWKSet({
          keys: [{ ...(await exportJWK(publicKey)), kid: 'dev-ehr', alg: 'ES384', use: 'sig' }],
        }),
      }),
    ));
  return {
    trust,
    keys: () => async (header, token) => (await keyPair()).keys(header, token),
    async sign(iss, aud, now) {
      if (!trust.some((e) => e.iss === iss)) {
        throw new Refusal('invalid-request', 'That is not a development EHR.', [
          { field: '/iss', message: `must be one of ${trust.map((e) => e.iss).join(', ')}` },
        ]);
      }
      const seconds = Math.floor(now.getTime() / 1000);
      return new SignJWT({ jti: randomUuid() })
        .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'dev-ehr' })
        .setIssuer(iss)
        .setAudience(aud)
        .setIssuedAt(seconds)
        .setExpirationTime(seconds + DEVELOPMENT_TOKEN_SECONDS)
        .sign((await keyPair()).privateKey);
    },
  };
}
