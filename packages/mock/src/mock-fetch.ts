import { getResponse, type RequestHandler } from 'msw';
import { requestIdOf } from '@cpis/service';

export interface MockFetchOptions {
  /**
   * What relative URLs are resolved against. Unless set: the page's address in a
   * browser; in Node a relative URL is refused, as Node's own `fetch` refuses it.
   */
  baseUrl?: string;
}

/** The `type` of the answer to a request no handler took: a fault in the test, not the API. */
export const UNHANDLED_REQUEST_TYPE = 'urn:cpis:mock:unhandled-request';

/**
 * A `fetch` answered by MSW handlers, in memory: no service worker, no patching of
 * globals, never the network. Pass it where a client takes a `fetch` (the SDK's
 * `createCpisClient({ fetch })`). A request no handler answers gets a 501 problem naming
 * it; a handler's `HttpResponse.error()` rejects with a `TypeError`, as a network error
 * does; an aborted request rejects with the signal's reason.
 */
export function createMockFetch(
  handlers: readonly RequestHandler[],
  options: MockFetchOptions = {},
): typeof fetch {
  return async (input, init) => {
    const request = new Request(resolve(input, options.baseUrl), init);
    const { signal } = request;
    signal.throwIfAborted();
    const aborted = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    // The handlers may go on after an abort; their answer then goes nowhere.
    aborted.catch(() => undefined);
    const response = await Promise.race([answer(handlers, request), aborted]);
    if (response.type === 'error') throw new TypeError('Failed to fetch (mock network error)');
    return response;
  };
}

async function answer(handlers: readonly RequestHandler[], request: Request): Promise<Response> {
  let response: Response | undefined;
  try {
    response = await getResponse([...handlers], request);
  } catch (e) {
    return problem(request, 500, 'urn:cpis:problem:internal', 'A mock handler threw', String(e));
  }
  if (!response || response.headers.get('x-msw-intention') === 'passthrough') {
    return problem(
      request,
      501,
      UNHANDLED_REQUEST_TYPE,
      'No mock handler for this request',
      `${request.method} ${request.url} matched no handler, and a mock fetch never reaches the network.`,
    );
  }
  return response;
}

function resolve(input: RequestInfo | URL, baseUrl: string | undefined): RequestInfo | URL {
  if (typeof input !== 'string') return input;
  const base = baseUrl ?? (globalThis as { location?: { href: string } }).location?.href;
  return base === undefined ? input : new URL(input, base);
}

function problem(
  request: Request,
  status: number,
  type: string,
  title: string,
  detail: string,
): Response {
  const requestId = requestIdOf(request);
  return new Response(JSON.stringify({ type, title, status, detail, requestId }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', 'X-Request-ID': requestId },
  });
}
