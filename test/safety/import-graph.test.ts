/**
 * design.md's import graph is enforced by ESLint (`scripts/import-graph.mjs`, in `npm test`):
 * each forbidden arrow, written into a file where it would live, is an error; the arrows
 * the design draws are not.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../../', import.meta.url).pathname });

async function refused(filePath: string, specifier: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import '${specifier}';\n`, { filePath });
  return (result?.messages ?? []).some((m) => m.ruleId === 'no-restricted-imports');
}

describe('the import graph', () => {
  it.each([
    ['packages/domain/src/x.ts', '@cpis/sdk', 'the domain importing anything of ours'],
    ['packages/domain/src/x.ts', '@cpis/population', 'the domain importing anything of ours'],
    ['packages/sdk/src/x.ts', '@cpis/server', 'the SDK importing the server'],
    ['packages/sdk/src/x.ts', '@cpis/elements', 'the SDK importing the elements'],
    ['packages/sdk/src/x.ts', '@cpis/service', 'the SDK importing the core'],
    ['packages/elements/src/x.ts', '@cpis/mock', 'the elements importing the mock'],
    ['packages/elements/src/x.ts', '@cpis/server', 'the elements importing the server'],
    ['packages/elements/src/x.ts', '@cpis/service', 'the elements importing the core'],
    ['packages/mock/src/x.ts', '@cpis/server', 'the mock importing the server'],
    ['packages/server/src/x.ts', 'msw', 'the server running msw'],
    ['packages/server/src/x.ts', '@cpis/mock/fixtures', 'the server importing the mock'],
    ['packages/service/src/x.ts', 'node:crypto', 'the core importing Node'],
    ['packages/population/src/x.ts', '@cpis/mock', 'the population importing the mock'],
    ['packages/elements/src/x.ts', '../../stories/.storybook/cpis.ts', 'a story import'],
    ['packages/mock/src/x.ts', '../../server/src/app.ts', 'a package into another’s src/'],
    ['test/reliability/x.test.ts', '../../packages/server/src/app.ts', 'a test into src/'],
  ])('refuses %s importing %s (%s)', async (file, specifier) => {
    expect(await refused(file, specifier)).toBe(true);
  });

  it.each([
    ['packages/sdk/src/x.ts', '@cpis/domain'],
    ['packages/elements/src/x.ts', '@cpis/sdk'],
    ['packages/service/src/x.ts', '@cpis/population'],
    ['packages/mock/src/x.ts', '@cpis/service'],
    ['packages/server/src/x.ts', '@cpis/service'],
    ['packages/population/src/x.ts', '@cpis/domain'],
    ['test/reliability/x.test.ts', '@cpis/server/testing'],
    ['stories/elements/x.stories.ts', '@cpis/mock'],
  ])('allows %s importing %s', async (file, specifier) => {
    expect(await refused(file, specifier)).toBe(false);
  });
});
