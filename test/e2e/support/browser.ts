import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.ts';

/** Debian's Chromium, never a downloaded build (toolchain.md F13). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, timeout: 30_000 });
}

/**
 * Every console error and uncaught exception a page reports, as text, in order. Chromium's
 * own request for `/favicon.ico` (a page without an icon link) is not the page's error.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url } = message.location();
    if (new URL(url || 'about:blank').pathname === '/favicon.ico') return;
    errors.push(`console.error: ${message.text()}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.x A and AA, 2.2 included) over `selector` in the page, shadow roots
 * included, and returns its violations in a form that reads well in a test failure.
 */
export async function axeViolations(page: Page, selector: string): Promise<AxeViolation[]> {
  // Our own copy under our own name: Storybook's a11y addon bundles another axe, and one
  // axe instance refuses to run twice at once. Evaluated, not a <script>: the pages under
  // test keep their Content-Security-Policy (no inline scripts).
  if (!(await page.evaluate(() => '__cpisAxe' in window))) {
    await page.evaluate(
      `(() => { const prior = window.axe;\n${axeSource}\nwindow.__cpisAxe = window.axe; if (prior) window.axe = prior; })();`,
    );
  }
  return page.evaluate(async (context) => {
    const { __cpisAxe: axe } = window as unknown as {
      __cpisAxe: {
        run(
          context: string,
          options: object,
        ): Promise<{
          violations: {
            id: string;
            impact: string | null;
            help: string;
            nodes: { target: unknown[] }[];
          }[];
        }>;
      };
    };
    const result = await axe.run(context, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  }, selector);
}
