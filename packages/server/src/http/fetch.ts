/** Fastify's request as a Fetch-standard `Request`, for the service core. */
import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';

export function toFetchRequest(request: FastifyRequest, options: { withBody: boolean }): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  // The core answers with the request's id: the server's own, which its logs carry.
  headers.set('x-request-id', request.id);
  const raw = request.raw;
  const hasBody =
    options.withBody &&
    request.method !== 'GET' &&
    request.method !== 'HEAD' &&
    (raw.headers['transfer-encoding'] !== undefined ||
      (raw.headers['content-length'] !== undefined && raw.headers['content-length'] !== '0'));
  return new Request(`http://${origin(request.headers.host)}${request.url}`, {
    method: request.method,
    headers,
    ...(hasBody && { body: Readable.toWeb(raw) as ReadableStream<Uint8Array>, duplex: 'half' }),
  });
}

/**
 * The host the client reached (`127.0.0.1:8080`), for absolute URLs in answers (a FHIR
 * Bundle's `fullUrl`); `localhost` when the Host header is absent or not a plain host[:port].
 */
function origin(host: string | undefined): string {
  return host !== undefined && /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host)
    ? host
    : 'localhost';
}
