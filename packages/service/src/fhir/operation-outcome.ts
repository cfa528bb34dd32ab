/**
 * Refusals on the FHIR surface, as NHS England's CP-IS FHIR API answers them: an
 * `application/fhir+json` OperationOutcome whose issue's `details` carry a code of
 * `https://fhir.nhs.uk/CodeSystem/England-SpineErrorOrWarningCode`.
 *
 * The CP-IS guide names three: 400 `INVALID_SEARCH_DATA` (an invalid NHS number; here also
 * any other search parameter the contract refuses), 400 `PRECONDITION_FAILED` (a missing or
 * invalid header) and 403 `ACCESS_DENIED`. Every other status takes the code below; the
 * status is always the one `/v1` gives the same refusal.
 */
import { PROBLEM_KINDS, type ProblemKind } from '@cpis/domain';
import type { Refusal } from '../problem.js';

export const FHIR_CONTENT_TYPE = 'application/fhir+json';
export const SPINE_CODE_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/England-SpineErrorOrWarningCode';
/** NHS England's request id header, sent by the client and echoed on every answer. */
export const TRACE_ID_HEADER = 'TraceID';

/** The R4 `issue.code` (IssueType) and the Spine code of a refusal. */
export interface SpineIssue {
  issueCode: string;
  spineCode: string;
  display: string;
}

export const SPINE_CODES = {
  ACCESS_DENIED: 'Access has been denied to process this request',
  BAD_REQUEST: 'Bad request',
  INTERNAL_SERVER_ERROR: 'Unexpected internal server error',
  INVALID_REQUEST_STATE: 'Invalid request state',
  INVALID_SEARCH_DATA: 'Invalid search data',
  NOT_IMPLEMENTED: 'Not implemented',
  PRECONDITION_FAILED: 'Precondition failed',
  SERVICE_UNAVAILABLE: 'Service unavailable',
  TOO_MANY_REQUESTS: 'Too many requests',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
} as const satisfies Record<string, string>;

export type SpineCode = keyof typeof SPINE_CODES;

/**
 * Per kind of refusal. No refusal says `NO_RECORD_FOUND`: on this kit "no record" is an
 * answer (a Bundle with total 0), never an error, and an unknown path is not a search.
 */
const BY_KIND: Record<ProblemKind, { issueCode: string; spineCode: SpineCode }> = {
  'invalid-request': { issueCode: 'invalid', spineCode: 'BAD_REQUEST' },
  'invalid-nhs-number': { issueCode: 'invalid', spineCode: 'INVALID_SEARCH_DATA' },
  unauthenticated: { issueCode: 'login', spineCode: 'ACCESS_DENIED' },
  forbidden: { issueCode: 'forbidden', spineCode: 'ACCESS_DENIED' },
  'not-found': { issueCode: 'not-supported', spineCode: 'NOT_IMPLEMENTED' },
  'method-not-allowed': { issueCode: 'not-supported', spineCode: 'NOT_IMPLEMENTED' },
  conflict: { issueCode: 'conflict', spineCode: 'INVALID_REQUEST_STATE' },
  'payload-too-large': { issueCode: 'too-costly', spineCode: 'BAD_REQUEST' },
  'unsupported-media-type': { issueCode: 'not-supported', spineCode: 'UNSUPPORTED_MEDIA_TYPE' },
  'request-timeout': { issueCode: 'timeout', spineCode: 'BAD_REQUEST' },
  'idempotency-key-reused': { issueCode: 'invalid', spineCode: 'BAD_REQUEST' },
  'rate-limited': { issueCode: 'throttled', spineCode: 'TOO_MANY_REQUESTS' },
  'headers-too-large': { issueCode: 'too-costly', spineCode: 'BAD_REQUEST' },
  internal: { issueCode: 'exception', spineCode: 'INTERNAL_SERVER_ERROR' },
  unavailable: { issueCode: 'transient', spineCode: 'SERVICE_UNAVAILABLE' },
};

/** The issue a refusal becomes: what the request part or the handler says, else the kind's. */
export function spineIssue(refusal: Refusal): SpineIssue {
  const byKind = BY_KIND[refusal.kind];
  const named = refusal.about.code as SpineCode | undefined;
  const spineCode: SpineCode =
    named !== undefined && Object.hasOwn(SPINE_CODES, named)
      ? named
      : refusal.kind === 'invalid-request' && refusal.about.part === 'headers'
        ? 'PRECONDITION_FAILED'
        : refusal.kind === 'invalid-request' && refusal.about.part === 'query'
          ? 'INVALID_SEARCH_DATA'
          : byKind.spineCode;
  const issueCode =
    spineCode === 'PRECONDITION_FAILED' || spineCode === 'INVALID_SEARCH_DATA'
      ? 'invalid'
      : spineCode === 'ACCESS_DENIED' && refusal.kind === 'forbidden'
        ? 'forbidden'
        : byKind.issueCode;
  return { issueCode, spineCode, display: SPINE_CODES[spineCode] };
}

/** The OperationOutcome of a refusal. `diagnostics` is the refusal's own text, never a value sent. */
export function operationOutcome(refusal: Refusal): Record<string, unknown> {
  const { issueCode, spineCode, display } = spineIssue(refusal);
  const fields = (refusal.errors ?? []).map((e) => `${e.field} ${e.message}`);
  const text = [refusal.detail ?? PROBLEM_KINDS[refusal.kind].title, ...fields].join('; ');
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: refusal.status >= 500 ? 'fatal' : 'error',
        code: issueCode,
        details: { coding: [{ system: SPINE_CODE_SYSTEM, code: spineCode, display }] },
        diagnostics: text,
      },
    ],
  };
}

/** An `application/fhir+json` answer of `status`. */
export function fhirJson(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, 'content-type': `${FHIR_CONTENT_TYPE}; charset=utf-8` },
  });
}

/** The refusal as NHS England's FHIR API answers it, with the request id as `TraceID`. */
export function renderOperationOutcome(refusal: Refusal, requestId: string): Response {
  return fhirJson(operationOutcome(refusal), refusal.status, {
    ...refusal.headers,
    'x-request-id': requestId,
  });
}
