/**
 * The service core behind Fastify: every request under a folder of the contract's
 * operations (`/v1`, `/cpis/FHIR/R4`…), and every path no other route takes, is answered by
 * `core.handle`, which reads the body itself, after the token. Errors raised before the
 * core (a refusal in a hook, a malformed request line) are refused as the path's surface
 * refuses (problem+json on `/v1`, OperationOutcome on FHIR).
 */
import { Refusal, type CpisService } from '@cpis/service';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import { toFetchRequest } from './fetch.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'];

export const serviceCore = fp<{ core: CpisService }>(async (app, { core }) => {
  /** Answers that are open notification streams. */
  const streaming = new Set<ServerResponse>();
  const forward = async (request: FastifyRequest, reply: FastifyReply): Promise<Response> => {
    const { authentication } = request;
    const response = await core.handle(
      toFetchRequest(request, { withBody: true }),
      authentication === undefined ? {} : { authenticate: () => authentication },
    );
    void reply.code(response.status);
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
      void reply.header('connection', 'keep-alive');
      const raw = reply.raw;
      streaming.add(raw);
      raw.once('close', () => streaming.delete(raw));
    }
    return response;
  };

  // The core reads bodies itself, and only once the token is good: Fastify reads none.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  // Closing: the core ends its streams, and the server waits until each answer is complete,
  // so its connection is idle (and closed) when the server stops listening.
  app.addHook('preClose', async () => {
    const open = [...streaming];
    core.closeStreams();
    await Promise.all(
      open.map((raw) =>
        raw.writableFinished || raw.destroyed
          ? undefined
          : new Promise<void>((resolve) => {
              raw.once('finish', resolve);
              raw.once('close', resolve);
            }),
      ),
    );
  });

  for (const root of core.roots()) {
    app.route({ method: METHODS, url: `${root}/*`, handler: forward });
  }
  app.setNotFoundHandler(forward);

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    // A body Fastify would not take (a malformed Content-Type): the core decides what it is.
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return forward(request, reply);
    const refusal =
      error instanceof Refusal
        ? error
        : new Refusal(
            (error.statusCode ?? 500) < 500 ? 'invalid-request' : 'internal',
            (error.statusCode ?? 500) < 500
              ? 'The request cannot be processed.'
              : 'An unexpected error occurred; it has been logged with this requestId.',
          );
    if (refusal.kind === 'internal') request.log.error({ err: error }, 'unexpected error');
    return core.refuse(refusal, request.url.split('?')[0] ?? '/', request.id);
  });
});
