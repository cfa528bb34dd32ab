import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCpisClient, type CpisClient, type CpisClientOptions } from './client.js';
import {
  CpisApiError,
  CpisAuthError,
  CpisError,
  CpisNetworkError,
  CpisTimeoutError,
} from './errors.js';
import {
  NHS_NUMBER,
  UUID,
  checkRequest,
  json,
  networkError,
  problem,
  recordFound,
  scriptedFetch,
  type Step,
} from './fake-fetch.test-helper.js';
import { retryAfterMs } from './transport.js';

const authority = {
  odsCode: '211',
  name: 'Tower Hamlets',
  officeHoursPhone: '020 7946 0001',
  emergencyDutyPhone: '020 7946 0002',
};
const authorityInput = {
  name: 'Tower Hamlets',
  officeHoursPhone: '020 7946 0001',
  emergencyDutyPhone: '020 7946 0002',
};
const planInput = { nhsNumber: NHS_NUMBER, type: 'CPP', startDate: '2025-01-15' } as const;
const rows = [{ planId: 'TH-1', ...planInput }];

function clientWith(steps: Step[], options: Partial<CpisClientOptions> = {}) {
  const fetch = scriptedFetch(...steps);
  let issued = 0;
  const getToken = vi.fn(() => `token-${++issued}`);
  const client = createCpisClient({ baseUrl: 'https://cpis.test', getToken, fetch, ...options });
  return { client, calls: fetch.calls, getToken };
}

// Backoff waits are random; pinning Math.random to 0 makes them 0 ms, so these tests are
// fast and exact. Retry-After waits are not random and are tested with fake timers.
beforeEach(() => {
  vi.spyOn(Math, 'random').mockReturnValue(0);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('what is retried', () => {
  it.each([429, 502, 503, 504])(
    'a GET answered %i is retried, and the retry’s answer returned',
    async (status) => {
      const { client, calls } = clientWith([problem(status, 'unavailable'), json(200, authority)]);
      await expect(client.authorities.get('211')).resolves.toEqual(authority);
      expect(calls).toHaveLength(2);
    },
  );

  it('a GET that meets a network error is retried', async () => {
    const { client, calls } = clientWith([networkError(), json(200, authority)]);
    await expect(client.authorities.get('211')).resolves.toEqual(authority);
    expect(calls).toHaveLength(2);
  });

  it('POST /v1/checks is retried on 503 and on a network error', async () => {
    const { client, calls } = clientWith([
      problem(503, 'unavailable'),
      networkError(),
      json(201, recordFound()),
    ]);
    await expect(client.checks.create(checkRequest)).resolves.toMatchObject({
      outcome: 'record-found',
    });
    expect(calls).toHaveLength(3);
  });

  it.each([400, 401, 403, 404, 500])('a GET answered %i is not retried', async (status) => {
    const { client, calls } = clientWith([problem(status, 'x'), json(200, authority)]);
    await expect(client.authorities.get('211')).rejects.toBeInstanceOf(CpisApiError);
    expect(calls).toHaveLength(1);
  });

  it('at most `retries` retries (default 2), then the last answer is the error', async () => {
    const { client, calls } = clientWith([problem(503, 'unavailable')]);
    const error = (await client.authorities.get('211').catch((e: unknown) => e)) as CpisApiError;
    expect(error).toBeInstanceOf(CpisApiError);
    expect(error.status).toBe(503);
    expect(calls).toHaveLength(3);
  });

  it('retries: 0 makes one attempt only', async () => {
    const { client, calls } = clientWith([networkError()], { retries: 0 });
    await expect(client.authorities.get('211')).rejects.toBeInstanceOf(CpisNetworkError);
    expect(calls).toHaveLength(1);
  });

  it('after the last retry fails on the network, the error is a CpisNetworkError', async () => {
    const { client, calls } = clientWith([networkError()]);
    await expect(client.checks.get('id')).rejects.toBeInstanceOf(CpisNetworkError);
    expect(calls).toHaveLength(3);
  });
});

describe('what is never retried', () => {
  const writes: [string, (client: CpisClient) => Promise<unknown>][] = [
    ['PUT authority', (c) => c.authorities.put('211', authorityInput)],
    ['PUT plan', (c) => c.plans.put('211', 'TH-1', planInput)],
    ['DELETE plan', (c) => c.plans.delete('211', 'TH-1')],
    ['POST batch (JSON)', (c) => c.plans.batch('211', rows)],
    ['POST batch (CSV)', (c) => c.plans.batch('211', { csv: 'planId\nTH-1\n' })],
  ];

  it.each(writes)('%s answered 503 is not retried', async (_, call) => {
    const { client, calls } = clientWith([problem(503, 'unavailable'), json(200, {})]);
    await expect(call(client)).rejects.toMatchObject({ status: 503 });
    expect(calls).toHaveLength(1);
  });

  it.each(writes)('%s that meets a network error is not retried', async (_, call) => {
    const { client, calls } = clientWith([networkError(), json(200, {})]);
    await expect(call(client)).rejects.toBeInstanceOf(CpisNetworkError);
    expect(calls).toHaveLength(1);
  });

  it.each(writes)('%s that times out is not retried', async (_, call) => {
    const { client, calls } = clientWith(['hang'], { timeoutMs: 20 });
    await expect(call(client)).rejects.toMatchObject({ name: 'CpisTimeoutError', kind: 'attempt' });
    expect(calls).toHaveLength(1);
  });

  it('a 409 on a PUT is an answer, not something to wait out', async () => {
    const { client, calls } = clientWith([problem(409, 'conflict'), json(200, {})]);
    await expect(client.plans.put('211', 'TH-1', planInput)).rejects.toMatchObject({ status: 409 });
    expect(calls).toHaveLength(1);
  });

  it('a POST through raw to another path is not retried', async () => {
    const { client, calls } = clientWith([problem(503, 'unavailable'), json(200, {})]);
    const body = {
      name: 'n',
      orgType: 'health' as const,
      odsCode: 'RQX',
      orgName: 'o',
      role: 'r',
      activities: [],
    };
    const { response } = await client.raw.POST('/v1/dev/tokens', { body });
    expect(response.status).toBe(503);
    expect(calls).toHaveLength(1);
  });
});

describe('idempotency of POST /v1/checks', () => {
  it('every retry of one check carries the same Idempotency-Key and the same body', async () => {
    const { client, calls } = clientWith([
      problem(503, 'unavailable'),
      networkError(),
      json(201, recordFound()),
    ]);
    await client.checks.create(checkRequest);
    const keys = calls.map((call) => call.headers.get('Idempotency-Key'));
    expect(keys[0]).toMatch(UUID);
    expect(new Set(keys)).toEqual(new Set([keys[0]]));
    expect(new Set(calls.map((call) => call.body)).size).toBe(1);
    expect(JSON.parse(calls[2]?.body ?? '')).toEqual(checkRequest);
  });

  it('two checks carry two different Idempotency-Keys', async () => {
    const { client, calls } = clientWith([json(201, recordFound())]);
    await client.checks.create(checkRequest);
    await client.checks.create(checkRequest);
    const [first, second] = calls.map((call) => call.headers.get('Idempotency-Key'));
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(first).not.toBe(second);
  });

  it('a 409 (that check still in progress) is waited out and retried with the same key', async () => {
    const { client, calls } = clientWith([
      problem(409, 'conflict'),
      problem(409, 'conflict'),
      json(201, recordFound()),
    ]);
    await expect(client.checks.create(checkRequest)).resolves.toMatchObject({
      outcome: 'record-found',
    });
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((call) => call.headers.get('Idempotency-Key'))).size).toBe(1);
  });

  it('a check made through raw without a key gets one, the same on every retry', async () => {
    const { client, calls } = clientWith([problem(503, 'unavailable'), json(201, recordFound())]);
    await client.raw.POST('/v1/checks', { body: checkRequest });
    const [first, second] = calls.map((call) => call.headers.get('Idempotency-Key'));
    expect(first).toMatch(UUID);
    expect(second).toBe(first);
  });
});

describe('headers on every attempt', () => {
  it('each attempt asks getToken afresh and sends that token', async () => {
    const { client, calls, getToken } = clientWith([
      problem(503, 'unavailable'),
      problem(502, 'x'),
      json(200, authority),
    ]);
    await client.authorities.get('211');
    expect(getToken).toHaveBeenCalledTimes(3);
    expect(calls.map((call) => call.headers.get('Authorization'))).toEqual([
      'Bearer token-1',
      'Bearer token-2',
      'Bearer token-3',
    ]);
  });

  it('an async getToken is awaited', async () => {
    const { client, calls } = clientWith([json(200, authority)], {
      getToken: async () => 'async-token',
    });
    await client.authorities.get('211');
    expect(calls[0]?.headers.get('Authorization')).toBe('Bearer async-token');
  });

  it('each attempt carries its own X-Request-ID UUID', async () => {
    const { client, calls } = clientWith([
      networkError(),
      problem(503, 'unavailable'),
      json(200, authority),
    ]);
    await client.authorities.get('211');
    const ids = calls.map((call) => call.headers.get('X-Request-ID'));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(3);
  });

  it('a getToken that rejects stops the call with a CpisAuthError whose cause is its error, and nothing is sent', async () => {
    const signedOut = new Error('no session');
    const { client, calls } = clientWith([json(200, authority)], {
      getToken: () => Promise.reject(signedOut),
    });
    const error = await client.authorities.get('211').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CpisAuthError);
    expect(error).toBeInstanceOf(CpisError);
    expect((error as CpisAuthError).cause).toBe(signedOut);
    expect(calls).toHaveLength(0);
  });

  it('a getToken that throws makes a check fail with a CpisAuthError, never retried, and nothing is sent', async () => {
    const signedOut = new TypeError('session store unavailable');
    const getToken = vi.fn((): string => {
      throw signedOut;
    });
    const { client, calls } = clientWith([json(201, {})], { getToken, retries: 3 });
    const error = await client.checks
      .create({
        nhsNumber: NHS_NUMBER,
        nhsNumberVerified: true,
        accessContext: 'unscheduled',
        reason: { code: 'clinical-review' },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CpisAuthError);
    expect((error as CpisAuthError).name).toBe('CpisAuthError');
    expect((error as CpisAuthError).message).not.toContain('session store');
    expect((error as CpisAuthError).cause).toBe(signedOut);
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(0);
  });
});

describe('no sharing between calls', () => {
  it('two identical calls at once are two requests with their own answers', async () => {
    let n = 0;
    const { client, calls } = clientWith([
      () => json(200, { ...authority, name: `answer ${++n}` }),
    ]);
    const [a, b] = await Promise.all([
      client.authorities.get('211'),
      client.authorities.get('211'),
    ]);
    expect(calls).toHaveLength(2);
    expect(new Set([a.name, b.name])).toEqual(new Set(['answer 1', 'answer 2']));
  });

  it('the same call made twice asks the server twice (no cache)', async () => {
    const { client, calls } = clientWith([json(200, authority)]);
    await client.authorities.get('211');
    await client.authorities.get('211');
    expect(calls).toHaveLength(2);
  });
});

describe('Retry-After', () => {
  it('delta-seconds are honoured: the retry waits that long', async () => {
    vi.useFakeTimers();
    const { client, calls } = clientWith([
      problem(429, 'rate-limited', { 'Retry-After': '2' }),
      json(200, authority),
    ]);
    const call = client.authorities.get('211');
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(call).resolves.toEqual(authority);
    expect(calls).toHaveLength(2);
  });

  it('an HTTP-date is honoured', async () => {
    vi.useFakeTimers({ now: new Date('2025-11-25T14:00:00.000Z') });
    const at = 'Tue, 25 Nov 2025 14:00:03 GMT';
    const { client, calls } = clientWith([
      problem(503, 'unavailable', { 'Retry-After': at }),
      json(200, authority),
    ]);
    const call = client.authorities.get('211');
    await vi.advanceTimersByTimeAsync(2999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(call).resolves.toEqual(authority);
  });

  it('a wait that would pass the deadline fails now, with the 429 itself', async () => {
    // Fake timers that are never advanced: the call can only settle if it does not wait.
    vi.useFakeTimers();
    const { client, calls } = clientWith([
      problem(429, 'rate-limited', { 'Retry-After': '9' }),
      json(200, authority),
    ]);
    const error = (await client.authorities.get('211').catch((e: unknown) => e)) as CpisApiError;
    expect(error).toBeInstanceOf(CpisApiError);
    expect(error.status).toBe(429);
    expect(calls).toHaveLength(1);
  });

  it('parses delta-seconds, HTTP-dates, and ignores what is neither', () => {
    const now = Date.parse('2025-11-25T14:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs('Tue, 25 Nov 2025 14:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Tue, 25 Nov 2025 13:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});

describe('timeouts', () => {
  it('an attempt with no answer is cut off at timeoutMs and retried', async () => {
    const { client, calls } = clientWith(['hang', json(200, authority)], { timeoutMs: 20 });
    await expect(client.authorities.get('211')).resolves.toEqual(authority);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.signal.aborted).toBe(true);
  });

  it('when every attempt times out, the error is a CpisTimeoutError of kind "attempt"', async () => {
    const { client, calls } = clientWith(['hang'], { timeoutMs: 20, deadlineMs: 5000 });
    const error = (await client.authorities
      .get('211')
      .catch((e: unknown) => e)) as CpisTimeoutError;
    expect(error).toBeInstanceOf(CpisTimeoutError);
    expect(error.kind).toBe('attempt');
    expect(error.message).toContain('per-attempt timeout of 20 ms');
    expect(calls).toHaveLength(3);
  });

  it('the total deadline covers retries: past it, a CpisTimeoutError of kind "deadline"', async () => {
    const { client } = clientWith(['hang'], { timeoutMs: 1000, deadlineMs: 30 });
    const started = Date.now();
    const error = (await client.checks
      .create(checkRequest)
      .catch((e: unknown) => e)) as CpisTimeoutError;
    expect(error).toBeInstanceOf(CpisTimeoutError);
    expect(error.kind).toBe('deadline');
    expect(error.message).toContain('total deadline of 30 ms');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('the deadline stops a run of retries that would each fit their own timeout', async () => {
    const slow503: Step = () =>
      new Promise((resolve) => setTimeout(() => resolve(problem(503, 'unavailable')), 15));
    const { client, calls } = clientWith([slow503], {
      timeoutMs: 100,
      deadlineMs: 40,
      retries: 10,
    });
    // Whether the deadline cuts an attempt short or refuses a backoff that would pass it
    // depends on the jitter: either way the run stops with a failure, well short of 10.
    const error = await client.authorities.get('211').catch((e: unknown) => e);
    expect([
      expect.objectContaining({ name: 'CpisTimeoutError', kind: 'deadline' }),
      expect.objectContaining({ name: 'CpisApiError', status: 503 }),
    ]).toContainEqual(error);
    expect(calls.length).toBeLessThan(4);
  });

  it('a fetch that ignores its signal still times out', async () => {
    const deaf: Step = () => new Promise<Response>(() => {});
    const { client } = clientWith([deaf], { timeoutMs: 20, retries: 0 });
    await expect(client.authorities.get('211')).rejects.toMatchObject({ kind: 'attempt' });
  });

  it('headers followed by a body that stalls count as no answer', async () => {
    const stalled: Step = () =>
      new Response(
        new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"na')) }),
        {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        },
      );
    const { client } = clientWith([stalled], { timeoutMs: 20, retries: 0 });
    await expect(client.authorities.get('211')).rejects.toMatchObject({ kind: 'attempt' });
  });

  it('a getToken that never settles is cut off by the timeout', async () => {
    const { client, calls } = clientWith([json(200, authority)], {
      getToken: () => new Promise<string>(() => {}),
      timeoutMs: 20,
      retries: 0,
    });
    await expect(client.authorities.get('211')).rejects.toMatchObject({ kind: 'attempt' });
    expect(calls).toHaveLength(0);
  });
});

describe('abort', () => {
  it('a signal aborted before the call sends nothing', async () => {
    const { client, calls } = clientWith([json(200, authority)]);
    const error = await client.authorities
      .get('211', { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect((error as DOMException).name).toBe('AbortError');
    expect(calls).toHaveLength(0);
  });

  it('an abort during an attempt ends the call with AbortError and aborts the request', async () => {
    const { client, calls } = clientWith(['hang']);
    const controller = new AbortController();
    const call = client.checks.create(checkRequest, { signal: controller.signal });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls[0]?.signal.aborted).toBe(true);
  });

  it('an abort while waiting to retry stops the retries at once', async () => {
    vi.useFakeTimers();
    const { client, calls } = clientWith([
      problem(503, 'unavailable', { 'Retry-After': '5' }),
      json(200, authority),
    ]);
    const controller = new AbortController();
    const call = client.authorities.get('211', { signal: controller.signal });
    const settled = call.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect(await settled).toMatchObject({ name: 'AbortError' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(1);
  });

  it('the abort reason the caller gives is what the call rejects with, as fetch does', async () => {
    const { client } = clientWith(['hang']);
    const controller = new AbortController();
    const reason = new DOMException('patient changed', 'AbortError');
    const call = client.authorities.get('211', { signal: controller.signal });
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
  });
});
