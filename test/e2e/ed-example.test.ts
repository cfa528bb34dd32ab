// The emergency-department example, served by the reference server as `npm start` serves
// it, driven in Debian's Chromium: for each person of the synthetic population, the
// clinician's path from choosing the patient to the result.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorities, personas, type Persona, type PersonaKey } from '@cpis/mock/fixtures';
import { axeViolations, launchChromium } from './support/browser.ts';
import {
  bannerCheckButton,
  bannerReadyFor,
  bannerText,
  withEdExample,
  patientButton,
  reasonDialog,
  settledBannerState,
  type EdPage,
} from './support/ed-example.ts';
import { startReferenceServer, type ReferenceServer } from './support/reference-server.ts';
import { saveScreenshot } from './support/screenshots.ts';

let server: ReferenceServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startReferenceServer(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const nhs = (p: Persona): string =>
  `${p.nhsNumber.slice(0, 3)} ${p.nhsNumber.slice(3, 6)} ${p.nhsNumber.slice(6)}`;

/** Choose the patient, press Check CP-IS, give the reason, confirm; the settled state. */
async function checkFromTheList(ed: EdPage, persona: Persona): Promise<string> {
  await ed.click(patientButton(ed.page, persona));
  await bannerReadyFor(ed.page, persona);
  await ed.click(bannerCheckButton(ed.page));
  // The ED example sets reason="unscheduled-attendance": the dialog opens with it ticked
  // and the clinician confirms it (or chooses another).
  const dialog = reasonDialog(ed.page);
  await ed.click(dialog.submit);
  return settledBannerState(ed.page);
}

/** The `tel:` links of the banner, as [text, href]. */
async function phoneLinks(ed: EdPage): Promise<[string, string][]> {
  return ed.page
    .locator('cpis-flag-banner [part="phone"]')
    .evaluateAll((links) =>
      links.map((a) => [a.textContent?.trim() ?? '', a.getAttribute('href') ?? '']),
    );
}

const telOf = (phone: string): string => `tel:${phone.replace(/[^0-9+]/g, '')}`;

const withEd = (test: (ed: EdPage) => Promise<void>): Promise<void> =>
  withEdExample(browser, server.url, test);

describe('ED patient view example', () => {
  it('lists every person of the synthetic population, adults among the children', async () => {
    await withEd(async ({ page }) => {
      const list = await page.locator('#patient-list').innerText();
      for (const persona of Object.values(personas)) {
        expect(list).toContain(`${persona.familyName.toUpperCase()}, ${persona.givenName}`);
        expect(list).toContain(nhs(persona));
      }
    });
  });

  it("reaches Maya Okafor's looked-after flag from the list in three clicks", async () => {
    await withEd(async (ed) => {
      const maya = personas.lookedAfterOutOfArea;
      expect(await checkFromTheList(ed, maya)).toBe('record-found');
      // Pick Maya, Check CP-IS, confirm the preselected reason.
      expect(ed.clicks).toBe(3);
      const text = await bannerText(ed.page);
      expect(text).toContain('Looked after child');
      expect(text).toContain(authorities.towerHamlets.name);
      expect(text).toContain(`NHS No. ${nhs(maya)}`);
      expect(text).toContain(`${authorities.towerHamlets.name} has been told about this check`);
      expect(await phoneLinks(ed)).toEqual([
        [
          authorities.towerHamlets.officeHoursPhone,
          telOf(authorities.towerHamlets.officeHoursPhone),
        ],
        [
          authorities.towerHamlets.emergencyDutyPhone,
          telOf(authorities.towerHamlets.emergencyDutyPhone),
        ],
      ]);
      expect(await axeViolations(ed.page, 'body')).toEqual([]);
      await saveScreenshot(ed.page, 'ed-example.png');
    });
  });

  it('Oliver Bennett: an active child protection plan, Sheffield, both phones', async () => {
    await withEd(async (ed) => {
      expect(await checkFromTheList(ed, personas.activeChildProtectionPlan)).toBe('record-found');
      const text = await bannerText(ed.page);
      expect(text).toContain('Child protection plan');
      expect(text).toMatch(/Active\s+since/);
      expect(text).toContain(authorities.sheffield.name);
      expect((await phoneLinks(ed)).map(([phone]) => phone)).toEqual([
        authorities.sheffield.officeHoursPhone,
        authorities.sheffield.emergencyDutyPhone,
      ]);
    });
  });

  it("Chloe Harper (an adult): worded as her unborn child's plan, never her own", async () => {
    await withEd(async (ed) => {
      expect(await checkFromTheList(ed, personas.pregnantWithUnbornPlan)).toBe('record-found');
      const text = await bannerText(ed.page);
      expect(text).toContain('Protection plan for the unborn child of this patient');
      expect(text).toContain('Expected delivery date');
      expect(text).toContain(authorities.westminster.name);
      expect(text).not.toMatch(/^Child protection plan$/m);
    });
  });

  it('Leo Marsh: a plan that ended 60 days ago, shown as ended', async () => {
    await withEd(async (ed) => {
      expect(await checkFromTheList(ed, personas.recentlyEndedPlan)).toBe('record-found');
      const text = await bannerText(ed.page);
      expect(text).toMatch(/Ended\s+\d{2}-[A-Z][a-z]{2}-\d{4}/);
      expect(text).not.toContain('Active');
      expect(text).toContain(authorities.hackney.name);
    });
  });

  it('Ava Khan: plans from two authorities, each with both phones, both told', async () => {
    await withEd(async (ed) => {
      expect(await checkFromTheList(ed, personas.plansFromTwoAuthorities)).toBe('record-found');
      const text = await bannerText(ed.page);
      expect(text).toContain(authorities.sheffield.name);
      expect(text).toContain(authorities.westminster.name);
      expect(await phoneLinks(ed)).toHaveLength(4);
      expect(text).toContain('These local authorities have been told about this check');
    });
  });

  it('Noah Price: 30 earlier accesses, the newest 25 shown', async () => {
    await withEd(async (ed) => {
      expect(await checkFromTheList(ed, personas.manyEarlierAccesses)).toBe('record-found');
      await ed.page.locator('cpis-flag-banner [part="history"] summary').click();
      const rows = ed.page.locator('cpis-flag-banner cpis-access-history tbody tr');
      await expect.poll(() => rows.count()).toBe(25);
      // This check is the newest entry: the ED the example signs in from.
      expect(await rows.first().innerText()).toContain('Homerton Emergency Department');
    });
  });

  async function expectNoRecordWithCaveat(key: PersonaKey): Promise<void> {
    await withEd(async (ed) => {
      const persona = personas[key];
      expect(await checkFromTheList(ed, persona)).toBe('no-record');
      const text = await bannerText(ed.page);
      expect(text).toMatch(new RegExp(`No CP-IS record for NHS No\\. ${nhs(persona)}, checked`));
      expect(text).toContain('This does not mean there are no safeguarding concerns');
      expect(text).not.toMatch(/\bsafe\b|no concerns|not at risk/i);
    });
  }

  it('Isla Reed: no record, with its caveat', async () => {
    await expectNoRecordWithCaveat('noRecord');
  });

  it('Ruby Hale: her plan ended over a year ago, so no record, with its caveat', async () => {
    await expectNoRecordWithCaveat('planEndedOverAYearAgo');
  });

  it('Theo Grant: an authority name holding HTML is shown as text, and nothing runs', async () => {
    await withEd(async (ed) => {
      expect(await checkFromTheList(ed, personas.hostileAuthorityName)).toBe('record-found');
      expect(await bannerText(ed.page)).toContain(authorities.hostile.name);
      expect(await ed.page.locator('cpis-flag-banner img, cpis-flag-banner script').count()).toBe(
        0,
      );
      expect(await ed.page.evaluate(() => 'cpisXss' in window || '__cpisXss' in window)).toBe(
        false,
      );
    });
  });

  it('Alex Unknown: an NHS number not verified on PDS is never checked', async () => {
    await withEd(async (ed) => {
      const requests: string[] = [];
      ed.page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/v1/checks') requests.push(request.url());
      });
      await ed.click(patientButton(ed.page, personas.unverifiedNumber));
      await ed.page.locator('cpis-flag-banner[data-state="not-checkable"]').waitFor();
      const text = await bannerText(ed.page);
      expect(text).toContain('CP-IS not checked');
      expect(text).toContain('has not been verified on PDS');
      expect(await bannerCheckButton(ed.page).count()).toBe(0);
      expect(requests).toEqual([]);
    });
  });
});
