/**
 * The reference server: Fastify 5, routed and validated from the contract by
 * fastify-openapi-glue. Refusals come in the contract's order: 401 (the token, checked in
 * `onRequest`), then 400 (the request, checked by the schema and the domain rules), then
 * 403 (`authorize`, in the handler), then 404/409 (the stored state).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join, resolve, sep } from 'node:path';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { authorizeBeforeBody, londonDate, type OperationId } from '@cpis/domain';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { stringify as yamlText } from 'yaml';
import { AuthenticationError, AuthUnavailableError, createAuth } from './auth.js';
import { CsvBodyGuard, JsonBodyGuard, MAX_JSON_DEPTH } from './body-guard.js';
import type { ServerConfig } from './config.js';
import {
  contractSchema,
  createContractAjv,
  createPathMatcher,
  loadContract,
  operationIndex,
  type OperationInfo,
} from './contract.js';
import {
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  kindForStatus,
  problemBody,
  type ProblemKind,
} from './problem.js';
import type { RouteContext } from './routes/context.js';
import { CpisService } from './service.js';
import type { Engine } from './store/engine.js';
import { openEngine } from './store/open.js';
import { seedIfEmpty } from './store/seed.js';
import { Store } from './store/store.js';
import { createValidatorCompiler, fieldErrors, illFormedText } from './validation.js';

export interface BuildOptions {
  /** The clock (tests move it to prove the 24-hour collapse and the visibility windows). */
  now?: () => Date;
  /** Where log lines go (default stdout): one JSON line per `write`. */
  logStream?: { write(line: string): void };
  /** A database engine made by the caller, who then also closes it. */
  engine?: Engine;
}

declare module 'fastify' {
  interface FastifyInstance {
    cpis: { store: Store; config: ServerConfig };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Bodies of single objects (a check, a plan, an authority, a token request). */
const BODY_LIMIT = 100 * 1024;
/** A batch of 10,000 rows is about 2 MB as JSON; room to count the rows of a larger one. */
const BATCH_BODY_LIMIT = 16 * 1024 * 1024;
const IDEMPOTENCY_PURGE_INTERVAL_MS = 60 * 60 * 1000;

export async function buildApp(
  config: ServerConfig,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const contract = loadContract();
  const servedDocument = structuredClone(contract.document);
  // In production the development token route does not exist at all (404, not 405), and
  // neither the reference at /docs nor the contract served describes it.
  if (config.mode === 'production') {
    delete servedDocument.paths['/v1/dev/tokens'];
    delete servedDocument.components['schemas']?.['DevTokenRequest'];
    delete servedDocument.components['schemas']?.['DevTokenResponse'];
  }
  const servedText = config.mode === 'production' ? yamlText(servedDocument) : contract.text;
  const operations = operationIndex(servedDocument);
  const matchPath = createPathMatcher(servedDocument);
  const headerNames = new Map(
    [...operations.values()]
      .flatMap((o) => headerParameterNames(servedDocument, o))
      .map((n) => [n.toLowerCase(), n]),
  );

  const contractAjv = createContractAjv(contract.document);
  const batch = operations.get('batchPlans');
  const validateBatchRow = contractSchema(
    contractAjv,
    batch?.operation['x-cpis-row-schema'] ?? 'BatchPlanRow',
  );
  const auth = await createAuth({
    verification: config.jwt.verification,
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    validateClaims: contractSchema(contractAjv, 'TokenClaims'),
    now,
  });

  const ownsEngine = options.engine === undefined;
  const engine = options.engine ?? openEngine(config.database);
  const store = new Store(engine);
  try {
    // Several instances starting together on one PostgreSQL take turns here.
    await engine.exclusive(async () => {
      await store.migrate();
      if (config.seed) {
        const { syntheticPopulation } = await import('@cpis/mock/fixtures');
        await seedIfEmpty(store, syntheticPopulation(londonDate(now())), now());
      }
    });
  } catch (error) {
    if (ownsEngine) await engine.destroy();
    throw error;
  }

  const ctx: RouteContext = {
    config,
    store,
    auth,
    now,
    validateBatchRow,
    maxBatchRows: batch?.operation['x-cpis-max-rows'] ?? 10_000,
    streams: new Set(),
    streamsPerUser: new Map(),
  };

  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(options.logStream === undefined ? {} : { stream: options.logStream }),
      // Logs never hold an NHS number, a name or a token: no bodies, no query strings, no
      // headers; the route pattern (which holds no NHS number) stands for the URL.
      redact: {
        paths: ['req.headers', 'headers', 'authorization', '*.authorization', 'token', '*.token'],
        censor: '[redacted]',
      },
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          route: routePattern(request),
        }),
        res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
        err: (error: Error & { code?: unknown }) => ({
          type: error.name,
          code: typeof error.code === 'string' ? error.code : undefined,
          message: scrub(error.message),
          stack: scrub(error.stack ?? ''),
        }),
      },
    },
    genReqId: (req) => {
      const sent = req.headers['x-request-id'];
      return typeof sent === 'string' && UUID.test(sent) ? sent : randomUUID();
    },
    bodyLimit: BODY_LIMIT,
    // A client that trickles its headers or body is cut off (408, `answerClientError`), so
    // it cannot hold a connection and its buffers for ever.
    requestTimeout: config.requestTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(config.headersTimeoutMs / 10)),
    },
    // A URL that cannot be decoded, or a parameter too long for the router: still a problem.
    frameworkErrors: (_error, request, frameworkReply) => {
      const reply = frameworkReply as unknown as FastifyReply;
      void reply
        .code(400)
        .header('x-request-id', request.id)
        .type(PROBLEM_CONTENT_TYPE)
        .send(problemBody('invalid-request', request.id, 'The URL is not valid.'));
    },
    // Fastify's own closing answer is not a problem; the onRequest hook below answers instead.
    return503OnClosing: false,
    // What Node's HTTP parser refuses before any route runs (a malformed request line, headers
    // over the size limit, a request not received in time): a problem too, and the end of the
    // connection.
    clientErrorHandler: answerClientError,
  });
  app.decorate('cpis', { store, config });
  engine.attachLogger(app.log);

  const operationOf = (request: FastifyRequest): OperationInfo | undefined => {
    const id = (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId;
    return id === undefined ? undefined : operations.get(id);
  };

  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  // Media types the contract names for responses only: never a request body.
  app.addContentTypeParser(
    ['application/problem+json', 'text/event-stream'],
    (_request, _payload, done) =>
      done(
        new ProblemError(
          'unsupported-media-type',
          'This media type is not taken as a request body.',
        ),
        undefined,
      ),
  );
  app.setValidatorCompiler(createValidatorCompiler());
  // Plain JSON.stringify: the contract's response schemas are checked by the tests, not
  // used to silently drop or coerce fields on the way out.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addHook('onRoute', (route) => {
    if ((route.schema as { operationId?: string } | undefined)?.operationId === 'batchPlans') {
      route.bodyLimit = BATCH_BODY_LIMIT;
    }
  });

  // First of all hooks, so every answer (a CORS preflight too) carries the request id.
  let closing = false;
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (closing) {
      throw new ProblemError(
        'unavailable',
        'The server is shutting down; try again shortly.',
        undefined,
        {
          'retry-after': '5',
          connection: 'close',
        },
      );
    }
  });

  // An answer sent before the body was read (a 401, 403 or 413 decided first): the rest of
  // the body is not waited for; the connection ends with the answer.
  app.addHook('onSend', async (request, reply) => {
    if (!request.raw.complete) void reply.header('connection', 'close');
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        // Swagger UI sets inline styles.
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'font-src': ["'self'", 'data:'],
        'object-src': ["'none'"],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': null,
      },
    },
  });
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'Idempotency-Key',
        'X-Request-ID',
        'Last-Event-ID',
      ],
      exposedHeaders: [
        'X-Request-ID',
        'Location',
        'Retry-After',
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
      ],
      maxAge: 600,
    });
  }

  app.addHook('onRequest', async (request, reply) => {
    const operation = operationOf(request);
    if (operation === undefined) return;
    // Answers of the API carry patient data or tokens (the contract's `NoStore` header):
    // no cache keeps any of them, refusals included.
    void reply.header('cache-control', 'no-store');
    if (!operation.authenticated) return;
    try {
      request.principal = await auth.verify(request.headers.authorization);
    } catch (error) {
      if (error instanceof AuthUnavailableError) {
        request.log.warn(
          { err: error.cause ?? error },
          'token signing keys unavailable: the JWKS URL cannot be fetched',
        );
        throw new ProblemError(
          'unavailable',
          'Tokens cannot be verified just now; try again shortly.',
          undefined,
          {
            'retry-after': '5',
          },
        );
      }
      if (!(error instanceof AuthenticationError)) throw error;
      // Refused in preParsing, after the rate limiter (keyed by IP for these) has counted it.
      request.authFailure = error.message;
    }
  });

  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    cache: 10_000,
    keyGenerator: (request) =>
      request.principal ? `sub:${request.principal.sub}` : `ip:${request.ip}`,
    // Only the authenticated API is limited; health, docs and files are not.
    allowList: (request) => operationOf(request)?.authenticated !== true,
    errorResponseBuilder: (_request, context) =>
      new ProblemError(
        'rate-limited',
        `Too many requests from this user; try again in ${Math.ceil(context.ttl / 1000)} s.`,
      ),
  });

  app.addHook('preParsing', async (request) => {
    if (request.authFailure !== undefined) {
      throw new ProblemError('unauthenticated', request.authFailure, undefined, {
        'www-authenticate': 'Bearer realm="cpis", error="invalid_token"',
      });
    }
  });

  // Before a byte of the body is read: 403 for what the token and the path decide, then
  // the body passes through guards that refuse deep nesting and too many rows as they come.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const operation = operationOf(request);
    if (operation === undefined || operation.bodyMediaTypes.length === 0) return payload;
    if (request.principal !== undefined) {
      const decision = authorizeBeforeBody(
        operation.operationId as OperationId,
        request.principal,
        request.params as { odsCode?: string; planId?: string },
      );
      if (!decision.allowed) throw new ProblemError('forbidden', decision.reason);
    }
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    const maxRows = operation.operationId === 'batchPlans' ? ctx.maxBatchRows : undefined;
    const guard =
      mediaType === 'application/json'
        ? new JsonBodyGuard(MAX_JSON_DEPTH, maxRows)
        : mediaType === 'text/csv' && maxRows !== undefined
          ? new CsvBodyGuard(maxRows)
          : undefined;
    if (guard === undefined) return payload;
    // Not `pipeline`: it would destroy the request, and with it the socket the refusal
    // goes out on.
    payload.on('error', (error) => guard.destroy(error));
    return payload.pipe(guard);
  });

  app.addHook('preValidation', async (request) => {
    const operation = operationOf(request);
    if (operation === undefined || operation.bodyMediaTypes.length === 0) return;
    if (request.body === undefined) {
      throw new ProblemError('invalid-request', 'This operation needs a request body.', [
        { field: '', message: 'is required' },
      ]);
    }
    const mediaType =
      (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!operation.bodyMediaTypes.includes(mediaType)) {
      throw new ProblemError(
        'unsupported-media-type',
        `This operation takes ${operation.bodyMediaTypes.join(' or ')}, not ${mediaType || 'a body without a Content-Type'}.`,
      );
    }
    const illFormed = illFormedText(request.body);
    if (illFormed !== undefined) {
      throw new ProblemError(
        'invalid-request',
        'The request holds text no database stores as sent (a lone surrogate or NUL).',
        [{ field: illFormed, message: 'is not valid Unicode text' }],
      );
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    // A body sent to a path or method that does not exist: that is the answer, not the body.
    if (request.is404 && isBodyError(error)) {
      notFound(request, reply);
      return;
    }
    const { kind, detail, errors, headers } = describeError(error, engine, headerNames);
    if (kind === 'internal') request.log.error({ err: error }, 'unexpected error');
    else if (kind === 'unavailable' && engine.isUnavailable(error))
      request.log.warn({ err: error }, 'database unavailable');
    void reply
      .code(problemStatus(kind))
      .headers(headers)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problemBody(kind, request.id, detail, errors));
  });

  const notFound = (request: FastifyRequest, reply: FastifyReply): void => {
    const path = request.url.split('?')[0] ?? '/';
    const match = matchPath(request.method, path);
    if (match !== undefined && match.operation === undefined) {
      void reply
        .code(405)
        .header('allow', match.allowed.join(', '))
        .type(PROBLEM_CONTENT_TYPE)
        .send(
          problemBody(
            'method-not-allowed',
            request.id,
            `${request.method} is not allowed here; use ${match.allowed.join(' or ')}.`,
          ),
        );
      return;
    }
    void reply
      .code(404)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problemBody('not-found', request.id, 'There is no such resource.'));
  };
  app.setNotFoundHandler(notFound);

  await app.register(swagger, {
    mode: 'static',
    // The contract document is OpenAPI 3.1; the plugin's types know 2.0 and 3.0 only.
    specification: { document: structuredClone(servedDocument) as never },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { validatorUrl: null, deepLinking: true, tryItOutEnabled: false } as Record<
      string,
      unknown
    >,
  });
  app.get('/openapi.yaml', { schema: { hide: true } }, (_request, reply) => {
    void reply.type('application/yaml; charset=utf-8').send(servedText);
  });
  app.get('/openapi.json', { schema: { hide: true } }, (_request, reply) => {
    void reply.type('application/json; charset=utf-8').send(JSON.stringify(servedDocument));
  });

  await app.register(openapiGlue, {
    specification: structuredClone(servedDocument),
    serviceHandlers: new CpisService(ctx),
  });

  if (config.mode === 'development' && config.examplesDir !== null) {
    await app.register(fastifyStatic, {
      ...staticFiles(config.examplesDir),
      prefix: '/',
      redirect: true,
      index: ['index.html'],
    });
    // The examples load the elements as one module, `/kit/cpis-elements.js`: the built
    // `packages/elements/dist/`, beside `examples/` in the repository.
    const kitDir = join(config.examplesDir, '..', 'packages', 'elements', 'dist');
    if (existsSync(kitDir)) {
      await app.register(fastifyStatic, {
        ...staticFiles(kitDir),
        prefix: '/kit/',
        decorateReply: false,
      });
    }
  }

  const purge = setInterval(() => {
    store
      .purgeIdempotencyKeys(new Date(now().getTime() - 24 * 60 * 60 * 1000))
      .catch((error: unknown) => {
        app.log.warn({ err: error }, 'idempotency key purge failed');
      });
  }, IDEMPOTENCY_PURGE_INTERVAL_MS);
  purge.unref();

  app.addHook('preClose', (done) => {
    closing = true;
    for (const stream of [...ctx.streams]) stream.close();
    done();
  });
  app.addHook('onClose', async () => {
    clearInterval(purge);
    if (ownsEngine) await engine.destroy();
  });

  return app;
}

/**
 * A folder served as is, but no file or folder under it whose name starts with a dot, and
 * nothing reached through a symbolic link: what is served is what is in the folder itself.
 */
function staticFiles(root: string): {
  root: string;
  dotfiles: 'ignore';
  allowedPath: (pathName: string) => boolean;
} {
  const realRoot = realpathSync(root);
  return {
    root,
    dotfiles: 'ignore',
    allowedPath: (pathName) => {
      if (pathName.split('/').some((segment) => segment.startsWith('.'))) return false;
      const file = resolve(realRoot, `.${pathName}`);
      if (file !== realRoot && !file.startsWith(realRoot + sep)) return false;
      try {
        return realpathSync(file) === file;
      } catch {
        // Not there: the plugin answers 404.
        return true;
      }
    },
  };
}

/**
 * Fastify's `clientErrorHandler`: the answer to a request Node could not parse, as
 * problem+json with a new X-Request-ID, then the connection is closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, kind, detail]: [number, ProblemKind, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers-too-large', 'The request headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request-timeout', 'The request was not received in time.']
        : [400, 'invalid-request', 'The request is not valid HTTP.'];
  const requestId = randomUUID();
  const body = JSON.stringify(problemBody(kind, requestId, detail));
  if (socket.writable) {
    socket.end(
      [
        `HTTP/1.1 ${status} ${problemBody(kind, requestId).title}`,
        `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        `X-Request-ID: ${requestId}`,
        'Cache-Control: no-store',
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  }
  socket.destroySoon();
}

interface ErrorDescription {
  kind: ProblemKind;
  detail?: string;
  errors?: { field: string; message: string }[];
  headers: Record<string, string>;
}

function describeError(
  error: FastifyError,
  engine: Engine,
  headerNames: Map<string, string>,
): ErrorDescription {
  if (error instanceof ProblemError) {
    return { kind: error.kind, detail: error.detail, errors: error.errors, headers: error.headers };
  }
  if (error.validation !== undefined) {
    const part = error.validationContext ?? 'body';
    const errors = fieldErrors(error.validation as never, part).map((e) =>
      part === 'headers' ? { ...e, field: headerNames.get(e.field) ?? e.field } : e,
    );
    const where =
      part === 'body'
        ? 'body'
        : part === 'querystring'
          ? 'query'
          : part === 'params'
            ? 'path'
            : 'headers';
    return {
      kind: 'invalid-request',
      detail: `The request ${where} does not match the contract.`,
      errors,
      headers: {},
    };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { kind: 'payload-too-large', detail: 'The request body is too large.', headers: {} };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        kind: 'unsupported-media-type',
        detail: 'This operation does not take a body of that media type.',
        headers: {},
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { kind: 'invalid-request', detail: 'The request body is empty.', headers: {} };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return {
        kind: 'invalid-request',
        detail: 'The request body is not valid JSON.',
        headers: {},
      };
  }
  if (engine.isUnstorable(error)) {
    return {
      kind: 'invalid-request',
      detail: 'The request holds a character that cannot be stored (U+0000).',
      headers: {},
    };
  }
  if (engine.isUnavailable(error)) {
    return {
      kind: 'unavailable',
      detail: 'The database cannot be reached; try again shortly.',
      headers: { 'retry-after': '5' },
    };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors (a malformed request line, a prototype-poisoning body…).
    return { kind: kindForStatus(status), detail: 'The request cannot be processed.', headers: {} };
  }
  return {
    kind: 'internal',
    detail: 'An unexpected error occurred; it has been logged with this requestId.',
    headers: {},
  };
}

/** An error about the request body itself: its media type, size or syntax. */
function isBodyError(error: FastifyError): boolean {
  return (
    (typeof error.code === 'string' && error.code.startsWith('FST_ERR_CTP_')) ||
    (error instanceof ProblemError && error.kind === 'unsupported-media-type')
  );
}

/** The route pattern (`/v1/checks/:checkId`), never the URL: it may carry anything. */
function routePattern(request: FastifyRequest): string | null {
  try {
    return request.routeOptions?.url ?? null;
  } catch {
    return null;
  }
}

/** An error message may quote data: anything shaped like an NHS number is masked. */
function scrub(text: string): string {
  return text.replace(/(?<![0-9])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}(?![0-9])/g, '[nhs-number?]');
}

function problemStatus(kind: ProblemKind): number {
  return problemBody(kind, '').status;
}

function headerParameterNames(
  document: {
    components: Record<string, Record<string, unknown>>;
    paths: Record<string, Record<string, unknown>>;
  },
  operation: OperationInfo,
): string[] {
  const item = document.paths[operation.path] ?? {};
  const parameters = [
    ...((item['parameters'] as unknown[] | undefined) ?? []),
    ...((operation.operation['parameters'] as unknown[] | undefined) ?? []),
  ];
  return parameters.flatMap((p) => {
    const ref = (p as { $ref?: string }).$ref;
    const resolved = (
      ref === undefined ? p : document.components['parameters']?.[ref.split('/').pop() ?? '']
    ) as { in?: string; name?: string } | undefined;
    return resolved?.in === 'header' && resolved.name !== undefined ? [resolved.name] : [];
  });
}
