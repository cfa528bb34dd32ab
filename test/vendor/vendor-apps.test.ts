/**
 * The kit tried as an EPR vendor tries it: every package packed with `npm pack`, the
 * tarballs installed together into fresh app trees (one with msw 2, one with msw 3), and
 * in them a plain Vite + strict TypeScript app, a React 19 app, Node ESM and CommonJS
 * scripts and a Vitest suite in jsdom and happy-dom: type-checked, built and run, on
 * Node 20 and on Node 24. The third-party packages come from npm's cache, put there by
 * `node scripts/setup-vendor-apps.mjs` before the tests: the installs here are --offline.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.ts';
import {
  NODE24,
  NODE24_VERSION,
  VENDOR_DIR,
  npmEnv,
  npmFor,
  treeDependencies,
} from '../../scripts/setup-vendor-apps.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apps = fileURLToPath(new URL('./apps', import.meta.url));
const work = join(VENDOR_DIR, 'run');
const tarballs = join(work, 'tarballs');
const node24 = NODE24;
const nodes = { 20: process.execPath, 24: node24 } as const;
const KIT = ['domain', 'population', 'service', 'sdk', 'mock', 'elements', 'server'];
const MINUTES = 60_000;

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = npmEnv,
): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 10 * MINUTES });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} in ${cwd} exited ${result.status}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

const tree = (major: 2 | 3): string => join(work, `msw${major}`);
const bin = (major: 2 | 3, name: string): string => join(tree(major), 'node_modules', name);

beforeAll(() => {
  for (const name of KIT) {
    if (!existsSync(join(root, 'packages', name, 'dist'))) {
      throw new Error(`packages/${name} is not built: run npm run build first`);
    }
  }
  if (!existsSync(node24) || !existsSync(join(VENDOR_DIR, 'cache-msw3', '.installed'))) {
    throw new Error('run node scripts/setup-vendor-apps.mjs first (npm test does)');
  }
  rmSync(work, { recursive: true, force: true });
  mkdirSync(tarballs, { recursive: true });
  for (const name of KIT) {
    run('npm', ['pack', '--pack-destination', tarballs, '--offline'], join(root, 'packages', name));
  }
  const packed = readdirSync(tarballs);
  for (const major of [2, 3] as const) {
    const { kit, dependencies } = treeDependencies(major);
    const own = Object.fromEntries(
      kit.map((name) => {
        const file = packed.find((f) => f.startsWith(`cpis-${name}-`));
        return [`@cpis/${name}`, `file:${join(tarballs, file ?? 'missing')}`];
      }),
    );
    mkdirSync(tree(major), { recursive: true });
    writeFileSync(
      join(tree(major), 'package.json'),
      JSON.stringify({
        name: `vendor-msw${major}`,
        private: true,
        type: 'module',
        dependencies: { ...dependencies, ...own },
      }),
    );
    const [npm, ...leading] = npmFor(major);
    run(npm, [...leading, 'install', '--offline', '--no-package-lock'], tree(major));
    cpSync(apps, tree(major), { recursive: true });
  }
}, 20 * MINUTES);

afterAll(() => {
  // The trees stay for a look after a failure; the next run starts afresh.
});

describe('the packed kit in a vendor app', () => {
  it(
    'passes publint and arethetypeswrong on every tarball',
    () => {
      for (const file of readdirSync(tarballs)) {
        const name = /^cpis-([a-z]+)-/.exec(file)?.[1] ?? '';
        run('npx', ['publint', join(tree(2), 'node_modules', '@cpis', name), '--strict'], root);
        if (name === 'server') continue;
        const attw =
          name === 'elements'
            ? [
                '--ignore-rules',
                'cjs-resolves-to-esm',
                '--exclude-entrypoints',
                './html-custom-data.json',
              ]
            : [];
        run('npx', ['attw', join(tarballs, file), ...attw, '--format', 'ascii'], root);
      }
    },
    5 * MINUTES,
  );

  it(
    'type-checks a plain Vite app in strict TypeScript, and subpaths under moduleResolution node',
    () => {
      const app = join(tree(2), 'vite-ts');
      run(process.execPath, [bin(2, 'typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
      run(process.execPath, [bin(2, 'typescript/bin/tsc'), '-p', 'tsconfig.node10.json'], app);
    },
    2 * MINUTES,
  );

  it(
    'type-checks a React 19 app: the wrappers, and raw tags typed from the manifest',
    () => {
      run(
        process.execPath,
        [bin(2, 'typescript/bin/tsc'), '-p', 'tsconfig.json'],
        join(tree(2), 'react'),
      );
    },
    2 * MINUTES,
  );

  for (const app of ['vite-ts', 'react']) {
    it(
      `builds the ${app} app with Vite and shows the record in Chromium`,
      async () => {
        const dir = join(tree(2), app);
        run(process.execPath, [bin(2, 'vite/bin/vite.js'), 'build', '--logLevel', 'warn'], dir);
        const states = await statesInChromium(join(dir, 'dist'));
        expect(states).toEqual(
          app === 'react' ? ['record-found', 'record-found', 'record-found'] : ['record-found'],
        );
      },
      3 * MINUTES,
    );
  }

  for (const version of [20, 24] as const) {
    it(
      `runs Node ESM and CommonJS scripts on Node ${version}`,
      () => {
        const dir = join(tree(2), 'node');
        // The server's better-sqlite3 is compiled for this machine's Node 20.
        const env = { ...process.env, CPIS_VENDOR_SERVER: version === 20 ? '1' : '0' };
        const esm = run(nodes[version], ['check.mjs'], dir, env).stdout;
        const cjs = run(nodes[version], ['check.cjs'], dir, env).stdout;
        expect(run(nodes[version], ['--version'], dir).stdout.trim()).toBe(
          version === 20 ? process.version : `v${NODE24_VERSION}`,
        );
        expect(esm).toContain('esm mock record-found true function');
        if (version === 20) expect(esm).toContain('esm server record-found off:');
        expect(cjs).toContain('cjs mock no-record true function');
      },
      3 * MINUTES,
    );

    // msw 3 needs Node 22.12 (on Node 20 its getResponse fails: Promise.withResolvers).
    for (const major of version === 20 ? ([2] as const) : ([2, 3] as const)) {
      it(
        `runs Vitest in jsdom and happy-dom with msw ${major} on Node ${version}`,
        () => {
          const result = run(
            nodes[version],
            [bin(major, 'vitest/vitest.mjs'), 'run', '--reporter=dot'],
            join(tree(major), 'vitest'),
            { ...process.env, EXPECTED_MSW_MAJOR: String(major), CI: 'true' },
          );
          expect(result.stdout).toMatch(/2 passed/);
        },
        3 * MINUTES,
      );
    }
  }
});

/** Serves `dist` on a loopback port and reads each banner's data-state once it settles. */
async function statesInChromium(dist: string): Promise<string[]> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    readFile(join(dist, path === '/' ? 'index.html' : path)).then(
      (body) =>
        response
          .writeHead(200, {
            'content-type': types[extname(path) || '.html'] ?? 'application/octet-stream',
          })
          .end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(
      () => {
        const banners = [...document.querySelectorAll('cpis-flag-banner:not([hidden])')];
        return (
          banners.length > 0 &&
          banners.every(
            (b) => !['checking', 'not-checked', null].includes(b.getAttribute('data-state')),
          )
        );
      },
      undefined,
      { timeout: 30_000 },
    );
    expect(errors).toEqual([]);
    const states = await page.$$eval('cpis-flag-banner:not([hidden])', (banners) =>
      banners.map((b) => b.getAttribute('data-state') ?? ''),
    );
    const outcomes = await page.$eval('#outcomes', (o) => o.textContent).catch(() => null);
    return outcomes === null
      ? states
      : [
          ...states,
          outcomes === 'record-found record-found' ? 'record-found' : `outcomes: ${outcomes}`,
        ];
  } finally {
    await browser.close();
    server.close();
  }
}
