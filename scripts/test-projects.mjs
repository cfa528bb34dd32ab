// Which Vitest project runs which test files; read by vitest.config.ts and by
// check-test-projects.mjs, so the two can never disagree.
export const projectIncludes = {
  node: [
    'packages/domain/src/**/*.test.ts',
    'packages/sdk/src/**/*.test.ts',
    'packages/population/src/**/*.test.ts',
    'packages/service/src/**/*.test.ts',
    // The mock's tests in Node (and jsdom, happy-dom); those in chromium/ run in the browser.
    'packages/mock/src/*.test.ts',
    'packages/server/src/**/*.test.ts',
    'test/contract/**/*.test.ts',
    'test/conformance/**/*.test.ts',
    'test/reliability/**/*.test.ts',
    'test/safety/**/*.test.ts',
    'test/repo/**/*.test.ts',
  ],
  browser: [
    'packages/elements/src/**/*.test.ts',
    'packages/mock/src/chromium/**/*.test.ts',
    'test/browser/**/*.test.ts',
  ],
  e2e: ['test/e2e/**/*.test.ts', 'test/vendor/**/*.test.ts', 'test/docs/**/*.test.ts'],
};
