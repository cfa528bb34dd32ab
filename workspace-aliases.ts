import { fileURLToPath } from 'node:url';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * `@cpis/*` resolved to source, the same map as tsconfig's `paths`, so that Vitest,
 * Storybook and tsc all see one copy of each package (toolchain.md F17).
 * Ordered most specific first: Vite matches aliases in order.
 */
export const workspaceAliases = [
  { find: '@cpis/sdk/stream', replacement: here('./packages/sdk/src/stream.ts') },
  { find: '@cpis/sdk/fhir', replacement: here('./packages/sdk/src/fhir.ts') },
  { find: '@cpis/sdk/patient-flags', replacement: here('./packages/sdk/src/patient-flags.ts') },
  { find: '@cpis/server/testing', replacement: here('./packages/server/src/testing/index.ts') },
  { find: '@cpis/service/testing', replacement: here('./packages/service/src/testing/index.ts') },
  { find: '@cpis/mock/fixtures', replacement: here('./packages/mock/src/fixtures.ts') },
  { find: '@cpis/elements/define', replacement: here('./packages/elements/src/define.ts') },
  { find: '@cpis/elements/react', replacement: here('./packages/elements/src/react/index.ts') },
  { find: /^@cpis\/domain$/, replacement: here('./packages/domain/src/index.ts') },
  { find: /^@cpis\/population$/, replacement: here('./packages/population/src/index.ts') },
  { find: /^@cpis\/service$/, replacement: here('./packages/service/src/index.ts') },
  { find: /^@cpis\/sdk$/, replacement: here('./packages/sdk/src/index.ts') },
  { find: /^@cpis\/mock$/, replacement: here('./packages/mock/src/index.ts') },
  { find: /^@cpis\/elements$/, replacement: here('./packages/elements/src/index.ts') },
  { find: /^@cpis\/server$/, replacement: here('./packages/server/src/index.ts') },
];
