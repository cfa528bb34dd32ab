/**
 * Every operation of the contract as an MSW handler, typed from its `paths` by
 * openapi-msw. Each handler refuses in the contract's order — 401 (token), 400 (request),
 * 403 (principal), then 404/409 (state) — and every response carries `X-Request-ID`.
 */
import type { HttpHandler } from 'msw';
import { parse as parseCsv } from 'csv-parse/browser/esm/sync';
import { createOpenApiHttp } from 'openapi-msw';
import {
  authorize,
  authorizeBeforeBody,
  BATCH_CSV_RECORD_DELIMITERS,
  csvRecordsToBatchRows,
  isValidNhsNumber,
  MAX_BATCH_ROWS,
  planVisibleUntil,
  validatePlan,
  validateReason,
  ODS_CODE_PATTERN,
  PLAN_ID_PATTERN,
  type AuthorizationTarget,
  type FieldError,
  type OperationId,
  type components,
  type paths,
} from '@cpis/domain';
import { decodeNotificationCursor, decodePlanCursor } from './cursors.js';
import { Refusal, problemBody, problemResponse } from './problem.js';
import type { Clock, MockStore } from './store.js';
import { notificationEventStream } from './stream.js';
import { signMockToken, verifyMockToken, claimsFor, type TokenClaims } from './tokens.js';
import { UUID_PATTERN, isUuid, requestIdOf } from './uuid.js';
import * as schema from './validate.js';

type Schemas = components['schemas'];

export interface HandlerOptions {
  baseUrl: string;
  store: MockStore;
  clock: Clock;
  /** How long a check takes inside the mock, its `Idempotency-Key` held in progress. */
  checkDurationMs: number;
  /** How often an open notification stream sends a keep-alive comment. */
  keepAliveMs: number;
}

const CURSOR_PATTERN = /^[A-Za-z0-9._~-]{1,200}$/;

/** The paths of the contract and their methods, for 405 answers (most specific first). */
const ROUTES: [path: string, methods: string[]][] = [
  ['/v1/checks', ['POST']],
  ['/v1/checks/:checkId', ['GET']],
  ['/v1/authorities/:odsCode', ['GET', 'PUT']],
  ['/v1/authorities/:odsCode/plans', ['GET']],
  ['/v1/authorities/:odsCode/plans/batch', ['POST']],
  ['/v1/authorities/:odsCode/plans/:planId', ['PUT', 'DELETE']],
  ['/v1/authorities/:odsCode/notifications', ['GET']],
  ['/v1/authorities/:odsCode/notifications/stream', ['GET']],
  ['/v1/health', ['GET']],
  ['/v1/dev/tokens', ['POST']],
];

/** One request's id and the headers every answer to it carries. */
interface Exchange {
  requestId: string;
  headers(extra?: Record<string, string>): Headers;
}

/** Runs `work` and turns a `Refusal` (or an unexpected fault) into a problem response. */
async function answer(
  request: Request,
  work: (x: Exchange) => Promise<Response>,
): Promise<Response> {
  const requestId = requestIdOf(request);
  const x: Exchange = {
    requestId,
    // As the server: no answer of the API may be kept by a cache (the contract's `NoStore`).
    headers: (extra = {}) =>
      new Headers({ 'Cache-Control': 'no-store', ...extra, 'X-Request-ID': requestId }),
  };
  try {
    return await work(x);
  } catch (e) {
    if (e instanceof Refusal) {
      return problemResponse(e.kind, requestId, {
        detail: e.message,
        ...(e.errors && { errors: e.errors }),
      });
    }
    // The mock is a test tool: the fault's own message helps more than it could leak.
    return problemResponse('internal', requestId, {
      detail: `The mock failed: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
}

const invalid = (errors: FieldError[], detail = 'The request breaks the contract.'): Refusal =>
  new Refusal('invalid-request', detail, errors);

function requireNoErrors(errors: FieldError[], detail?: string): void {
  if (errors.length > 0) throw invalid(errors, detail);
}

function parameter(name: string, value: string | null, pattern: RegExp): FieldError[] {
  return value === null || pattern.test(value)
    ? []
    : [{ field: name, message: `must match ${pattern.source}` }];
}

async function authenticate(request: Request, now: Date): Promise<TokenClaims> {
  const match = /^Bearer +([^ ]+)$/i.exec(request.headers.get('Authorization') ?? '');
  const claims = match?.[1] ? await verifyMockToken(match[1], now) : undefined;
  if (!claims) {
    throw new Refusal(
      'unauthenticated',
      match ? 'The bearer token is not valid.' : 'A bearer token is required.',
    );
  }
  return claims;
}

function allow(op: OperationId, caller: TokenClaims, target: AuthorizationTarget = {}): void {
  const decision = authorize(op, caller, target);
  if (!decision.allowed) throw new Refusal('forbidden', decision.reason);
}

/** As the server: the 403 that the token and the path decide comes before the body is read. */
function allowBeforeBody(
  op: OperationId,
  caller: TokenClaims,
  path: { odsCode?: string; planId?: string } = {},
): void {
  const decision = authorizeBeforeBody(op, caller, path);
  if (!decision.allowed) throw new Refusal('forbidden', decision.reason);
}

function mediaType(request: Request): string {
  return (request.headers.get('Content-Type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

async function readJson(request: Request): Promise<unknown> {
  if (mediaType(request) !== 'application/json') {
    throw new Refusal('unsupported-media-type', 'The body must be application/json.');
  }
  let body: unknown;
  try {
    body = JSON.parse(await request.text()) as unknown;
  } catch {
    throw invalid([{ field: '', message: 'is not JSON' }], 'The body is not JSON.');
  }
  // As the server's JSON parser does: a body that could poison a prototype is refused whole.
  if (poisonsPrototype(body)) {
    throw invalid(
      [{ field: '', message: 'holds a forbidden prototype property' }],
      'The body holds a __proto__ or constructor.prototype property.',
    );
  }
  // As the server does: text no database stores as sent (a lone surrogate or NUL) is refused.
  if (holdsLoneSurrogate(body)) {
    throw invalid(
      [{ field: '', message: 'is not valid Unicode text' }],
      'The body holds text no database stores as sent (a lone surrogate or NUL).',
    );
  }
  return body;
}

function holdsLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return /[\uD800-\uDFFF\u0000]/u.test(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(holdsLoneSurrogate);
  return Object.entries(value).some(([k, v]) => holdsLoneSurrogate(k) || holdsLoneSurrogate(v));
}

function poisonsPrototype(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(poisonsPrototype);
  if (Object.hasOwn(value, '__proto__')) return true;
  const record = value as Record<string, unknown>;
  const ctor = Object.hasOwn(value, 'constructor') ? record['constructor'] : undefined;
  if (typeof ctor === 'object' && ctor !== null && Object.hasOwn(ctor, 'prototype')) return true;
  return Object.values(record).some(poisonsPrototype);
}

function requireNhsNumber(nhsNumber: string): void {
  if (!isValidNhsNumber(nhsNumber)) {
    throw new Refusal(
      'invalid-nhs-number',
      'nhsNumber must be ten digits with a valid Modulus 11 check digit.',
      [{ field: '/nhsNumber', message: 'not a valid NHS number' }],
    );
  }
}

/** A plan body that has the contract's shape, checked against the domain's rules. */
function requirePlanRules(plan: Schemas['PlanInput'], today: string): void {
  requireNhsNumber(plan.nhsNumber);
  requireNoErrors(validatePlan(plan, today), 'The plan breaks the rules for plans.');
  // Dates so late that the display window would end after 9999-12-31 cannot be worked out:
  // refused here, or every later check of the child would fail.
  const beyond = (['endDate', 'expectedDeliveryDate'] as const).flatMap((field) => {
    const date = plan[field];
    if (date === undefined) return [];
    try {
      planVisibleUntil({ type: plan.type, startDate: plan.startDate, [field]: date });
      return [];
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return [
        { field: `/${field}`, message: 'is too late: the plan would be shown past 9999-12-31' },
      ];
    }
  });
  requireNoErrors(
    beyond,
    'The plan would be shown past the last day of the calendar (9999-12-31).',
  );
}

function pageQuery(
  url: URL,
  withOrder: boolean,
): {
  after: string | null;
  limit: number;
  order: 'asc' | 'desc';
  errors: FieldError[];
} {
  const q = url.searchParams;
  const errors = parameter('after', q.get('after'), CURSOR_PATTERN);
  const limitText = q.get('limit');
  const limit = limitText === null ? 100 : Number(limitText);
  if (!/^[0-9]+$/.test(limitText ?? '100') || limit < 1 || limit > 500) {
    errors.push({ field: 'limit', message: 'must be a whole number from 1 to 500' });
  }
  const order = q.get('order') ?? 'asc';
  if (withOrder && order !== 'asc' && order !== 'desc') {
    errors.push({ field: 'order', message: 'must be asc or desc' });
  }
  return { after: q.get('after'), limit, order: order === 'desc' ? 'desc' : 'asc', errors };
}

/** Canonical JSON (keys sorted), so the same body in another key order is the same body. */
function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createHandlers(options: HandlerOptions): HttpHandler[] {
  const { store, clock } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const basePath = new URL(baseUrl || '/', 'http://base.invalid').pathname.replace(/\/+$/, '');
  const http = createOpenApiHttp<paths>({ baseUrl });

  async function runCheck(
    caller: TokenClaims,
    check: Schemas['CheckRequest'],
    idempotencyKey: string | null,
    requestId: string,
  ): Promise<Schemas['CheckResult']> {
    const work = async (): Promise<Schemas['CheckResult']> => {
      if (options.checkDurationMs > 0) await sleep(options.checkDurationMs);
      return store.createCheck(caller, check, requestId);
    };
    if (idempotencyKey === null) return work();
    const earlier = store.claimIdempotent(caller, idempotencyKey, fingerprint(check));
    if (earlier) return earlier;
    try {
      const result = await work();
      store.finishIdempotent(caller, idempotencyKey, result);
      return result;
    } catch (e) {
      store.releaseIdempotent(caller, idempotencyKey);
      throw e;
    }
  }

  const operations = [
    http.post('/v1/checks', ({ request, response }) =>
      answer(request, async (x) => {
        const caller = await authenticate(request, clock.now());
        allowBeforeBody('createCheck', caller);
        const idempotencyKey = request.headers.get('Idempotency-Key');
        const body = await readJson(request);
        requireNoErrors([
          ...schema.checkRequest(body, ''),
          ...(idempotencyKey !== null && !isUuid(idempotencyKey)
            ? [{ field: 'Idempotency-Key', message: 'must be a UUID' }]
            : []),
        ]);
        const check = body as Schemas['CheckRequest'];
        requireNhsNumber(check.nhsNumber);
        requireNoErrors(
          validateReason(check.reason),
          'The reason for the check is not acceptable.',
        );
        allow('createCheck', caller, { accessContext: check.accessContext });
        const result = await runCheck(caller, check, idempotencyKey, x.requestId);
        return response(201).json(result, {
          headers: x.headers({ Location: `${basePath}/v1/checks/${result.checkId}` }),
        });
      }),
    ),

    http.get('/v1/checks/{checkId}', ({ request, params, response }) =>
      answer(request, async (x) => {
        const caller = await authenticate(request, clock.now());
        requireNoErrors(parameter('checkId', params.checkId, UUID_PATTERN));
        allow('getCheck', caller);
        const result = store.getCheck(caller, params.checkId, x.requestId);
        return response(200).json(result, { headers: x.headers() });
      }),
    ),

    http.get('/v1/authorities/{odsCode}', ({ request, params, response }) =>
      answer(request, async (x) => {
        const caller = await authenticate(request, clock.now());
        requireNoErrors(parameter('odsCode', params.odsCode, ODS_CODE_PATTERN));
        allow('getAuthority', caller, { authorityOdsCode: params.odsCode });
        return response(200).json(store.getAuthority(params.odsCode), { headers: x.headers() });
      }),
    ),

    http.put('/v1/authorities/{odsCode}', ({ request, params, response }) =>
      answer(request, async (x) => {
        const caller = await authenticate(request, clock.now());
        allowBeforeBody('putAuthority', caller, params);
        const body = await readJson(request);
        requireNoErrors([
          ...parameter('odsCode', params.odsCode, ODS_CODE_PATTERN),
          ...schema.authorityInput(body, ''),
        ]);
        allow('putAuthority', caller, { authorityOdsCode: params.odsCode });
        const input = body as Schemas['AuthorityInput'];
        const { authority, created } = store.putAuthority(
          caller,
          params.odsCode,
          input,
          x.requestId,
        );
        return created
          ? response(201).json(authority, { headers: x.headers() })
          : response(200).json(authority, { headers: x.headers() });
      }),
    ),

    http.get('/v1/authorities/{odsCode}/plans', ({ request, params, response }) =>
      answer(request, async (x) => {
        const caller = await authenticate(request, clock.now());
        const page = pageQuery(new URL(request.url), false);
        const after = page.after === null ? '' : decodePlanCursor(page.after);
        requireNoErrors([
          ...parameter('odsCode', params.odsCode, ODS_CODE_PATTERN),
          ...page.errors,
          ...(after === undefined && page.errors.length === 0
            ? [{ field: 'after', message: 'is not a cursor this list gave out' }]
            : []),
        ]);
        allow('listPlans', caller, { authorityOdsCode: params.odsCode });
        const result = store.listPlans(params.odsCode, after ?? '', page.limit);
        return response(200).json(result, { headers: x.headers() });
      }),
    ),

    http.post('/v1/authorities/{odsCode}/plans/batch', ({ request, params, response }) =>
      answer(request, async (x) => {
        const caller = await authenticate(request, clock.now());
        allowBeforeBody('batchPlans', caller, params);
        const rows = await readBatchRows(request);
        requireNoErrors(parameter('odsCode', params.odsCode, ODS_CODE_PATTERN));
        if (rows.length > MAX_BATCH_ROWS) {
          throw new Refusal(
            'payload-too-large',
            `A batch holds at most ${MAX_BATCH_ROWS} rows; this one has ${rows.length}.`,
          );
        }
        allow('batchPlans', caller, { authorityOdsCode: params.odsCode });
        store.requireReachable(params.odsCode);
        const today = clock.today();
        const results = rows.map((row, index): Schemas['BatchRowResult'] => {
          const sentId = (row as { planId?: unknown } | null)?.planId;
          const planId = typeof sentId === 'string' ? sentId : undefined;
          const base = { row: index + 1, ...(planId !== undefined && { planId }) };
          try {
            requireNoErrors(schema.batchPlanRow(row, ''), 'This row breaks the contract.');
            const { planId: id, ...plan } = row as Schemas['BatchPlanRow'];
            requirePlanRules(plan, today);
            store.putPlan(caller, params.odsCode, id, plan, x.requestId);
            return { ...base, status: 'accepted' };
          } catch (e) {
            if (!(e instanceof Refusal)) throw e;
            const problem = problemBody(e.kind, x.requestId, {
              detail: e.message,
              ...(e.errors && { errors: e.errors }),
            });
            return { ...base, status: 'rejected', problem };
          }
        });
        return response(200).json({ results }, { headers: x.headers() });
      }),
    ),

    http.put('/v1/authorities/{odsCode}/plans/{planId}', ({ request, params, response }) =>
      answer(request, async (x) => {
        const caller = await authenticate(request, clock.now());
        allowBeforeBody('putPlan', caller, params);
        const body = await readJson(request);
        requireNoErrors([
          ...parameter('odsCode', params.odsCode, ODS_CODE_PATTERN),
          ...parameter('planId', params.planId, PLAN_ID_PATTERN),
          ...schema.planInput(body, ''),
        ]);
        const input = body as Schemas['PlanInput'];
        requirePlanRules(input, clock.today());
        allow('putPlan', caller, { authorityOdsCode: params.odsCode });
        const { plan, created } = store.putPlan(
          caller,
          params.odsCode,
          params.planId,
          input,
          x.requestId,
        );
        return created
          ? response(201).json(plan, { headers: x.headers() })
          : response(200).json(plan, { headers: x.headers() });
      }),
    ),

    http.delete('/v1/authorities/{odsCode}/plans/{planId}', ({ request, params, response }) =>
      answer(request, async (x) => {
        const caller = await authenticate(request, clock.now());
        requireNoErrors([
          ...parameter('odsCode', params.odsCode, ODS_CODE_PATTERN),
          ...parameter('planId', params.planId, PLAN_ID_PATTERN),
        ]);
        allow('deletePlan', caller, { authorityOdsCode: params.odsCode });
        store.deletePlan(caller, params.odsCode, params.planId, x.requestId);
        return response(204).empty({ headers: x.headers() });
      }),
    ),

    http.get('/v1/authorities/{odsCode}/notifications', ({ request, params, response }) =>
      answer(request, async (x) => {
        const caller = await authenticate(request, clock.now());
        const page = pageQuery(new URL(request.url), true);
        const after = page.after === null ? 0 : decodeNotificationCursor(page.after);
        requireNoErrors([
          ...parameter('odsCode', params.odsCode, ODS_CODE_PATTERN),
          ...page.errors,
          ...(after === undefined && page.errors.length === 0
            ? [{ field: 'after', message: 'is not a cursor this feed gave out' }]
            : []),
        ]);
        allow('listNotifications', caller, { authorityOdsCode: params.odsCode });
        const result = store.listNotifications(params.odsCode, after ?? 0, page.limit, page.order);
        return response(200).json(result, { headers: x.headers() });
      }),
    ),

    http.get('/v1/authorities/{odsCode}/notifications/stream', ({ request, params }) =>
      answer(request, async (x) => {
        const caller = await authenticate(request, clock.now());
        const from =
          request.headers.get('Last-Event-ID') ?? new URL(request.url).searchParams.get('after');
        const start = from === null ? undefined : decodeNotificationCursor(from);
        requireNoErrors([
          ...parameter('odsCode', params.odsCode, ODS_CODE_PATTERN),
          ...(from !== null && start === undefined
            ? [{ field: 'Last-Event-ID', message: 'is not a cursor this feed gave out' }]
            : []),
        ]);
        allow('streamNotifications', caller, { authorityOdsCode: params.odsCode });
        const after = start ?? store.headSequence(params.odsCode);
        const body = notificationEventStream({
          backlog: store.notificationsAfter(params.odsCode, after),
          subscribe: (subscriber) => store.subscribe(params.odsCode, subscriber),
          signal: request.signal,
          keepAliveMs: options.keepAliveMs,
        });
        return new Response(body, {
          status: 200,
          headers: x.headers({
            'Content-Type': 'text/event-stream',
            'Cache-Control': 'no-store, no-transform',
          }),
        });
      }),
    ),

    http.get('/v1/health', ({ request, response }) =>
      answer(request, async (x) => response(200).json({ status: 'ok' }, { headers: x.headers() })),
    ),

    http.post('/v1/dev/tokens', ({ request, response }) =>
      answer(request, async (x) => {
        const body = await readJson(request);
        requireNoErrors(schema.devTokenRequest(body, ''));
        const principal = body as Schemas['DevTokenRequest'];
        const now = clock.now();
        const token = await signMockToken(principal, now);
        return response(200).json(
          { token, claims: claimsFor(principal, now) },
          { headers: x.headers() },
        );
      }),
    ),
  ];

  const wrongMethod = ROUTES.map(([path, methods]) =>
    http.untyped.all(`${baseUrl}${path}`, ({ request }) =>
      answer(request, async () => {
        throw new Refusal(
          'method-not-allowed',
          `${path} takes ${methods.join(', ')}, not ${request.method}.`,
        );
      }).then((res) => {
        res.headers.set('Allow', methods.join(', '));
        return res;
      }),
    ),
  );

  const unknownPath = http.untyped.all(`${baseUrl}/*`, ({ request }) =>
    answer(request, async () => {
      throw new Refusal(
        'not-found',
        `${new URL(request.url).pathname} is not a path of the CP-IS API.`,
      );
    }),
  );

  return [...operations, ...wrongMethod, unknownPath];
}

/** The rows of a batch body: a JSON array, or `text/csv` with a header row (RFC 4180). */
async function readBatchRows(request: Request): Promise<unknown[]> {
  if (mediaType(request) === 'text/csv') {
    let records: string[][];
    try {
      records = parseCsv(await request.text(), {
        bom: true,
        record_delimiter: [...BATCH_CSV_RECORD_DELIMITERS],
        skip_empty_lines: true,
      }) as string[][];
    } catch (error) {
      throw invalid(
        [{ field: '', message: 'not valid CSV' }],
        `The CSV could not be read: ${(error as Error).message.split('\n')[0]}`,
      );
    }
    const { rows, duplicate } = csvRecordsToBatchRows(records);
    if (duplicate !== undefined) {
      throw invalid(
        [{ field: 'header', message: `duplicate column ${duplicate}` }],
        `The CSV header names "${duplicate}" twice.`,
      );
    }
    return rows;
  }
  const body = await readJson(request);
  if (!Array.isArray(body)) {
    throw invalid(
      [{ field: '', message: 'must be an array of rows' }],
      'A batch is an array of rows.',
    );
  }
  // The contract's body schema takes an array of objects: each object is then judged as a
  // row on its own, but an item that is not an object makes the whole body invalid.
  const notObjects = body.flatMap((row, i) =>
    typeof row === 'object' && row !== null && !Array.isArray(row)
      ? []
      : [{ field: `/${i}`, message: 'must be an object' }],
  );
  requireNoErrors(notObjects, 'A batch is an array of row objects.');
  return body;
}
