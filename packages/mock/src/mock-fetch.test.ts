import { HttpResponse, delay, http, passthrough } from 'msw';
import { describe, expect, it } from 'vitest';
import { UNHANDLED_REQUEST_TYPE, createMockFetch } from './mock-fetch.js';

const hello = http.get('http://api.test/hello', ({ request }) =>
  HttpResponse.json({ hello: new URL(request.url).searchParams.get('name') ?? 'world' }),
);

describe('createMockFetch', () => {
  it('answers a Request from the handlers', async () => {
    const fetch = createMockFetch([hello]);
    const response = await fetch(new Request('http://api.test/hello?name=CP-IS'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hello: 'CP-IS' });
  });

  it('takes a URL string or URL object with init, as fetch does', async () => {
    const echo = http.post('http://api.test/echo', async ({ request }) =>
      HttpResponse.text(await request.text()),
    );
    const fetch = createMockFetch([echo]);
    const a = await fetch('http://api.test/echo', { method: 'POST', body: 'one' });
    const b = await fetch(new URL('http://api.test/echo'), { method: 'POST', body: 'two' });
    expect([await a.text(), await b.text()]).toEqual(['one', 'two']);
  });

  it('resolves a relative URL against baseUrl', async () => {
    const fetch = createMockFetch([hello], { baseUrl: 'http://api.test/' });
    expect(await (await fetch('/hello')).json()).toEqual({ hello: 'world' });
  });

  it('answers a request no handler takes with a 501 problem naming it, never the network', async () => {
    const fetch = createMockFetch([hello]);
    const response = await fetch('http://example.com/not-mocked', {
      headers: { 'X-Request-ID': '0b7b2f4e-7d8a-4f7e-9b3e-2a3c1d5e6f70' },
    });
    expect(response.status).toBe(501);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    expect(response.headers.get('X-Request-ID')).toBe('0b7b2f4e-7d8a-4f7e-9b3e-2a3c1d5e6f70');
    expect(await response.json()).toMatchObject({
      type: UNHANDLED_REQUEST_TYPE,
      status: 501,
      detail: expect.stringContaining('GET http://example.com/not-mocked'),
      requestId: '0b7b2f4e-7d8a-4f7e-9b3e-2a3c1d5e6f70',
    });
  });

  it('treats passthrough() as unhandled: there is no network to pass to', async () => {
    const fetch = createMockFetch([http.get('http://api.test/*', () => passthrough())]);
    expect((await fetch('http://api.test/x')).status).toBe(501);
  });

  it('rejects with a TypeError, like a network failure, on HttpResponse.error()', async () => {
    const fetch = createMockFetch([http.get('http://api.test/down', () => HttpResponse.error())]);
    await expect(fetch('http://api.test/down')).rejects.toBeInstanceOf(TypeError);
  });

  it('answers 500 problem+json when a handler throws', async () => {
    const fetch = createMockFetch([
      http.get('http://api.test/bug', () => {
        throw new Error('boom');
      }),
    ]);
    const response = await fetch('http://api.test/bug');
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ type: 'urn:cpis:problem:internal' });
  });

  it('rejects with the abort reason when the signal aborts while a handler is waiting', async () => {
    const fetch = createMockFetch([
      http.get('http://api.test/slow', async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    ]);
    const controller = new AbortController();
    const pending = fetch('http://api.test/slow', { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects at once for a signal that is already aborted', async () => {
    const fetch = createMockFetch([hello]);
    await expect(
      fetch('http://api.test/hello', { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('does not patch the global fetch', () => {
    const before = globalThis.fetch;
    createMockFetch([hello]);
    expect(globalThis.fetch).toBe(before);
  });
});
