#!/usr/bin/env node
// The published shape of each library package: publint (exports, files) and, for the
// packages with CJS builds, arethetypeswrong (types resolve under every module mode).
import { spawnSync } from 'node:child_process';

const packages = [
  { dir: 'packages/domain', attw: true },
  { dir: 'packages/population', attw: true },
  { dir: 'packages/service', attw: true },
  { dir: 'packages/sdk', attw: true },
  { dir: 'packages/mock', attw: true },
  { dir: 'packages/elements', attw: false },
];
let ok = true;
for (const { dir, attw } of packages) {
  const lint = spawnSync('npx', ['publint', dir, '--strict'], { stdio: 'inherit' });
  ok &&= lint.status === 0;
  if (attw) {
    const types = spawnSync(
      'npx',
      ['attw', '--pack', dir, '--profile', 'node16', '--format', 'table-flipped'],
      {
        stdio: 'inherit',
      },
    );
    ok &&= types.status === 0;
  }
}
process.exit(ok ? 0 : 1);
