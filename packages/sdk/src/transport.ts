import { jitteredBackoff, sleep, untilAborted } from './abortable.js';
import { CpisNetworkError, CpisTimeoutError, tokenFrom } from './errors.js';

export interface TransportOptions {
  getToken: () => string | Promise<string>;
  fetch: (request: Request) => Promise<Response>;
  timeoutMs: number;
  deadlineMs: number;
  retries: number;
}

const RETRIED_STATUSES = [429, 502, 503, 504];
const BACKOFF_INITIAL_MS = 200;
const BACKOFF_MAX_MS = 2000;
// Statuses whose Response may not carry a body, not even an empty one.
const NULL_BODY_STATUSES = [101, 204, 205, 304];

/**
 * The `fetch` given to openapi-fetch: everything that must happen per attempt lives here,
 * because middleware cannot re-send a request (openapi-fetch #1122, #2075).
 *
 * Only GET and `POST /v1/checks` are retried: the check carries one `Idempotency-Key` for
 * all its attempts, so a retry can never notify a local authority twice, and a 409 (that
 * check still in progress) is waited out. PUT, DELETE and the batch upload never are.
 * Nothing is cached or shared between calls. The body is read inside the attempt, so a
 * server that sends headers and then stalls is a timeout too.
 */
export function createTransport(
  options: TransportOptions,
): (request: Request) => Promise<Response> {
  const { timeoutMs, deadlineMs, retries } = options;

  return async (request) => {
    const caller = request.signal;
    caller.throwIfAborted();
    const isCheck =
      request.method === 'POST' && /\/v1\/checks$/.test(new URL(request.url).pathname);
    const retryable = isCheck || request.method === 'GET';
    const idempotencyKey = isCheck
      ? (request.headers.get('Idempotency-Key') ?? crypto.randomUUID())
      : null;

    const deadlineAt = Date.now() + deadlineMs;
    const call = new AbortController(); // aborts on the caller's abort or at the deadline
    const onCallerAbort = (): void => call.abort();
    caller.addEventListener('abort', onCallerAbort);
    const deadline = setTimeout(() => call.abort(), deadlineMs);
    const stopped = (): unknown =>
      caller.aborted ? caller.reason : new CpisTimeoutError('deadline', deadlineMs);

    const exchange = async (signal: AbortSignal): Promise<Response> => {
      const token = await tokenFrom(options.getToken);
      signal.throwIfAborted();
      const attempt = new Request(request.clone(), { signal });
      attempt.headers.set('X-Request-ID', crypto.randomUUID());
      attempt.headers.set('Authorization', `Bearer ${token}`);
      if (idempotencyKey) attempt.headers.set('Idempotency-Key', idempotencyKey);
      try {
        const response = await options.fetch(attempt);
        const body = NULL_BODY_STATUSES.includes(response.status)
          ? null
          : await response.arrayBuffer();
        return new Response(body, response);
      } catch (cause) {
        throw new CpisNetworkError(cause);
      }
    };

    try {
      for (let attempt = 0; ; attempt++) {
        const attemptController = new AbortController();
        const onCallAbort = (): void => attemptController.abort();
        call.signal.addEventListener('abort', onCallAbort);
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          attemptController.abort();
        }, timeoutMs);

        let failure: Response | Error;
        try {
          const response = await untilAborted(
            exchange(attemptController.signal),
            attemptController.signal,
          );
          const retry =
            RETRIED_STATUSES.includes(response.status) || (isCheck && response.status === 409);
          if (!retryable || !retry) return response;
          failure = response;
        } catch (error) {
          if (call.signal.aborted) throw stopped();
          if (timedOut) failure = new CpisTimeoutError('attempt', timeoutMs);
          else if (error instanceof CpisNetworkError) failure = error;
          else throw error; // the host's getToken failed: a CpisAuthError, never retried
          if (!retryable) throw failure;
        } finally {
          clearTimeout(timer);
          call.signal.removeEventListener('abort', onCallAbort);
        }

        const retryAfter =
          failure instanceof Response ? retryAfterMs(failure.headers.get('Retry-After')) : null;
        const wait = retryAfter ?? jitteredBackoff(attempt, BACKOFF_INITIAL_MS, BACKOFF_MAX_MS);
        // Out of attempts, or the wait would pass the deadline: fail now, with the last error.
        if (attempt >= retries || Date.now() + wait >= deadlineAt) {
          if (failure instanceof Response) return failure;
          throw failure;
        }
        await sleep(wait, call.signal).catch(() => {
          throw stopped();
        });
      }
    } finally {
      clearTimeout(deadline);
      caller.removeEventListener('abort', onCallerAbort);
    }
  };
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
