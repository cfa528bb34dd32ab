/**
 * Shutdown: once closing, every new request is 503 with `Retry-After`, connections that
 * never carried a request are dropped (open streams are ended by the core's plugin); the
 * idempotency keys of more than a day ago are purged hourly while running; the
 * database is closed last (when the server opened it).
 */
import { IDEMPOTENCY_KEPT_MS } from '@cpis/domain';
import { Refusal, type Storage } from '@cpis/service';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import fp from 'fastify-plugin';

const IDEMPOTENCY_PURGE_INTERVAL_MS = 60 * 60 * 1000;

export interface ShutdownOptions {
  storage: Storage;
  now: () => Date;
  /** Closes the database, when the server owns it. */
  release?: () => Promise<void>;
}

export const gracefulShutdown = fp<ShutdownOptions>(async (app, options) => {
  let closing = false;
  app.addHook('onRequest', async () => {
    if (closing) {
      throw new Refusal(
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

  const purge = setInterval(() => {
    options.storage
      .purgeIdempotencyKeys(new Date(options.now().getTime() - IDEMPOTENCY_KEPT_MS))
      .catch((error: unknown) => app.log.warn({ err: error }, 'idempotency key purge failed'));
  }, IDEMPOTENCY_PURGE_INTERVAL_MS);
  purge.unref();

  // A connection a client opened ahead of need (fetch does, after an aborted stream) and
  // never sent a request on would hold a closing server until the client drops it.
  const unused = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  app.server.on('request', (request: IncomingMessage) => unused.delete(request.socket));

  app.addHook('preClose', (done) => {
    closing = true;
    for (const socket of unused) socket.destroy();
    done();
  });
  app.addHook('onClose', async () => {
    clearInterval(purge);
    await options.release?.();
  });
});
