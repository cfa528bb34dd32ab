import { describe, expect, it } from 'vitest';
import { createCpisClient, type CpisClientOptions } from './client.js';
import {
  CpisApiError,
  CpisContractError,
  CpisError,
  CpisNetworkError,
  CpisValidationError,
  isCpisApiError,
} from './errors.js';
import {
  NHS_NUMBER,
  TOKEN,
  UUID,
  checkRequest,
  json,
  networkError,
  noRecord,
  problem,
  recordFound,
  scriptedFetch,
  type Step,
} from './fake-fetch.test-helper.js';

const BASE = 'https://cpis.test';

function clientWith(steps: Step[], options: Partial<CpisClientOptions> = {}) {
  const fetch = scriptedFetch(...steps);
  const client = createCpisClient({ baseUrl: BASE, getToken: () => TOKEN, fetch, ...options });
  return { client, fetch, calls: fetch.calls };
}

const authority = {
  odsCode: '211',
  name: 'London Borough of Tower Hamlets',
  officeHoursPhone: '020 7946 0001',
  emergencyDutyPhone: '020 7946 0002',
};
const storedPlan = {
  planId: 'TH-CPP-1',
  nhsNumber: NHS_NUMBER,
  type: 'CPP',
  status: 'active',
  startDate: '2025-01-15',
  updatedAt: '2025-11-25T14:02:00.000Z',
};

describe('facade: each call sends the right method, path, body and headers', () => {
  it('checks.create POSTs the check as JSON to /v1/checks with auth, a request id and an idempotency key', async () => {
    const { client, calls } = clientWith([json(201, recordFound())]);
    const result = await client.checks.create(checkRequest);
    expect(result.outcome).toBe('record-found');
    const [call] = calls;
    expect(call?.method).toBe('POST');
    expect(call?.url.href).toBe(`${BASE}/v1/checks`);
    expect(JSON.parse(call?.body ?? '')).toEqual(checkRequest);
    expect(call?.headers.get('Content-Type')).toBe('application/json');
    expect(call?.headers.get('Authorization')).toBe(`Bearer ${TOKEN}`);
    expect(call?.headers.get('X-Request-ID')).toMatch(UUID);
    expect(call?.headers.get('Idempotency-Key')).toMatch(UUID);
  });

  it('checks.create sends the idempotency key the host gives', async () => {
    const key = '3f2c6d0e-8a4b-4c1d-9e2f-0a1b2c3d4e5f';
    const { client, calls } = clientWith([json(201, recordFound())]);
    await client.checks.create(checkRequest, { idempotencyKey: key });
    expect(calls[0]?.headers.get('Idempotency-Key')).toBe(key);
  });

  it('checks.create sends the NHS number with spaces and dashes removed', async () => {
    const { client, calls } = clientWith([json(201, recordFound())]);
    await client.checks.create({ ...checkRequest, nhsNumber: '999 000-0018' });
    expect(JSON.parse(calls[0]?.body ?? '').nhsNumber).toBe(NHS_NUMBER);
  });

  it('checks.get GETs /v1/checks/{checkId}, encoding the id', async () => {
    const { client, calls } = clientWith([json(200, noRecord())]);
    const result = await client.checks.get('a/b');
    expect(result.outcome).toBe('no-record');
    expect(calls[0]?.method).toBe('GET');
    expect(calls[0]?.url.pathname).toBe('/v1/checks/a%2Fb');
    expect(calls[0]?.body).toBe('');
  });

  it('authorities.get GETs /v1/authorities/{odsCode}', async () => {
    const { client, calls } = clientWith([json(200, authority)]);
    expect(await client.authorities.get('211')).toEqual(authority);
    expect(calls[0]?.method).toBe('GET');
    expect(calls[0]?.url.pathname).toBe('/v1/authorities/211');
  });

  it('authorities.put PUTs the authority input as JSON', async () => {
    const { odsCode: _, ...input } = authority;
    const { client, calls } = clientWith([json(201, authority)]);
    expect(await client.authorities.put('211', input)).toEqual(authority);
    expect(calls[0]?.method).toBe('PUT');
    expect(calls[0]?.url.pathname).toBe('/v1/authorities/211');
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual(input);
    expect(calls[0]?.headers.get('Content-Type')).toBe('application/json');
  });

  it('plans.put PUTs the plan to /v1/authorities/{odsCode}/plans/{planId}', async () => {
    const input = { nhsNumber: NHS_NUMBER, type: 'CPP', startDate: '2025-01-15' } as const;
    const { client, calls } = clientWith([json(201, storedPlan)]);
    expect(await client.plans.put('211', 'TH-CPP-1', input)).toEqual(storedPlan);
    expect(calls[0]?.method).toBe('PUT');
    expect(calls[0]?.url.pathname).toBe('/v1/authorities/211/plans/TH-CPP-1');
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual(input);
  });

  it('plans.delete DELETEs the plan and resolves to undefined on 204', async () => {
    const { client, calls } = clientWith([new Response(null, { status: 204 })]);
    await expect(client.plans.delete('211', 'TH-CPP-1')).resolves.toBeUndefined();
    expect(calls[0]?.method).toBe('DELETE');
    expect(calls[0]?.url.pathname).toBe('/v1/authorities/211/plans/TH-CPP-1');
  });

  it('plans.list GETs the plans with after and limit as query parameters', async () => {
    const page = { items: [storedPlan], nextCursor: 'TH-CPP-1' };
    const { client, calls } = clientWith([json(200, page)]);
    expect(await client.plans.list('211', { after: 'TH-A', limit: 50 })).toEqual(page);
    expect(calls[0]?.method).toBe('GET');
    expect(calls[0]?.url.pathname).toBe('/v1/authorities/211/plans');
    expect(Object.fromEntries(calls[0]?.url.searchParams ?? [])).toEqual({
      after: 'TH-A',
      limit: '50',
    });
  });

  it('plans.list sends no query parameters when none are given', async () => {
    const { client, calls } = clientWith([json(200, { items: [], nextCursor: '0' })]);
    await client.plans.list('211');
    expect(calls[0]?.url.search).toBe('');
  });

  it('plans.batch POSTs JSON rows as application/json', async () => {
    const rows = [
      { planId: 'TH-1', nhsNumber: NHS_NUMBER, type: 'CPP', startDate: '2025-01-15' },
    ] as const;
    const answer = { results: [{ row: 1, planId: 'TH-1', status: 'accepted' }] };
    const { client, calls } = clientWith([json(200, answer)]);
    expect(await client.plans.batch('211', [...rows])).toEqual(answer);
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.url.pathname).toBe('/v1/authorities/211/plans/batch');
    expect(calls[0]?.headers.get('Content-Type')).toBe('application/json');
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual(rows);
  });

  it('plans.batch POSTs CSV text unchanged as text/csv', async () => {
    const csv = '\uFEFFplanId,nhsNumber,type,startDate\r\n"TH-1",9990000018,CPP,2025-01-15\r\n';
    const { client, calls } = clientWith([json(200, { results: [] })]);
    await client.plans.batch('211', { csv });
    expect(calls[0]?.headers.get('Content-Type')).toBe('text/csv');
    expect(calls[0]?.body).toBe(csv);
  });

  it('notifications.list GETs the notifications with after, limit and order', async () => {
    const page = { items: [], nextCursor: '42' };
    const { client, calls } = clientWith([json(200, page)]);
    expect(
      await client.notifications.list('211', { after: '40', limit: 10, order: 'desc' }),
    ).toEqual(page);
    expect(calls[0]?.method).toBe('GET');
    expect(calls[0]?.url.pathname).toBe('/v1/authorities/211/notifications');
    expect(Object.fromEntries(calls[0]?.url.searchParams ?? [])).toEqual({
      after: '40',
      limit: '10',
      order: 'desc',
    });
  });

  it('raw goes through the same transport: token and request id on an escape-hatch call', async () => {
    const { client, calls } = clientWith([json(200, { status: 'ok' })]);
    const { data } = await client.raw.GET('/v1/health');
    expect(data).toEqual({ status: 'ok' });
    expect(calls[0]?.headers.get('Authorization')).toBe(`Bearer ${TOKEN}`);
    expect(calls[0]?.headers.get('X-Request-ID')).toMatch(UUID);
  });

  it('a baseUrl with a path prefix and a trailing slash is joined without a double slash', async () => {
    const { client, calls } = clientWith([json(200, authority)], { baseUrl: `${BASE}/cpis/` });
    await client.authorities.get('211');
    expect(calls[0]?.url.href).toBe(`${BASE}/cpis/v1/authorities/211`);
  });

  it('the client config is a non-enumerable property: not in keys, spreads or JSON', () => {
    const { client } = clientWith([]);
    expect(Object.keys(client).sort()).toEqual([
      'authorities',
      'checks',
      'notifications',
      'plans',
      'raw',
    ]);
    expect(Object.getOwnPropertySymbols({ ...client })).toEqual([]);
  });
});

describe('NHS numbers are checked before any request', () => {
  it.each([
    ['a wrong check digit', '9990000017'],
    ['nine digits', '999000001'],
    ['letters', '999000001A'],
    ['empty', ''],
  ])(
    'checks.create refuses %s with a CpisValidationError and sends nothing',
    async (_, nhsNumber) => {
      const { client, calls } = clientWith([json(201, recordFound())]);
      const error = await client.checks
        .create({ ...checkRequest, nhsNumber })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CpisValidationError);
      expect(error).toBeInstanceOf(CpisError);
      expect((error as CpisValidationError).field).toBe('nhsNumber');
      if (nhsNumber) expect((error as Error).message).not.toContain(nhsNumber);
      expect(calls).toHaveLength(0);
    },
  );

  it('plans.put refuses an invalid NHS number and sends nothing', async () => {
    const { client, calls } = clientWith([json(201, storedPlan)]);
    const put = client.plans.put('211', 'TH-1', {
      nhsNumber: '9990000017',
      type: 'CPP',
      startDate: '2025-01-15',
    });
    await expect(put).rejects.toBeInstanceOf(CpisValidationError);
    expect(calls).toHaveLength(0);
  });

  it('plans.batch leaves row checks to the server, which answers each row', async () => {
    const rows = [
      { planId: 'TH-1', nhsNumber: 'bad', type: 'CPP', startDate: '2025-01-15' },
    ] as const;
    const { client, calls } = clientWith([json(200, { results: [] })]);
    await client.plans.batch('211', [...rows]);
    expect(calls).toHaveLength(1);
  });
});

describe('error mapping', () => {
  it('a problem+json answer becomes a CpisApiError with the typed problem and its request id', async () => {
    const { client } = clientWith([problem(403, 'forbidden')]);
    const error = await client.checks.create(checkRequest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CpisApiError);
    const apiError = error as CpisApiError;
    expect(apiError.status).toBe(403);
    expect(apiError.problem?.type).toBe('urn:cpis:problem:forbidden');
    expect(apiError.requestId).toBe('0b7b2f4e-7d8a-4f7e-9b3e-2a3c1d5e6f70');
    expect(apiError.message).toBe('CP-IS answered 403 (urn:cpis:problem:forbidden)');
    expect(isCpisApiError(error, 403)).toBe(true);
    expect(isCpisApiError(error, 401)).toBe(false);
    expect(isCpisApiError(error)).toBe(true);
    expect(isCpisApiError(new Error('x'))).toBe(false);
  });

  it('a 401 becomes a CpisApiError with status 401', async () => {
    const { client } = clientWith([problem(401, 'unauthenticated')]);
    await expect(client.authorities.get('211')).rejects.toSatisfy((e) => isCpisApiError(e, 401));
  });

  it('a non-JSON 500 body becomes a CpisApiError without a problem, keeping the response request id', async () => {
    const requestId = '11111111-2222-4333-8444-555555555555';
    const html = new Response('<html>Internal error</html>', {
      status: 500,
      headers: { 'Content-Type': 'text/html', 'X-Request-ID': requestId },
    });
    const { client } = clientWith([html]);
    const error = (await client.checks.get('id').catch((e: unknown) => e)) as CpisApiError;
    expect(error).toBeInstanceOf(CpisApiError);
    expect(error.status).toBe(500);
    expect(error.problem).toBeUndefined();
    expect(error.requestId).toBe(requestId);
    expect(error.message).toBe('CP-IS answered 500');
  });

  it('a problem whose type is not from the registry is kept on the error but left out of the message', async () => {
    const body = { type: `urn:x:${NHS_NUMBER}`, title: 'x', status: 400, requestId: 'r' };
    const { client } = clientWith([json(400, body)]);
    const error = (await client.authorities.get('211').catch((e: unknown) => e)) as CpisApiError;
    expect(error.problem?.type).toBe(body.type);
    expect(error.message).toBe('CP-IS answered 400');
  });

  it('a network error becomes a CpisNetworkError carrying the cause', async () => {
    const cause = networkError();
    const { client } = clientWith([cause], { retries: 0 });
    const error = (await client.authorities
      .get('211')
      .catch((e: unknown) => e)) as CpisNetworkError;
    expect(error).toBeInstanceOf(CpisNetworkError);
    expect(error.cause).toBe(cause);
  });

  it('a 2xx body that is not JSON becomes a CpisContractError', async () => {
    const { client } = clientWith([new Response('<html>portal login</html>', { status: 200 })]);
    await expect(client.authorities.get('211')).rejects.toBeInstanceOf(CpisContractError);
  });

  it('no error message carries the NHS number or the token', async () => {
    const failures: Step[] = [
      problem(400, 'invalid-nhs-number'),
      networkError(),
      json(201, { nope: true }),
    ];
    for (const failure of failures) {
      const { client } = clientWith([failure], { retries: 0 });
      const error = (await client.checks.create(checkRequest).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(CpisError);
      expect(error.message).not.toContain(NHS_NUMBER);
      expect(error.message).not.toContain(TOKEN);
      expect(String(error.stack)).not.toContain(TOKEN);
    }
  });

  it('an abort by the caller rejects with the AbortError DOMException, not a CpisError', async () => {
    const { client } = clientWith(['hang']);
    const controller = new AbortController();
    const call = client.authorities.get('211', { signal: controller.signal });
    controller.abort();
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
  });
});

// Compile-time checks: tsc (in `npm test`) fails if any of these lines stops being an error.
// Never called.
export function typeChecks(): void {
  const client = createCpisClient({ baseUrl: BASE, getToken: () => TOKEN });
  // @ts-expect-error a path the contract does not have
  void client.raw.GET('/v1/children/{nhsNumber}', { params: { path: { nhsNumber: NHS_NUMBER } } });
  // @ts-expect-error a path parameter the operation does not take
  void client.raw.GET('/v1/checks/{checkId}', { params: { path: { nhsNumber: NHS_NUMBER } } });
  const wrongQuery = { path: { odsCode: '211' }, query: { limit: 'ten' } };
  // @ts-expect-error a query parameter value of the wrong type
  void client.raw.GET('/v1/authorities/{odsCode}/plans', { params: wrongQuery });
  // @ts-expect-error a body field the contract does not define
  void client.checks.create({ ...checkRequest, nhsNumberTraced: true });
  // @ts-expect-error accessContext is required, never defaulted
  void client.checks.create({
    nhsNumber: NHS_NUMBER,
    nhsNumberVerified: true,
    reason: { code: 'other' },
  });
  // @ts-expect-error an order the contract does not have
  void client.notifications.list('211', { order: 'newest' });
}
