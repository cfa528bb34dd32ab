import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from './reference-server.ts';

const folder = join(repoRoot, 'docs/images');

/**
 * Screenshots for the README, taken during the end-to-end run. A screenshot shows times
 * and dates of the day it was taken, so an existing one is only replaced when asked
 * (`CPIS_SCREENSHOTS=update`): a routine `npm test` leaves the working tree as it was.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  const file = join(folder, name);
  if (existsSync(file) && process.env.CPIS_SCREENSHOTS !== 'update') return;
  mkdirSync(folder, { recursive: true });
  writeFileSync(file, await page.screenshot({ fullPage: false, animations: 'disabled' }));
}
