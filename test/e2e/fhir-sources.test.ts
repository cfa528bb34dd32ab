// The emergency-department example on each CP-IS source, served by the reference server
// and driven in Debian's Chromium: the SDK's CP-IS FHIR client calls the server's
// stand-in for NHS England's CP-IS FHIR API (`/cpis/FHIR/R4`) and the local authority sees
// the notification; the Patient Flags API (`/patient-flags-api/FHIR/R4`) is a silent read;
// switching the source clears the banner.
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorities, personas, principals, type Persona } from '@cpis/mock/fixtures';
import type { CpisClient } from '@cpis/sdk';
import { clientFor, devToken } from './support/api.ts';
import { axeViolations, launchChromium } from './support/browser.ts';
import {
  SOURCES,
  bannerCheckButton,
  bannerReadyFor,
  bannerText,
  chooseSource,
  withEdExample,
  patientButton,
  reasonDialog,
  recordBannerStates,
  settledBannerState,
  sourceControl,
  type EdPage,
} from './support/ed-example.ts';
import { openLaInbox, type LaPage } from './support/la-inbox.ts';
import { startReferenceServer, type ReferenceServer } from './support/reference-server.ts';

let server: ReferenceServer;
let browser: Browser;
/** Tower Hamlets' social worker, through the /v1 API. */
let towerHamlets: CpisClient;

const maya = personas.lookedAfterOutOfArea;
const oliver = personas.activeChildProtectionPlan;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const spaced = (p: Persona): string =>
  `${p.nhsNumber.slice(0, 3)} ${p.nhsNumber.slice(3, 6)} ${p.nhsNumber.slice(6)}`;

beforeAll(async () => {
  [server, browser] = await Promise.all([startReferenceServer(), launchChromium()]);
  towerHamlets = await clientFor(server.url, principals.towerHamletsSocialWorker);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Tower Hamlets' notifications, newest first. */
async function towerHamletsNotifications() {
  const page = await towerHamlets.notifications.list(authorities.towerHamlets.odsCode, {
    order: 'desc',
    limit: 100,
  });
  return page.items;
}

/** What the page asks of the server under `/cpis/`, `/patient-flags-api/` and `/v1/checks`. */
function recordCpisRequests(ed: EdPage): { path: string; headers: Record<string, string> }[] {
  const seen: { path: string; headers: Record<string, string> }[] = [];
  ed.page.on('request', (request: Request) => {
    const { pathname } = new URL(request.url());
    if (/^\/(cpis|patient-flags-api)\/|^\/v1\/checks/.test(pathname)) {
      seen.push({ path: pathname, headers: request.headers() });
    }
  });
  return seen;
}

/** Choose the patient, press Check CP-IS, confirm the preselected reason; the settled state. */
async function check(ed: EdPage, persona: Persona): Promise<string> {
  await ed.click(patientButton(ed.page, persona));
  await bannerReadyFor(ed.page, persona);
  await ed.click(bannerCheckButton(ed.page));
  await ed.click(reasonDialog(ed.page).submit);
  return settledBannerState(ed.page);
}

const withEd = (test: (ed: EdPage) => Promise<void>): Promise<void> =>
  withEdExample(browser, server.url, test);

describe('ED example: the CP-IS source', () => {
  it("offers the three sources in a labelled control, this kit's /v1 API chosen", async () => {
    await withEd(async ({ page }) => {
      const control = sourceControl(page);
      expect(await control.evaluate((select: HTMLSelectElement) => select.value)).toBe('v1');
      expect(
        await control
          .locator('option')
          .evaluateAll((options) => options.map((option) => option.textContent?.trim())),
      ).toEqual([SOURCES.v1, SOURCES.cpisFhir, SOURCES.patientFlags]);
      expect(await axeViolations(page, 'body')).toEqual([]);
    });
  });

  it("on NHS England's CP-IS FHIR API: Maya's record through the FHIR stand-in, answered by it, and Tower Hamlets' inbox shows the look-up with no reason given", async () => {
    let la: LaPage | undefined;
    try {
      la = await openLaInbox(browser, server.url);
      const before = await la.items.count();
      await withEd(async (ed) => {
        await chooseSource(ed.page, SOURCES.cpisFhir);
        const requests = recordCpisRequests(ed);
        expect(await check(ed, maya)).toBe('record-found');

        const text = await bannerText(ed.page);
        expect(text).toContain('Looked after child');
        expect(text).toContain(authorities.towerHamlets.name);
        expect(text).toContain(authorities.towerHamlets.emergencyDutyPhone);
        expect(text).toContain("Answered by NHS England's CP-IS FHIR API.");
        // The national API does not say whom it told: no authority is named as told.
        expect(text).toContain('does not say whom it told');
        expect(text).not.toMatch(/has been told|have been told|No local authority was told/);

        // The SDK's FHIR client, not /v1: CareTeam (unscheduled, so it notifies), then
        // AuditEvent, with one TraceID for the check.
        expect(requests.map((r) => r.path)).toEqual([
          '/cpis/FHIR/R4/CareTeam',
          '/cpis/FHIR/R4/AuditEvent',
        ]);
        const [careTeam, auditEvent] = requests;
        expect(careTeam!.headers['isunscheduledaccessevent']).toBe('true');
        expect(careTeam!.headers['traceid']).toMatch(UUID);
        expect(auditEvent!.headers['traceid']).toBe(careTeam!.headers['traceid']);
      });

      // The local authority sees it, live in its inbox: who, where, and that no reason
      // was given (the national API takes none; none is invented).
      await expect.poll(() => la!.items.count(), { timeout: 10_000 }).toBe(before + 1);
      const newest = await la.items.first().innerText();
      expect(newest).toContain(spaced(maya));
      expect(newest).toContain(`${principals.edNurse.name}, ${principals.edNurse.role}`);
      expect(newest).toContain(principals.edNurse.orgName);
      expect(newest).toContain('No reason given');
      expect(newest).not.toContain('Unscheduled attendance');
      expect(la.errors).toEqual([]);

      // And through the API: the notification carries reason null.
      const [notification] = await towerHamletsNotifications();
      expect(notification).toMatchObject({
        nhsNumber: maya.nhsNumber,
        reason: null,
        user: { name: principals.edNurse.name, role: principals.edNurse.role },
      });
    } finally {
      await la?.close();
    }
  });

  it('switching the source clears the banner at once: one source’s result is never shown for another', async () => {
    await withEd(async (ed) => {
      expect(await check(ed, oliver)).toBe('record-found');
      expect(await bannerText(ed.page)).toContain('Answered by the CP-IS Embed Kit service.');

      const states = await recordBannerStates(ed.page);
      await chooseSource(ed.page, SOURCES.cpisFhir);
      await ed.page
        .locator(`cpis-flag-banner[nhs-number="${oliver.nhsNumber}"][data-state="not-checked"]`)
        .waitFor();
      let text = await bannerText(ed.page);
      expect(text).not.toContain('Answered by');
      expect(text).not.toContain('Child protection plan');
      expect(await states()).toEqual(['record-found', 'not-checked']);

      // Checked again on the new source: its own answer, said to be its own.
      await ed.click(bannerCheckButton(ed.page));
      await ed.click(reasonDialog(ed.page).submit);
      expect(await settledBannerState(ed.page)).toBe('record-found');
      expect(await bannerText(ed.page)).toContain("Answered by NHS England's CP-IS FHIR API.");

      // To the Patient Flags API: cleared again, and now a scheduled check.
      await chooseSource(ed.page, SOURCES.patientFlags);
      await ed.page
        .locator(
          `cpis-flag-banner[access-context="scheduled"][nhs-number="${oliver.nhsNumber}"][data-state="not-checked"]`,
        )
        .waitFor();
      text = await bannerText(ed.page);
      expect(text).not.toContain('Answered by');
      expect(text).not.toContain('Child protection plan');
      expect((await states()).slice(-2)).toEqual(['record-found', 'not-checked']);
    });
  });

  it('on the Patient Flags API: a scheduled silent read — the record, answered by it, and no local authority is notified', async () => {
    const before = await towerHamletsNotifications();
    await withEd(async (ed) => {
      await chooseSource(ed.page, SOURCES.patientFlags);
      await ed.page.locator('#signed-in', { hasText: 'Review clinic nurse' }).waitFor();
      const requests = recordCpisRequests(ed);
      await ed.click(patientButton(ed.page, maya));
      await bannerReadyFor(ed.page, maya);
      await ed.click(bannerCheckButton(ed.page));
      // A scheduled check: the dialog says so, with clinical review ticked.
      const dialog = reasonDialog(ed.page);
      expect(await dialog.dialog.innerText()).toContain('This is a scheduled check');
      expect(await dialog.reason('Clinical review').isChecked()).toBe(true);
      await ed.click(dialog.submit);
      expect(await settledBannerState(ed.page)).toBe('record-found');

      const text = await bannerText(ed.page);
      expect(text).toContain('Looked after child');
      expect(text).toContain(authorities.towerHamlets.name);
      expect(text).toContain(
        'No local authority was told about this check: a scheduled check is a silent read.',
      );
      // The API gives no access history: not known, never none.
      expect(text).toContain('Accesses to this record from unscheduled care (not known)');
      expect(text).toContain("Answered by NHS England's Patient Flags API.");

      expect(requests.map((r) => r.path)).toEqual(['/patient-flags-api/FHIR/R4/PatientFlag']);
      expect(requests[0]!.headers['isunscheduledaccessevent']).toBe('false');
    });
    // Nothing for Tower Hamlets: the read was silent.
    expect(await towerHamletsNotifications()).toEqual(before);
  });
});

describe('cpis-elements-fhir.js, the one-file build with the FHIR clients', () => {
  it("throws the banner's own error classes: a 403 ACCESS_DENIED from the FHIR stand-in shows forbidden, not failed", async () => {
    const receptionist = await devToken(server.url, principals.receptionist);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      // As a page without a bundler loads it (a string: Vite would rewrite an import()).
      await page.evaluate(
        "import('/kit/cpis-elements-fhir.js').then((kit) => { window.__kit = kit; })",
      );
      const outcome = await page.evaluate(
        async ({ token, nhsNumber }) => {
          const kit = (window as unknown as { __kit: unknown }).__kit as {
            createCpisFhirClient(options: object): unknown;
            CpisFhirError: new (...args: never[]) => Error;
            CpisApiError: new (...args: never[]) => Error;
          };
          const banner = document.createElement('cpis-flag-banner') as HTMLElement & {
            client: unknown;
          };
          banner.client = kit.createCpisFhirClient({
            baseUrl: `${location.origin}/cpis/FHIR/R4`,
            getToken: () => token,
          });
          const error = new Promise<unknown>((resolve) =>
            banner.addEventListener('cpis-check-error', (event) => resolve(event.detail.error)),
          );
          for (const [name, value] of Object.entries({
            'nhs-number': nhsNumber,
            'nhs-number-verified': '',
            'access-context': 'unscheduled',
            'auto-check': '',
            reason: 'unscheduled-attendance',
          })) {
            banner.setAttribute(name, value);
          }
          document.body.append(banner);
          const thrown = await error;
          return {
            state: banner.getAttribute('data-state'),
            fhirError: thrown instanceof kit.CpisFhirError,
            apiError: thrown instanceof kit.CpisApiError,
            spineCode: (thrown as { spineCode?: string }).spineCode,
          };
        },
        { token: receptionist, nhsNumber: maya.nhsNumber },
      );
      expect(outcome).toEqual({
        state: 'forbidden',
        fhirError: true,
        apiError: true,
        spineCode: 'ACCESS_DENIED',
      });
    } finally {
      await context.close();
    }
  });
});
