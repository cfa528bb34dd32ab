// Which Vitest project runs which test files; read by vitest.config.ts and by
// check-test-projects.mjs, so the two can never disagree.
export const projectIncludes = {
  node: [
    'packages/domain/src/**/*.test.ts',
    'packages/sdk/src/**/*.test.ts',
    'packages/population/src/**/*.test.ts',
    'packages/service/src/**/*.test.ts',
    'packages/mock/src/**/*.test.ts',
    'packages/server/src/**/*.test.ts',
    'test/contract/**/*.test.ts',
    'test/conformance/**/*.test.ts',
    'test/reliability/**/*.test.ts',
    'test/safety/**/*.test.ts',
    'test/repo/**/*.test.ts',
  ],
  browser: ['packages/elements/src/**/*.test.ts', 'test/browser/**/*.test.ts'],
  e2e: ['test/e2e/**/*.test.ts'],
};
