// The EHR simulator example against the reference server, in Chromium: an EHR with no CP-IS
// component calls the CDS Hooks services as an EHR would (a development EHR's JWT, the
// Patient and the user as prefetch) and shows the cards. Opening a chart never notifies;
// a change of patient clears the cards at once.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorities, personas, principals } from '@cpis/mock/fixtures';
import { clientFor } from './support/api.ts';
import { axeViolations, collectPageErrors, launchChromium } from './support/browser.ts';
import { startReferenceServer, type ReferenceServer } from './support/reference-server.ts';

let server: ReferenceServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];

beforeAll(async () => {
  [server, browser] = await Promise.all([startReferenceServer(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  page = await context.newPage();
  errors = collectPageErrors(page);
  await page.goto(`${server.url}/ehr-simulator/`);
});
afterEach(async () => {
  expect(errors).toEqual([]);
  await context.close();
});

const name = (p: { familyName: string; givenName: string }) =>
  `${p.familyName.toUpperCase()}, ${p.givenName}`;
const openPatient = (p: { familyName: string; givenName: string }) =>
  page.getByRole('button', { name: name(p) }).click();
const cards = () => page.locator('#cards article');
async function fire(button: 'Patient arrives (encounter-start)' | 'Open the chart (patient-view)') {
  await page.getByRole('button', { name: button }).click();
  await cards().first().waitFor({ timeout: 10_000 });
}
async function sheffieldNotificationsFor(nhsNumber: string): Promise<number> {
  const la = await clientFor(server.url, principals.sheffieldSocialWorker, 'e2e-ehr-simulator');
  const page = await la.notifications.list(authorities.sheffield.odsCode, { limit: 500 });
  return page.items.filter((n) => n.nhsNumber === nhsNumber).length;
}

describe('the EHR simulator', () => {
  it('fires encounter-start and patient-view as an EHR would and renders the cards; opening the chart never notifies', async () => {
    const oliver = personas.activeChildProtectionPlan;
    await openPatient(oliver);
    await fire('Open the chart (patient-view)');
    await expect.poll(() => cards().first().getAttribute('data-indicator')).toBe('warning');
    expect(await cards().first().textContent()).toContain(
      'CP-IS has not been checked by you at this attendance',
    );
    expect(await sheffieldNotificationsFor(oliver.nhsNumber)).toBe(0);

    await fire('Patient arrives (encounter-start)');
    await expect.poll(() => cards().first().getAttribute('data-indicator')).toBe('critical');
    const text = (await cards().first().textContent()) ?? '';
    expect(text).toContain(authorities.sheffield.name);
    expect(text).toContain(authorities.sheffield.emergencyDutyPhone);
    expect(text).not.toContain('**');
    expect(await sheffieldNotificationsFor(oliver.nhsNumber)).toBe(1);

    // The chart opened again: this user's own check, no new notification.
    for (let i = 0; i < 3; i++) {
      await page.locator('#cards').evaluate((el) => el.replaceChildren());
      await fire('Open the chart (patient-view)');
      await expect.poll(() => cards().first().getAttribute('data-indicator')).toBe('critical');
    }
    expect(await sheffieldNotificationsFor(oliver.nhsNumber)).toBe(1);
    expect(await axeViolations(page, 'main')).toEqual([]);
  });

  it('says no record in the banner’s words, and never checks an unverified number', async () => {
    await openPatient(personas.noRecord);
    await fire('Patient arrives (encounter-start)');
    await expect.poll(() => cards().first().getAttribute('data-indicator')).toBe('info');
    expect(await cards().first().textContent()).toContain(
      'This does not mean there are no safeguarding concerns.',
    );
    await openPatient(personas.unverifiedNumber);
    await fire('Patient arrives (encounter-start)');
    await expect.poll(() => cards().first().getAttribute('data-indicator')).toBe('warning');
    expect(await cards().first().textContent()).toContain('not verified');
  });

  it('clears the cards at once when another patient is opened, and never shows a late answer for the patient before', async () => {
    const oliver = personas.activeChildProtectionPlan;
    const isla = personas.noRecord;
    // Oliver's answer is held back until Isla's chart is open.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/cds-services/cpis-encounter-start', async (route) => {
      const body = route.request().postData() ?? '';
      if (body.includes(oliver.nhsNumber)) await held;
      await route.continue();
    });
    await openPatient(oliver);
    await page.getByRole('button', { name: 'Patient arrives (encounter-start)' }).click();
    await openPatient(isla);
    expect(await cards().count()).toBe(0);
    await fire('Patient arrives (encounter-start)');
    await expect.poll(() => cards().first().getAttribute('data-indicator')).toBe('info');
    // Now Oliver's answer arrives, late: it is never shown for Isla.
    const late = page.waitForResponse((r) =>
      r.url().endsWith('/cds-services/cpis-encounter-start'),
    );
    release();
    await late;
    await page.waitForTimeout(300);
    expect(await cards().count()).toBe(1);
    expect(await page.locator('#cards').textContent()).not.toContain(authorities.sheffield.name);
  });
});
