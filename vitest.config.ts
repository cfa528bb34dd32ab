import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { workspaceAliases } from './workspace-aliases.ts';
import { chromiumArgs, chromiumPath } from './scripts/chromium.ts';

import { projectIncludes } from './scripts/test-projects.mjs';

// One run, every kind of test; scripts/check-test-projects.mjs fails `npm test` when a
// `*.test.ts` file is in no project.

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: [...projectIncludes.node],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: [...projectIncludes.browser],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: [...projectIncludes.e2e],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
