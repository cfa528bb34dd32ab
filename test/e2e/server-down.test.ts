// The reference server dies in the middle of a clinician's session. The banner must say
// the check failed and the status is unknown — never "no record" (hazard 1). Each test
// kills its own server.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { personas } from '@cpis/mock/fixtures';
import { launchChromium } from './support/browser.ts';
import {
  bannerCheckButton,
  bannerReadyFor,
  bannerText,
  openEdExample,
  patientButton,
  reasonDialog,
  recordBannerStates,
  settledBannerState,
  type EdPage,
} from './support/ed-example.ts';
import { startReferenceServer, type ReferenceServer } from './support/reference-server.ts';

let server: ReferenceServer;
let browser: Browser;
let ed: EdPage;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  server = await startReferenceServer();
  ed = await openEdExample(browser, server.url);
  // Isla Reed has no record: the one patient for whom "no record" would look plausible.
  await ed.click(patientButton(ed.page, personas.noRecord));
  await bannerReadyFor(ed.page, personas.noRecord);
});

afterEach(async () => {
  await ed?.close();
  await server?.stop();
});

async function checkWithReason(): Promise<void> {
  await ed.click(bannerCheckButton(ed.page));
  const dialog = reasonDialog(ed.page);
  await ed.click(dialog.reason('Unscheduled attendance'));
  await ed.click(dialog.submit);
}

async function expectFailedNeverNoRecord(states: () => Promise<string[]>): Promise<void> {
  expect(await settledBannerState(ed.page)).toBe('failed');
  const text = await bannerText(ed.page);
  expect(text).toContain(
    'CP-IS check failed — status unknown. Follow your local safeguarding procedure.',
  );
  expect(text).not.toContain('No CP-IS record');
  expect(await ed.page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
  expect(await states()).toEqual(['not-checked', 'checking', 'failed']);
  // Chromium logs each refused attempt at the check (the SDK retries twice); nothing else.
  const refused = (e: string): boolean =>
    e.includes('net::ERR_CONNECTION_REFUSED') && e.includes('/v1/checks');
  expect(ed.errors.filter((e) => !refused(e))).toEqual([]);
}

describe('ED example, server stopped mid-session', () => {
  it('killed before the check: failed, never no-record', async () => {
    const states = await recordBannerStates(ed.page);
    await server.kill();
    await checkWithReason();
    await expectFailedNeverNoRecord(states);
  });

  it('killed while the check is in flight: failed, never no-record', async () => {
    const states = await recordBannerStates(ed.page);
    // Hold the check on its way out, kill the server, then let it go on to a dead port.
    await ed.page.route('**/v1/checks', async (route) => {
      await server.kill();
      await route.continue();
    });
    await checkWithReason();
    await expectFailedNeverNoRecord(states);
  });
});
