// Every story in the static Storybook, opened in Debian's Chromium: it renders (each CP-IS
// element upgraded, with a non-empty shadow root), logs no console error, and axe-core
// finds no WCAG 2.2 A/AA violation, and it looks as its committed baseline does (visual
// regression; `npm run test:update-screenshots` rewrites the baselines after a deliberate
// change). Then a screenshot of the manager for the README.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, collectPageErrors, launchChromium } from './support/browser.ts';
import { saveScreenshot } from './support/screenshots.ts';
import { compareWithBaseline, removeStaleBaselines } from './support/visual.ts';
import { serveStatic, type StaticServer } from './support/static-server.ts';
import { ensureStorybookBuilt, storybookStatic } from './support/storybook-build.ts';

interface IndexEntry {
  id: string;
  title: string;
  name: string;
  type: 'story' | 'docs';
  tags?: string[];
}

// Test names come from the build's index, so the build happens while the file is collected.
ensureStorybookBuilt();
const index = JSON.parse(readFileSync(join(storybookStatic, 'index.json'), 'utf8')) as {
  entries: Record<string, IndexEntry>;
};
const stories = Object.values(index.entries).filter((entry) => entry.type === 'story');

/** Stories whose request never answers, on purpose: they stay `checking` or `loading`. */
const PENDING_TAG = 'cpis-pending';

/**
 * Preview tabs, each reused from story to story as Storybook's own test runner does (the
 * manager switches stories over the channel; reloading the 1.4 MB preview for each story
 * costs more than the story). Stories run concurrently, one per tab.
 */
interface Tab {
  page: Page;
  errors: string[];
  loaded: boolean;
}
const TABS = 3;
let server: StaticServer;
let browser: Browser;
const idle: Tab[] = [];
const waiting: ((tab: Tab) => void)[] = [];

async function acquire(): Promise<Tab> {
  return idle.pop() ?? new Promise<Tab>((resolve) => waiting.push(resolve));
}

function release(tab: Tab): void {
  const next = waiting.shift();
  if (next) next(tab);
  else idle.push(tab);
}

beforeAll(async () => {
  server = await serveStatic(storybookStatic);
  browser = await launchChromium();
  for (let i = 0; i < TABS; i++) {
    const page = await browser.newPage();
    idle.push({ page, errors: collectPageErrors(page), loaded: false });
  }
});

afterAll(async () => {
  removeStaleBaselines(stories.map((story) => story.id));
  await browser?.close();
  await server?.close();
});

/** Shows `storyId` in the tab and waits until Storybook has rendered, played and checked it. */
async function showStory(tab: Tab, storyId: string): Promise<void> {
  if (tab.loaded) {
    await tab.page.evaluate((id) => {
      const channel = (
        window as unknown as {
          __STORYBOOK_ADDONS_CHANNEL__: { emit(event: string, data: unknown): void };
        }
      ).__STORYBOOK_ADDONS_CHANNEL__;
      channel.emit('setCurrentStory', { storyId: id, viewMode: 'story' });
    }, storyId);
  } else {
    // The a11y addon's own run is switched off: this test runs axe itself.
    await tab.page.goto(
      `${server.url}/iframe.html?id=${storyId}&viewMode=story&globals=a11y.manual:!true`,
    );
    tab.loaded = true;
  }
  await tab.page.waitForFunction(
    (id) => {
      const render = (
        window as unknown as {
          __STORYBOOK_PREVIEW__?: { currentRender?: { id?: string; phase?: string } };
        }
      ).__STORYBOOK_PREVIEW__?.currentRender;
      return render?.id === id && (render.phase === 'finished' || render.phase === 'errored');
    },
    storyId,
    { timeout: 20_000 },
  );
}

/** Waits until no element is `checking` or `loading` (the SDK's deadline is 8 s). */
async function waitToSettle(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('#storybook-root [data-state]')].every(
        (element) => !['checking', 'loading'].includes(element.getAttribute('data-state') ?? ''),
      ),
    undefined,
    { timeout: 15_000 },
  );
}

/** Each CP-IS element in the story: whether it is upgraded and has rendered something. */
function elementsInStory(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#storybook-root *')]
      .filter((element) => element.localName.startsWith('cpis-'))
      .map((element) => ({
        tag: element.localName,
        upgraded: customElements.get(element.localName) === element.constructor,
        rendered: (element.shadowRoot?.querySelectorAll('*').length ?? 0) > 0,
      })),
  );
}

describe('Storybook', () => {
  it('has a story for every element', () => {
    const titles = new Set(stories.map((story) => story.title));
    for (const title of [
      'Elements/Flag banner',
      'Elements/Access reason dialog',
      'Elements/Access history',
      'Elements/Notification inbox',
    ]) {
      expect(titles, title).toContain(title);
    }
  });

  it.concurrent.for(stories.map((story) => [`${story.title} › ${story.name}`, story] as const))(
    '%s: renders, no console error, no axe violation, looks as its baseline',
    async ([, story], { expect }) => {
      const tab = await acquire();
      try {
        tab.errors.length = 0;
        await showStory(tab, story.id);
        const { page } = tab;
        if (!story.tags?.includes(PENDING_TAG)) await waitToSettle(page);

        const shownError = await page.evaluate(() =>
          document.body.classList.contains('sb-show-errordisplay')
            ? (document.querySelector('#error-message')?.textContent ?? 'error')
            : null,
        );
        expect(shownError).toBeNull();

        const elements = await elementsInStory(page);
        expect(elements.length).toBeGreaterThan(0);
        for (const element of elements) {
          expect(element, element.tag).toEqual({
            tag: element.tag,
            upgraded: true,
            rendered: true,
          });
        }

        expect(await axeViolations(page, '#storybook-root')).toEqual([]);
        expect(tab.errors).toEqual([]);
        expect(await compareWithBaseline(page, story.id)).toBeNull();
      } finally {
        release(tab);
      }
    },
  );

  it('shows the banner in the Storybook manager (screenshot)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(`${server.url}/?path=/story/elements-flag-banner--looked-after-out-of-area`);
      await page
        .frameLocator('#storybook-preview-iframe')
        .locator('cpis-flag-banner[data-state="record-found"]')
        .waitFor({ timeout: 20_000 });
      await saveScreenshot(page, 'storybook.png');
    } finally {
      await page.close();
    }
  });
});
