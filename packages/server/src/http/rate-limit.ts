/**
 * Per-user rate limiting of the authenticated API: keyed by the token's `sub` once it has
 * been verified (here, first, through the service core), by the client's address without
 * one. A request whose token is refused is counted, then answered 401 by the core.
 */
import rateLimit from '@fastify/rate-limit';
import { Refusal, type CpisService, type Principal } from '@cpis/service';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { toFetchRequest } from './fetch.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller (or why not), for operations that need a token. */
    authentication?: Promise<Principal>;
    principal?: Principal;
  }
}

export interface RateLimitOptions {
  core: CpisService;
  perMinute: number;
}

export const rateLimitPerUser = fp<RateLimitOptions>(async (app, { core, perMinute }) => {
  const authenticated = (request: FastifyRequest): boolean =>
    core.operationOf(request.method, request.url.split('?')[0] ?? '/')?.authenticated === true;
  // A CDS Hooks caller is a whole EHR, whose every chart opened calls: a per-caller limit
  // would drop cards (and a card missing is a hazard), so these calls are not limited here.
  const limited = (request: FastifyRequest): boolean =>
    authenticated(request) &&
    core.operationOf(request.method, request.url.split('?')[0] ?? '/')?.surface.name !==
      'cds-hooks';

  app.addHook('onRequest', async (request) => {
    if (!authenticated(request)) return;
    const authentication = core.authenticate(toFetchRequest(request, { withBody: false }));
    request.authentication = authentication;
    // Refusals are answered by the core, once the limiter has counted the request.
    authentication.catch(() => undefined);
    try {
      request.principal = await authentication;
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      if (error.kind === 'unavailable') {
        request.log.warn(
          { err: error.cause ?? error },
          'token signing keys unavailable: the JWKS URL cannot be fetched',
        );
      }
    }
  });

  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    cache: 10_000,
    keyGenerator: (request) =>
      request.principal ? `sub:${request.principal.sub}` : `ip:${request.ip}`,
    // Only the authenticated API is limited; health, docs and files are not.
    allowList: (request) => !limited(request),
    errorResponseBuilder: (_request, context) =>
      new Refusal(
        'rate-limited',
        `Too many requests from this user; try again in ${Math.ceil(context.ttl / 1000)} s.`,
      ),
  });
});
