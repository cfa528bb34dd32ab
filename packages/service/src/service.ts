/**
 * The core: `handle(request)` answers every operation of the contract, in the contract's
 * order of refusal — 401 (the token), then 400 (the request: its path, body, query and
 * headers against the contract's schemas, then the domain's rules), then 403 (what the
 * principal may do), then 404/409 (the stored state). The reference server and the mock
 * are transports around it; storage is whatever implements `Storage`.
 */
import {
  OPERATION_IDS,
  STREAM_HEARTBEAT_MS,
  authorizeBeforeBody,
  type OperationId,
  type ProblemKind,
} from '@cpis/domain';
import type { JWTVerifyGetKey } from 'jose';
import { CsvBodyGuard, JsonBodyGuard, MAX_JSON_DEPTH, type BodyGuard } from './body-guard.js';
import { batchPlans, deletePlan, listPlans, putPlan } from './plans.js';
import { getAuthority, putAuthority } from './authorities.js';
import { createCheck, getCheck } from './checks.js';
import {
  getFhirCapabilityStatement,
  searchAuditEvent,
  searchCareTeam,
  searchPatientFlag,
} from './fhir/handlers.js';
import { cdsHooksAuthenticator, cdsServiceUrl } from './cds-hooks/auth.js';
import { developmentEhrs, type DevelopmentEhr } from './cds-hooks/development.js';
import {
  cdsDiscovery,
  cdsFeedback,
  cdsHookCall,
  createDevCdsHooksToken,
  type CdsHooksRuntime,
} from './cds-hooks/hooks.js';
import type { CdsHooksTrustedEhr } from './cds-hooks/trust.js';
import { json, type OperationContext, type StreamRegistry } from './context.js';
import { compileContract, fieldErrors, type Operation, type RequestPart } from './contract.js';
import { requestIdOf } from './ids.js';
import { listNotifications, streamNotifications } from './notifications.js';
import { Refusal, kindForStatus } from './problem.js';
import type { Storage } from './storage.js';
import { SURFACES, refusalOn, withSurfaceHeaders, type Surface } from './surface.js';
import { illFormedText } from './text.js';
import {
  AuthenticationError,
  AuthUnavailableError,
  bearerToken,
  principalOf,
  type DevTokenSigner,
  type Principal,
  type TokenVerifier,
} from './tokens.js';

/** Bodies of single objects (a check, a plan, an authority, a token request). */
export const BODY_LIMIT_BYTES = 100 * 1024;
/** A batch of 10,000 rows is about 2 MB as JSON; room to count the rows of a larger one. */
export const BATCH_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

export interface ServiceLogger {
  error(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface ServiceOptions {
  store: Storage;
  /** Verifies a bearer token and returns its payload (see `hs256Tokens`). */
  verifyToken: TokenVerifier;
  /** Signs development tokens; without it `POST /v1/dev/tokens` does not exist (404). */
  devTokens?: DevTokenSigner;
  now?: () => Date;
  /** The path the core answers under: `''` (the server) or the mock's base path. */
  basePath?: string;
  /** How often an open stream sends a keep-alive comment (`STREAM_HEARTBEAT_MS` unless set). */
  streamHeartbeatMs?: number;
  /** Live notification streams one user may hold at once (429 beyond); unlimited unless set. */
  maxStreamsPerUser?: number;
  /** Runs inside each check before it is written (the mock's simulated duration). */
  checkDelay?: () => Promise<void>;
  /** Where unexpected faults are reported (they are never in an answer). */
  log?: ServiceLogger;
  /** The CDS Hooks services (`/cds-services`); without it they do not exist (404). */
  cdsHooks?: CdsHooksOptions;
}

export interface CdsHooksOptions {
  /** The EHRs trusted to call (`CPIS_CDS_HOOKS_TRUST`). */
  trust: readonly CdsHooksTrustedEhr[];
  /**
   * Development EHRs, trusted besides `trust`, whose keys the service holds and whose
   * JWTs it signs at `POST /v1/dev/cds-hooks-tokens` (development mode and the mock only).
   */
  developmentEhrs?: readonly DevelopmentEhr[];
  /** Where callers reach the service (`CPIS_PUBLIC_URL`): a JWT's `aud` is this + the path. */
  publicUrl: string;
  /** The page a card's link opens: the banner view, the NHS number in its fragment. */
  bannerUrl: string;
  /** A trusted EHR's keys; its JWK Set fetched from its `jwksUrl` unless set (tests). */
  keys?: (ehr: CdsHooksTrustedEhr) => JWTVerifyGetKey | undefined;
  /** How JWK Sets and Patients are fetched from EHRs; the global `fetch` unless set. */
  fetch?: typeof fetch;
  /** How long a hook waits for its check before a timed-out card; 3,000 ms unless set. */
  checkTimeoutMs?: number;
}

/** How long a hook waits for its check, unless told otherwise. */
export const CDS_HOOKS_CHECK_TIMEOUT_MS = 3_000;

export interface HandleOptions {
  /**
   * The caller, when the transport has verified the token already (the server does, to
   * key its rate limiter); otherwise the core verifies it.
   */
  authenticate?: () => Promise<Principal>;
}

export interface CpisService {
  handle(request: Request, options?: HandleOptions): Promise<Response>;
  /**
   * Authenticates a request as its surface does (the bearer token on `/v1` and FHIR): the
   * principal, or a `Refusal` (401 or 503).
   */
  authenticate(request: Request): Promise<Principal>;
  /** Whether the path needs a token (for a transport's rate limiter and logs). */
  operationOf(method: string, path: string): Operation | undefined;
  /** The surface a path (under the base path) belongs to. */
  surfaceOf(path: string): Surface;
  /** The first segments of the contract's paths (`/v1`, `/cpis`…), for a transport's routes. */
  roots(): string[];
  /**
   * A refusal raised outside the core (a transport's rate limiter or body parser) as the
   * surface of `path` (under the base path, without the query) renders it.
   */
  refuse(refusal: Refusal, path: string, requestId: string): Response;
  /**
   * The request id the core answers a request on `path` with: the first UUID among its
   * surface's request id headers (`header` reads one by lower-case name), else a new one.
   */
  requestIdOf(path: string, header: (name: string) => string | null | undefined): string;
  /** Ends every open notification stream (shutdown; the mock's reset). */
  closeStreams(): void;
}

type Handler = (ctx: OperationContext) => Promise<Response>;

const HANDLERS: Record<string, Handler> = {
  createCheck,
  getCheck,
  getAuthority,
  putAuthority,
  putPlan,
  deletePlan,
  listPlans,
  batchPlans,
  listNotifications,
  streamNotifications,
  searchCareTeam,
  searchAuditEvent,
  searchPatientFlag,
  getFhirCapabilityStatement,
  getHealth: async (ctx) =>
    (await ctx.store.ping()) ? json({ status: 'ok' }) : json({ status: 'unavailable' }, 503),
  createDevToken: async (ctx) => {
    if (ctx.devTokens === undefined) throw new Refusal('not-found', 'There is no such resource.');
    return json(await ctx.devTokens(ctx.body as Parameters<DevTokenSigner>[0]));
  },
  cdsDiscovery,
  cdsHookCall,
  cdsFeedback,
  createDevCdsHooksToken,
};

/** Media types the contract names for answers only: never a request body. */
const RESPONSE_ONLY_TYPES = new Set(['application/problem+json', 'text/event-stream']);
const PARSED_TYPES = new Set(['application/json', 'text/csv']);
const DEV_TOKENS_PATH = '/v1/dev/tokens';
const DEV_CDS_HOOKS_TOKENS_PATH = '/v1/dev/cds-hooks-tokens';

export function createService(options: ServiceOptions): CpisService {
  const contract = compileContract();
  const now = options.now ?? (() => new Date());
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const streams: StreamRegistry = {
    heartbeatMs: options.streamHeartbeatMs ?? STREAM_HEARTBEAT_MS,
    open: new Set(),
    perUser: new Map(),
    maxPerUser: options.maxStreamsPerUser ?? Number.POSITIVE_INFINITY,
  };
  const batch = contract.operations.get('batchPlans');
  const maxBatchRows = batch?.operation['x-cpis-max-rows'] ?? 10_000;

  const cds = options.cdsHooks;
  const devEhrs =
    cds?.developmentEhrs === undefined || cds.developmentEhrs.length === 0
      ? undefined
      : developmentEhrs(cds.developmentEhrs);
  const cdsTrust = [...(cds?.trust ?? []), ...(devEhrs?.trust ?? [])];
  const cdsRuntime: CdsHooksRuntime | undefined =
    cds === undefined
      ? undefined
      : {
          ehrs: new Map(cdsTrust.map((ehr) => [ehr.iss, ehr])),
          bannerUrl: cds.bannerUrl,
          checkTimeoutMs: cds.checkTimeoutMs ?? CDS_HOOKS_CHECK_TIMEOUT_MS,
          fetch: cds.fetch ?? ((input, init) => fetch(input, init)),
          log: (error) => options.log?.error({ err: error }, 'CDS Hooks check failed'),
          publicUrl: cds.publicUrl,
          ...(devEhrs !== undefined && { signDevelopmentToken: devEhrs.sign }),
        };
  const cdsAuthenticator =
    cds === undefined
      ? undefined
      : cdsHooksAuthenticator({
          trust: cdsTrust,
          keys: (ehr) =>
            devEhrs !== undefined && devEhrs.trust.includes(ehr)
              ? devEhrs.keys(ehr)
              : cds.keys?.(ehr),
          ...(cds.fetch !== undefined && { fetch: cds.fetch }),
        });

  const match = (method: string, path: string) => {
    const found = contract.match(method, path);
    // In production the development token routes do not exist at all (404, not 405).
    if (found?.path === DEV_TOKENS_PATH && options.devTokens === undefined) return undefined;
    if (found?.path === DEV_CDS_HOOKS_TOKENS_PATH && devEhrs === undefined) return undefined;
    // Nor do the CDS Hooks services, unless the deployment has them.
    if (cds === undefined && found !== undefined && contract.surfaceOf(path).name === 'cds-hooks') {
      return undefined;
    }
    return found;
  };

  const pathOf = (url: string): string => {
    const pathname = new URL(url, 'http://base.invalid').pathname;
    return pathname.startsWith(basePath) ? pathname.slice(basePath.length) : '';
  };
  const surfaceOf = (path: string): Surface =>
    path === '' ? SURFACES.v1 : contract.surfaceOf(path);

  async function authenticate(request: Request): Promise<Principal> {
    const surface = surfaceOf(pathOf(request.url));
    return surface.authenticate === undefined
      ? bearer(request)
      : surface.authenticate(request, bearer, { cdsHooks });
  }

  /** The `/v1` bearer token, verified as the service is configured. */
  async function bearer(request: Request): Promise<Principal> {
    try {
      return principalOf(
        await options.verifyToken(bearerToken(request.headers.get('authorization'))),
      );
    } catch (error) {
      throw authRefusal(error, 'Bearer realm="cpis", error="invalid_token"');
    }
  }

  /**
   * An EHR's CDS Hooks JWT, for the service its path names (a feedback call may also name
   * the feedback URL as its `aud`): the EHR as a principal, whose `sub` is its `iss`.
   */
  async function cdsHooks(request: Request): Promise<Principal> {
    const path = pathOf(request.url);
    const id = match(request.method, path)?.params['id'];
    if (cdsAuthenticator === undefined || cds === undefined || id === undefined) {
      throw new Refusal('not-found', 'There is no such resource.');
    }
    const service = cdsServiceUrl(cds.publicUrl, id);
    const audiences = path.endsWith('/feedback') ? [service, `${service}/feedback`] : [service];
    try {
      const { ehr } = await cdsAuthenticator(
        request.headers.get('authorization'),
        audiences,
        now(),
        options.store,
      );
      return {
        sub: ehr.iss,
        name: ehr.orgName,
        role: 'EHR',
        orgType: 'health',
        odsCode: ehr.odsCode,
        orgName: ehr.orgName,
        activities: [],
      };
    } catch (error) {
      throw authRefusal(error, 'Bearer error="invalid_token"');
    }
  }

  /** A token refused (401, with `challenge`), or keys that cannot be had (503). */
  function authRefusal(error: unknown, challenge: string): unknown {
    if (error instanceof AuthenticationError) {
      return new Refusal('unauthenticated', error.message, undefined, {
        'www-authenticate': challenge,
      });
    }
    if (error instanceof AuthUnavailableError) {
      const refusal = new Refusal(
        'unavailable',
        'Tokens cannot be verified just now; try again shortly.',
        undefined,
        { 'retry-after': '5' },
      );
      // What the identity provider said, for the server's log (never the answer).
      return Object.assign(refusal, { cause: error.cause ?? error });
    }
    return error;
  }

  async function answer(
    request: Request,
    requestId: string,
    handleOptions: HandleOptions,
  ): Promise<Response> {
    const url = new URL(request.url);
    const path = pathOf(request.url);
    const found = match(request.method, path);
    if (found === undefined) throw new Refusal('not-found', 'There is no such resource.');
    const operation = found.operation;
    if (operation === undefined) {
      throw new Refusal(
        'method-not-allowed',
        `${request.method} is not allowed here; use ${found.allowed.join(' or ')}.`,
        undefined,
        { allow: found.allowed.join(', ') },
      );
    }
    const principal = operation.authenticated
      ? await (handleOptions.authenticate ?? (() => authenticate(request)))()
      : undefined;
    const params: Record<string, unknown> = {};
    for (const [name, raw] of Object.entries(found.params)) {
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        throw new Refusal('invalid-request', 'The URL is not valid.');
      }
    }
    // The 403 that the token and the path decide comes before a byte of the body is read.
    if (
      principal !== undefined &&
      operation.bodyMediaTypes.length > 0 &&
      (OPERATION_IDS as readonly string[]).includes(operation.operationId)
    ) {
      const decision = authorizeBeforeBody(
        operation.operationId as OperationId,
        principal,
        params as { odsCode?: string; planId?: string },
      );
      if (!decision.allowed) throw new Refusal('forbidden', decision.reason);
    }
    const body = await readBody(request, operation, maxBatchRows);

    const query: Record<string, unknown> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      query[key] = values.length === 1 ? values[0] : values;
    }
    const headers: Record<string, unknown> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    // In Fastify's order: path, body, query, headers; the first part that fails is named.
    check(operation, 'path', operation.validate.path, params);
    if (body !== undefined) {
      const mediaType = mediaTypeOf(request);
      check(operation, 'body', operation.validate.body.get(mediaType), body);
    }
    check(operation, 'query', operation.validate.query, query);
    check(operation, 'headers', operation.validate.headers, headers);

    const handler = HANDLERS[operation.operationId];
    if (handler === undefined) throw new Error(`No handler for ${operation.operationId}`);
    return handler({
      store: options.store,
      now,
      basePath,
      requestId,
      request,
      operation,
      principal,
      params: params as Record<string, string>,
      query,
      headers,
      body,
      maxBatchRows,
      devTokens: options.devTokens,
      checkDelay: options.checkDelay,
      streams,
      ...(cdsRuntime !== undefined && { cdsHooks: cdsRuntime }),
    });
  }

  /** Any error as a refusal: storage faults are 503, anything unexpected 500 (and logged). */
  function refusalOf(error: unknown): Refusal {
    if (error instanceof Refusal) return error;
    if (options.store.isUnavailable(error)) {
      options.log?.warn({ err: error }, 'storage unavailable');
      return new Refusal(
        'unavailable',
        'The database cannot be reached; try again shortly.',
        undefined,
        { 'retry-after': '5' },
      );
    }
    options.log?.error({ err: error }, 'unexpected error');
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    const kind: ProblemKind =
      typeof status === 'number' && status >= 400 && status < 500
        ? kindForStatus(status)
        : 'internal';
    return new Refusal(
      kind,
      kind === 'internal'
        ? 'An unexpected error occurred; it has been logged with this requestId.'
        : 'The request cannot be processed.',
    );
  }

  return {
    async handle(request, handleOptions = {}) {
      const surface = surfaceOf(pathOf(request.url));
      const requestId = requestIdOf(request, surface.requestIdHeaders);
      let response: Response;
      try {
        response = await answer(request, requestId, handleOptions);
      } catch (error) {
        response = surface.refuse(refusalOf(error), requestId);
      }
      withSurfaceHeaders(response, surface, requestId);
      // Answers of the API carry patient data or tokens (the contract's `NoStore`): no cache
      // keeps any of them, refusals included.
      if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'no-store');
      if (request.method === 'HEAD') {
        await response.body?.cancel();
        return new Response(null, { status: response.status, headers: response.headers });
      }
      return response;
    },
    authenticate,
    operationOf(method, path) {
      return match(method, path)?.operation;
    },
    surfaceOf,
    roots() {
      return [...new Set([...contract.operations.values()].map((o) => `/${o.path.split('/')[1]}`))];
    },
    refuse(refusal, path, requestId) {
      const surface = surfaceOf(path);
      return refusalOn(surface, refusal, requestId);
    },
    requestIdOf(path, header) {
      return requestIdOf(
        { headers: { get: (name) => header(name) ?? null } },
        surfaceOf(path).requestIdHeaders,
      );
    },
    closeStreams() {
      for (const stream of [...streams.open]) stream.close();
    },
  };
}

function check(
  operation: Operation,
  part: RequestPart,
  validate: Operation['validate']['path'],
  value: unknown,
): void {
  if (validate === undefined || validate(value)) return;
  throw new Refusal(
    'invalid-request',
    `The request ${part} does not match the contract.`,
    fieldErrors(
      validate.errors ?? [],
      part,
      part === 'headers' ? operation.headerNames : undefined,
    ),
    {},
    { part },
  );
}

/** The request's media type, lower case, without parameters; `''` when it has none. */
function mediaTypeOf(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

const CONTENT_TYPE = /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\s*(;.*)?$/s;

/**
 * The body, read and parsed as its media type says, or `undefined` when there is none.
 * For an operation without a body, a sent body is still read (and refused if unreadable),
 * then ignored, as HTTP servers commonly do for DELETE.
 */
async function readBody(
  request: Request,
  operation: Operation,
  maxBatchRows: number,
): Promise<unknown> {
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  const contentType = request.headers.get('content-type');
  const limit = operation.operationId === 'batchPlans' ? BATCH_BODY_LIMIT_BYTES : BODY_LIMIT_BYTES;
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw new Refusal('payload-too-large', 'The request body is too large.');
  // Guards refuse deep nesting and too many rows as the bytes arrive, before any parse.
  const maxRows = operation.operationId === 'batchPlans' ? maxBatchRows : undefined;
  const type = mediaTypeOf(request);
  const guard: BodyGuard | undefined =
    type === 'application/json'
      ? new JsonBodyGuard(MAX_JSON_DEPTH, maxRows)
      : type === 'text/csv' && maxRows !== undefined
        ? new CsvBodyGuard(maxRows)
        : undefined;
  const bytes = request.body === null ? undefined : await readLimited(request.body, limit, guard);
  let parsed: unknown;
  if (contentType === null) {
    if (bytes !== undefined && bytes.byteLength > 0) throw unsupported();
  } else {
    if (!CONTENT_TYPE.test(contentType)) throw unsupported();
    const mediaType = mediaTypeOf(request);
    if (RESPONSE_ONLY_TYPES.has(mediaType)) {
      throw new Refusal(
        'unsupported-media-type',
        'This media type is not taken as a request body.',
      );
    }
    if (!PARSED_TYPES.has(mediaType)) throw unsupported();
    const text = new TextDecoder().decode(bytes ?? new Uint8Array());
    parsed = mediaType === 'text/csv' ? text : parseJson(text);
  }
  if (operation.bodyMediaTypes.length === 0) return undefined;
  if (parsed === undefined) {
    throw new Refusal('invalid-request', 'This operation needs a request body.', [
      { field: '', message: 'is required' },
    ]);
  }
  const mediaType = mediaTypeOf(request);
  if (!operation.bodyMediaTypes.includes(mediaType)) {
    throw new Refusal(
      'unsupported-media-type',
      `This operation takes ${operation.bodyMediaTypes.join(' or ')}, not ${mediaType}.`,
    );
  }
  const illFormed = illFormedText(parsed);
  if (illFormed !== undefined) {
    throw new Refusal(
      'invalid-request',
      'The request holds text no database stores as sent (a lone surrogate or NUL).',
      [{ field: illFormed, message: 'is not valid Unicode text' }],
    );
  }
  return parsed;
}

/** The body's bytes, refused (413) as soon as they pass `limit`, without reading the rest. */
async function readLimited(
  body: ReadableStream<Uint8Array>,
  limit: number,
  guard: BodyGuard | undefined,
): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      // Not awaited: a source may never settle its cancel (MSW's does not).
      void reader.cancel().catch(() => undefined);
      throw new Refusal('payload-too-large', 'The request body is too large.');
    }
    const refusal = guard?.scan(value);
    if (refusal !== undefined) {
      // Not awaited: a source may never settle its cancel (MSW's does not).
      void reader.cancel().catch(() => undefined);
      throw refusal;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const unsupported = (): Refusal =>
  new Refusal('unsupported-media-type', 'This operation does not take a body of that media type.');

/**
 * JSON as the server has always read it: a BOM is dropped, and a body that could poison a
 * prototype (`__proto__`, or `constructor.prototype`) is refused whole, as invalid JSON.
 */
function parseJson(text: string): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.length === 0) throw new Refusal('invalid-request', 'The request body is empty.');
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    value = INVALID;
  }
  if (value === INVALID || poisonsPrototype(value)) {
    throw new Refusal('invalid-request', 'The request body is not valid JSON.');
  }
  return value;
}

const INVALID = Symbol('invalid JSON');

function poisonsPrototype(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current)) {
      stack.push(...current);
      continue;
    }
    if (Object.hasOwn(current, '__proto__')) return true;
    const ctor = Object.hasOwn(current, 'constructor')
      ? (current as Record<string, unknown>)['constructor']
      : undefined;
    if (typeof ctor === 'object' && ctor !== null && Object.hasOwn(ctor, 'prototype')) return true;
    stack.push(...Object.values(current));
  }
  return false;
}
