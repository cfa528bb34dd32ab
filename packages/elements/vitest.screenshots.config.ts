import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { workspaceAliases } from '../../workspace-aliases.ts';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.ts';

/**
 * Writes the banner screenshots in docs/images: `npx vitest run -c
 * packages/elements/vitest.screenshots.config.ts`. Not part of `npm test` (the files are
 * `*.screenshots.ts`, which no test project includes), because a run rewrites the images.
 */
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['packages/elements/screenshots/**/*.screenshots.ts'],
    root: fileURLToPath(new URL('../..', import.meta.url)),
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      viewport: { width: 760, height: 900 },
      provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
