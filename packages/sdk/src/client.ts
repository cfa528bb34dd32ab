import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '@cpis/domain';
import { assertCheckResult } from './answer-guard.js';
import { attachConfig } from './config.js';
import { CpisContractError, toApiError } from './errors.js';
import { validNhsNumber } from './nhs-number-input.js';
import { createTransport } from './transport.js';
import type {
  Authority,
  AuthorityInput,
  BatchPlanRow,
  BatchResult,
  CheckRequest,
  CheckResult,
  NotificationPage,
  PlanInput,
  StoredPlan,
  StoredPlanPage,
} from './types.js';

export interface CpisClientOptions {
  /** Where the API lives, e.g. `https://cpis.example.nhs.uk` (paths start with `/v1`). */
  baseUrl: string;
  /** Called before every attempt and every stream connection; the SDK never stores the token. */
  getToken: () => string | Promise<string>;
  /** Defaults to `globalThis.fetch`, looked up on each request (so test interceptors apply). */
  fetch?: (request: Request) => Promise<Response>;
  /** Per-attempt timeout, default 3000 ms. */
  timeoutMs?: number;
  /** Total time for a call, retries included, default 8000 ms. */
  deadlineMs?: number;
  /** Retries after the first attempt, for what is safe to repeat; default 2. */
  retries?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface PageOptions extends CallOptions {
  after?: string;
  limit?: number;
}

/**
 * The part of a client that `<cpis-flag-banner>` uses: one check. Every client of the SDK
 * has it: `createCpisClient` (this kit's `/v1`), `createCpisFhirClient` (`@cpis/sdk/fhir`)
 * and `createPatientFlagsClient` (`@cpis/sdk/patient-flags`).
 */
export interface CpisCheckClient {
  checks: Pick<CpisClient['checks'], 'create'>;
}

export interface CpisClient {
  checks: {
    /** Looks a person up. One `Idempotency-Key` covers every retry of this check. */
    create(
      body: CheckRequest,
      opts?: CallOptions & { idempotencyKey?: string },
    ): Promise<CheckResult>;
    get(checkId: string, opts?: CallOptions): Promise<CheckResult>;
  };
  authorities: {
    get(odsCode: string, opts?: CallOptions): Promise<Authority>;
    put(odsCode: string, body: AuthorityInput, opts?: CallOptions): Promise<Authority>;
  };
  plans: {
    put(odsCode: string, planId: string, body: PlanInput, opts?: CallOptions): Promise<StoredPlan>;
    delete(odsCode: string, planId: string, opts?: CallOptions): Promise<void>;
    list(odsCode: string, opts?: PageOptions): Promise<StoredPlanPage>;
    /** JSON rows, or CSV text whose header row names the fields. */
    batch(
      odsCode: string,
      rows: BatchPlanRow[] | { csv: string },
      opts?: CallOptions,
    ): Promise<BatchResult>;
  };
  notifications: {
    list(
      odsCode: string,
      opts?: PageOptions & { order?: 'asc' | 'desc' },
    ): Promise<NotificationPage>;
  };
  /** The typed openapi-fetch client underneath, with the same transport and auth. */
  raw: Client<paths>;
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** openapi-fetch's `{ data, error, response }` to the data, or a thrown error. */
async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (error) {
    // openapi-fetch parses a 2xx body as JSON; a proxy's HTML page fails there.
    if (error instanceof SyntaxError) throw new CpisContractError('the answer is not JSON');
    throw error;
  }
  if (!result.response.ok) throw toApiError(result.response, result.error);
  return result.data as T;
}

export function createCpisClient(options: CpisClientOptions): CpisClient {
  const { baseUrl, getToken } = options;
  const fetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const raw = createClient<paths>({
    baseUrl,
    fetch: createTransport({
      getToken,
      fetch,
      timeoutMs: options.timeoutMs ?? 3000,
      deadlineMs: options.deadlineMs ?? 8000,
      retries: options.retries ?? 2,
    }),
  });

  const client: CpisClient = {
    checks: {
      async create(body, { signal, idempotencyKey } = {}) {
        const request = { ...body, nhsNumber: validNhsNumber(body.nhsNumber) };
        const answer = await unwrap(
          raw.POST('/v1/checks', {
            body: request,
            params: { header: { 'Idempotency-Key': idempotencyKey } },
            signal,
          }),
        );
        return assertCheckResult(answer, request);
      },
      async get(checkId, { signal } = {}) {
        const answer = await unwrap(
          raw.GET('/v1/checks/{checkId}', { params: { path: { checkId } }, signal }),
        );
        return assertCheckResult(answer);
      },
    },
    authorities: {
      get: (odsCode, { signal } = {}) =>
        unwrap(raw.GET('/v1/authorities/{odsCode}', { params: { path: { odsCode } }, signal })),
      put: (odsCode, body, { signal } = {}) =>
        unwrap(
          raw.PUT('/v1/authorities/{odsCode}', { params: { path: { odsCode } }, body, signal }),
        ),
    },
    plans: {
      put: async (odsCode, planId, body, { signal } = {}) =>
        unwrap(
          raw.PUT('/v1/authorities/{odsCode}/plans/{planId}', {
            params: { path: { odsCode, planId } },
            body: { ...body, nhsNumber: validNhsNumber(body.nhsNumber) },
            signal,
          }),
        ),
      delete: (odsCode, planId, { signal } = {}) =>
        unwrap(
          raw.DELETE('/v1/authorities/{odsCode}/plans/{planId}', {
            params: { path: { odsCode, planId } },
            signal,
          }),
        ),
      list: (odsCode, { signal, after, limit } = {}) =>
        unwrap(
          raw.GET('/v1/authorities/{odsCode}/plans', {
            params: { path: { odsCode }, query: { after, limit } },
            signal,
          }),
        ),
      // Rows are not checked here: the server answers each row on its own, by design.
      batch: (odsCode, rows, { signal } = {}) => {
        const url = '/v1/authorities/{odsCode}/plans/batch';
        const params = { path: { odsCode } };
        return unwrap(
          Array.isArray(rows)
            ? raw.POST(url, { params, body: rows, signal })
            : raw.POST(url, {
                params,
                body: rows.csv,
                bodySerializer: (csv) => csv,
                headers: { 'Content-Type': 'text/csv' },
                signal,
              }),
        );
      },
    },
    notifications: {
      list: (odsCode, { signal, after, limit, order } = {}) =>
        unwrap(
          raw.GET('/v1/authorities/{odsCode}/notifications', {
            params: { path: { odsCode }, query: { after, limit, order } },
            signal,
          }),
        ),
    },
    raw,
  };
  return attachConfig(client, { baseUrl, getToken, fetch });
}
