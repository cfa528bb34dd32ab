/**
 * Fastify's `clientErrorHandler`: the answer to a request Node could not parse (a malformed
 * request line, headers over the size limit, a request not received in time), as
 * problem+json with a new X-Request-ID, then the connection is closed.
 */
import type { Socket } from 'node:net';
import type { ProblemKind } from '@cpis/domain';
import { PROBLEM_CONTENT_TYPE, problemBody, randomUuid } from '@cpis/service';

export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, kind, detail]: [number, ProblemKind, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers-too-large', 'The request headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request-timeout', 'The request was not received in time.']
        : [400, 'invalid-request', 'The request is not valid HTTP.'];
  const requestId = randomUuid();
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
