import type { CpisClientOptions } from '../client.js';
import { CpisContractError, CpisTimeoutError } from '../errors.js';
import { createTransport } from '../transport.js';
import { toFhirError } from './operation-outcome.js';

/** As `createCpisClient`'s options; only the base differs. */
export interface FhirClientOptions extends Omit<CpisClientOptions, 'baseUrl'> {
  /** The API's base, e.g. `https://int.api.service.nhs.uk/cpis/FHIR/R4`. */
  baseUrl: string;
}

export interface FhirGetOptions {
  signal: AbortSignal;
  /** One per logical check, sent on every request and every retry of it. */
  traceId: string;
  /** Sent on every request, never omitted: the national service takes an omitted header as `true`. */
  unscheduled: boolean;
  /** False for a request that may notify a local authority: it is sent once (FHIR.md). */
  mayRetry: boolean;
}

export type FhirGet = (
  path: string,
  query: [string, string][],
  options: FhirGetOptions,
) => Promise<unknown>;

/**
 * GETs through the SDK's one transport (per-attempt timeout, deadline, retry rules,
 * Authorization per attempt): a retrying copy for reads that notify no one, and a copy
 * with no retries for a read that may notify. Answers are parsed JSON; an error status is
 * a `CpisFhirError`.
 */
export function createFhirGet(options: FhirClientOptions): FhirGet {
  const fetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const common = {
    getToken: options.getToken,
    fetch,
    timeoutMs: options.timeoutMs ?? 3000,
    deadlineMs: options.deadlineMs ?? 8000,
  };
  const retrying = createTransport({ ...common, retries: options.retries ?? 2 });
  const once = createTransport({ ...common, retries: 0 });
  const base = options.baseUrl.replace(/\/+$/, '');

  return async (path, query, { signal, traceId, unscheduled, mayRetry }) => {
    const url = new URL(`${base}/${path}`);
    for (const [name, value] of query) url.searchParams.append(name, value);
    const request = new Request(url, {
      method: 'GET',
      headers: {
        Accept: 'application/fhir+json',
        TraceID: traceId,
        IsUnscheduledAccessEvent: String(unscheduled),
      },
      signal,
    });
    const response = await (mayRetry ? retrying : once)(request);
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // A proxy's HTML page: an error stays an error; a 2xx is no answer at all.
      if (response.ok) throw new CpisContractError('the answer is not JSON');
    }
    if (!response.ok) throw toFhirError(response.status, body, traceId);
    return body;
  };
}

/**
 * Runs `work` with one signal for the whole check: it aborts when the caller aborts (with
 * the caller's reason) or when `deadlineMs` has passed (with a `CpisTimeoutError`).
 */
export async function withinDeadline<T>(
  caller: AbortSignal | undefined,
  deadlineMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  caller?.throwIfAborted();
  const check = new AbortController();
  const onAbort = (): void => check.abort(caller?.reason);
  caller?.addEventListener('abort', onAbort);
  const timer = setTimeout(
    () => check.abort(new CpisTimeoutError('deadline', deadlineMs)),
    deadlineMs,
  );
  try {
    return await work(check.signal);
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onAbort);
  }
}
