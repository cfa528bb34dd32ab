/**
 * Structured logs (pino, through Fastify) that never hold an NHS number, a name or a
 * token: no bodies, no query strings, no headers; the contract path (which holds no NHS
 * number) stands for the URL, and anything shaped like an NHS number in an error is masked.
 */
import type { FastifyRequest } from 'fastify';

export function loggerOptions(
  level: string,
  stream: { write(line: string): void } | undefined,
  routeOf: (request: FastifyRequest) => string | null,
): object {
  return {
    level,
    ...(stream === undefined ? {} : { stream }),
    redact: {
      paths: ['req.headers', 'headers', 'authorization', '*.authorization', 'token', '*.token'],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: FastifyRequest) => ({ method: request.method, route: routeOf(request) }),
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
      err: (error: Error & { code?: unknown }) => ({
        type: error.name,
        code: typeof error.code === 'string' ? error.code : undefined,
        message: scrub(error.message),
        stack: scrub(error.stack ?? ''),
      }),
    },
  };
}

/** An error message may quote data: anything shaped like an NHS number is masked. */
export function scrub(text: string): string {
  return text.replace(/(?<![0-9])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}(?![0-9])/g, '[nhs-number?]');
}
