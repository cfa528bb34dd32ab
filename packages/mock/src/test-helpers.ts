/**
 * What the mock's own tests share: a service on a hand-set clock, answered through
 * `createMockFetch` with real `Request`s. Not part of the package's entries.
 */
import type { HttpHandler } from 'msw';
import { personas, principals, type PersonaKey } from './fixtures.js';
import { createMockFetch } from './mock-fetch.js';
import {
  createCpisMockService,
  type CpisMockService,
  type CpisMockServiceOptions,
} from './service.js';
import type { TokenPrincipal } from './tokens.js';

export const T0 = new Date('2025-11-25T14:02:00.000Z');
export const TODAY = '2025-11-25';
export const HOUR = 60 * 60 * 1000;

export interface CallOptions {
  /** Who calls: a principal (a token is made for it), a raw token, or no one. */
  as?: TokenPrincipal | { token: string };
  body?: unknown;
  /** A body sent as is, with this content type. */
  raw?: { contentType: string; text: string };
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  response: Response;
}

export interface Harness {
  service: CpisMockService;
  fetch: typeof fetch;
  /** Moves the mock's clock. */
  advance(ms: number): void;
  now(): Date;
  call<T = unknown>(method: string, path: string, options?: CallOptions): Promise<Answer<T>>;
  /** `POST /v1/checks` for a persona's NHS number (or any number). */
  check<T = unknown>(
    who: TokenPrincipal,
    nhsNumber: PersonaKey | string,
    more?: Partial<{ accessContext: string; reason: unknown; headers: Record<string, string> }>,
  ): Promise<Answer<T>>;
}

export function harness(
  options: CpisMockServiceOptions & { layer?: (service: CpisMockService) => HttpHandler[] } = {},
): Harness {
  let current = T0;
  const service = createCpisMockService({ today: TODAY, now: () => current, ...options });
  const fetch = createMockFetch(options.layer ? options.layer(service) : service.handlers);

  async function call<T>(method: string, path: string, o: CallOptions = {}): Promise<Answer<T>> {
    const headers = new Headers(o.headers);
    if (o.as) {
      const token = 'token' in o.as ? o.as.token : await service.tokenFor(o.as);
      headers.set('Authorization', `Bearer ${token}`);
    }
    let body: string | undefined;
    if (o.raw) {
      headers.set('Content-Type', o.raw.contentType);
      body = o.raw.text;
    } else if (o.body !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(o.body);
    }
    const request = new Request(`${service.baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body }),
      ...(o.signal && { signal: o.signal }),
    });
    const response = await fetch(request);
    const type = response.headers.get('Content-Type') ?? '';
    const parsed: unknown = type.includes('json') ? await response.clone().json() : undefined;
    return { status: response.status, headers: response.headers, body: parsed as T, response };
  }

  return {
    service,
    fetch,
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
    now: () => current,
    call,
    check: (who, nhsNumber, more = {}) =>
      call('POST', '/v1/checks', {
        as: who,
        ...(more.headers && { headers: more.headers }),
        body: {
          nhsNumber:
            nhsNumber in personas ? personas[nhsNumber as PersonaKey].nhsNumber : nhsNumber,
          nhsNumberVerified: true,
          accessContext: more.accessContext ?? 'unscheduled',
          reason: more.reason ?? { code: 'unscheduled-attendance' },
        },
      }),
  };
}

/** The fixtures' principals, plus the ones the tests need that the fixtures do not have. */
export const who = {
  ...principals,
  otherEdNurse: { ...principals.edNurse, name: 'Ade Cole' },
  royalLondonNurse: {
    ...principals.edNurse,
    odsCode: 'R1HKH',
    orgName: 'Royal London Emergency Department',
  },
  gpElsewhere: { ...principals.gp, odsCode: 'F84999', orgName: 'Another Practice' },
  westminsterSocialWorker: {
    name: 'Ana Lima',
    role: 'Social worker',
    orgType: 'local-authority' as const,
    odsCode: '213',
    orgName: 'Westminster City Council',
    activities: [],
  },
  newAuthorityWorker: {
    name: 'Sol Reyes',
    role: 'Social worker',
    orgType: 'local-authority' as const,
    odsCode: 'ZZ999',
    orgName: 'Newshire Council',
    activities: [],
  },
} satisfies Record<string, TokenPrincipal>;
