// The local-authority inbox example beside the ED example, two pages of one browser, both
// against the reference server: a check in the ED arrives in Tower Hamlets' inbox live,
// and a repeat within 24 hours does not notify again.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorities, personas, principals } from '@cpis/mock/fixtures';
import { clientFor } from './support/api.ts';
import { axeViolations, launchChromium } from './support/browser.ts';
import {
  bannerCheckButton,
  bannerReadyFor,
  bannerText,
  openEdExample,
  patientButton,
  reasonDialog,
  settledBannerState,
  type EdPage,
} from './support/ed-example.ts';
import { openLaInbox, type LaPage } from './support/la-inbox.ts';
import { startReferenceServer, type ReferenceServer } from './support/reference-server.ts';
import { saveScreenshot } from './support/screenshots.ts';

let server: ReferenceServer;
let browser: Browser;
let la: LaPage;
let ed: EdPage;

const maya = personas.lookedAfterOutOfArea;

beforeAll(async () => {
  [server, browser] = await Promise.all([startReferenceServer(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openBoth(): Promise<void> {
  la = await openLaInbox(browser, server.url);
  ed = await openEdExample(browser, server.url);
}

async function closeBoth(): Promise<void> {
  expect(la.errors).toEqual([]);
  expect(ed.errors).toEqual([]);
  await la.close();
  await ed.close();
}

/** In the ED page: open Maya (from another patient, so the banner starts afresh) and check. */
async function checkMaya(): Promise<string> {
  await ed.click(patientButton(ed.page, personas.noRecord));
  await ed.click(patientButton(ed.page, maya));
  await bannerReadyFor(ed.page, maya);
  await ed.click(bannerCheckButton(ed.page));
  const dialog = reasonDialog(ed.page);
  await ed.click(dialog.reason('Unscheduled attendance'));
  await ed.click(dialog.submit);
  return settledBannerState(ed.page);
}

/**
 * A check of Maya by a user nobody has seen before (a fresh `sub`), so it always notifies
 * Tower Hamlets; its comment names it in the inbox.
 */
async function sentinelCheck(label: string): Promise<void> {
  const client = await clientFor(server.url, principals.edDoctor, `e2e-sentinel-${label}`);
  await client.checks.create({
    nhsNumber: maya.nhsNumber,
    nhsNumberVerified: true,
    accessContext: 'unscheduled',
    reason: { code: 'other', comment: `sentinel ${label}` },
  });
}

async function newestItemSays(text: string): Promise<void> {
  await la.items.first().filter({ hasText: text }).waitFor({ timeout: 10_000 });
}

describe('LA inbox example', () => {
  it("shows, live, the ED's check of Maya Okafor to Tower Hamlets' social worker", async () => {
    await openBoth();
    try {
      const before = await la.items.count();
      expect(await checkMaya()).toBe('record-found');
      expect(await bannerText(ed.page)).toContain(
        `${authorities.towerHamlets.name} has been told about this check`,
      );

      await expect.poll(() => la.items.count(), { timeout: 10_000 }).toBe(before + 1);
      const newest = await la.items.first().innerText();
      expect(newest).toContain(principals.edNurse.orgName);
      expect(newest).toContain(`${principals.edNurse.name}, ${principals.edNurse.role}`);
      expect(newest).toContain('999 000 2746');
      expect(newest).toContain('Unscheduled attendance');
      expect(newest).toContain('TH-LAC-0042');
      expect(await axeViolations(la.page, 'body')).toEqual([]);
      await saveScreenshot(la.page, 'la-inbox.png');
    } finally {
      await closeBoth();
    }
  });

  it('does not notify again when the same nurse checks Maya within 24 hours', async () => {
    await openBoth();
    try {
      // Whatever came before, the nurse has now checked Maya: the next check is a repeat.
      expect(await checkMaya()).toBe('record-found');
      // Notifications arrive in order: once sentinel A is at the top, nothing is in flight.
      await sentinelCheck('A');
      await newestItemSays('sentinel A');
      const before = await la.items.count();

      expect(await checkMaya()).toBe('record-found');
      expect(await bannerText(ed.page)).toContain(
        'No local authority was told about this check: it repeats one made by you',
      );

      // Had the repeat notified, its notification would arrive before sentinel B's.
      await sentinelCheck('B');
      await newestItemSays('sentinel B');
      expect(await la.items.count()).toBe(before + 1);
      expect(await la.items.nth(1).innerText()).toContain('sentinel A');
    } finally {
      await closeBoth();
    }
  });
});
