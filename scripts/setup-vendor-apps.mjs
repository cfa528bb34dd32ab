#!/usr/bin/env node
// Set-up for test/vendor (the kit tried as a vendor tries it): installs, from the npm
// registry and before any test runs, every third-party package the throwaway apps need,
// pinned, into .vendor-apps/ (gitignored); and Node 24 from the npm package `node`. The
// test then installs the packed tarballs with `npm install --offline`, from npm's cache:
// nothing reaches beyond localhost while tests run. Re-running it is cheap when nothing
// changed (each folder remembers what it installed).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const VENDOR_DIR = join(root, '.vendor-apps');
export const NODE24_VERSION = '24.21.0';

/** What every app tree holds besides the kit's tarballs, by msw major. */
const tools = {
  typescript: '5.9.3',
  vite: '8.3.8',
  vitest: '4.1.12',
  jsdom: '29.1.1',
  'happy-dom': '21.0.4',
  react: '19.3.1',
  'react-dom': '19.3.1',
  '@types/react': '19.3.0',
  '@types/react-dom': '19.2.3',
};
export const MSW = { 2: '2.15.0', 3: '3.0.5' };

/** The kit's own runtime dependencies, as its packages pin them (the tarballs need them). */
function kitDependencies(names) {
  const deps = {};
  for (const name of names) {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
    for (const [dep, version] of Object.entries(pkg.dependencies ?? {})) {
      if (!dep.startsWith('@cpis/')) deps[dep] = version;
    }
  }
  return deps;
}

/**
 * The dependencies of one app tree: the tools, one msw, and the kit's own dependencies;
 * the tree for msw 2 also runs the server (better-sqlite3, compiled from source).
 */
export function treeDependencies(mswMajor) {
  const kit =
    mswMajor === 2
      ? ['domain', 'population', 'service', 'sdk', 'mock', 'elements', 'server']
      : ['domain', 'population', 'service', 'sdk', 'mock', 'elements'];
  return { kit, dependencies: { ...tools, msw: MSW[mswMajor], ...kitDependencies(kit) } };
}

/** Environment for every npm install here: compile better-sqlite3 against /usr's headers. */
export const npmEnv = {
  ...process.env,
  npm_config_nodedir: '/usr',
  npm_config_build_from_source: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

/** The Node 24 that the msw 3 apps run on (installed first, from the npm package `node`). */
export const NODE24 = join(VENDOR_DIR, 'node24', 'node_modules', '.bin', 'node');

/**
 * How to run npm for an app tree: msw 3's tree runs on Node 24 only, and its packages
 * declare Node 22, so npm runs on that Node 24 there (npm 11 checks `engines` against the
 * Node it runs on, and would warn EBADENGINE on Node 20 for an app that never runs on it).
 * Answers `[command, ...leading arguments]`.
 */
export function npmFor(mswMajor) {
  if (mswMajor !== 3 || !existsSync(NODE24)) return ['npm'];
  const cli = [
    process.env.npm_execpath,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ].find((path) => path !== undefined && path.endsWith('npm-cli.js') && existsSync(path));
  return cli === undefined ? ['npm'] : [NODE24, cli];
}

function install(dir, pkg, npm = ['npm']) {
  mkdirSync(dir, { recursive: true });
  const wanted = JSON.stringify(pkg, null, 2);
  const stamp = join(dir, '.installed');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) {
    console.log(`${dir}: up to date`);
    return;
  }
  writeFileSync(join(dir, 'package.json'), wanted);
  console.log(`${dir}: npm install`);
  const [command, ...leading] = npm;
  const result = spawnSync(command, [...leading, 'install', '--no-package-lock'], {
    cwd: dir,
    stdio: 'inherit',
    env: npmEnv,
  });
  if (result.status !== 0) throw new Error(`npm install failed in ${dir}`);
  writeFileSync(stamp, wanted);
}

function main() {
  install(join(VENDOR_DIR, 'node24'), {
    name: 'node24',
    private: true,
    dependencies: { node: NODE24_VERSION },
  });
  for (const major of [2, 3]) {
    const { dependencies } = treeDependencies(major);
    install(
      join(VENDOR_DIR, `cache-msw${major}`),
      { name: `cache-msw${major}`, private: true, dependencies },
      npmFor(major),
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
