import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Persona } from '@cpis/mock/fixtures';
import { collectPageErrors } from './browser.ts';

/** The ED example open in a fresh browser context, signed in, with its errors collected. */
export interface EdPage {
  page: Page;
  errors: string[];
  /** Clicks made through `click()`, to hold the newcomer's path to three. */
  clicks: number;
  click(target: ReturnType<Page['locator']>): Promise<void>;
  close(): Promise<void>;
}

export async function openEdExample(browser: Browser, baseUrl: string): Promise<EdPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${baseUrl}/epr-patient-view/`);
  await page.locator('#signed-in', { hasText: 'Priya Shah' }).waitFor();
  const ed: EdPage = {
    page,
    errors,
    clicks: 0,
    async click(target) {
      ed.clicks += 1;
      await target.click();
    },
    close: () => context.close(),
  };
  return ed;
}

/** Runs `test` on a fresh ED example, then expects no page error and closes it. */
export async function withEdExample(
  browser: Browser,
  baseUrl: string,
  test: (ed: EdPage) => Promise<void>,
): Promise<void> {
  const ed = await openEdExample(browser, baseUrl);
  try {
    await test(ed);
    expect(ed.errors).toEqual([]);
  } finally {
    await ed.close();
  }
}

/** The row of the department's list for `persona` ("OKAFOR, Maya"). */
export function patientButton(page: Page, persona: Persona) {
  return page.getByRole('button', {
    name: `${persona.familyName.toUpperCase()}, ${persona.givenName}`,
  });
}

/** The banner's "Check CP-IS" button (not the dialog's submit of the same name). */
export function bannerCheckButton(page: Page) {
  return page.locator('cpis-flag-banner [part="banner"]').getByRole('button', {
    name: 'Check CP-IS',
  });
}

/** The reason dialog's radio for `label`, and its submit button. */
export function reasonDialog(page: Page) {
  const dialog = page.getByRole('dialog', { name: 'Why are you checking CP-IS?' });
  return {
    dialog,
    reason: (label: string) => dialog.getByRole('radio', { name: label }),
    submit: dialog.getByRole('button', { name: 'Check CP-IS' }),
  };
}

/**
 * The banner's state once a check has answered or failed: neither `not-checked` (the
 * dialog has closed but the check has not started yet) nor `checking` (bounded by the
 * SDK's 8 s deadline).
 */
export async function settledBannerState(page: Page): Promise<string> {
  const handle = await page.waitForFunction(
    () => {
      const state = document.querySelector('cpis-flag-banner')?.getAttribute('data-state');
      return state && state !== 'not-checked' && state !== 'checking' ? state : false;
    },
    undefined,
    { timeout: 15_000 },
  );
  return (await handle.jsonValue()) as string;
}

/** Waits until the banner is about `persona` and offers Check CP-IS. */
export async function bannerReadyFor(page: Page, persona: Persona): Promise<void> {
  await page
    .locator(`cpis-flag-banner[nhs-number="${persona.nhsNumber}"][data-state="not-checked"]`)
    .waitFor();
}

/** What the banner shows, as the user reads it (rendered text of its region). */
export function bannerText(page: Page): Promise<string> {
  return page.locator('cpis-flag-banner [part="banner"]').innerText();
}

/**
 * Every state the banner passes through from now on, recorded in the page, so a test can
 * prove a state was never shown, not only that it is not shown at the end.
 */
export async function recordBannerStates(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const banner = document.querySelector('cpis-flag-banner');
    const seen: string[] = [banner?.getAttribute('data-state') ?? ''];
    (window as unknown as { __bannerStates: string[] }).__bannerStates = seen;
    if (banner) {
      new MutationObserver(() => seen.push(banner.getAttribute('data-state') ?? '')).observe(
        banner,
        { attributes: true, attributeFilter: ['data-state'] },
      );
    }
  });
  return () =>
    page.evaluate(() => (window as unknown as { __bannerStates: string[] }).__bannerStates);
}

/** The ED example's CP-IS sources, as its labelled control names them. */
export const SOURCES = {
  v1: "this kit's /v1 API",
  cpisFhir: "NHS England's CP-IS FHIR API (local stand-in)",
  patientFlags: 'Patient Flags API (scheduled care, silent)',
} as const;

/** The ED example's "CP-IS source" control. */
export function sourceControl(page: Page) {
  return page.getByLabel('CP-IS source');
}

/** Chooses `label` in the "CP-IS source" control, as a user would. */
export async function chooseSource(
  page: Page,
  label: (typeof SOURCES)[keyof typeof SOURCES],
): Promise<void> {
  await sourceControl(page).selectOption({ label });
}
