import type { Problem } from './types.js';

// Messages name the kind of failure only: never an NHS number, a name, a token, or free
// text from the server (which could carry any of them). The details are on properties.

/** The base of every error the SDK throws. An abort by the caller stays an `AbortError`. */
export class CpisError extends Error {
  override name = 'CpisError';
}

/** The API answered with an error status; `problem` is its problem+json body, if it had one. */
export class CpisApiError extends CpisError {
  override name = 'CpisApiError';
  readonly status: number;
  /** Absent when the body was not problem+json (a proxy's HTML page, say). */
  readonly problem: Problem | undefined;
  readonly requestId: string | undefined;

  constructor(status: number, problem?: Problem, requestId?: string) {
    const kind =
      problem && /^urn:cpis:problem:[a-z-]+$/.test(problem.type) ? ` (${problem.type})` : '';
    super(`CP-IS answered ${status}${kind}`);
    this.status = status;
    this.problem = problem;
    this.requestId = requestId;
  }
}

/** No answer reached us: DNS, connection refused or reset, CORS, offline. */
export class CpisNetworkError extends CpisError {
  override name = 'CpisNetworkError';

  constructor(cause: unknown) {
    super('CP-IS could not be reached', { cause });
  }
}

/** `attempt`: the last attempt took longer than `timeoutMs`; `deadline`: the whole call, retries included, took longer than `deadlineMs`. */
export class CpisTimeoutError extends CpisError {
  override name = 'CpisTimeoutError';
  readonly kind: 'attempt' | 'deadline';
  readonly ms: number;

  constructor(kind: 'attempt' | 'deadline', ms: number) {
    super(
      `CP-IS gave no answer within the ${kind === 'attempt' ? 'per-attempt timeout' : 'total deadline'} of ${ms} ms`,
    );
    this.kind = kind;
    this.ms = ms;
  }
}

/**
 * The host's `getToken()` threw or rejected, so no call could be made: to the user, they
 * are signed out. `cause` is the host's own error; nothing was sent.
 */
export class CpisAuthError extends CpisError {
  override name = 'CpisAuthError';

  constructor(cause: unknown) {
    super('getToken() gave no token for CP-IS', { cause });
  }
}

/** The host's token, or a `CpisAuthError` when its `getToken()` throws or rejects. */
export async function tokenFrom(getToken: () => string | Promise<string>): Promise<string> {
  try {
    return await getToken();
  } catch (cause) {
    throw new CpisAuthError(cause);
  }
}

/** A request refused before it was sent, e.g. an NHS number that fails the Modulus 11 check. */
export class CpisValidationError extends CpisError {
  override name = 'CpisValidationError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** The answer broke the contract, so it must not be shown as a result. `rule` says which rule. */
export class CpisContractError extends CpisError {
  override name = 'CpisContractError';
  readonly rule: string;

  constructor(rule: string) {
    super(`CP-IS answer refused: ${rule}`);
    this.rule = rule;
  }
}

/** True for a `CpisApiError`, and, when `status` is given, only for that status. */
export function isCpisApiError(error: unknown, status?: number): error is CpisApiError {
  return error instanceof CpisApiError && (status === undefined || error.status === status);
}

function isProblem(body: unknown): body is Problem {
  const problem = body as Problem | null;
  return typeof problem?.type === 'string' && typeof problem.status === 'number';
}

/** The error for an error response whose body has already been read (parsed JSON or text). */
export function toApiError(response: Response, body: unknown): CpisApiError {
  const problem = isProblem(body) ? body : undefined;
  const requestId = problem?.requestId ?? response.headers.get('X-Request-ID') ?? undefined;
  return new CpisApiError(response.status, problem, requestId);
}
