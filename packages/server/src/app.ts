/**
 * The reference server: Fastify around the service core (`@cpis/service`), which holds the
 * contract's whole meaning. What is left here is HTTP: request ids, security headers,
 * CORS, per-user rate limits, the docs, the examples, logging and shutdown, each a plugin
 * of its own, and the core's storage on SQLite or PostgreSQL.
 */
import { londonDate } from '@cpis/domain';
import { cdsHooksEhrs, syntheticPopulation } from '@cpis/population';
import { Refusal, createService, seedIfEmpty } from '@cpis/service';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { createAuth } from './auth.js';
import type { ServerConfig } from './config.js';
import { loadContract } from './contract.js';
import { serviceCore } from './http/core.js';
import { corsPolicy } from './http/cors.js';
import { apiDocs } from './http/docs.js';
import { loggerOptions } from './http/logging.js';
import { rateLimitPerUser } from './http/rate-limit.js';
import { securityHeaders } from './http/security-headers.js';
import { answerClientError } from './http/client-errors.js';
import { gracefulShutdown } from './http/shutdown.js';
import { staticFiles } from './http/static-files.js';
import type { Engine } from './store/engine.js';
import { openEngine } from './store/open.js';
import { createStorage } from './store/storage.js';
import type { Store } from './store/store.js';

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

export async function buildApp(
  config: ServerConfig,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const contract = loadContract();
  const auth = await createAuth({
    verification: config.jwt.verification,
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    now,
  });

  const ownsEngine = options.engine === undefined;
  const engine = options.engine ?? openEngine(config.database);
  const storage = createStorage(engine);
  try {
    // Several instances starting together on one PostgreSQL take turns here.
    await engine.exclusive(async () => {
      await storage.migrate();
      if (config.seed) await seedIfEmpty(storage, syntheticPopulation(londonDate(now())), now());
    });
  } catch (error) {
    if (ownsEngine) await engine.destroy();
    throw error;
  }

  const routeOf = (request: FastifyRequest): string | null =>
    core.operationOf(request.method, urlPath(request.url))?.path ?? routePattern(request);

  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream, routeOf),
    // The request id as the core takes it on the path's surface (`X-Request-ID`, FHIR's
    // `TraceID`), so the log lines and the answer carry the same one.
    genReqId: (req) =>
      core.requestIdOf(urlPath(req.url), (name) => {
        const sent = req.headers[name];
        return typeof sent === 'string' ? sent : undefined;
      }),
    // A URL that cannot be decoded, or a parameter too long for the router: still refused in
    // the path's surface's own format.
    frameworkErrors: (_error, request, frameworkReply) => {
      const reply = frameworkReply as unknown as FastifyReply;
      void reply.send(
        core.refuse(
          new Refusal('invalid-request', 'The URL is not valid.'),
          urlPath(request.url),
          request.id,
        ),
      );
    },
    // Fastify's own closing answer is not a problem; the shutdown plugin answers instead.
    return503OnClosing: false,
    // A client that trickles its headers or body is cut off (408, `answerClientError`), so
    // it cannot hold a connection and its buffers for ever.
    requestTimeout: config.requestTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(config.headersTimeoutMs / 10)),
    },
    // What Node's HTTP parser refuses before any route runs (a malformed request line, headers
    // over the size limit, a request not received in time): a problem too, and the end of the
    // connection.
    clientErrorHandler: answerClientError,
  });
  const core = createService({
    store: storage,
    verifyToken: auth.verifyToken,
    // In production the development token route does not exist at all (404).
    ...(config.mode === 'development' && auth.sign !== null && { devTokens: auth.sign }),
    now,
    streamHeartbeatMs: config.streamHeartbeatMs,
    maxStreamsPerUser: config.maxStreamsPerUser,
    log: app.log,
    // CDS Hooks: the EHRs the deployment trusts; in development with none configured, the
    // development EHRs (their keys in memory, their JWTs signed by the server itself).
    ...((config.cdsHooksTrust.length > 0 || config.mode === 'development') && {
      cdsHooks: {
        trust: config.cdsHooksTrust,
        ...(config.mode === 'development' &&
          config.cdsHooksTrust.length === 0 && { developmentEhrs: Object.values(cdsHooksEhrs) }),
        publicUrl: config.publicUrl,
        bannerUrl: config.cdsHooksBannerUrl,
      },
    }),
  });
  app.decorate('cpis', { store: storage.store, config });
  engine.attachLogger(app.log);

  // First of all hooks, so every answer (a CORS preflight too) carries the request id.
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  // An answer sent before the body was read (a 401, 403 or 413 decided first): the rest of
  // the body is not waited for; the connection ends with the answer.
  app.addHook('onSend', async (request, reply) => {
    if (!request.raw.complete) void reply.header('connection', 'close');
  });
  await app.register(gracefulShutdown, {
    storage,
    now,
    ...(ownsEngine && { release: () => engine.destroy() }),
  });
  await app.register(securityHeaders);
  await app.register(corsPolicy, { origins: config.corsOrigins });
  await app.register(rateLimitPerUser, { core, perMinute: config.rateLimitPerMinute });
  await app.register(apiDocs, { contract, devTokens: config.mode === 'development' });
  await app.register(serviceCore, { core });
  if (config.mode === 'development' && config.examplesDir !== null) {
    await app.register(staticFiles, { examplesDir: config.examplesDir });
  }
  return app;
}

/** A request URL's path, without its query. */
export function urlPath(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}

/** The route pattern (`/docs/*`), never the URL: it may carry anything. */
function routePattern(request: FastifyRequest): string | null {
  try {
    return request.routeOptions?.url ?? null;
  } catch {
    return null;
  }
}
