import type { components, FieldError } from '@cpis/domain';

type Problem = components['schemas']['Problem'];

/** The contract's problem registry: one kind per `urn:cpis:problem:<kind>`. */
export const PROBLEM_KINDS = {
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
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

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
