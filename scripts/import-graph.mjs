// design.md, "Who imports whom", enforced: ESLint's own `no-restricted-imports`, one block
// per package, so `npm test` (`eslint .`) fails on a forbidden arrow. Every block also
// forbids reaching upward by relative path (into `stories/`, or into another package's
// `src/`): tests use a package's published entry or its `/testing` subpath.
const UPWARD = [
  { group: ['**/stories/**'], message: 'Nothing in a package imports a story or Storybook.' },
  {
    group: ['**/packages/*/src/**', '**/src/**'],
    message: 'Import another package by its name (or its /testing subpath), never into its src/.',
  },
];

const forbid = (names, message) => ({ group: names, message });

function block(files, patterns, options = {}) {
  return {
    files,
    ...(options.ignores && { ignores: options.ignores }),
    rules: { 'no-restricted-imports': ['error', { patterns: [...patterns, ...UPWARD] }] },
  };
}

const TESTS = ['**/*.test.ts', '**/*.test-helper.ts', '**/src/testing/**'];

export const importGraph = [
  block(
    ['packages/domain/src/**/*.ts'],
    [forbid(['@cpis/*', '@cpis/*/**'], 'The domain is pure rules: it imports nothing of ours.')],
  ),
  block(
    ['packages/population/src/**/*.ts'],
    [
      forbid(
        ['@cpis/*', '@cpis/*/**', '!@cpis/domain'],
        'The population stands on the domain only.',
      ),
    ],
  ),
  block(
    ['packages/service/src/**/*.ts'],
    [
      forbid(
        [
          '@cpis/sdk',
          '@cpis/sdk/**',
          '@cpis/elements',
          '@cpis/elements/**',
          '@cpis/mock',
          '@cpis/mock/**',
          '@cpis/server',
          '@cpis/server/**',
          'msw',
          'msw/**',
        ],
        'The service core sits under the server and the mock, beside the SDK.',
      ),
      forbid(
        ['node:*', 'fs', 'path', 'crypto', 'http'],
        'The core runs in browsers too: no Node modules (Web Crypto, Fetch).',
      ),
    ],
    { ignores: TESTS },
  ),
  block(
    ['packages/service/src/**/*.test.ts', 'packages/service/src/testing/**'],
    [
      forbid(
        [
          '@cpis/sdk',
          '@cpis/elements',
          '@cpis/mock',
          '@cpis/server',
          '@cpis/*/**',
          '!@cpis/domain',
          '!@cpis/population',
        ],
        'The core is tested on its own.',
      ),
    ],
  ),
  block(
    ['packages/sdk/src/**/*.ts'],
    [
      forbid(
        [
          '@cpis/service',
          '@cpis/service/**',
          '@cpis/server',
          '@cpis/server/**',
          '@cpis/elements',
          '@cpis/elements/**',
        ],
        'The SDK never imports the core, the server or the elements.',
      ),
    ],
  ),
  block(
    ['packages/elements/src/**/*.ts'],
    [
      forbid(
        [
          '@cpis/service',
          '@cpis/service/**',
          '@cpis/server',
          '@cpis/server/**',
          '@cpis/mock',
          '@cpis/mock/**',
          '@cpis/population',
          'msw',
          'msw/**',
        ],
        'The elements never import the core, the server or the mock (nor grow by them).',
      ),
    ],
    { ignores: TESTS },
  ),
  block(
    ['packages/elements/src/**/*.test.ts', 'packages/elements/src/**/*.test-helper.ts'],
    [
      forbid(
        ['@cpis/service', '@cpis/service/**', '@cpis/server', '@cpis/server/**'],
        'Element tests run on the mock, never the core or the server.',
      ),
    ],
  ),
  block(
    ['packages/mock/src/**/*.ts'],
    [
      forbid(
        ['@cpis/server', '@cpis/server/**', '@cpis/elements', '@cpis/elements/**'],
        'The mock never imports the server.',
      ),
    ],
  ),
  block(
    ['packages/server/src/**/*.ts'],
    [
      forbid(
        ['@cpis/elements', '@cpis/elements/**', '@cpis/mock', '@cpis/mock/**', 'msw', 'msw/**'],
        'The server serves the elements as files and never runs the mock (no msw at run time).',
      ),
    ],
    { ignores: TESTS },
  ),
  block(['test/**/*.ts', 'stories/**/*.ts', 'examples/**/*.ts'], []),
];
