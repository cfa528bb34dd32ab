/**
 * The EHRs a deployment trusts to call its CDS Hooks services (`CPIS_CDS_HOOKS_TRUST`):
 * each one's JWT issuer, where its signing keys are, and which organisation and kind of
 * setting its users work in. Parsed here, in the core, so the server and the mock read it
 * the same way; every refusal names the entry and the field to fix.
 */
import { ODS_CODE_PATTERN } from '@cpis/domain';

/** Unscheduled care (an emergency department: checks notify) or scheduled care (silent reads). */
export type CdsHooksSetting = 'unscheduled' | 'scheduled';

export interface CdsHooksTrustedEhr {
  /** The `iss` of the EHR's JWTs, exactly. */
  iss: string;
  /** The EHR's JWK Set (https; http only on a loopback address). */
  jwksUrl: string;
  /** The organisation the EHR's users check CP-IS for. */
  odsCode: string;
  orgName: string;
  setting: CdsHooksSetting;
}

export class CdsHooksTrustError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CdsHooksTrustError';
  }
}

const FIELDS = ['iss', 'jwksUrl', 'odsCode', 'orgName', 'setting'] as const;
const SHAPE = 'a JSON array of { "iss", "jwksUrl", "odsCode", "orgName", "setting" }';
const MAX_TEXT = 200;

/** The trusted EHRs `text` lists; throws `CdsHooksTrustError` saying what is wrong, and where. */
export function parseCdsHooksTrust(text: string): CdsHooksTrustedEhr[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CdsHooksTrustError(`is not JSON; it must be ${SHAPE}`);
  }
  if (!Array.isArray(value)) throw new CdsHooksTrustError(`must be ${SHAPE}`);
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const where = `entry ${index + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new CdsHooksTrustError(
        `${where} is not an object; each must be { ${FIELDS.join(', ')} }`,
      );
    }
    const record = entry as Record<string, unknown>;
    const unknown = Object.keys(record).filter((k) => !(FIELDS as readonly string[]).includes(k));
    if (unknown.length > 0) {
      throw new CdsHooksTrustError(`${where} has unknown field(s) ${unknown.join(', ')}`);
    }
    const text = (field: (typeof FIELDS)[number]): string => {
      const v = record[field];
      if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_TEXT) {
        throw new CdsHooksTrustError(
          `${where}: ${field} must be text of 1 to ${MAX_TEXT} characters`,
        );
      }
      return v;
    };
    const iss = text('iss');
    if (seen.has(iss)) throw new CdsHooksTrustError(`${where}: iss "${iss}" is listed twice`);
    seen.add(iss);
    const jwksUrl = text('jwksUrl');
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new CdsHooksTrustError(`${where}: jwksUrl is not a URL`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      throw new CdsHooksTrustError(
        `${where}: jwksUrl must be https (http only on a loopback address)`,
      );
    }
    const odsCode = text('odsCode');
    if (!ODS_CODE_PATTERN.test(odsCode)) {
      throw new CdsHooksTrustError(
        `${where}: odsCode must be an ODS code (3 to 8 upper-case letters and digits)`,
      );
    }
    const orgName = text('orgName');
    const setting = text('setting');
    if (setting !== 'unscheduled' && setting !== 'scheduled') {
      throw new CdsHooksTrustError(`${where}: setting must be "unscheduled" or "scheduled"`);
    }
    return { iss, jwksUrl: url.href, odsCode, orgName, setting };
  });
}

/** A loopback host name, as `URL.hostname` spells it. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}
