/**
 * RFC 9457 problem details, one `type` per kind from the contract's registry. Handlers
 * throw a `ProblemError`; the error handler turns it (and every other error) into
 * `application/problem+json` with the request's id.
 */
import { PROBLEM_KINDS, type ProblemKind, type components } from '@cpis/domain';

export type Problem = components['schemas']['Problem'];
export type FieldError = components['schemas']['FieldError'];

export type { ProblemKind };

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class ProblemError extends Error {
  readonly status: number;

  constructor(
    readonly kind: ProblemKind,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? PROBLEM_KINDS[kind].title);
    this.name = 'ProblemError';
    this.status = PROBLEM_KINDS[kind].status;
  }
}

export function problemBody(
  kind: ProblemKind,
  requestId: string,
  detail?: string,
  errors?: FieldError[],
): Problem {
  const { status, title } = PROBLEM_KINDS[kind];
  const body: Problem = { type: `urn:cpis:problem:${kind}`, title, status, requestId };
  if (detail !== undefined) body.detail = detail;
  if (errors !== undefined && errors.length > 0) body.errors = errors;
  return body;
}

/** The problem kind for a bare HTTP status (errors that are not `ProblemError`s). */
export function kindForStatus(status: number): ProblemKind {
  for (const [kind, info] of Object.entries(PROBLEM_KINDS) as [ProblemKind, { status: number }][]) {
    if (info.status === status && kind !== 'invalid-nhs-number') return kind;
  }
  return status >= 500 ? 'internal' : 'invalid-request';
}
