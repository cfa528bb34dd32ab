// Hand-rolled fakes for the SDK's tests: a scripted `fetch` that records every request it
// is given, and the few answers the tests need. The transport rules are about requests and
// timing, which a scripted sequence shows more plainly than a mock service.
import type { CheckResult } from './types.js';

/** An answer: a Response, an error to throw, a function of the request, or `hang` (never answers; honours abort). */
export type Step = Response | Error | 'hang' | ((request: Request) => Response | Promise<Response>);

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
  signal: AbortSignal;
}

export interface ScriptedFetch {
  (request: Request): Promise<Response>;
  /** Every request, in order. */
  calls: RecordedRequest[];
}

/** Answers with `steps` in order; the last step repeats. */
export function scriptedFetch(...steps: Step[]): ScriptedFetch {
  const calls: RecordedRequest[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const { method, headers, signal } = request;
    // ignoreBOM: record the bytes as sent (Request.text() would drop a leading BOM)
    const body = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await request.arrayBuffer());
    calls.push({ method, url: new URL(request.url), headers, body, signal });
    const step = steps[Math.min(calls.length, steps.length) - 1];
    if (step === undefined) throw new Error('scriptedFetch: no steps');
    if (step === 'hang') {
      return new Promise((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason));
      });
    }
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(request);
    return step.clone();
  };
  return Object.assign(fetch, { calls });
}

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function problem(
  status: number,
  kind: string,
  headers: Record<string, string> = {},
): Response {
  const body = {
    type: `urn:cpis:problem:${kind}`,
    title: kind,
    status,
    requestId: '0b7b2f4e-7d8a-4f7e-9b3e-2a3c1d5e6f70',
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
}

/** A network failure as undici reports one. */
export function networkError(): TypeError {
  return new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND cpis.test') });
}

export const NHS_NUMBER = '9990000018';
export const TOKEN = 'token-abc';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const checkRequest = {
  nhsNumber: NHS_NUMBER,
  nhsNumberVerified: true,
  accessContext: 'unscheduled',
  reason: { code: 'unscheduled-attendance' },
} as const;

export function recordFound(overrides: Record<string, unknown> = {}): CheckResult {
  return {
    checkId: '6f1c2b8e-2f4a-4c1e-9a51-1b7d2c3e4f50',
    nhsNumber: NHS_NUMBER,
    checkedAt: '2025-11-25T14:02:00.000Z',
    accessContext: 'unscheduled',
    outcome: 'record-found',
    plans: [
      {
        planId: 'TH-LAC-0042',
        type: 'LAC',
        status: 'active',
        startDate: '2024-06-03',
        responsibleAuthority: {
          odsCode: '211',
          name: 'London Borough of Tower Hamlets',
          officeHoursPhone: '020 7946 0001',
          emergencyDutyPhone: '020 7946 0002',
        },
      },
    ],
    accessHistory: [
      {
        accessedAt: '2025-11-25T14:02:00.000Z',
        setting: { odsCode: 'RQXM1', name: 'Homerton Emergency Department' },
        userRole: 'Emergency department nurse',
      },
    ],
    notifiedAuthorities: ['211'],
    ...overrides,
  } as CheckResult;
}

export function noRecord(overrides: Record<string, unknown> = {}): CheckResult {
  return recordFound({
    outcome: 'no-record',
    plans: [],
    accessHistory: [],
    notifiedAuthorities: [],
    ...overrides,
  });
}
