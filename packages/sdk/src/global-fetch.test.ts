import { createMockFetch } from '@cpis/mock';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCpisClient } from './client.js';
import { CpisApiError, CpisNetworkError } from './errors.js';
import { NHS_NUMBER, UUID, checkRequest, recordFound } from './fake-fetch.test-helper.js';
import { streamNotifications } from './stream.js';

// The default transport, `globalThis.fetch`, intercepted by msw/node. The client is made
// here, before server.listen() patches fetch: it must look fetch up on each request
// (toolchain.md F7), or these requests would go to the network and fail.
const BASE = 'https://cpis.test';
const client = createCpisClient({ baseUrl: BASE, getToken: () => 'msw-token', retries: 2 });

const notification = {
  notificationId: '2d8f1c3a-5b6e-4f70-8a91-b2c3d4e5f607',
  cursor: '7',
  createdAt: '2025-11-25T14:02:00.000Z',
  nhsNumber: NHS_NUMBER,
  planIds: ['TH-LAC-0042'],
  accessedAt: '2025-11-25T14:02:00.000Z',
  setting: { odsCode: 'RQXM1', name: 'Homerton Emergency Department' },
  user: { name: 'A Nurse', role: 'Emergency department nurse' },
  reason: { code: 'unscheduled-attendance' },
};

const requests: Request[] = [];
const handlers = [
  http.post(`${BASE}/v1/checks`, async ({ request }) => {
    requests.push(request);
    const body = (await request.json()) as { nhsNumber: string };
    return HttpResponse.json(recordFound({ nhsNumber: body.nhsNumber }), { status: 201 });
  }),
  http.get(`${BASE}/v1/authorities/:odsCode`, ({ params }) =>
    HttpResponse.json({
      odsCode: params.odsCode,
      name: 'Tower Hamlets',
      officeHoursPhone: '020 7946 0001',
      emergencyDutyPhone: '020 7946 0002',
    }),
  ),
];
const server = setupServer(...handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  requests.length = 0;
  vi.restoreAllMocks();
});
afterAll(() => server.close());

describe('through the global fetch (msw/node)', () => {
  it('a client made before the interceptor was installed still goes through it', async () => {
    const result = await client.checks.create(checkRequest);
    expect(result.nhsNumber).toBe(NHS_NUMBER);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer msw-token');
    expect(requests[0]?.headers.get('X-Request-ID')).toMatch(UUID);
    expect(requests[0]?.headers.get('Idempotency-Key')).toMatch(UUID);
  });

  it('a problem+json answer arrives as a CpisApiError with its problem', async () => {
    server.use(
      http.get(`${BASE}/v1/authorities/:odsCode`, () =>
        HttpResponse.json(
          { type: 'urn:cpis:problem:forbidden', title: 'Forbidden', status: 403, requestId: 'r-1' },
          { status: 403, headers: { 'Content-Type': 'application/problem+json' } },
        ),
      ),
    );
    const error = (await client.authorities.get('211').catch((e: unknown) => e)) as CpisApiError;
    expect(error).toBeInstanceOf(CpisApiError);
    expect(error.problem?.type).toBe('urn:cpis:problem:forbidden');
  });

  it('a 503 then a 200 is retried to success', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    let attempts = 0;
    server.use(
      http.post(`${BASE}/v1/checks`, async ({ request }) => {
        requests.push(request);
        return ++attempts === 1
          ? HttpResponse.json(
              { type: 'urn:cpis:problem:unavailable', title: 'x', status: 503, requestId: 'r' },
              { status: 503 },
            )
          : HttpResponse.json(recordFound(), { status: 201 });
      }),
    );
    await expect(client.checks.create(checkRequest)).resolves.toMatchObject({
      outcome: 'record-found',
    });
    expect(requests.map((r) => r.headers.get('Idempotency-Key'))).toEqual([
      requests[0]?.headers.get('Idempotency-Key'),
      requests[0]?.headers.get('Idempotency-Key'),
    ]);
  });

  it('a network error, every time, ends as a CpisNetworkError', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    server.use(http.get(`${BASE}/v1/authorities/:odsCode`, () => HttpResponse.error()));
    await expect(client.authorities.get('211')).rejects.toBeInstanceOf(CpisNetworkError);
  });

  it('the notification stream reads events through the global fetch', async () => {
    server.use(
      http.get(`${BASE}/v1/authorities/:odsCode/notifications/stream`, () => {
        const body = `: keep-alive\n\nevent: notification\nid: 7\ndata: ${JSON.stringify(notification)}\n\n`;
        return new HttpResponse(body, { headers: { 'Content-Type': 'text/event-stream' } });
      }),
    );
    const controller = new AbortController();
    const seen = [];
    for await (const event of streamNotifications(client, '211', { signal: controller.signal })) {
      seen.push(event);
      controller.abort();
    }
    expect(seen).toEqual([notification]);
  });
});

describe('with @cpis/mock’s createMockFetch as the transport', () => {
  it('the SDK takes the mock fetch as it is and gets its answers', async () => {
    const mocked = createCpisClient({
      baseUrl: BASE,
      getToken: () => 't',
      fetch: createMockFetch(handlers),
    });
    await expect(mocked.authorities.get('211')).resolves.toMatchObject({ odsCode: '211' });
  });
});
