import { PROBLEM_KINDS, type ProblemKind, type components, type FieldError } from '@cpis/domain';

type Problem = components['schemas']['Problem'];

export { PROBLEM_KINDS, type ProblemKind };

export interface ProblemOptions {
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
}

/** The RFC 9457 body of a problem of `kind`. */
export function problemBody(
  kind: ProblemKind,
  requestId: string,
  options: ProblemOptions = {},
): Problem {
  const { status, title } = PROBLEM_KINDS[kind];
  return {
    type: `urn:cpis:problem:${kind}`,
    title,
    status,
    ...(options.detail !== undefined && { detail: options.detail }),
    requestId,
    ...(options.errors !== undefined && { errors: options.errors }),
  };
}

/** An `application/problem+json` response carrying `X-Request-ID`. */
export function problemResponse(
  kind: ProblemKind,
  requestId: string,
  options: ProblemOptions = {},
): Response {
  const body = problemBody(kind, requestId, options);
  const headers = new Headers(options.headers);
  headers.set('Content-Type', 'application/problem+json');
  headers.set('X-Request-ID', requestId);
  if (kind === 'unauthenticated') headers.set('WWW-Authenticate', 'Bearer realm="cpis"');
  return new Response(JSON.stringify(body), { status: body.status, headers });
}

/**
 * A refusal, thrown by the service and the handlers and turned into a problem response
 * at the edge, so that each step reads as the contract's order of refusal.
 */
export class Refusal extends Error {
  constructor(
    readonly kind: ProblemKind,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'Refusal';
  }
}
