import { afterEach, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import type { CpisClient, Notification } from '@cpis/sdk';
import { createMockFetch, personas, principals, type CpisMockService } from '@cpis/mock';
import '../define.js';
import type { CpisNotificationInbox } from './notification-inbox.js';
import {
  BASE_URL,
  cleanPage,
  expectAxeClean,
  mockClient,
  mount,
  provide,
  settle,
  shadowText,
  until,
  type MockClientOptions,
} from '../internal/testing.test-helper.js';

afterEach(cleanPage);

const TOWER_HAMLETS = '211';
const la = principals.towerHamletsSocialWorker;
const spaced = (n: string): string => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;

/** A clinician's check against the shared mock, which notifies the responsible LA. */
async function check(
  service: CpisMockService,
  nhsNumber: string,
  who = principals.edNurse,
  reason: { code: 'unscheduled-attendance' | 'other'; comment?: string } = {
    code: 'unscheduled-attendance',
  },
): Promise<void> {
  const { client } = await mockClient({ reuse: service, principal: who });
  await client.checks.create({
    nhsNumber,
    nhsNumberVerified: true,
    accessContext: 'unscheduled',
    reason,
  });
}

async function inbox(
  options: MockClientOptions = {},
  odsCode = TOWER_HAMLETS,
): Promise<{
  el: CpisNotificationInbox;
  client: CpisClient;
  service: CpisMockService;
  requests: Request[];
}> {
  const mock = await mockClient({ principal: la, ...options });
  const el = await mount(
    'cpis-notification-inbox',
    { 'ods-code': odsCode },
    { client: mock.client },
  );
  return { el, ...mock };
}

const items = (el: Element): HTMLElement[] => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="notification"]'),
];
const retry = (el: Element): HTMLButtonElement | undefined =>
  [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Try again');

describe('configuration', () => {
  it('says what is missing when there is no client', async () => {
    const el = await mount('cpis-notification-inbox', { 'ods-code': TOWER_HAMLETS });
    expect(el.state).toBe('unconfigured');
    expect(shadowText(el)).toContain('there is no CP-IS client');
  });

  it('says what is missing when there is no ods-code', async () => {
    const { client } = await mockClient({ principal: la });
    const el = await mount('cpis-notification-inbox', {}, { client });
    expect(el.state).toBe('unconfigured');
    expect(shadowText(el)).toContain('set ods-code');
  });

  it('takes its client from context', async () => {
    const { client } = await mockClient({ principal: la });
    const host = document.createElement('div');
    document.body.append(host);
    provide(host, client);
    const el = await mount('cpis-notification-inbox', { 'ods-code': TOWER_HAMLETS }, {}, host);
    await until(() => el.state, 'ready');
  });
});

describe('the first screen', () => {
  it('asks for the newest 50, newest first, and shows each in words', async () => {
    const mock = await mockClient({ principal: la });
    await check(mock.service, personas.lookedAfterOutOfArea.nhsNumber);
    await check(mock.service, personas.manyEarlierAccesses.nhsNumber);
    const el = await mount(
      'cpis-notification-inbox',
      { 'ods-code': TOWER_HAMLETS },
      { client: mock.client },
    );
    await until(() => el.state, 'ready');
    const list = new URL(mock.requests[0]!.url);
    expect(list.pathname).toBe('/v1/authorities/211/notifications');
    expect(list.searchParams.get('order')).toBe('desc');
    expect(list.searchParams.get('limit')).toBe('50');
    const shown = items(el);
    expect(shown).toHaveLength(2);
    expect(shown[0]!.textContent).toContain(spaced(personas.manyEarlierAccesses.nhsNumber));
    expect(shown[1]!.textContent).toContain(spaced(personas.lookedAfterOutOfArea.nhsNumber));
    const text = shown[0]!.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain('Homerton Emergency Department');
    expect(text).toContain('Priya Shah, Emergency department nurse');
    expect(text).toContain('Reason Unscheduled attendance');
    expect(text).toContain('Plans TH-CPP-0108');
    // NHS CUI: the date with the time, and "NHS No." with the number in 3-3-4.
    expect(text).toMatch(/ \d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2} NHS No\. \d{3} \d{3} \d{4} /);
  });

  it('says there was no reason given for a look-up through NHS England’s CP-IS FHIR API, and never makes one up', async () => {
    const mock = await mockClient({ principal: la });
    const nurse = await mock.service.tokenFor(principals.edNurse);
    const mockFetch = createMockFetch(mock.service.handlers);
    // An unscheduled CareTeam search, as the national API takes it: no reason is sent.
    const answer = await mockFetch(
      `${BASE_URL}/cpis/FHIR/R4/CareTeam?patient:identifier=${encodeURIComponent(
        `https://fhir.nhs.uk/Id/nhs-number|${personas.lookedAfterOutOfArea.nhsNumber}`,
      )}`,
      { headers: { authorization: `Bearer ${nurse}`, IsUnscheduledAccessEvent: 'true' } },
    );
    expect(answer.status).toBe(200);
    const el = await mount(
      'cpis-notification-inbox',
      { 'ods-code': TOWER_HAMLETS },
      { client: mock.client },
    );
    await until(() => el.state, 'ready');
    const text = items(el)[0]!.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain(
      'Reason No reason given (looked up through the national CP-IS service, which does not ask for one)',
    );
    for (const label of [
      'Unscheduled attendance',
      'Safeguarding concern',
      'Clinical review',
      'Other',
    ]) {
      expect(text).not.toContain(label);
    }
  });

  it('says when there are none yet', async () => {
    const { el } = await inbox();
    await until(() => el.state, 'ready');
    expect(shadowText(el)).toContain('No access notifications yet.');
  });
});

describe('live', () => {
  it('puts a new notification at the top and announces it', async () => {
    const { el, service } = await inbox();
    await check(service, personas.lookedAfterOutOfArea.nhsNumber);
    await until(() => el.state, 'ready');
    const live = el.shadowRoot!.querySelector('[aria-live="polite"]')!;
    await check(service, personas.manyEarlierAccesses.nhsNumber, principals.edDoctor);
    await until(() => items(el).length, 2);
    expect(items(el)[0]!.textContent).toContain('Dr Sam Okoye');
    expect(live.textContent?.trim()).toMatch(
      /^New access notification: Homerton Emergency Department at \d{2}:\d{2}$/,
    );
    expect(el.shadowRoot!.querySelector('[aria-live="polite"]')).toBe(live);
  });

  it('starts the stream where the first screen ended', async () => {
    const { el, requests } = await inbox();
    await until(() => el.state, 'ready');
    await until(() => requests.length, 2);
    const stream = new URL(requests[1]!.url);
    expect(stream.pathname).toBe('/v1/authorities/211/notifications/stream');
    expect(stream.searchParams.get('after')).toBeTruthy();
  });

  it('shows a notification delivered twice only once', async () => {
    const mock = await mockClient({ principal: la });
    await check(mock.service, personas.lookedAfterOutOfArea.nhsNumber);
    const [first] = mock.service.state.notifications.get(TOWER_HAMLETS) as Notification[];
    const again = await mockClient({
      reuse: mock.service,
      principal: la,
      before: [
        http.get(
          `${BASE_URL}/v1/authorities/211/notifications/stream`,
          () =>
            new HttpResponse(
              `event: notification\nid: ${first!.cursor}\ndata: ${JSON.stringify(first)}\n\n`,
              { headers: { 'Content-Type': 'text/event-stream' } },
            ),
          { once: true },
        ),
      ],
    });
    const el = await mount(
      'cpis-notification-inbox',
      { 'ods-code': TOWER_HAMLETS },
      { client: again.client },
    );
    await until(() => again.requests.filter((r) => r.url.includes('/stream')).length >= 2, true);
    expect(items(el)).toHaveLength(1);
  });

  it('stops the stream when removed from the page, and restarts when put back', async () => {
    const { el, requests } = await inbox();
    await until(() => requests.length, 2);
    const stream = requests[1]!;
    expect(stream.signal.aborted).toBe(false);
    el.remove();
    expect(stream.signal.aborted).toBe(true);
    document.body.append(el);
    await until(() => requests.length, 4);
    expect(requests[3]!.signal.aborted).toBe(false);
  });

  it('starts afresh for another ods-code', async () => {
    const mock = await mockClient({ principal: la });
    await check(mock.service, personas.lookedAfterOutOfArea.nhsNumber);
    const el = await mount(
      'cpis-notification-inbox',
      { 'ods-code': TOWER_HAMLETS },
      { client: mock.client },
    );
    await until(() => items(el).length, 1);
    el.setAttribute('ods-code', '373');
    await settle(el);
    expect(items(el)).toHaveLength(0);
    await until(() => el.state, 'forbidden');
  });
});

describe('failures, in words (never an empty list)', () => {
  it('says the notifications could not be loaded, and tries again', async () => {
    let fail = true;
    const { el } = await inbox({
      client: { retries: 0 },
      before: [
        http.get(`${BASE_URL}/v1/authorities/211/notifications`, () =>
          fail ? HttpResponse.json({}, { status: 503 }) : undefined,
        ),
      ],
    });
    await until(() => el.state, 'failed');
    expect(shadowText(el)).toContain('Access notifications could not be loaded.');
    expect(shadowText(el)).not.toContain('No access notifications yet');
    fail = false;
    retry(el)!.click();
    await until(() => el.state, 'ready');
  });

  it('says the session has ended (401)', async () => {
    const { el } = await inbox({ scenario: 'signed-out' });
    await until(() => el.state, 'signed-out');
    expect(shadowText(el)).toContain('Your session has ended — sign in again.');
  });

  it('says this account cannot see another authority’s notifications (403)', async () => {
    const { el } = await inbox({ principal: principals.sheffieldSocialWorker });
    await until(() => el.state, 'forbidden');
    expect(shadowText(el)).toContain('Your account cannot see the access notifications of 211.');
  });

  it('says live updates have stopped when the stream is refused', async () => {
    const { el } = await inbox({
      before: [
        http.get(`${BASE_URL}/v1/authorities/211/notifications/stream`, () =>
          HttpResponse.json({ type: 'urn:cpis:problem:forbidden', status: 403 }, { status: 403 }),
        ),
      ],
    });
    await until(() => shadowText(el).includes('Live updates have stopped'), true);
    expect(el.state).toBe('ready');
    expect(retry(el)).toBeDefined();
  });
});

describe('free text is text', () => {
  it('renders user names and comments holding HTML as text', async () => {
    const w = window as { __cpisXss?: unknown };
    delete w.__cpisXss;
    const mock = await mockClient({ principal: la });
    await check(
      mock.service,
      personas.lookedAfterOutOfArea.nhsNumber,
      { ...principals.edNurse, name: '<img src=x onerror="window.__cpisXss=1">' },
      { code: 'other', comment: '<script>window.__cpisXss=1</script>' },
    );
    const el = await mount(
      'cpis-notification-inbox',
      { 'ods-code': TOWER_HAMLETS },
      { client: mock.client },
    );
    await until(() => items(el).length, 1);
    expect(shadowText(el)).toContain('<img src=x onerror="window.__cpisXss=1">');
    expect(shadowText(el)).toContain('Other: <script>window.__cpisXss=1</script>');
    expect(el.shadowRoot!.querySelector('img, script')).toBeNull();
    await new Promise((r) => setTimeout(r, 30));
    expect(w.__cpisXss).toBeUndefined();
  });
});

describe('accessibility (axe) in every state', () => {
  it('unconfigured', async () => {
    await expectAxeClean(await mount('cpis-notification-inbox'));
  });

  it('loading', async () => {
    const { el } = await inbox({ scenario: 'slow', scenarioOptions: { delayMs: 2000 } });
    expect(el.state).toBe('loading');
    await expectAxeClean(el);
  });

  it('ready, with notifications', async () => {
    const mock = await mockClient({ principal: la });
    await check(mock.service, personas.lookedAfterOutOfArea.nhsNumber);
    const el = await mount(
      'cpis-notification-inbox',
      { 'ods-code': TOWER_HAMLETS },
      { client: mock.client },
    );
    await until(() => items(el).length, 1);
    await expectAxeClean(el);
  });

  it('ready, empty', async () => {
    const { el } = await inbox();
    await until(() => el.state, 'ready');
    await expectAxeClean(el);
  });

  it('failed', async () => {
    const { el } = await inbox({ scenario: 'unavailable', client: { retries: 0 } });
    await until(() => el.state, 'failed');
    await expectAxeClean(el);
  });

  it('signed-out', async () => {
    const { el } = await inbox({ scenario: 'signed-out' });
    await until(() => el.state, 'signed-out');
    await expectAxeClean(el);
  });

  it('forbidden', async () => {
    const { el } = await inbox({ scenario: 'forbidden' });
    await until(() => el.state, 'forbidden');
    await expectAxeClean(el);
  });
});
