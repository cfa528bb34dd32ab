import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { http, HttpResponse } from 'msw';
import type { ReasonCode } from '@cpis/domain';
import type { CheckResult, CpisCheckClient, CpisClient } from '@cpis/sdk';
import {
  CpisAuthError,
  CpisContractError,
  CpisNetworkError,
  CpisTimeoutError,
  createCpisClient,
} from '@cpis/sdk';
import { createCpisFhirClient } from '@cpis/sdk/fhir';
import { createPatientFlagsClient } from '@cpis/sdk/patient-flags';
import {
  createCpisMockService,
  createMockFetch,
  personas,
  principals,
  scenarioHandlers,
  type CpisMockService,
  type Malformation,
} from '@cpis/mock';
import '../define.js';
import type {
  CpisCheckCompleteEvent,
  CpisCheckErrorEvent,
  CpisCheckStartEvent,
} from '../events.js';
import type { CpisFlagBanner, FlagBannerState } from './flag-banner.js';
import {
  BASE_URL,
  backgroundOf,
  cleanPage,
  contrastRatio,
  deepActiveElement,
  expectAxeClean,
  mockClient,
  mount,
  provide,
  recordStates,
  recordTexts,
  settle,
  shadowText,
  until,
  type MockClientOptions,
} from '../internal/testing.test-helper.js';

afterEach(cleanPage);

const cpp = personas.activeChildProtectionPlan;
const none = personas.noRecord;
const AUTO = { 'auto-check': true, reason: 'unscheduled-attendance' } as const;
/** 3-3-4, as every result state must print the NHS number. */
const spaced = (n: string): string => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
const NEVER_REASSURING = /\bsafe\b|no concerns|not at risk/i;
/** NHS CUI's date (`04-Dec-2026`), and its date with the time (`04-Dec-2026 15:10`), as RegExp sources. */
const DAY = /\d{2}-[A-Z][a-z]{2}-\d{4}/.source;
const WHEN = `${DAY} ${/\d{2}:\d{2}/.source}`;

type Attrs = Record<string, string | boolean | undefined>;

async function banner(attrs: Attrs = {}, client?: CpisCheckClient): Promise<CpisFlagBanner> {
  return mount(
    'cpis-flag-banner',
    { 'access-context': 'unscheduled', 'nhs-number-verified': true, ...attrs },
    client ? { client } : {},
  );
}

/** An auto-checking banner for `nhsNumber` over a mock client set up by `options`. */
async function checked(nhsNumber: string, options: MockClientOptions = {}, attrs: Attrs = {}) {
  const mock = await mockClient(options);
  const el = await banner({ 'nhs-number': nhsNumber, ...AUTO, ...attrs }, mock.client);
  return { el, ...mock };
}

/** One way to reach each of the banner's states. */
const EVERY_STATE: [FlagBannerState, () => Promise<CpisFlagBanner>][] = [
  ['unconfigured', () => banner({ 'nhs-number': cpp.nhsNumber })],
  ['not-checkable', async () => banner({ 'nhs-number': '123' }, (await mockClient()).client)],
  ['not-checked', async () => banner({ 'nhs-number': cpp.nhsNumber }, (await mockClient()).client)],
  [
    'checking',
    async () =>
      (await checked(cpp.nhsNumber, { scenario: 'slow', scenarioOptions: { delayMs: 2000 } })).el,
  ],
  ['record-found', async () => (await checked(cpp.nhsNumber)).el],
  ['no-record', async () => (await checked(none.nhsNumber)).el],
  [
    'failed',
    async () =>
      (await checked(cpp.nhsNumber, { scenario: 'unavailable', client: { retries: 0 } })).el,
  ],
  ['signed-out', async () => (await checked(cpp.nhsNumber, { scenario: 'signed-out' })).el],
  ['forbidden', async () => (await checked(cpp.nhsNumber, { scenario: 'forbidden' })).el],
];

const root = (el: Element): ShadowRoot => el.shadowRoot as ShadowRoot;
const $ = <T extends Element = HTMLElement>(el: Element, selector: string): T | null =>
  root(el).querySelector<T>(selector);
const $$ = <T extends Element = HTMLElement>(el: Element, selector: string): T[] => [
  ...root(el).querySelectorAll<T>(selector),
];
const button = (el: Element, name: string): HTMLButtonElement | undefined =>
  $$<HTMLButtonElement>(el, 'button').find((b) => b.textContent?.trim() === name);

describe('unconfigured', () => {
  it('says so to the developer when there is no client', async () => {
    const el = await banner({ 'nhs-number': cpp.nhsNumber, ...AUTO });
    expect(el.state).toBe('unconfigured');
    expect(el.dataset.state).toBe('unconfigured');
    expect(shadowText(el)).toContain('CP-IS has not been checked: this banner is not set up.');
    expect(shadowText(el)).toContain('provideCpisClient(root, client)');
  });

  it('says so when access-context is missing: it is never defaulted', async () => {
    const { client, requests } = await mockClient();
    const el = await mount(
      'cpis-flag-banner',
      { 'nhs-number': cpp.nhsNumber, 'nhs-number-verified': true, ...AUTO },
      { client },
    );
    expect(el.state).toBe('unconfigured');
    expect(shadowText(el)).toContain('it is never defaulted');
    expect(requests).toHaveLength(0);
  });

  it('says so when access-context is not one of the two', async () => {
    const { client } = await mockClient();
    const el = await banner({ 'nhs-number': cpp.nhsNumber, 'access-context': 'urgent' }, client);
    expect(el.state).toBe('unconfigured');
    expect(shadowText(el)).toContain('access-context is “urgent”');
  });
});

describe('the reason for auto-check', () => {
  it('types reason as the reason-code union, so a misspelt code does not compile', () => {
    const el = document.createElement('cpis-flag-banner');
    expectTypeOf(el.reason).toEqualTypeOf<ReasonCode | undefined>();
    // @ts-expect-error -- "attendence" is misspelt: not a ReasonCode (tsc fails if this compiles)
    el.reason = 'unscheduled-attendence';
  });

  it('shows unconfigured, with a developer message, for a missing, misspelt or "other" reason with auto-check, and sends nothing', async () => {
    const { client, requests } = await mockClient();
    const cases: [string | undefined, string][] = [
      [undefined, 'it is not set'],
      ['unscheduled-attendence', 'it is “unscheduled-attendence”'],
      ['other', 'it is “other”'],
    ];
    for (const [reason, says] of cases) {
      const el = await banner({ 'nhs-number': cpp.nhsNumber, 'auto-check': true, reason }, client);
      expect(el.state, reason).toBe('unconfigured');
      expect(el.getAttribute('data-state'), reason).toBe('unconfigured');
      expect(shadowText(el), reason).toContain(
        `For the developer: with auto-check, reason must be “unscheduled-attendance”, “safeguarding-concern”, “clinical-review”; ${says}.`,
      );
      expect(button(el, 'Check CP-IS'), reason).toBeUndefined();
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(requests).toHaveLength(0);
  });
});

describe('client from context or property', () => {
  it('takes the client from provideCpisClient on a plain element, even when provided later', async () => {
    const { client } = await mockClient();
    const host = document.createElement('div');
    document.body.append(host);
    const el = await banner({ 'nhs-number': cpp.nhsNumber, ...AUTO }, undefined);
    host.append(el);
    await settle(el);
    expect(el.state).toBe('unconfigured');
    provide(host, client);
    await until(() => el.state, 'record-found');
  });

  it('takes the client from a provider that was there first', async () => {
    const { client } = await mockClient();
    provide(document.body, client);
    const el = await banner({ 'nhs-number': none.nhsNumber, ...AUTO });
    await until(() => el.state, 'no-record');
  });

  it('prefers its own client property over context', async () => {
    const refusing = await mockClient({ scenario: 'forbidden' });
    const working = await mockClient();
    provide(document.body, refusing.client);
    const el = await banner({ 'nhs-number': cpp.nhsNumber, ...AUTO }, working.client);
    await until(() => el.state, 'record-found');
    expect(refusing.requests).toHaveLength(0);
  });

  it('starts again, cleared, when the provided client changes', async () => {
    const first = await mockClient();
    const second = await mockClient({ scenario: 'signed-out' });
    const provider = provide(document.body, first.client);
    const el = await banner({ 'nhs-number': cpp.nhsNumber, ...AUTO });
    await until(() => el.state, 'record-found');
    provider.setValue(second.client);
    await until(() => el.state, 'signed-out');
  });
});

describe('not-checkable', () => {
  it('says the NHS number is missing', async () => {
    const { client, requests } = await mockClient();
    const el = await banner({ ...AUTO }, client);
    expect(el.state).toBe('not-checkable');
    expect(shadowText(el)).toContain('CP-IS not checked: there is no NHS number for this patient.');
    expect(requests).toHaveLength(0);
  });

  it('says the NHS number is not valid (Modulus 11)', async () => {
    const { client, requests } = await mockClient();
    const el = await banner({ 'nhs-number': '9990001376', ...AUTO }, client);
    expect(el.state).toBe('not-checkable');
    expect(shadowText(el)).toContain('CP-IS not checked: “9990001376” is not a valid NHS number.');
    expect(requests).toHaveLength(0);
  });

  it('says the NHS number has not been verified on PDS, and never checks it', async () => {
    const { client, requests } = await mockClient();
    const n = personas.unverifiedNumber.nhsNumber;
    const el = await mount(
      'cpis-flag-banner',
      { 'nhs-number': n, 'access-context': 'unscheduled', ...AUTO },
      { client },
    );
    expect(el.state).toBe('not-checkable');
    expect(shadowText(el)).toContain(`NHS No. ${spaced(n)} has not been verified on PDS`);
    await new Promise((r) => setTimeout(r, 50));
    expect(requests).toHaveLength(0);
  });

  it('reads nhs-number-verified=false as not verified, so a host writing String(false) never checks', async () => {
    const { client, requests } = await mockClient();
    const n = personas.unverifiedNumber.nhsNumber;
    for (const value of ['false', 'FALSE', ' false ']) {
      const el = await mount(
        'cpis-flag-banner',
        { 'nhs-number': n, 'nhs-number-verified': value, 'access-context': 'unscheduled', ...AUTO },
        { client },
      );
      expect(el.state).toBe('not-checkable');
      el.remove();
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(requests).toHaveLength(0);
  });

  it('accepts an NHS number written with spaces', async () => {
    const { client } = await mockClient();
    const el = await banner({ 'nhs-number': spaced(cpp.nhsNumber), ...AUTO }, client);
    await until(() => el.state, 'record-found');
  });
});

describe('not-checked', () => {
  it('offers Check CP-IS and makes no request by itself', async () => {
    const { client, requests } = await mockClient();
    const el = await banner({ 'nhs-number': cpp.nhsNumber }, client);
    expect(el.state).toBe('not-checked');
    expect(shadowText(el)).toContain('CP-IS has not been checked for this patient');
    expect(shadowText(el)).toContain(`NHS No. ${spaced(cpp.nhsNumber)}`);
    expect(button(el, 'Check CP-IS')).toBeDefined();
    expect(requests).toHaveLength(0);
  });

  it('never falls back to the button: without auto-check, an unknown reason only preselects nothing', async () => {
    const { client, requests } = await mockClient();
    const el = await banner(
      { 'nhs-number': cpp.nhsNumber, reason: 'unscheduled-attendence' },
      client,
    );
    expect(el.state).toBe('not-checked');
    expect(requests).toHaveLength(0);
  });

  it('checks as soon as it is configured with auto-check and a reason', async () => {
    const { client } = await mockClient();
    const el = await banner({ 'nhs-number': cpp.nhsNumber, ...AUTO });
    expect(el.state).toBe('unconfigured');
    el.client = client;
    await until(() => el.state, 'record-found');
  });
});

describe('checking', () => {
  it('shows progress and the NHS number being checked', async () => {
    const { el } = await checked(cpp.nhsNumber, {
      scenario: 'slow',
      scenarioOptions: { delayMs: 300 },
    });
    expect(el.state).toBe('checking');
    expect(shadowText(el)).toContain(`Checking CP-IS for NHS No. ${spaced(cpp.nhsNumber)}`);
    expect($(el, 'progress')).not.toBeNull();
    await until(() => el.state, 'record-found');
  });
});

describe('record-found', () => {
  it('shows a child protection plan with its authority, both phones and who was told', async () => {
    const { el, service } = await checked(cpp.nhsNumber);
    await until(() => el.state, 'record-found');
    const text = shadowText(el);
    expect($(el, '[part="heading"]')?.textContent).toMatch(/Important:\s*CP-IS record found/);
    expect(text).toMatch(new RegExp(`NHS No\\. ${spaced(cpp.nhsNumber)}, checked ${WHEN}\\.`));
    const plans = $$(el, '[part="plan"]');
    expect(plans).toHaveLength(1);
    const plan = plans[0]!;
    expect(plan.querySelector('h3')?.textContent).toBe('Child protection plan');
    expect(plan.textContent).toMatch(/Active\s+since/);
    expect(plan.textContent).toContain('Sheffield City Council');
    const phones = [...plan.querySelectorAll<HTMLAnchorElement>('a[part="phone"]')];
    expect(phones.map((a) => a.getAttribute('href'))).toEqual([
      'tel:01144960373',
      'tel:01144960999',
    ]);
    expect(phones.map((a) => a.textContent)).toEqual(['0114 496 0373', '0114 496 0999']);
    expect(plan.textContent).toMatch(/Office hours:\s*0114 496 0373/);
    expect(plan.textContent).toMatch(/Emergency duty \(out of hours\):\s*0114 496 0999/);
    expect(text).toContain('Sheffield City Council has been told about this check.');
    const details = $<HTMLDetailsElement>(el, 'details[part="history"]');
    expect(details?.open).toBe(false);
    const history = details?.querySelector('cpis-access-history');
    expect(history?.result?.checkId).toBe([...service.state.checks.keys()][0]);
  });

  it('shows a looked-after child placed out of area, and that the responsible LA was told', async () => {
    const { el } = await checked(personas.lookedAfterOutOfArea.nhsNumber);
    await until(() => el.state, 'record-found');
    expect($(el, '[part="plan"] h3')?.textContent).toBe('Looked after child');
    expect(shadowText(el)).toContain(
      'London Borough of Tower Hamlets has been told about this check.',
    );
  });

  it('words a UCPP as the unborn child of this patient, with the expected delivery date', async () => {
    const { el } = await checked(personas.pregnantWithUnbornPlan.nhsNumber);
    await until(() => el.state, 'record-found');
    const plan = $(el, '[part="plan"]')!;
    expect(plan.querySelector('h3')?.textContent).toBe(
      'Protection plan for the unborn child of this patient',
    );
    expect(plan.textContent).toMatch(new RegExp(`Expected delivery date: ${DAY}`));
    expect(plan.textContent).not.toContain('Child protection plan');
  });

  it('shows an ended plan as ended, with its dates', async () => {
    const { el } = await checked(personas.recentlyEndedPlan.nhsNumber);
    await until(() => el.state, 'record-found');
    const plan = $(el, '[part="plan"]')!;
    expect(plan.textContent).toMatch(new RegExp(`Ended\\s+${DAY} \\(started\\s+${DAY}\\)`));
    expect(plan.classList.contains('plan--ended')).toBe(true);
  });

  it('shows one entry per plan and names every authority told', async () => {
    const { el } = await checked(personas.plansFromTwoAuthorities.nhsNumber);
    await until(() => el.state, 'record-found');
    expect($$(el, '[part="plan"]')).toHaveLength(2);
    expect(shadowText(el)).toMatch(
      /These local authorities have been told about this check: (Sheffield City Council; Westminster City Council|Westminster City Council; Sheffield City Council)\./,
    );
  });

  it('says no LA was told when this repeats a check within 24 hours', async () => {
    const first = await checked(cpp.nhsNumber);
    await until(() => first.el.state, 'record-found');
    const again = await mockClient({ reuse: first.service });
    const el = await banner({ 'nhs-number': cpp.nhsNumber, ...AUTO }, again.client);
    await until(() => el.state, 'record-found');
    expect(shadowText(el)).toContain(
      'No local authority was told about this check: it repeats one made by you from this setting in the last 24 hours',
    );
  });

  it('says no LA was told for a scheduled check (a silent read)', async () => {
    const { el } = await checked(
      cpp.nhsNumber,
      { principal: principals.gp },
      { 'access-context': 'scheduled' },
    );
    await until(() => el.state, 'record-found');
    expect(shadowText(el)).toContain(
      'No local authority was told about this check: a scheduled check is a silent read.',
    );
  });

  it('lists at most 25 earlier accesses in the disclosure', async () => {
    const { el } = await checked(personas.manyEarlierAccesses.nhsNumber);
    await until(() => el.state, 'record-found');
    const details = $<HTMLDetailsElement>(el, 'details')!;
    details.querySelector('summary')!.click();
    expect(details.open).toBe(true);
    const history = details.querySelector('cpis-access-history')!;
    await settle(history);
    expect(history.shadowRoot!.querySelectorAll('tbody tr')).toHaveLength(25);
  });

  it('marks the access this check wrote as “This check (you)” in its history, and a repeat marks none', async () => {
    const first = await checked(personas.manyEarlierAccesses.nhsNumber);
    await until(() => first.el.state, 'record-found');
    const marks = async (el: CpisFlagBanner): Promise<string[]> => {
      const history = $(el, 'cpis-access-history')!;
      await settle(history);
      return [...history.shadowRoot!.querySelectorAll('tbody tr')]
        .map((tr) => tr.textContent!.replace(/\s+/g, ' ').trim())
        .filter((row) => row.includes('This check'));
    };
    const mine = await marks(first.el);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatch(new RegExp(`^This check \\(you\\) ${WHEN} `));
    // The same user again within 24 hours writes no entry: nothing in the history is this check.
    const again = await banner(
      { 'nhs-number': personas.manyEarlierAccesses.nhsNumber, ...AUTO },
      first.client,
    );
    await until(() => again.state, 'record-found');
    expect(await marks(again)).toEqual([]);
  });
});

describe('no-record', () => {
  it('says there is no CP-IS record, for which number and when — and what that does not mean', async () => {
    const { el } = await checked(none.nhsNumber);
    await until(() => el.state, 'no-record');
    const text = shadowText(el);
    expect(text).toMatch(
      new RegExp(`No CP-IS record for NHS No\\. ${spaced(none.nhsNumber)}, checked ${WHEN}\\.`),
    );
    expect(text).toContain('This does not mean there are no safeguarding concerns.');
    expect(text).not.toMatch(NEVER_REASSURING);
  });

  it('shows the date with the time, in NHS CUI style (25-Nov-2025 14:02), in Europe/London', async () => {
    const now = new Date('2025-11-25T14:02:00.000Z');
    const { el } = await checked(none.nhsNumber, { service: { now: () => now } });
    await until(() => el.state, 'no-record');
    expect(shadowText(el)).toContain(
      `No CP-IS record for NHS No. ${spaced(none.nhsNumber)}, checked 25-Nov-2025 14:02.`,
    );
    expect($(el, 'time')?.getAttribute('datetime')).toBe(now.toISOString());
  });

  it('shows a plan that ended over a year ago as no record, without reassurance', async () => {
    const { el } = await checked(personas.planEndedOverAYearAgo.nhsNumber);
    await until(() => el.state, 'no-record');
    expect(shadowText(el)).not.toMatch(NEVER_REASSURING);
  });
});

describe('failed — every fault ends in failed, never no-record', () => {
  const expectFailed = (el: CpisFlagBanner, nhsNumber: string): void => {
    const text = shadowText(el);
    expect(text).toContain(
      'CP-IS check failed — status unknown. Follow your local safeguarding procedure.',
    );
    expect(text).toMatch(new RegExp(`NHS No\\. ${spaced(nhsNumber)}, tried ${WHEN}\\.`));
    expect(button(el, 'Try again')).toBeDefined();
    expect($(el, '[part="heading"]')?.textContent).toMatch(/Important:\s*CP-IS check failed/);
  };

  const cases: [string, MockClientOptions][] = [
    ['unavailable (503)', { scenario: 'unavailable', client: { retries: 0 } }],
    ['timeout', { scenario: 'timeout', client: { timeoutMs: 100, deadlineMs: 250 } }],
    ['wrong-patient', { scenario: 'wrong-patient' }],
    ...(
      [
        'unknown-outcome',
        'plans-not-array',
        'record-found-without-plans',
        'no-record-with-plans',
        'not-json',
      ] as Malformation[]
    ).map((m): [string, MockClientOptions] => [
      `malformed: ${m}`,
      { scenario: 'malformed', scenarioOptions: { malformation: m } },
    ]),
    ...[500, 502, 504].map((status): [string, MockClientOptions] => [
      `HTTP ${status}`,
      {
        client: { retries: 0 },
        before: [
          http.post(`${BASE_URL}/v1/checks`, () =>
            HttpResponse.json({ type: 'urn:cpis:problem:internal', status }, { status }),
          ),
        ],
      },
    ]),
    [
      'HTTP 429 with Retry-After beyond the deadline',
      {
        client: { deadlineMs: 300 },
        before: [
          http.post(`${BASE_URL}/v1/checks`, () =>
            HttpResponse.json({}, { status: 429, headers: { 'Retry-After': '30' } }),
          ),
        ],
      },
    ],
    [
      'a network error',
      {
        client: { retries: 0 },
        before: [http.post(`${BASE_URL}/v1/checks`, () => HttpResponse.error())],
      },
    ],
    [
      'a 201 that is not JSON',
      {
        before: [
          http.post(
            `${BASE_URL}/v1/checks`,
            () =>
              new HttpResponse('<html>proxy</html>', {
                status: 201,
                headers: { 'Content-Type': 'application/json' },
              }),
          ),
        ],
      },
    ],
  ];

  it.each(cases)('%s', async (_name, options) => {
    const mock = await mockClient(options);
    const el = await banner({ 'nhs-number': none.nhsNumber, ...AUTO }, mock.client);
    const states = recordStates(el);
    await until(() => el.state, 'failed');
    expectFailed(el, none.nhsNumber);
    expect(states).not.toContain('no-record');
    expect(shadowText(el)).not.toMatch(NEVER_REASSURING);
  });

  it('fails when the client itself answers for another NHS number', async () => {
    const other: CheckResult = {
      checkId: '6f1c2b8e-2f4a-4c1e-9a51-1b7d2c3e4f50',
      nhsNumber: cpp.nhsNumber,
      checkedAt: new Date().toISOString(),
      accessContext: 'unscheduled',
      outcome: 'no-record',
      plans: [],
      accessHistory: [],
      notifiedAuthorities: [],
    };
    const client = { checks: { create: async () => other } } as unknown as CpisClient;
    const el = await banner({ 'nhs-number': none.nhsNumber, ...AUTO }, client);
    const errors: CpisCheckErrorEvent[] = [];
    el.addEventListener('cpis-check-error', (e) => errors.push(e));
    await until(() => el.state, 'failed');
    expect(shadowText(el)).not.toContain(spaced(cpp.nhsNumber));
  });

  it('recovers with Try again (flaky), reusing the check’s Idempotency-Key', async () => {
    const { el, requests } = await checked(none.nhsNumber, {
      scenario: 'flaky',
      scenarioOptions: { failures: 1 },
      client: { retries: 0 },
    });
    await until(() => el.state, 'failed');
    expect($(el, '[role="alert"]')).toBeNull();
    button(el, 'Try again')!.click();
    await until(() => el.state, 'no-record');
    const keys = requests.map((r) => r.headers.get('Idempotency-Key'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
    expect(deepActiveElement()?.id).toBe('heading');
  });

  it('uses role="alert" only for a failure the user just caused', async () => {
    const { el } = await checked(none.nhsNumber, {
      scenario: 'unavailable',
      client: { retries: 0 },
    });
    await until(() => el.state, 'failed');
    expect($(el, '[role="alert"]')).toBeNull();
    expect($(el, '[aria-live="polite"]')?.textContent).toContain('CP-IS check failed');
    button(el, 'Try again')!.click();
    await until(() => $(el, '[role="alert"]') !== null, true);
    expect($(el, '[role="alert"]')?.textContent).toContain('CP-IS check failed — status unknown.');
  });
});

describe('signed-out and forbidden', () => {
  it('says the session has ended (401)', async () => {
    const { el } = await checked(cpp.nhsNumber, { scenario: 'signed-out' });
    await until(() => el.state, 'signed-out');
    expect(shadowText(el)).toContain('Your session has ended — sign in again. CP-IS not checked.');
    expect(shadowText(el)).toMatch(
      new RegExp(`NHS No\\. ${spaced(cpp.nhsNumber)}, tried ${WHEN}\\.`),
    );
  });

  it('says this role cannot make this kind of check (403)', async () => {
    const { el } = await checked(cpp.nhsNumber, { scenario: 'forbidden' });
    await until(() => el.state, 'forbidden');
    expect(shadowText(el)).toContain(
      'Your role cannot make an unscheduled CP-IS check. CP-IS not checked.',
    );
    expect(shadowText(el)).toMatch(
      new RegExp(`NHS No\\. ${spaced(cpp.nhsNumber)}, tried ${WHEN}\\.`),
    );
  });

  it('is forbidden for a real receptionist with no CP-IS activity', async () => {
    const { el } = await checked(cpp.nhsNumber, { principal: principals.receptionist });
    await until(() => el.state, 'forbidden');
  });
});

describe('a new patient while a check is in flight', () => {
  it('aborts the request, clears at once, and never shows the old result', async () => {
    const { el, requests } = await checked(cpp.nhsNumber, {
      scenario: 'slow',
      scenarioOptions: { delayMs: 300 },
    });
    expect(el.state).toBe('checking');
    const texts = recordTexts(el);
    el.setAttribute('nhs-number', none.nhsNumber);
    texts.shift(); // the text before the change
    await settle(el);
    expect(el.state).toBe('checking');
    expect(shadowText(el)).toContain(spaced(none.nhsNumber));
    expect(shadowText(el)).not.toContain(spaced(cpp.nhsNumber));
    expect(requests[0]!.signal.aborted).toBe(true);
    await until(() => el.state, 'no-record');
    await new Promise((r) => setTimeout(r, 400));
    expect(el.state).toBe('no-record');
    for (const text of texts) {
      expect(text).not.toContain(spaced(cpp.nhsNumber));
      expect(text).not.toContain('record found');
    }
  });

  it('ignores a slow answer that arrives after the change', async () => {
    const { el } = await checked(cpp.nhsNumber, {
      scenario: 'slow',
      scenarioOptions: { delayMs: 200 },
    });
    const completed: CpisCheckCompleteEvent[] = [];
    el.addEventListener('cpis-check-complete', (e) => completed.push(e));
    const states = recordStates(el);
    el.removeAttribute('auto-check');
    el.setAttribute('nhs-number', none.nhsNumber);
    await settle(el);
    expect(el.state).toBe('not-checked');
    await new Promise((r) => setTimeout(r, 500));
    expect(el.state).toBe('not-checked');
    expect(states).not.toContain('record-found');
    expect(completed).toHaveLength(0);
    expect(shadowText(el)).not.toContain(spaced(cpp.nhsNumber));
  });

  it('drops the result when the number stops being verified', async () => {
    const { el } = await checked(cpp.nhsNumber, {
      scenario: 'slow',
      scenarioOptions: { delayMs: 200 },
    });
    el.removeAttribute('nhs-number-verified');
    await settle(el);
    expect(el.state).toBe('not-checkable');
    await new Promise((r) => setTimeout(r, 400));
    expect(el.state).toBe('not-checkable');
  });

  it('clears a shown result at once when the number changes', async () => {
    const { el } = await checked(cpp.nhsNumber);
    await until(() => el.state, 'record-found');
    el.removeAttribute('auto-check');
    el.setAttribute('nhs-number', none.nhsNumber);
    await settle(el);
    expect(el.state).toBe('not-checked');
    expect(shadowText(el)).not.toContain(spaced(cpp.nhsNumber));
  });
});

describe('events', () => {
  it('fires start and complete, bubbling and composed, with their details', async () => {
    const starts: CpisCheckStartEvent[] = [];
    const completes: CpisCheckCompleteEvent[] = [];
    const onStart = (e: CpisCheckStartEvent): number => starts.push(e);
    const onComplete = (e: CpisCheckCompleteEvent): number => completes.push(e);
    document.addEventListener('cpis-check-start', onStart);
    document.addEventListener('cpis-check-complete', onComplete);
    try {
      const { el, service } = await checked(cpp.nhsNumber);
      await until(() => el.state, 'record-found');
      expect(starts.map((e) => e.detail)).toEqual([
        { nhsNumber: cpp.nhsNumber, accessContext: 'unscheduled' },
      ]);
      expect(completes.map((e) => e.detail)).toEqual([
        { outcome: 'record-found', checkId: [...service.state.checks.keys()][0] },
      ]);
      expect(completes[0]!.bubbles && completes[0]!.composed).toBe(true);
    } finally {
      document.removeEventListener('cpis-check-start', onStart);
      document.removeEventListener('cpis-check-complete', onComplete);
    }
  });

  it('fires cpis-check-error with the SDK error and the state shown', async () => {
    const errors: CpisCheckErrorEvent[] = [];
    const onError = (e: CpisCheckErrorEvent): number => errors.push(e);
    document.addEventListener('cpis-check-error', onError);
    try {
      const timedOut = await checked(cpp.nhsNumber, {
        scenario: 'timeout',
        client: { timeoutMs: 50, deadlineMs: 120 },
      });
      await until(() => timedOut.el.state, 'failed');
      const wrong = await checked(cpp.nhsNumber, { scenario: 'wrong-patient' });
      await until(() => wrong.el.state, 'failed');
      const offline = await checked(cpp.nhsNumber, {
        client: { retries: 0 },
        before: [http.post(`${BASE_URL}/v1/checks`, () => HttpResponse.error())],
      });
      await until(() => offline.el.state, 'failed');
      const out = await checked(cpp.nhsNumber, { scenario: 'signed-out' });
      await until(() => out.el.state, 'signed-out');
      expect(errors.map((e) => e.detail.state)).toEqual([
        'failed',
        'failed',
        'failed',
        'signed-out',
      ]);
      expect(errors[0]!.detail.error).toBeInstanceOf(CpisTimeoutError);
      expect(errors[1]!.detail.error).toBeInstanceOf(CpisContractError);
      expect(errors[2]!.detail.error).toBeInstanceOf(CpisNetworkError);
    } finally {
      document.removeEventListener('cpis-check-error', onError);
    }
  });
});

describe('events come after the state is on screen', () => {
  it('fires cpis-check-complete and cpis-check-error when state, data-state and the heading already say the result', async () => {
    const seen: string[] = [];
    const record = (e: Event): void => {
      const el = e.target as CpisFlagBanner;
      const heading = $(el, '#heading')!.textContent!.replace(/\s+/g, ' ').trim();
      seen.push(`${e.type}: ${el.state} / ${el.getAttribute('data-state')} / ${heading}`);
    };
    document.addEventListener('cpis-check-complete', record);
    document.addEventListener('cpis-check-error', record);
    try {
      const found = await checked(cpp.nhsNumber);
      await until(() => found.el.state, 'record-found');
      const failed = await checked(cpp.nhsNumber, {
        scenario: 'unavailable',
        client: { retries: 0 },
      });
      await until(() => failed.el.state, 'failed');
      await settle(failed.el);
      expect(seen).toEqual([
        'cpis-check-complete: record-found / record-found / Important: CP-IS record found',
        'cpis-check-error: failed / failed / Important: CP-IS check failed',
      ]);
    } finally {
      document.removeEventListener('cpis-check-complete', record);
      document.removeEventListener('cpis-check-error', record);
    }
  });
});

describe('a getToken() that throws', () => {
  it('shows the signed-out wording, reports a CpisAuthError, and sends nothing', async () => {
    const sent: Request[] = [];
    const client = createCpisClient({
      baseUrl: BASE_URL,
      getToken: () => {
        throw new Error('no session in the host');
      },
      fetch: (request) => {
        sent.push(request);
        return Promise.resolve(new Response(null, { status: 500 }));
      },
    });
    const errors: CpisCheckErrorEvent[] = [];
    const onError = (e: CpisCheckErrorEvent): number => errors.push(e);
    document.addEventListener('cpis-check-error', onError);
    try {
      const el = await banner({ 'nhs-number': cpp.nhsNumber, ...AUTO }, client);
      await until(() => el.state, 'signed-out');
      expect(shadowText(el)).toContain(
        'Your session has ended — sign in again. CP-IS not checked.',
      );
      expect(shadowText(el)).not.toContain('CP-IS check failed');
      expect(errors.map((e) => e.detail.state)).toEqual(['signed-out']);
      expect(errors[0]!.detail.error).toBeInstanceOf(CpisAuthError);
      expect(sent).toHaveLength(0);
    } finally {
      document.removeEventListener('cpis-check-error', onError);
    }
  });
});

describe('every state looks like itself: band and icon', () => {
  interface Look {
    band: string;
    border: string;
    icon: string;
  }

  /** The rendered band (header background), border colour and icon of the state shown. */
  function lookOf(el: CpisFlagBanner): Look {
    const section = getComputedStyle($(el, '[part="banner"]')!);
    return {
      band: getComputedStyle($(el, '.header')!).backgroundColor,
      border: section.borderTopColor,
      icon: $(el, '.header svg')!.innerHTML.replace(/<!--[^]*?-->/g, ''),
    };
  }

  it('not-checked, checking and no-record each differ from the other two in band, border and icon; failed from every other state', async () => {
    const looks = new Map<FlagBannerState, Look>();
    for (const [state, make] of EVERY_STATE) {
      const el = await make();
      await until(() => el.state, state);
      looks.set(state, lookOf(el));
      el.remove();
    }
    const differ = (a: FlagBannerState, b: FlagBannerState): void => {
      const [x, y] = [looks.get(a)!, looks.get(b)!];
      expect(x.band, `${a} and ${b} share a band colour`).not.toBe(y.band);
      expect(x.border, `${a} and ${b} share a border colour`).not.toBe(y.border);
      expect(x.icon, `${a} and ${b} share an icon`).not.toBe(y.icon);
    };
    differ('not-checked', 'checking');
    differ('not-checked', 'no-record');
    differ('checking', 'no-record');
    for (const [state] of EVERY_STATE) if (state !== 'failed') differ('failed', state);
  });
});

describe('the access-reason dialog, keyboard only', () => {
  it('opens from Check CP-IS, refuses an empty submit, then checks with the reason given', async () => {
    const { client, requests } = await mockClient();
    const el = await banner({ 'nhs-number': cpp.nhsNumber }, client);
    await userEvent.tab();
    expect(deepActiveElement()?.textContent?.trim()).toBe('Check CP-IS');
    await userEvent.keyboard('{Enter}');
    const dialog = $(el, 'cpis-access-reason-dialog')!;
    await until(() => dialog.shadowRoot?.querySelector('dialog')?.open, true);
    expect(deepActiveElement()?.id).toBe('code-0');
    // Tab to the submit button and press it with nothing chosen.
    await userEvent.tab();
    await userEvent.tab();
    expect(deepActiveElement()?.textContent?.trim()).toBe('Check CP-IS');
    await userEvent.keyboard('{Enter}');
    await until(() => deepActiveElement()?.classList.contains('error-summary'), true);
    expect(requests).toHaveLength(0);
    // The summary's link leads to the radios; choose the first.
    await userEvent.tab();
    expect(deepActiveElement()?.textContent).toBe('Select why you are checking CP-IS');
    await userEvent.keyboard('{Enter}');
    expect(deepActiveElement()?.id).toBe('code-0');
    await userEvent.keyboard(' ');
    await userEvent.tab();
    await userEvent.tab();
    await userEvent.keyboard('{Enter}');
    await until(() => el.state, 'record-found');
    expect(await requests[0]!.clone().json()).toMatchObject({
      nhsNumber: cpp.nhsNumber,
      nhsNumberVerified: true,
      accessContext: 'unscheduled',
      reason: { code: 'unscheduled-attendance' },
    });
    expect(deepActiveElement()?.id).toBe('heading');
  });

  it('opens the dialog with its reason attribute ticked, and checks only once the user confirms', async () => {
    const { client, requests } = await mockClient();
    const el = await banner(
      { 'nhs-number': cpp.nhsNumber, reason: 'safeguarding-concern' },
      client,
    );
    await userEvent.tab();
    await userEvent.keyboard('{Enter}');
    const dialog = $(el, 'cpis-access-reason-dialog')!;
    await until(() => dialog.shadowRoot?.querySelector('dialog')?.open, true);
    expect((deepActiveElement() as HTMLInputElement | null)?.value).toBe('safeguarding-concern');
    expect(requests).toHaveLength(0);
    await userEvent.tab();
    await userEvent.tab();
    await userEvent.keyboard('{Enter}');
    await until(() => el.state, 'record-found');
    expect(await requests[0]!.clone().json()).toMatchObject({
      reason: { code: 'safeguarding-concern' },
    });
  });

  it('closes on Escape with no request, and gives focus back to Check CP-IS', async () => {
    const { client, requests } = await mockClient();
    const el = await banner({ 'nhs-number': cpp.nhsNumber }, client);
    await userEvent.tab();
    await userEvent.keyboard('{Enter}');
    const dialog = $(el, 'cpis-access-reason-dialog')!;
    await until(() => dialog.shadowRoot?.querySelector('dialog')?.open, true);
    await userEvent.keyboard('{Escape}');
    await until(() => dialog.shadowRoot?.querySelector('dialog')?.open, false);
    expect(deepActiveElement()?.textContent?.trim()).toBe('Check CP-IS');
    expect(el.state).toBe('not-checked');
    expect(requests).toHaveLength(0);
  });

  it('closes the dialog, unanswered, when the patient changes while it is open', async () => {
    const { client, requests } = await mockClient();
    const el = await banner({ 'nhs-number': cpp.nhsNumber }, client);
    button(el, 'Check CP-IS')!.click();
    const dialog = $(el, 'cpis-access-reason-dialog')!;
    await until(() => dialog.shadowRoot?.querySelector('dialog')?.open, true);
    el.setAttribute('nhs-number', none.nhsNumber);
    await settle(el);
    expect(dialog.shadowRoot?.querySelector('dialog')?.open).toBe(false);
    expect(requests).toHaveLength(0);
  });
});

describe('LA-supplied text is text', () => {
  it('shows an authority name holding HTML and script as text, and runs nothing', async () => {
    const w = window as { __cpisXss?: unknown };
    delete w.__cpisXss;
    const { el } = await checked(personas.hostileAuthorityName.nhsNumber);
    await until(() => el.state, 'record-found');
    expect(shadowText(el)).toContain(
      'Testshire <img src=x onerror="window.__cpisXss=1"> <script>window.__cpisXss=1</script> Council',
    );
    expect($(el, 'img')).toBeNull();
    expect($(el, 'script')).toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    expect(w.__cpisXss).toBeUndefined();
  });
});

describe('a hostile host stylesheet', () => {
  it('cannot hide, shrink or recolour the banner', async () => {
    const style = document.createElement('style');
    style.dataset.test = '';
    style.textContent = `.page * { color: white !important; font-size: 2px !important; display: none;
      visibility: hidden; opacity: 0; line-height: 0 !important; }
      html { font-size: 2px !important; }`;
    document.head.append(style);
    const page = document.createElement('div');
    page.className = 'page';
    document.body.append(page);
    const { client } = await mockClient();
    const el = await mount(
      'cpis-flag-banner',
      {
        'nhs-number': cpp.nhsNumber,
        'nhs-number-verified': true,
        'access-context': 'unscheduled',
        ...AUTO,
      },
      { client },
      page,
    );
    await until(() => el.state, 'record-found');
    expect(getComputedStyle(el).display).toBe('block');
    const heading = $(el, '[part="heading"]')!;
    const style2 = getComputedStyle(heading);
    expect(style2.visibility).toBe('visible');
    expect(Number.parseFloat(style2.fontSize)).toBeGreaterThanOrEqual(14);
    expect(heading.getBoundingClientRect().height).toBeGreaterThan(14);
    expect(contrastRatio(style2.color, backgroundOf(heading))).toBeGreaterThanOrEqual(4.5);
    const body = $(el, '.body p')!;
    expect(Number.parseFloat(getComputedStyle(body).fontSize)).toBeGreaterThanOrEqual(14);
    expect(contrastRatio(getComputedStyle(body).color, backgroundOf(body))).toBeGreaterThanOrEqual(
      4.5,
    );
  });

  it('still hides when the host sets the hidden attribute', async () => {
    const el = await banner({ hidden: true });
    expect(getComputedStyle(el).display).toBe('none');
  });
});

describe('accessibility (axe) in every state', () => {
  it.each(EVERY_STATE)('%s', async (state, make) => {
    const el = await make();
    await until(() => el.state, state);
    await expectAxeClean(el);
  });

  it('record-found with the history open', async () => {
    const { el } = await checked(personas.manyEarlierAccesses.nhsNumber);
    await until(() => el.state, 'record-found');
    $(el, 'summary')!.click();
    await settle($(el, 'cpis-access-history')!);
    await expectAxeClean(el);
  });

  it('announces through a polite live region that exists from the first render', async () => {
    const { client } = await mockClient({ scenario: 'slow', scenarioOptions: { delayMs: 100 } });
    const el = await banner({ 'nhs-number': cpp.nhsNumber }, client);
    const live = $(el, '[aria-live="polite"]');
    expect(live).not.toBeNull();
    el.setAttribute('auto-check', '');
    el.setAttribute('reason', 'clinical-review');
    await until(() => el.state, 'record-found');
    expect($(el, '[aria-live="polite"]')).toBe(live);
    expect(live?.textContent?.trim()).toBe(
      `Important: CP-IS record found for NHS No. ${spaced(cpp.nhsNumber)}.`,
    );
  });

  it('is a labelled region with a visible heading in every state', async () => {
    const el = await banner({ 'nhs-number': cpp.nhsNumber });
    const region = $(el, '[role="region"]')!;
    const heading = $(el, '#' + region.getAttribute('aria-labelledby'))!;
    expect(heading.tagName).toBe('H2');
    expect(heading.textContent).toContain('CP-IS banner not configured');
  });
});

describe('on NHS England’s CP-IS FHIR API', () => {
  const ucpp = personas.pregnantWithUnbornPlan;
  /** A CareTeam search answering one UCPP (no expected delivery date, as NHS England's examples) and no earlier access. */
  function nationalService(nhsNumber: string): typeof fetch {
    const bundle = (entry: unknown[]) => ({
      resourceType: 'Bundle',
      type: 'searchset',
      total: entry.length,
      entry,
    });
    const careTeam = {
      resourceType: 'CareTeam',
      id: 'ct-1',
      status: 'active',
      category: [
        {
          coding: [
            {
              system: 'http://snomed.info/sct',
              code: '818901000000100',
              display: 'Unborn child subject to child protection plan',
            },
          ],
        },
      ],
      name: 'Tower Hamlets Council',
      subject: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } },
      period: { start: '2026-06-01' },
      telecom: [
        { system: 'phone', value: '020 7364 5000', use: 'work' },
        { system: 'phone', value: '020 7364 4079', use: 'mobile' },
      ],
    };
    return (input: RequestInfo | URL) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const body = url.pathname.endsWith('/CareTeam')
        ? bundle([{ resource: careTeam, search: { mode: 'match' } }])
        : bundle([]);
      return Promise.resolve(
        new Response(JSON.stringify(body), {
          status: 200,
          headers: { 'content-type': 'application/fhir+json' },
        }),
      );
    };
  }

  it('names no authority as told, says the national service tells without saying whom, shows a missing expected delivery date as not known, and says which service answered', async () => {
    const client = createCpisFhirClient({
      baseUrl: 'https://cpis.test/cpis/FHIR/R4',
      getToken: () => 'token',
      fetch: nationalService(ucpp.nhsNumber),
    });
    const el = await banner({ 'nhs-number': ucpp.nhsNumber, ...AUTO }, client);
    await until(() => el.state, 'record-found');
    const text = shadowText(el);
    expect(text).toContain('the unborn child of this patient');
    expect(text).toContain('Expected delivery date: not known');
    expect(text).toContain('does not say whom it told');
    expect(text).not.toMatch(/has been told|have been told|No local authority was told/);
    expect(text).toContain("Answered by NHS England's CP-IS FHIR API.");
    await expectAxeClean(el);
  });

  it('says this kit’s service answered a /v1 check', async () => {
    const { el } = await checked(cpp.nhsNumber);
    await until(() => el.state, 'record-found');
    expect(shadowText(el)).toContain('Answered by the CP-IS Embed Kit service.');
  });
});

describe('on NHS England’s APIs, answered by the mock', () => {
  const maya = personas.lookedAfterOutOfArea;
  /** A client of NHS England's API `source`, signed in as `principal`, over `service`. */
  async function nationalClient(
    source: 'cpis-fhir' | 'patient-flags',
    service: CpisMockService,
    principal = principals.edNurse,
  ): Promise<CpisCheckClient> {
    const token = await service.tokenFor(principal);
    const options = {
      getToken: () => token,
      fetch: createMockFetch(scenarioHandlers('ok', service)),
    };
    return source === 'cpis-fhir'
      ? createCpisFhirClient({ ...options, baseUrl: `${BASE_URL}/cpis/FHIR/R4` })
      : createPatientFlagsClient({ ...options, baseUrl: `${BASE_URL}/patient-flags-api/FHIR/R4` });
  }

  it('on the Patient Flags API: says the earlier accesses are not known, never none or 0, that no authority was told (a silent read), and which service answered', async () => {
    const service = createCpisMockService();
    const client = await nationalClient('patient-flags', service, principals.gp);
    const el = await banner(
      {
        'nhs-number': maya.nhsNumber,
        'access-context': 'scheduled',
        'auto-check': true,
        reason: 'clinical-review',
      },
      client,
    );
    await until(() => el.state, 'record-found');
    const text = shadowText(el);
    expect(text).toContain('Looked after child');
    expect(text).toContain('Accesses to this record from unscheduled care (not known)');
    expect(text).not.toContain('(0)');
    const history = $(el, 'cpis-access-history')!;
    await settle(history);
    expect(shadowText(history)).toBe('Not known (the answering service does not give it).');
    expect(text).toContain(
      'No local authority was told about this check: a scheduled check is a silent read.',
    );
    expect(text).toContain("Answered by NHS England's Patient Flags API.");
    expect([...service.state.notifications.values()].flat()).toEqual([]);
    await expectAxeClean(el);
  });

  it('drops a check in flight when the provided source changes, and never shows the old source’s answer', async () => {
    const kit = await mockClient({ scenario: 'slow', scenarioOptions: { delayMs: 300 } });
    const provider = provide(document.body, kit.client);
    const el = await banner({ 'nhs-number': maya.nhsNumber, ...AUTO });
    expect(el.state).toBe('checking');
    const states = recordStates(el);
    const texts = recordTexts(el);
    // The host switches to NHS England's CP-IS FHIR API: a new client, no auto-check.
    el.removeAttribute('auto-check');
    provider.setValue(await nationalClient('cpis-fhir', createCpisMockService()));
    await settle(el);
    expect(el.state).toBe('not-checked');
    expect(kit.requests[0]!.signal.aborted).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(el.state).toBe('not-checked');
    expect(states).not.toContain('record-found');
    for (const text of texts) expect(text).not.toContain('Answered by');
  });

  it('clears a result at once when the provided source changes: one source’s answer is never shown as another’s', async () => {
    const service = createCpisMockService();
    const provider = provide(document.body, await nationalClient('cpis-fhir', service));
    const el = await banner({ 'nhs-number': maya.nhsNumber, ...AUTO });
    await until(() => el.state, 'record-found');
    expect(shadowText(el)).toContain("Answered by NHS England's CP-IS FHIR API.");
    el.removeAttribute('auto-check');
    provider.setValue((await mockClient({ reuse: service })).client);
    await settle(el);
    expect(el.state).toBe('not-checked');
    expect(shadowText(el)).not.toContain('Answered by');
    expect(shadowText(el)).not.toContain('Looked after child');
  });
});
