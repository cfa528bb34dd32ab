// docs/quality.md, "injection"; hazard 9 (LA-supplied text executing as code in a clinical
// system). Through the real API of the reference server, every free-text field a person
// or an authority can set — an authority's name (PUT by that LA), a clinician's name,
// role and organisation name (dev-token claims) and a reason comment — carries OWASP XSS
// cheat-sheet vectors and SQL metacharacters. Each must be stored and returned byte for
// byte, and reach every element in Chromium as text: shown exactly, no element made from
// it, nothing run. The page is served from another origin WITHOUT a Content-Security-
// Policy (test/e2e/fixtures/injection/), so a CSP cannot hide an element's mistake.
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nhsNumberCheckDigit } from '@cpis/domain';
import type { DevPrincipal } from '@cpis/mock/fixtures';
import { CpisApiError, type CheckResult, type CpisClient } from '@cpis/sdk';
import { clientFor, devToken } from './support/api.ts';
import { collectPageErrors, launchChromium } from './support/browser.ts';
import { startReferenceServer, type ReferenceServer } from './support/reference-server.ts';
import { serveStatic, type StaticServer } from './support/static-server.ts';

/** What a payload runs, if it ever runs. */
const RUN = 'window.__cpisXss=1';

/** OWASP XSS filter-evasion cheat-sheet vectors, then SQL metacharacters. */
const XSS_PAYLOADS = [
  `<script>${RUN}</script>`,
  `<img src=x onerror="${RUN}">`,
  `<svg onload="${RUN}">`,
  `<svg><script>${RUN}</script></svg>`,
  `javascript:${RUN}`,
  `"><script>${RUN}</script>`,
  `'';!--"<XSS>=&{()}<img src=x onerror=${RUN}>`,
  `<iframe srcdoc="<script>parent.__cpisXss=1</script>">`,
  `<a href="javascript:${RUN}">Call the local authority</a>`,
  `<body onload="${RUN}">`,
  `<details open ontoggle="${RUN}">`,
  '${' + RUN + '}', // a template literal, were the text ever evaluated as one
  `&lt;img src=x onerror=${RUN}&gt;`, // entity-encoded: must stay as written, undecoded
  `&#60;script&#62;${RUN}&#60;/script&#62;`,
  `<input autofocus onfocus="${RUN}">`,
  `x" autofocus onfocus="${RUN}" y="`, // out of an attribute value
  `<IMG SRC=JaVaScRiPt:${RUN}>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=${RUN}>`,
];
const SQL_PAYLOADS = [`'; DROP TABLE plans; --`, `" OR 1=1 --`, `Robert'); DROP TABLE checks;--`];
const PAYLOADS = [...XSS_PAYLOADS, ...SQL_PAYLOADS];

const pad = (i: number): string => String(i).padStart(2, '0');
/** The ODS codes of the hostile authorities and of the hostile clinicians' settings. */
const laCode = (i: number): string => `XS${pad(i)}`;
const settingCode = (i: number): string => `RX${pad(i)}`;

/** A Modulus 11 valid number of the 999 range that no seeded persona uses. */
function freshNhsNumber(): string {
  for (let n = 999_880_000; ; n++) {
    const digit = nhsNumberCheckDigit(String(n));
    if (digit !== null) return `${n}${digit}`;
  }
}
const NHS_NUMBER = freshNhsNumber();

const laAdmin = (i: number): DevPrincipal => ({
  key: `la-${i}`,
  name: 'Data officer',
  role: 'Data officer',
  orgType: 'local-authority',
  odsCode: laCode(i),
  orgName: `Test authority ${i}`,
  activities: [],
});

/** A clinician (at setting `odsCode`) whose name, role and organisation name are all `payload`. */
const hostileClinician = (payload: string, odsCode: string): DevPrincipal => ({
  key: `clinician-${odsCode}`,
  name: payload,
  role: payload,
  orgType: 'health',
  odsCode,
  orgName: payload,
  activities: ['B0107'],
});

const viewer: DevPrincipal = {
  key: 'viewer',
  name: 'Injection Test Nurse',
  role: 'Emergency department nurse',
  orgType: 'health',
  odsCode: 'RVW01',
  orgName: 'Injection Test Emergency Department',
  activities: ['B0107'],
};

let server: ReferenceServer;
let site: StaticServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
/** What each hostile clinician's check answered, by payload index. */
const checks: CheckResult[] = [];
let la0: CpisClient;

beforeAll(async () => {
  site = await serveStatic(fileURLToPath(new URL('./fixtures/injection/', import.meta.url)));
  [server, browser] = await Promise.all([
    startReferenceServer({ env: { CORS_ORIGINS: site.url } }),
    launchChromium(),
  ]);
  // Each authority names itself with one payload and holds one plan for the patient.
  await Promise.all(
    PAYLOADS.map(async (payload, i) => {
      const la = await clientFor(server.url, laAdmin(i));
      if (i === 0) la0 = la;
      await la.authorities.put(laCode(i), {
        name: payload,
        officeHoursPhone: '01632 960 100',
        emergencyDutyPhone: '01632 960 199',
      });
      await la.plans.put(laCode(i), `XSS-${pad(i)}`, {
        nhsNumber: NHS_NUMBER,
        type: 'CPP',
        startDate: '2025-01-15',
      });
    }),
  );
  // One check per payload, in order, by a clinician made of it, with it as the comment.
  for (const [i, payload] of PAYLOADS.entries()) {
    const clinician = await clientFor(
      server.url,
      hostileClinician(payload, settingCode(i)),
      `xss-${i}`,
    );
    checks.push(
      await clinician.checks.create({
        nhsNumber: NHS_NUMBER,
        nhsNumberVerified: true,
        accessContext: 'unscheduled',
        reason: { code: 'other', comment: payload },
      }),
    );
  }
  page = await (await browser.newContext()).newPage();
  pageErrors = collectPageErrors(page);
  await page.goto(`${site.url}/?api=${encodeURIComponent(server.url)}`);
  await page.locator('html[data-kit-loaded]').waitFor({ timeout: 10_000 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await site?.close();
});

// ---------------------------------------------------------------------------------------
// In the page

interface KitWindow {
  __cpisKit: {
    createCpisClient(options: { baseUrl: string; getToken: () => string }): unknown;
  };
  __cpisApi: string;
  __cpisXss?: unknown;
}

/** Puts `<tag>` with `attributes` and a client signed in with `token` into the page. */
async function mount(tag: string, attributes: Record<string, string>, token: string) {
  await page.evaluate(
    ({ tag, attributes, token }) => {
      const w = window as unknown as KitWindow;
      const el = document.createElement(tag);
      for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
      const client = w.__cpisKit.createCpisClient({ baseUrl: w.__cpisApi, getToken: () => token });
      Object.assign(el, { client });
      document.getElementById('main')?.append(el);
    },
    { tag, attributes, token },
  );
}

interface Scan {
  /** `window.__cpisXss`: set only if a payload ran. */
  ran: unknown;
  /** Elements that no element of the kit makes, and so came from a payload. */
  offenders: string[];
  shadowRoots: number;
}

/**
 * Walks the page's body and every shadow root in it. The kit's own markup has no script,
 * image, frame or event-handler attribute, and no form but the reason dialog's (radios);
 * its only SVGs are its icons
 * (`class="icon"`), its only links `tel:` (and the dialog's in-page `#` link), its only
 * disclosure the banner's history. Anything else was made from a payload.
 */
function scanPage(on: Page = page): Promise<Scan> {
  return on.evaluate(() => {
    const forbidden = new Set([
      'script',
      'img',
      'iframe',
      'frame',
      'object',
      'embed',
      'input',
      'video',
      'audio',
      'source',
      'math',
      'mglyph',
      'marquee',
      'xss',
      'body',
      'base',
      'form',
      'meta',
      'link',
    ]);
    const offenders: string[] = [];
    let shadowRoots = 0;
    const visit = (root: Element | ShadowRoot): void => {
      for (const el of root.querySelectorAll('*')) {
        const tag = el.localName;
        const host = root instanceof ShadowRoot ? root.host.localName : 'body';
        const where = `${tag} in ${host}`;
        // The reason dialog's own form: radios and a comment box, holding no one's text.
        const dialogsOwn =
          host === 'cpis-access-reason-dialog' &&
          (tag === 'form' || (tag === 'input' && el.getAttribute('type') === 'radio'));
        if (forbidden.has(tag) && !dialogsOwn) offenders.push(where);
        for (const name of el.getAttributeNames()) {
          if (/^on/i.test(name)) offenders.push(`${where} [${name}]`);
        }
        if (tag === 'svg' && !el.classList.contains('icon')) offenders.push(`${where} (no icon)`);
        if (tag === 'a' && !/^(tel:|#)/.test(el.getAttribute('href') ?? '')) {
          offenders.push(`${where} href=${el.getAttribute('href')}`);
        }
        if (tag === 'details' && el.getAttribute('part') !== 'history') offenders.push(where);
        if (el.shadowRoot) {
          shadowRoots += 1;
          visit(el.shadowRoot);
        }
      }
    };
    visit(document.body);
    return { ran: (window as unknown as KitWindow).__cpisXss, offenders, shadowRoots };
  });
}

/** Lets anything a payload scheduled (onload, onerror, autofocus, ontoggle) happen first. */
async function expectNothingRan(minShadowRoots: number): Promise<void> {
  await page.waitForTimeout(300);
  const scan = await scanPage();
  expect(scan.offenders).toEqual([]);
  expect(scan.ran).toBeUndefined();
  expect(scan.shadowRoots).toBeGreaterThanOrEqual(minShadowRoots);
  expect(pageErrors).toEqual([]);
}

// ---------------------------------------------------------------------------------------

describe('injection: hostile free text, through the real API, into every element', () => {
  it('uses at least 10 XSS vectors and the SQL metacharacters, each within every field’s limit', () => {
    expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(10);
    expect(PAYLOADS.length).toBeLessThanOrEqual(24); // one history entry each, 25 at most
    for (const payload of PAYLOADS) {
      expect(payload.length).toBeLessThanOrEqual(100); // a role's limit, the smallest
      expect(payload.trim()).toBe(payload);
      if (XSS_PAYLOADS.includes(payload)) expect(payload).toMatch(/__cpisXss=1/);
    }
  });

  it('is stored and returned byte for byte by the API', async () => {
    const reader = await clientFor(server.url, viewer, 'xss-reader');
    for (const [i, payload] of PAYLOADS.entries()) {
      expect((await reader.authorities.get(laCode(i))).name).toBe(payload);
      // The check's own access entry, newest first.
      const check = checks[i]!;
      expect(check.outcome).toBe('record-found');
      expect(check.accessHistory[0]).toMatchObject({
        setting: { odsCode: settingCode(i), name: payload },
        userRole: payload,
      });
      expect(check.plans.find((p) => p.responsibleAuthority.odsCode === laCode(i))).toMatchObject({
        responsibleAuthority: { name: payload },
      });
    }
    const page = await la0.notifications.list(laCode(0), { order: 'asc', limit: 100 });
    expect(
      page.items.map((n) => [n.setting.name, n.user.name, n.user.role, n.reason?.comment]),
    ).toEqual(PAYLOADS.map((p) => [p, p, p, p]));
  });

  it('refuses phone numbers outside the pattern with 400 problem+json, and keeps the old ones', async () => {
    const la = await clientFor(server.url, laAdmin(0));
    const bad = [
      `<script>${RUN}</script>`,
      `javascript:${RUN}`,
      `020 7946 0000'; DROP TABLE authorities; --`,
      '12',
      '020 7946 0000 ext. 12',
      '+44 (0)20 7946 0000 0000 0000',
    ];
    for (const phone of bad) {
      for (const field of ['officeHoursPhone', 'emergencyDutyPhone'] as const) {
        const body = {
          name: PAYLOADS[0]!,
          officeHoursPhone: '01632 960 100',
          emergencyDutyPhone: '01632 960 199',
          [field]: phone,
        };
        const error = await la.authorities.put(laCode(0), body).catch((e: unknown) => e);
        expect(error, `${field}: ${phone}`).toBeInstanceOf(CpisApiError);
        expect((error as CpisApiError).status).toBe(400);
        expect((error as CpisApiError).problem?.type).toBe('urn:cpis:problem:invalid-request');
      }
    }
    expect(await la.authorities.get(laCode(0))).toEqual({
      odsCode: laCode(0),
      name: PAYLOADS[0],
      officeHoursPhone: '01632 960 100',
      emergencyDutyPhone: '01632 960 199',
    });
  });

  it('<cpis-flag-banner>: every authority name as text, in each plan and in who was told', async () => {
    const token = await devToken(server.url, viewer, 'xss-viewer');
    await mount(
      'cpis-flag-banner',
      {
        'nhs-number': NHS_NUMBER,
        'nhs-number-verified': '',
        'access-context': 'unscheduled',
        'auto-check': '',
        reason: 'clinical-review',
      },
      token,
    );
    await page.locator('cpis-flag-banner[data-state="record-found"]').waitFor({ timeout: 10_000 });
    const shown = await page.evaluate(() => {
      const root = document.querySelector('cpis-flag-banner')!.shadowRoot!;
      const history = root.querySelector('cpis-access-history') as
        (Element & { result?: { notifiedAuthorities: string[] } }) | null;
      return {
        names: [...root.querySelectorAll('[part="plan"]')].map((plan) =>
          [...plan.querySelectorAll('strong:not(.tag)')].map((s) => s.textContent),
        ),
        told: [...root.querySelectorAll('.body > p')].map((p) => p.textContent ?? ''),
        notified: history?.result?.notifiedAuthorities ?? [],
      };
    });
    // One plan per authority, each naming its authority exactly (one <strong> each).
    expect(shown.names.map((n) => n.length)).toEqual(PAYLOADS.map(() => 1));
    expect(shown.names.flat().sort()).toEqual([...PAYLOADS].sort());
    // "These local authorities have been told about this check: a; b; …." in their order.
    expect([...shown.notified].sort()).toEqual(PAYLOADS.map((_, i) => laCode(i)).sort());
    const byCode = new Map(PAYLOADS.map((p, i) => [laCode(i), p]));
    const told = `These local authorities have been told about this check: ${shown.notified
      .map((code) => byCode.get(code))
      .join('; ')}.`;
    expect(shown.told.map((t) => t.trim())).toContain(told);
    await expectNothingRan(3);
  });

  it('<cpis-access-history>: every setting name and role as text, in the banner and on its own', async () => {
    // The banner's own, opened as a clinician would; then one on its own, from GET /v1/checks/{id}.
    await page.locator('cpis-flag-banner summary').click();
    const token = await devToken(server.url, viewer, 'xss-viewer');
    await page.evaluate(
      async ({ token }) => {
        const w = window as unknown as KitWindow;
        const banner = document.querySelector('cpis-flag-banner')!;
        const inBanner = banner.shadowRoot!.querySelector('cpis-access-history') as Element & {
          result: { checkId: string };
        };
        const client = w.__cpisKit.createCpisClient({
          baseUrl: w.__cpisApi,
          getToken: () => token,
        }) as { checks: { get(id: string): Promise<unknown> } };
        const el = document.createElement('cpis-access-history');
        Object.assign(el, { result: await client.checks.get(inBanner.result.checkId) });
        document.getElementById('main')?.append(el);
        await (el as Element & { updateComplete: Promise<unknown> }).updateComplete;
      },
      { token },
    );
    const tables = await page.evaluate(() => {
      const rows = (history: Element): string[][] =>
        [...history.shadowRoot!.querySelectorAll('tbody tr')].map((tr) =>
          [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent ?? ''),
        );
      const inBanner = document
        .querySelector('cpis-flag-banner')!
        .shadowRoot!.querySelector('cpis-access-history')!;
      return [rows(inBanner), rows(document.querySelector('main > cpis-access-history')!)];
    });
    // The viewer's own access and each hostile clinician's (compared as sets: two checks
    // in one millisecond may come in either order).
    const expected = [[viewer.orgName, viewer.role], ...[...PAYLOADS].reverse().map((p) => [p, p])];
    for (const rows of tables) {
      expect(rows).toHaveLength(expected.length);
      expect([...rows].sort()).toEqual([...expected].sort());
    }
    await expectNothingRan(4);
  });

  it('<cpis-notification-inbox>: user name, role, setting name and reason comment as text, listed and live', async () => {
    const token = await devToken(server.url, laAdmin(0));
    await mount('cpis-notification-inbox', { 'ods-code': laCode(0) }, token);
    const inbox = page.locator('cpis-notification-inbox');
    await page.locator('cpis-notification-inbox[data-state="ready"]').waitFor({ timeout: 10_000 });
    await inbox.getByText('Live: new notifications appear').waitFor();
    // The viewer's check notified too: it is the newest.
    const items = inbox.locator('[part="notification"]');
    await expect.poll(() => items.count()).toBe(PAYLOADS.length + 1);

    // One more, live, from a hostile clinician nobody has seen before.
    const live = PAYLOADS[1]!;
    const clinician = await clientFor(server.url, hostileClinician(live, 'RXLIV'), 'xss-live');
    await clinician.checks.create({
      nhsNumber: NHS_NUMBER,
      nhsNumberVerified: true,
      accessContext: 'unscheduled',
      reason: { code: 'other', comment: live },
    });
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(PAYLOADS.length + 2);

    const shown = await page.evaluate(() => {
      const root = document.querySelector('cpis-notification-inbox')!.shadowRoot!;
      return {
        items: [...root.querySelectorAll('[part="notification"]')].map((li) => {
          const dds = [...li.querySelectorAll('dd')].map((dd) => dd.textContent ?? '');
          return [li.querySelector('h3')?.textContent ?? '', dds[1]!, dds[2]!.trim()];
        }),
        announced: root.querySelector('[aria-live="polite"]')?.textContent ?? '',
      };
    });
    const item = (setting: string, name: string, role: string, reason: string): string[] => [
      setting,
      `${name}, ${role}`,
      reason,
    ];
    expect(shown.items).toEqual([
      item(live, live, live, `Other: ${live}`),
      item(viewer.orgName, viewer.name, viewer.role, 'Clinical review'),
      ...[...PAYLOADS].reverse().map((p) => item(p, p, p, `Other: ${p}`)),
    ]);
    expect(shown.announced).toMatch(/^New access notification: .* at \d{2}:\d{2}$/);
    expect(shown.announced.startsWith(`New access notification: ${live} at `)).toBe(true);
    await expectNothingRan(5);
  });

  it('nothing ran, anywhere, after every element has shown every payload', async () => {
    // Focus and toggle what a payload could have hooked: tab through the whole page.
    for (let i = 0; i < 40; i++) await page.keyboard.press('Tab');
    await expectNothingRan(5);
  });

  it('(control) the same page and scan do catch a payload that an element made into HTML', async () => {
    // Proves the checks above are not blind: no CSP on the page, and the scan finds markup.
    const control = await page.context().newPage();
    try {
      await control.goto(`${site.url}/?api=${encodeURIComponent(server.url)}`);
      await control.locator('html[data-kit-loaded]').waitFor();
      const markup = PAYLOADS.filter((p) => p.includes('<') && !p.startsWith('<body'));
      await control.evaluate((markup) => {
        for (const payload of markup) {
          const host = document.createElement('div');
          host.attachShadow({ mode: 'open' }).innerHTML = payload;
          document.body.append(host);
        }
      }, markup);
      await control.waitForTimeout(300);
      const scan = await scanPage(control);
      expect(scan.ran).toBe(1);
      expect(scan.shadowRoots).toBe(markup.length);
      expect(new Set(scan.offenders.map((o) => o.split(' ')[0]))).toEqual(
        new Set([
          'script',
          'img',
          'svg',
          'xss',
          'iframe',
          'a',
          'details',
          'input',
          'math',
          'mglyph',
        ]),
      );
    } finally {
      await control.close();
    }
  });
});
