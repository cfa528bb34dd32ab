import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './reference-server.ts';

export const storybookStatic = join(repoRoot, 'storybook-static');

/** What a Storybook build is made from: its config, the stories and the packages' sources. */
const inputs = [
  'stories',
  'packages/elements/src',
  'packages/elements/custom-elements.json',
  'packages/sdk/src',
  'packages/mock/src',
  // The mock answers every story through the service core and its synthetic population.
  'packages/service/src',
  'packages/population/src',
  'packages/domain/src',
  'workspace-aliases.ts',
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Builds the static Storybook unless `storybook-static/` is newer than everything it is
 * built from (a designer's `npm run build-storybook` a moment ago is reused).
 */
export function ensureStorybookBuilt(): void {
  const index = join(storybookStatic, 'index.json');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const source = Math.max(...inputs.map((input) => newestMtime(join(repoRoot, input))));
  if (built > source) return;
  const build = spawnSync(
    'npx',
    ['storybook', 'build', '-c', 'stories/.storybook', '-o', 'storybook-static', '--quiet'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 180_000,
      env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1', CI: 'true' },
    },
  );
  if (build.status !== 0) {
    throw new Error(`storybook build failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
  }
}
