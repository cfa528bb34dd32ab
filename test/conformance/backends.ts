/**
 * The backends the conformance suite runs against, behind one face: the reference server
 * (through `app.inject`, on SQLite or PostgreSQL) and the mock (through `createMockFetch`).
 * Every answer of either is also checked against the contract.
 */
import { createCpisMockService, createMockFetch } from '@cpis/mock';
import { principals } from '@cpis/population';
import { assertContract, createTestServer, principalClaims, TestClock } from '@cpis/server/testing';

export type PrincipalKey = keyof typeof principals;

export interface Answer {
  status: number;
  header(name: string): string | undefined;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface Call {
  as?: PrincipalKey | { token: string };
  body?: unknown;
  raw?: { contentType: string; text: string };
  headers?: Record<string, string>;
}

export interface Backend {
  /** Where the backend says callers reach it (`CPIS_PUBLIC_URL`; the mock's base URL). */
  publicUrl: string;
  call(method: string, path: string, call?: Call): Promise<Answer>;
  /** Where a client points (`baseUrl` plus a path), and a `fetch` that reaches it, for the SDK. */
  baseUrl: string;
  fetch(request: Request): Promise<Response>;
  /** A bearer token this backend accepts for the principal. */
  tokenFor(as: PrincipalKey): Promise<string>;
  advance(ms: number): void;
  close(): Promise<void>;
}

function answer(
  status: number,
  headers: (name: string) => string | undefined,
  text: string,
): Answer {
  return { status, header: headers, text, json: <T>() => JSON.parse(text) as T };
}

function bodyOf(call: Call): { headers: Record<string, string>; payload?: string } {
  if (call.raw)
    return { headers: { 'content-type': call.raw.contentType }, payload: call.raw.text };
  if (call.body === undefined) return { headers: {} };
  return { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(call.body) };
}

/** The reference server on the engine of the enclosing `forEachEngine` block. */
export async function serverBackend(): Promise<Backend> {
  const s = await createTestServer({}, { clock: new TestClock() });
  return {
    baseUrl: 'http://127.0.0.1:8080',
    async fetch(request) {
      const url = new URL(request.url);
      const response = await s.inject({
        method: request.method as 'GET',
        url: `${url.pathname}${url.search}`,
        headers: Object.fromEntries(request.headers),
        ...(request.body === null ? {} : { payload: await request.text() }),
      });
      const headers = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers.set(name, String(value));
      }
      return new Response(request.method === 'HEAD' ? null : response.body, {
        status: response.statusCode,
        headers,
      });
    },
    tokenFor: (as) => s.token(principalClaims(as)),
    publicUrl: s.config.publicUrl,
    async call(method, path, call = {}) {
      const { headers, payload } = bodyOf(call);
      const token =
        call.as === undefined
          ? undefined
          : typeof call.as === 'string'
            ? await s.token(principalClaims(call.as))
            : call.as.token;
      const response = await s.inject({
        method: method as 'GET',
        url: path,
        headers: {
          ...headers,
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...call.headers,
        },
        ...(payload === undefined ? {} : { payload }),
      });
      const value = (name: string) => {
        const v = response.headers[name.toLowerCase()];
        return v === undefined ? undefined : String(v);
      };
      return answer(response.statusCode, value, response.body);
    },
    advance: (ms) => s.clock.advance(ms),
    close: () => s.close(),
  };
}

/** The mock, on a clock of its own. */
export async function mockBackend(): Promise<Backend> {
  let now = Date.now();
  const service = createCpisMockService({ now: () => new Date(now) });
  const fetch = createMockFetch(service.handlers);
  const tokenFor = (as: PrincipalKey): Promise<string> => {
    const { key: _key, ...principal } = principals[as];
    return service.tokenFor(principal);
  };
  return {
    baseUrl: service.baseUrl,
    async fetch(request) {
      const response = await fetch(request);
      const text = await response.clone().text();
      const all: Record<string, string> = {};
      response.headers.forEach((v, k) => (all[k] = v));
      const url = new URL(request.url);
      assertContract({
        method: request.method,
        url: `${url.pathname}${url.search}`,
        status: response.status,
        headers: all,
        body: text,
      });
      return response;
    },
    tokenFor,
    publicUrl: service.baseUrl,
    async call(method, path, call = {}) {
      const { headers, payload } = bodyOf(call);
      let token: string | undefined;
      if (typeof call.as === 'string') {
        const { key: _key, ...principal } = principals[call.as];
        token = await service.tokenFor(principal);
      } else if (call.as !== undefined) token = call.as.token;
      const response = await fetch(`${service.baseUrl}${path}`, {
        method,
        headers: {
          ...headers,
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...call.headers,
        },
        ...(payload === undefined ? {} : { body: payload }),
      });
      const text = method === 'HEAD' ? '' : await response.text();
      const all: Record<string, string> = {};
      response.headers.forEach((v, k) => (all[k] = v));
      assertContract({ method, url: path, status: response.status, headers: all, body: text });
      return answer(response.status, (name) => response.headers.get(name) ?? undefined, text);
    },
    advance: (ms) => {
      now += ms;
    },
    close: async () => service.reset(),
  };
}
