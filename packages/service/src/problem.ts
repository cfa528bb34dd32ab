/**
 * RFC 9457 problem details, one `type` per kind from the contract's registry (the table
 * is `@cpis/domain`'s `PROBLEM_KINDS`). Every step of the core throws a `Refusal`; the
 * core's edge turns it, and every other error, into `application/problem+json`.
 */
import {
  PROBLEM_KINDS,
  problemType,
  type FieldError,
  type ProblemKind,
  type components,
} from '@cpis/domain';
import type { RequestPart } from './contract.js';

export type Problem = components['schemas']['Problem'];
export type { FieldError, ProblemKind };

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** What a surface's own error format may need beyond the kind (see `surface.ts`). */
export interface RefusalAbout {
  /** The part of the request the contract refused (`headers`, `query`…). */
  part?: RequestPart;
  /**
   * The code the surface's error format names, when the kind alone does not decide it
   * (an England-SpineErrorOrWarningCode on the FHIR surface).
   */
  code?: string;
}

export class Refusal extends Error {
  readonly status: number;

  constructor(
    readonly kind: ProblemKind,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
    readonly about: RefusalAbout = {},
  ) {
    super(detail ?? PROBLEM_KINDS[kind].title);
    this.name = 'Refusal';
    this.status = PROBLEM_KINDS[kind].status;
  }
}

export function problemBody(
  kind: ProblemKind,
  requestId: string,
  detail?: string,
  errors?: readonly FieldError[],
): Problem {
  const { status, title } = PROBLEM_KINDS[kind];
  const body: Problem = { type: problemType(kind), title, status, requestId };
  if (detail !== undefined) body.detail = detail;
  if (errors !== undefined && errors.length > 0) body.errors = [...errors];
  return body;
}

/** An `application/problem+json` response carrying `X-Request-ID`. */
export function problemResponse(
  kind: ProblemKind,
  requestId: string,
  detail?: string,
  errors?: readonly FieldError[],
  headers: Record<string, string> = {},
): Response {
  const body = problemBody(kind, requestId, detail, errors);
  const all = new Headers(headers);
  all.set('content-type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
  all.set('x-request-id', requestId);
  return new Response(JSON.stringify(body), { status: body.status, headers: all });
}

/** The problem kind for a bare HTTP status (errors that are not `Refusal`s). */
export function kindForStatus(status: number): ProblemKind {
  for (const [kind, info] of Object.entries(PROBLEM_KINDS) as [ProblemKind, { status: number }][]) {
    if (info.status === status && kind !== 'invalid-nhs-number') return kind;
  }
  return status >= 500 ? 'internal' : 'invalid-request';
}
