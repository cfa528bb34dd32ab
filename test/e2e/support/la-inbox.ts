import type { Browser, Page } from 'playwright-core';
import { collectPageErrors } from './browser.ts';

export interface LaPage {
  page: Page;
  errors: string[];
  /** The inbox's notifications, newest first. */
  items: ReturnType<Page['locator']>;
  close(): Promise<void>;
}

/** The LA inbox example in a fresh browser context, loaded and live. */
export async function openLaInbox(browser: Browser, baseUrl: string): Promise<LaPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${baseUrl}/la-inbox/`);
  await page.locator('cpis-notification-inbox[data-state="ready"]').waitFor({ timeout: 15_000 });
  await page.getByText('Live: new notifications appear').waitFor();
  return {
    page,
    errors,
    items: page.locator('cpis-notification-inbox [part="notification"]'),
    close: () => context.close(),
  };
}
