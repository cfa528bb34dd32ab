// docs/quality.md, "faults, SDK + banner" and "verification"; hazards 1, 2 and 8.
//
// Every fault a real SDK client (`createCpisClient`, small timeouts) can meet between the
// network and the banner, each its own test, through a `fetch` this file controls. What
// must hold: the banner ends in `failed` (or, after a change of patient, the right state
// for the new number) and NEVER passes through `no-record` — checked on every `data-state`
// the banner takes, recorded from before its first render by a MutationObserver.
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckResult, CpisClient, CpisClientOptions } from '@cpis/sdk';
import {
  CpisApiError,
  CpisContractError,
  CpisNetworkError,
  CpisTimeoutError,
  createCpisClient,
} from '@cpis/sdk';
import { personas } from '@cpis/mock';
import '../define.js';
import type { CpisCheckCompleteEvent, CpisCheckErrorEvent } from '../events.js';
import type { CpisFlagBanner } from './flag-banner.js';
import { cleanPage, provide, shadowText, until } from '../internal/testing.test-helper.js';

afterEach(cleanPage);

const BASE_URL = 'http://cpis.test';
/** Asked about in the fault cases: a number with no record, so `no-record` is the tempting lie. */
const ASKED = personas.noRecord.nhsNumber;
const OTHER = personas.activeChildProtectionPlan.nhsNumber;
const THIRD = personas.lookedAfterOutOfArea.nhsNumber;
const FAILED_TEXT =
  'CP-IS check failed — status unknown. Follow your local safeguarding procedure.';
const spaced = (n: string): string => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------
// A fetch this file controls

/** How the fake API answers the `n`th request (from 1). */
type Answer = (request: Request, n: number) => Response | Promise<Response>;

interface Sent {
  request: Request;
  at: number;
  body: Record<string, unknown>;
}

interface ControlledFetch {
  fetch: (request: Request) => Promise<Response>;
  sent: Sent[];
}

function controlledFetch(answer: Answer): ControlledFetch {
  const sent: Sent[] = [];
  return {
    sent,
    fetch: async (request) => {
      const body = (await request.clone().json()) as Record<string, unknown>;
      sent.push({ request, at: performance.now(), body });
      return answer(request, sent.length);
    },
  };
}

/** Never answers; rejects when the attempt is aborted, as a real `fetch` does. */
function hang(request: Request): Promise<Response> {
  return new Promise((_, reject) => {
    const { signal } = request;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

function problem(status: number, headers: Record<string, string> = {}): Response {
  const type = status === 429 ? 'rate-limited' : status >= 500 ? 'unavailable' : 'internal';
  return new Response(
    JSON.stringify({
      type: `urn:cpis:problem:${type}`,
      title: 'fault',
      status,
      requestId: crypto.randomUUID(),
    }),
    { status, headers: { 'Content-Type': 'application/problem+json', ...headers } },
  );
}

const SHEFFIELD = {
  odsCode: '373',
  name: 'Sheffield City Council',
  officeHoursPhone: '0114 496 0373',
  emergencyDutyPhone: '0114 496 0999',
};

function noRecord(nhsNumber: string): CheckResult {
  return {
    checkId: crypto.randomUUID(),
    nhsNumber,
    checkedAt: new Date().toISOString(),
    accessContext: 'unscheduled',
    outcome: 'no-record',
    plans: [],
    accessHistory: [],
    notifiedAuthorities: [],
  };
}

function recordFound(nhsNumber: string, authority = SHEFFIELD): CheckResult {
  return {
    ...noRecord(nhsNumber),
    outcome: 'record-found',
    plans: [
      {
        planId: 'FM-CPP-1',
        type: 'CPP',
        status: 'active',
        startDate: '2025-01-15',
        responsibleAuthority: authority,
      },
    ],
    accessHistory: [
      {
        accessedAt: new Date().toISOString(),
        setting: { odsCode: 'RQXM1', name: 'Homerton Emergency Department' },
        userRole: 'Emergency department nurse',
      },
    ],
    notifiedAuthorities: [authority.odsCode],
  };
}

/** The answer the contract gives to a check of the number the request asks about. */
async function askedNumber(request: Request): Promise<string> {
  return ((await request.clone().json()) as { nhsNumber: string }).nhsNumber;
}

/** A well-formed no-record answer to whatever the request asked. */
async function echoNoRecord(request: Request): Promise<CheckResult> {
  const asked = (await request.clone().json()) as Pick<CheckResult, 'nhsNumber' | 'accessContext'>;
  return { ...noRecord(asked.nhsNumber), accessContext: asked.accessContext };
}

// ---------------------------------------------------------------------------------------
// A banner under observation

interface Rig {
  el: CpisFlagBanner;
  client: CpisClient;
  sent: Sent[];
  /** Every `data-state` the banner took, from before its first render. */
  states: string[];
  /** The shadow root's text after every change. */
  texts: string[];
  errors: CpisCheckErrorEvent[];
  completes: CpisCheckCompleteEvent[];
  startedAt: number;
}

type ClientOptions = Partial<Pick<CpisClientOptions, 'timeoutMs' | 'deadlineMs' | 'retries'>>;

/** Small, so a test of a timeout takes a fraction of a second; each case may change them. */
const FAST: Required<ClientOptions> = { timeoutMs: 150, deadlineMs: 1500, retries: 2 };

function clientOver(fetch: ControlledFetch, options: ClientOptions = {}): CpisClient {
  return createCpisClient({
    baseUrl: BASE_URL,
    getToken: () => 'test-token',
    fetch: fetch.fetch,
    ...FAST,
    ...options,
  });
}

/** An auto-checking banner for `nhsNumber`, watched from before its first render. */
async function watched(
  nhsNumber: string,
  answer: Answer,
  options: ClientOptions = {},
): Promise<Rig> {
  const fetch = controlledFetch(answer);
  const client = clientOver(fetch, options);
  const el = document.createElement('cpis-flag-banner');
  for (const [name, value] of Object.entries({
    'nhs-number': nhsNumber,
    'nhs-number-verified': '',
    'access-context': 'unscheduled',
    'auto-check': '',
    reason: 'unscheduled-attendance',
  })) {
    el.setAttribute(name, value);
  }
  const states: string[] = [];
  new MutationObserver(() => states.push(el.getAttribute('data-state') ?? '')).observe(el, {
    attributes: true,
    attributeFilter: ['data-state'],
  });
  const errors: CpisCheckErrorEvent[] = [];
  const completes: CpisCheckCompleteEvent[] = [];
  el.addEventListener('cpis-check-error', (e) => errors.push(e));
  el.addEventListener('cpis-check-complete', (e) => completes.push(e));
  el.client = client;
  const startedAt = performance.now();
  document.body.append(el);
  // The shadow root exists from connection; its first render is still to come.
  const texts: string[] = [];
  new MutationObserver(() => texts.push(shadowText(el))).observe(el.shadowRoot as ShadowRoot, {
    subtree: true,
    childList: true,
    characterData: true,
  });
  await el.updateComplete;
  return { el, client, sent: fetch.sent, states, texts, errors, completes, startedAt };
}

function tryAgainButton(el: CpisFlagBanner): HTMLButtonElement | undefined {
  return [...(el.shadowRoot?.querySelectorAll('button') ?? [])].find(
    (b) => b.textContent?.trim() === 'Try again',
  );
}

/** What every never-no-record test asserts, whatever the final state. */
function expectNeverNoRecord(rig: Rig): void {
  expect(rig.states).not.toContain('no-record');
  for (const text of rig.texts) expect(text).not.toContain('No CP-IS record');
  expect(rig.completes.map((e) => e.detail.outcome)).not.toContain('no-record');
}

/**
 * Waits for `failed`, waits a little more for anything late, then checks it stayed there,
 * said so in words about the number asked, offers Try again, and never showed a result.
 */
async function expectFailed(rig: Rig, nhsNumber = ASKED, timeout = 5000): Promise<unknown> {
  await until(() => rig.el.state, 'failed', timeout);
  await sleep(60);
  const { el } = rig;
  expect(el.state).toBe('failed');
  expect(el.dataset.state).toBe('failed');
  expect(rig.states[0]).toBe('checking');
  expect(rig.states.at(-1)).toBe('failed');
  expect(rig.states).not.toContain('record-found');
  expectNeverNoRecord(rig);
  expect(rig.completes).toHaveLength(0);
  const text = shadowText(el);
  expect(text).toContain(FAILED_TEXT);
  expect(text).toContain(`NHS No. ${spaced(nhsNumber)}, tried`);
  expect(tryAgainButton(el)).toBeDefined();
  expect(rig.errors.map((e) => e.detail.state)).toEqual(['failed']);
  return rig.errors[0]!.detail.error;
}

// ---------------------------------------------------------------------------------------

describe('faults between the network and the banner: failed, never no-record', () => {
  describe('no answer', () => {
    it('a network error on every attempt', async () => {
      const rig = await watched(ASKED, () => Promise.reject(new TypeError('Failed to fetch')));
      const error = await expectFailed(rig);
      expect(error).toBeInstanceOf(CpisNetworkError);
      expect(rig.sent.length).toBeGreaterThanOrEqual(2); // retried: the check is idempotent
    });

    it('no answer at all: every attempt times out', async () => {
      const rig = await watched(ASKED, (request) => hang(request), {
        timeoutMs: 100,
        deadlineMs: 600,
      });
      const error = await expectFailed(rig);
      expect(error).toBeInstanceOf(CpisTimeoutError);
      expect(performance.now() - rig.startedAt).toBeLessThan(600 + 1500);
    });

    it('no answer from a fetch that ignores the abort signal', async () => {
      // A host's hand-written fetch may never settle; the deadline still ends the check.
      const rig = await watched(ASKED, () => new Promise<Response>(() => undefined), {
        timeoutMs: 100,
        deadlineMs: 500,
      });
      const error = await expectFailed(rig);
      expect(error).toBeInstanceOf(CpisTimeoutError);
    });

    it('headers, then a body that never ends', async () => {
      const rig = await watched(
        ASKED,
        () =>
          new Response(new ReadableStream({ start: () => undefined }), {
            status: 201,
            headers: { 'Content-Type': 'application/json' },
          }),
        { timeoutMs: 100, deadlineMs: 500 },
      );
      const error = await expectFailed(rig);
      expect(error).toBeInstanceOf(CpisTimeoutError);
    });
  });

  describe('server errors', () => {
    it('HTTP 500, not retried', async () => {
      const rig = await watched(ASKED, () => problem(500));
      const error = await expectFailed(rig);
      expect(error).toBeInstanceOf(CpisApiError);
      expect((error as CpisApiError).status).toBe(500);
      expect(rig.sent).toHaveLength(1);
    });

    it.each([502, 503, 504])('HTTP %i on every attempt, retried, then failed', async (status) => {
      const rig = await watched(ASKED, () => problem(status));
      const error = await expectFailed(rig);
      expect((error as CpisApiError).status).toBe(status);
      expect(rig.sent.length).toBeGreaterThanOrEqual(2);
      // One check, however many attempts: a retry can never notify twice.
      const keys = new Set(rig.sent.map((s) => s.request.headers.get('Idempotency-Key')));
      expect(keys.size).toBe(1);
    });

    it('HTTP 502 whose body is a proxy’s HTML page', async () => {
      const rig = await watched(
        ASKED,
        () =>
          new Response('<html><body>Bad gateway</body></html>', {
            status: 502,
            headers: { 'Content-Type': 'text/html' },
          }),
      );
      const error = await expectFailed(rig);
      expect((error as CpisApiError).status).toBe(502);
    });
  });

  describe('429 Too Many Requests with Retry-After', () => {
    it('retried after the wait it asks for, within the deadline, then failed when it persists', async () => {
      const rig = await watched(ASKED, () => problem(429, { 'Retry-After': '1' }), {
        deadlineMs: 1800,
      });
      const error = await expectFailed(rig);
      expect((error as CpisApiError).status).toBe(429);
      // 0 s: first attempt; 1 s: the retry it asked for; 2 s would pass the deadline.
      expect(rig.sent).toHaveLength(2);
      expect(rig.sent[1]!.at - rig.sent[0]!.at).toBeGreaterThanOrEqual(950);
      expect(performance.now() - rig.startedAt).toBeLessThan(1800 + 1000);
    });

    it('recovers when the second attempt succeeds', async () => {
      const rig = await watched(OTHER, async (request, n) =>
        n === 1
          ? problem(429, { 'Retry-After': '1' })
          : json(201, recordFound(await askedNumber(request))),
      );
      await until(() => rig.el.state, 'record-found', 4000);
      expect(rig.sent).toHaveLength(2);
      expect(rig.sent[1]!.at - rig.sent[0]!.at).toBeGreaterThanOrEqual(950);
      const keys = rig.sent.map((s) => s.request.headers.get('Idempotency-Key'));
      expect(keys[1]).toBe(keys[0]);
      expect(rig.states).toEqual(['checking', 'record-found']);
      expect(rig.errors).toHaveLength(0);
      expectNeverNoRecord(rig);
    });

    it('failed at once when Retry-After is beyond the deadline', async () => {
      const rig = await watched(ASKED, () => problem(429, { 'Retry-After': '30' }), {
        deadlineMs: 1500,
      });
      const error = await expectFailed(rig);
      expect((error as CpisApiError).status).toBe(429);
      expect(rig.sent).toHaveLength(1);
      // Neither the 30 s it asked for nor the deadline was waited out.
      expect(performance.now() - rig.startedAt).toBeLessThan(1500);
    });
  });

  describe('a body that is not JSON', () => {
    const cases: [string, string][] = [
      ['a proxy’s HTML page', '<!doctype html><html><body>Welcome</body></html>'],
      ['truncated JSON', '{"checkId": "6f1c2b8e-2f4a-4c1e-9a51", "outcome": "no-rec'],
      ['an empty body', ''],
      ['plain text "no-record"', 'no-record'],
    ];
    it.each(cases)('201 with %s', async (_name, body) => {
      const rig = await watched(
        ASKED,
        () => new Response(body, { status: 201, headers: { 'Content-Type': 'application/json' } }),
      );
      const error = await expectFailed(rig);
      expect(error).toBeInstanceOf(CpisContractError);
    });
  });

  describe('an answer that fails the contract’s schema', () => {
    const nr = (): Record<string, unknown> => ({ ...noRecord(ASKED) });
    const rf = (): CheckResult => recordFound(ASKED);
    const without = (value: Record<string, unknown>, key: string): Record<string, unknown> => {
      const copy = { ...value };
      delete copy[key];
      return copy;
    };
    const withPlan = (changes: Record<string, unknown>): unknown => {
      const found = rf();
      return { ...found, plans: [{ ...found.plans[0], ...changes }] };
    };
    const withAuthority = (changes: Record<string, unknown>): unknown =>
      withPlan({ responsibleAuthority: { ...SHEFFIELD, ...changes } });

    const shapes: [string, () => unknown][] = [
      ['null', () => null],
      ['an array holding a result', () => [nr()]],
      ['the string "no-record"', () => 'no-record'],
      ['an empty object', () => ({})],
      ['nothing but { outcome: "no-record" }', () => ({ outcome: 'no-record' })],
      ['the result wrapped in { data }', () => ({ data: nr() })],
      ['no outcome', () => without(nr(), 'outcome')],
      ['an unknown outcome', () => ({ ...nr(), outcome: 'none-found' })],
      ['outcome in another case ("No-Record")', () => ({ ...nr(), outcome: 'No-Record' })],
      ['outcome null', () => ({ ...nr(), outcome: null })],
      ['no-record with plans', () => ({ ...rf(), outcome: 'no-record', accessHistory: [] })],
      ['no-record with an access history', () => ({ ...rf(), outcome: 'no-record', plans: [] })],
      ['record-found without plans', () => ({ ...rf(), plans: [] })],
      ['plans not an array', () => ({ ...rf(), plans: rf().plans[0] })],
      ['no plans field', () => without(nr(), 'plans')],
      ['no accessHistory field', () => without(nr(), 'accessHistory')],
      ['no notifiedAuthorities field', () => without(nr(), 'notifiedAuthorities')],
      ['no checkId', () => without(nr(), 'checkId')],
      ['no checkedAt', () => without(nr(), 'checkedAt')],
      ['a checkedAt that is not a time', () => ({ ...nr(), checkedAt: 'yesterday' })],
      ['no nhsNumber', () => without(nr(), 'nhsNumber')],
      ['an nhsNumber as a number', () => ({ ...nr(), nhsNumber: Number(ASKED) })],
      ['no accessContext', () => without(nr(), 'accessContext')],
      ['an accessContext other than asked', () => ({ ...nr(), accessContext: 'scheduled' })],
      ['a plan that is null', () => ({ ...rf(), plans: [null] })],
      ['a plan of unknown type', () => withPlan({ type: 'CIN' })],
      ['a plan with an unknown status', () => withPlan({ status: 'open' })],
      ['a plan without a start date', () => withPlan({ startDate: undefined })],
      ['a UCPP without an expected delivery date', () => withPlan({ type: 'UCPP' })],
      ['a plan without a responsible authority', () => withPlan({ responsibleAuthority: null })],
      ['an authority without a name', () => withAuthority({ name: '' })],
      ['an authority without phone numbers', () => withAuthority({ officeHoursPhone: undefined })],
      ['an access-history entry that is null', () => ({ ...rf(), accessHistory: [null] })],
      [
        'an access-history entry without its setting',
        () => ({ ...rf(), accessHistory: [{ accessedAt: new Date().toISOString() }] }),
      ],
    ];

    it.each(shapes)('201 with %s', async (_name, body) => {
      const rig = await watched(ASKED, () => json(201, body()));
      const error = await expectFailed(rig);
      expect(error).toBeInstanceOf(CpisContractError);
    });

    it.each([
      ['nothing but { outcome: "no-record" }', { outcome: 'no-record' }],
      ['an unknown outcome', { ...noRecord(ASKED), outcome: 'clear' }],
    ])('200 (not 201) with %s', async (_name, body) => {
      const rig = await watched(ASKED, () => json(200, body));
      const error = await expectFailed(rig);
      expect(error).toBeInstanceOf(CpisContractError);
    });
  });

  describe('an answer for a different NHS number', () => {
    it('a record for another patient', async () => {
      const rig = await watched(ASKED, () => json(201, recordFound(OTHER)));
      const error = await expectFailed(rig);
      expect(error).toBeInstanceOf(CpisContractError);
      for (const text of rig.texts) expect(text).not.toContain(spaced(OTHER));
    });

    it('no record for another patient', async () => {
      const rig = await watched(ASKED, () => json(201, noRecord(OTHER)));
      const error = await expectFailed(rig);
      expect(error).toBeInstanceOf(CpisContractError);
      for (const text of rig.texts) expect(text).not.toContain(spaced(OTHER));
    });

    it('the asked number, spaced (not the contract’s ten digits)', async () => {
      const rig = await watched(ASKED, () => json(201, noRecord(spaced(ASKED))));
      const error = await expectFailed(rig);
      expect(error).toBeInstanceOf(CpisContractError);
    });
  });

  describe('a slow answer after the NHS number changed', () => {
    /**
     * The API: `slowFor` answers after `slowMs` with `slowAnswer`, ignoring the abort (so a
     * late answer really does arrive); every other number gets `answerFor(number)`.
     */
    function api(
      slowFor: string,
      slowMs: number,
      slowAnswer: (nhsNumber: string) => Response,
      answerFor: (nhsNumber: string, request: Request) => Response | Promise<Response>,
    ): Answer {
      return async (request) => {
        const nhsNumber = await askedNumber(request);
        if (nhsNumber !== slowFor) return answerFor(nhsNumber, request);
        await sleep(slowMs);
        return slowAnswer(nhsNumber);
      };
    }

    it('the old no-record arrives while the new number’s check fails: failed, never the old no-record', async () => {
      const rig = await watched(
        OTHER,
        api(
          OTHER,
          250,
          (n) => json(201, noRecord(n)),
          () => problem(503),
        ),
        { retries: 0 },
      );
      expect(rig.el.state).toBe('checking');
      rig.el.setAttribute('nhs-number', ASKED);
      await expectFailed(rig, ASKED);
      await sleep(300); // the old answer has arrived by now
      expect(rig.el.state).toBe('failed');
      expectNeverNoRecord(rig);
      expect(rig.sent[0]!.request.signal.aborted).toBe(true);
    });

    it('the old record arrives after the new number’s record: the new one stays', async () => {
      const rig = await watched(
        OTHER,
        api(
          OTHER,
          300,
          (n) => json(201, recordFound(n)),
          (n) => json(201, recordFound(n, { ...SHEFFIELD, odsCode: '211', name: 'Tower Hamlets' })),
        ),
      );
      rig.el.setAttribute('nhs-number', THIRD);
      await until(() => rig.el.state, 'record-found');
      await sleep(400);
      expect(rig.el.state).toBe('record-found');
      expect(rig.completes).toHaveLength(1);
      const text = shadowText(rig.el);
      expect(text).toContain(spaced(THIRD));
      expect(text).toContain('Tower Hamlets');
      expect(text).not.toContain('Sheffield');
      // From the change on, the old patient's number is never on screen.
      const afterChange = rig.texts.slice(rig.texts.findIndex((t) => t.includes(spaced(THIRD))));
      for (const t of afterChange) expect(t).not.toContain(spaced(OTHER));
      expectNeverNoRecord(rig);
    });

    it('the old no-record arrives after the new number’s record: the record stays', async () => {
      const rig = await watched(
        ASKED,
        api(
          ASKED,
          300,
          (n) => json(201, noRecord(n)),
          (n) => json(201, recordFound(n)),
        ),
      );
      rig.el.setAttribute('nhs-number', OTHER);
      await until(() => rig.el.state, 'record-found');
      await sleep(400);
      expect(rig.el.state).toBe('record-found');
      expect(shadowText(rig.el)).toContain(spaced(OTHER));
      expectNeverNoRecord(rig);
    });

    it('the old no-record arrives after the new number’s check timed out: failed', async () => {
      const rig = await watched(
        OTHER,
        api(
          OTHER,
          500,
          (n) => json(201, noRecord(n)),
          (_n, request) => hang(request),
        ),
        { timeoutMs: 100, deadlineMs: 300 },
      );
      rig.el.setAttribute('nhs-number', ASKED);
      await expectFailed(rig, ASKED);
      await sleep(400);
      expect(rig.el.state).toBe('failed');
      expectNeverNoRecord(rig);
    });

    it('the old no-record arrives when the new number is not to be checked: not-checked', async () => {
      const rig = await watched(
        OTHER,
        api(
          OTHER,
          250,
          (n) => json(201, noRecord(n)),
          () => problem(500),
        ),
      );
      rig.el.removeAttribute('auto-check');
      rig.el.setAttribute('nhs-number', ASKED);
      await rig.el.updateComplete;
      expect(rig.el.state).toBe('not-checked');
      await sleep(350);
      expect(rig.el.state).toBe('not-checked');
      expect(rig.sent).toHaveLength(1);
      expect(rig.states).toEqual(['checking', 'not-checked']);
      expectNeverNoRecord(rig);
      expect(shadowText(rig.el)).toContain(spaced(ASKED));
      expect(shadowText(rig.el)).not.toContain(spaced(OTHER));
    });

    it('the old no-record arrives after a change back and forth: the new check’s answer, not the old', async () => {
      // OTHER (slow, would say no-record) → ASKED → OTHER again: only the third check's
      // answer (a record) may be shown; the first one's late no-record never is.
      let first = true;
      const rig = await watched(OTHER, async (request) => {
        const n = await askedNumber(request);
        if (n === OTHER && first) {
          first = false;
          await sleep(300);
          return json(201, noRecord(n));
        }
        return n === OTHER ? json(201, recordFound(n)) : hang(request);
      });
      rig.el.setAttribute('nhs-number', ASKED);
      await rig.el.updateComplete;
      rig.el.setAttribute('nhs-number', OTHER);
      await until(() => rig.el.state, 'record-found');
      await sleep(400);
      expect(rig.el.state).toBe('record-found');
      expect(rig.sent.map((s) => s.body.nhsNumber)).toEqual([OTHER, ASKED, OTHER]);
      expectNeverNoRecord(rig);
    });
  });
});

// ---------------------------------------------------------------------------------------

describe('verification: a number not marked verified is never checked', () => {
  const numbers = {
    valid: personas.activeChildProtectionPlan.nhsNumber,
    'valid, spaced': spaced(personas.noRecord.nhsNumber),
    'valid, unverified persona': personas.unverifiedNumber.nhsNumber,
    'not Modulus 11': '9990001376',
    missing: undefined,
    letters: 'not-a-number',
  };
  const contexts = { unscheduled: 'unscheduled', scheduled: 'scheduled', missing: undefined };
  const autoChecks = { 'auto-check': true, 'no auto-check': false };
  const reasons = {
    'unscheduled-attendance': 'unscheduled-attendance',
    'clinical-review': 'clinical-review',
    other: 'other',
    'no reason': undefined,
  };
  const clientRoutes = ['property', 'context'] as const;

  interface Combination {
    name: string;
    attributes: Record<string, string>;
    via: (typeof clientRoutes)[number];
  }

  function combinations(): Combination[] {
    const all: Combination[] = [];
    for (const [numberName, nhsNumber] of Object.entries(numbers)) {
      for (const [contextName, context] of Object.entries(contexts)) {
        for (const [autoName, auto] of Object.entries(autoChecks)) {
          for (const [reasonName, reason] of Object.entries(reasons)) {
            for (const via of clientRoutes) {
              const attributes: Record<string, string> = {};
              if (nhsNumber !== undefined) attributes['nhs-number'] = nhsNumber;
              if (context !== undefined) attributes['access-context'] = context;
              if (auto) attributes['auto-check'] = '';
              if (reason !== undefined) attributes.reason = reason;
              all.push({
                name: [numberName, contextName, autoName, reasonName, via].join(' / '),
                attributes,
                via,
              });
            }
          }
        }
      }
    }
    return all;
  }

  /** Mounts one banner per combination, all over one counting client; `verified` adds the attribute. */
  async function mountAll(verified: boolean) {
    const fetch = controlledFetch(async (request) => json(201, await echoNoRecord(request)));
    // Hundreds of banners at once on a busy machine: no attempt may time out here.
    const client = clientOver(fetch, { timeoutMs: 5000, deadlineMs: 10_000 });
    const host = document.createElement('div');
    document.body.append(host);
    provide(host, client);
    const banners: { combination: Combination; el: CpisFlagBanner; states: string[] }[] = [];
    for (const combination of combinations()) {
      const el = document.createElement('cpis-flag-banner');
      for (const [name, value] of Object.entries(combination.attributes)) {
        el.setAttribute(name, value);
      }
      if (verified) el.setAttribute('nhs-number-verified', '');
      if (combination.via === 'property') el.client = client;
      const states: string[] = [];
      new MutationObserver(() => states.push(el.getAttribute('data-state') ?? '')).observe(el, {
        attributes: true,
        attributeFilter: ['data-state'],
      });
      host.append(el);
      banners.push({ combination, el, states });
    }
    await Promise.all(banners.map((b) => b.el.updateComplete));
    return { banners, sent: fetch.sent, client };
  }

  it('sends no request in any combination of number, context, auto-check, reason and client', async () => {
    const { banners, sent } = await mountAll(false);
    expect(banners.length).toBe(6 * 3 * 2 * 4 * 2);
    // Press every button a banner offers (none should offer Check CP-IS).
    for (const { el } of banners) {
      for (const button of el.shadowRoot?.querySelectorAll('button') ?? []) button.click();
    }
    await sleep(150);
    expect(sent).toHaveLength(0);
    for (const { combination, el, states } of banners) {
      const why = combination.name;
      expect(states, why).not.toContain('checking');
      expect(['unconfigured', 'not-checkable'], why).toContain(el.state);
      if (combination.attributes['access-context'] && combination.attributes['nhs-number']) {
        expect(el.state, why).toBe('not-checkable');
      }
    }
  });

  it('sends none when the attributes change afterwards, while the attribute stays absent', async () => {
    const { banners, sent, client } = await mountAll(false);
    for (const { el } of banners) {
      el.setAttribute('nhs-number', personas.noRecord.nhsNumber);
      el.setAttribute('access-context', 'unscheduled');
      el.setAttribute('auto-check', '');
      el.setAttribute('reason', 'safeguarding-concern');
      el.client = client;
    }
    await Promise.all(banners.map((b) => b.el.updateComplete));
    for (const { el } of banners) {
      el.setAttribute('nhs-number', personas.lookedAfterOutOfArea.nhsNumber);
      el.setAttribute('access-context', 'scheduled');
      el.client = undefined;
    }
    await sleep(150);
    expect(sent).toHaveLength(0);
    for (const { el, states } of banners) {
      expect(states).not.toContain('checking');
      expect(el.state).toBe('not-checkable');
    }
  });

  it('sends none when nhs-number-verified is set and removed before the banner renders', async () => {
    const fetch = controlledFetch(async (request) => json(201, await echoNoRecord(request)));
    const el = document.createElement('cpis-flag-banner');
    el.setAttribute('nhs-number', personas.noRecord.nhsNumber);
    el.setAttribute('access-context', 'unscheduled');
    el.setAttribute('auto-check', '');
    el.setAttribute('reason', 'unscheduled-attendance');
    el.setAttribute('nhs-number-verified', '');
    el.client = clientOver(fetch);
    document.body.append(el);
    el.removeAttribute('nhs-number-verified'); // same task: the first update sees it absent
    await el.updateComplete;
    await sleep(100);
    expect(el.state).toBe('not-checkable');
    expect(fetch.sent).toHaveLength(0);
  });

  it('the same combinations, verified, do check (the count above is not blind)', async () => {
    const { banners, sent } = await mountAll(true);
    const checking = banners.filter(({ combination: { attributes: a } }) => {
      const number = a['nhs-number'];
      return (
        number !== undefined &&
        number !== '9990001376' &&
        number !== 'not-a-number' &&
        a['access-context'] !== undefined &&
        'auto-check' in a &&
        a.reason !== undefined &&
        a.reason !== 'other'
      );
    });
    expect(checking.length).toBe(3 * 2 * 2 * 2);
    // One check each (counted by Idempotency-Key, whatever the retries).
    const checks = (): number =>
      new Set(sent.map((s) => s.request.headers.get('Idempotency-Key'))).size;
    await until(checks, checking.length);
    for (const { body } of sent) expect(body.nhsNumberVerified).toBe(true);
    await Promise.all(checking.map(({ el }) => until(() => el.state, 'no-record')));
  });
});
