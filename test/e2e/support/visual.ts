import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diff } from '@blazediff/core';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { repoRoot } from './reference-server.ts';

/** Committed baselines, one PNG per story id; `npm run test:update-screenshots` rewrites them. */
export const baselineFolder = join(repoRoot, 'test/e2e/__screenshots__');
/** Where a failing comparison leaves the actual image and the diff (gitignored). */
const failureFolder = join(repoRoot, 'test/e2e/__screenshots__/.failures');
export const updatingBaselines = process.env.CPIS_BASELINES === 'update';
/** Pixels that may differ (anti-aliasing aside) before a story counts as changed. */
const MAX_DIFFERENT_PIXELS = 0;

/**
 * The story's rendering (the preview's viewport) compared with its baseline: `null` when they
 * match, else what differs. In update mode the baseline is (re)written instead. A story
 * without a baseline fails: a new story gets one by the update command, deliberately.
 */
export async function compareWithBaseline(page: Page, storyId: string): Promise<string | null> {
  // The whole viewport, not #storybook-root: a modal dialog sits in the top layer.
  // An indeterminate <progress> moves on its own (no CSS animation to stop): masked.
  const shot = await page.screenshot({
    animations: 'disabled',
    caret: 'hide',
    mask: [page.locator('progress:not([value])')],
  });
  const file = join(baselineFolder, `${storyId}.png`);
  if (updatingBaselines) {
    mkdirSync(baselineFolder, { recursive: true });
    writeFileSync(file, shot);
    return null;
  }
  if (!existsSync(file)) {
    return `no baseline ${file}: run npm run test:update-screenshots`;
  }
  const expected = PNG.sync.read(readFileSync(file));
  const actual = PNG.sync.read(shot);
  const fail = (what: string, diffImage?: PNG): string => {
    mkdirSync(failureFolder, { recursive: true });
    writeFileSync(join(failureFolder, `${storyId}.actual.png`), shot);
    if (diffImage)
      writeFileSync(join(failureFolder, `${storyId}.diff.png`), PNG.sync.write(diffImage));
    return `${storyId}: ${what} (see ${failureFolder})`;
  };
  if (expected.width !== actual.width || expected.height !== actual.height) {
    return fail(
      `size ${actual.width}×${actual.height}, baseline ${expected.width}×${expected.height}`,
    );
  }
  const output = new PNG({ width: actual.width, height: actual.height });
  const different = diff(expected.data, actual.data, output.data, actual.width, actual.height, {
    threshold: 0.1,
  });
  return different > MAX_DIFFERENT_PIXELS ? fail(`${different} pixels differ`, output) : null;
}

/** In update mode: removes baselines of stories that no longer exist. */
export function removeStaleBaselines(storyIds: readonly string[]): void {
  if (!updatingBaselines || !existsSync(baselineFolder)) return;
  const keep = new Set(storyIds.map((id) => `${id}.png`));
  for (const file of readdirSync(baselineFolder)) {
    if (file.endsWith('.png') && !keep.has(file)) rmSync(join(baselineFolder, file));
  }
}
