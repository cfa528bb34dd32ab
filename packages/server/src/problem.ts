/**
 * RFC 9457 problem details, one `type` per kind from the contract's registry. Handlers
 * throw a `ProblemError`; the error handler turns it (and every other error) into
 * `application/problem+json` with the request's id.
 */
import type { components } from '@cpis/domain';

export type Problem = components['schemas']['Problem'];
export type FieldError = components['schemas']['FieldError'];

const KINDS = {
  'invalid-request': { status: 400, title: 'Invalid request' },
  'invalid-nhs-number': { status: 400, title: 'Invalid NHS number' },
  unauthenticated: { status: 401, title: 'Not signed in' },
  forbidden: { status: 403, title: 'Not allowed' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency key reused' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const;

export type ProblemKind = keyof typeof KINDS;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class ProblemError extends Error {
  readonly status: number;

  constructor(
    readonly kind: ProblemKind,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? KINDS[kind].title);
    this.name = 'ProblemError';
    this.status = KINDS[kind].status;
  }
}

export function problemBody(
  kind: ProblemKind,
  requestId: string,
  detail?: string,
  errors?: FieldError[],
): Problem {
  const { status, title } = KINDS[kind];
  const body: Problem = { type: `urn:cpis:problem:${kind}`, title, status, requestId };
  if (detail !== undefined) body.detail = detail;
  if (errors !== undefined && errors.length > 0) body.errors = errors;
  return body;
}

/** The problem kind for a bare HTTP status (errors that are not `ProblemError`s). */
export function kindForStatus(status: number): ProblemKind {
  for (const [kind, info] of Object.entries(KINDS) as [ProblemKind, { status: number }][]) {
    if (info.status === status && kind !== 'invalid-nhs-number') return kind;
  }
  return status >= 500 ? 'internal' : 'invalid-request';
}
