// The banner in Chromium (Debian's, as the e2e tests use it): its update after a result
// arrives and its cold first render, each against the same banner as a plain innerHTML
// template (bench/banner-page.js). Results are real answers of the server.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';

const PAGE_URL = 'http://localhost/bench-banner';

async function pageScript() {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./banner-page.js', import.meta.url))],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** `results`: real CheckResults (record found, no record); `numbers`: NHS numbers to show. */
export async function measureBanner({ results, numbers, updates, coldPages }) {
  const script = await pageScript();
  const html = `<!doctype html><html lang="en"><body><script type="module">${script.replaceAll('</script', '<\\/script')}</script></body></html>`;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: chromiumArgs,
    timeout: 30_000,
  });
  try {
    const open = async () => {
      const page = await browser.newPage();
      page.on('pageerror', (error) => process.stderr.write(`banner page: ${error.message}\n`));
      // No request leaves the page: the page itself is answered here (localhost, so a
      // secure context: the banner uses crypto.randomUUID), anything else is refused.
      await page.route('**/*', (route) =>
        route.request().url() === PAGE_URL
          ? route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' })
          : route.abort(),
      );
      await page.goto(PAGE_URL);
      await page.waitForFunction(() => typeof window.benchUpdates === 'function', null, {
        timeout: 30_000,
      });
      return page;
    };
    const page = await open();
    const update = await page.evaluate(
      ([r, n, u]) => window.benchUpdates(r, n, u),
      [results, numbers, updates],
    );
    await page.close();
    const cold = { lit: [], plain: [] };
    for (let i = 0; i < coldPages; i++) {
      for (const kind of ['lit', 'plain']) {
        const fresh = await open();
        cold[kind].push(
          await fresh.evaluate(([k, r]) => window.benchFirstRender(k, r), [kind, results[0]]),
        );
        await fresh.close();
      }
    }
    const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
    return {
      updates,
      update,
      coldPages,
      cold: { lit: median(cold.lit), plain: median(cold.plain) },
    };
  } finally {
    await browser.close();
  }
}
