#!/usr/bin/env node
// The published shape of every package, as a vendor receives it: the metadata npm shows
// (licence, repository, engines, internal ranges), what the tarball holds (LICENSE, README,
// the build), `npm publish --dry-run` without a warning, publint, and, for the packages
// libraries, arethetypeswrong (types resolve under every module mode, node10 included), and
// custom-elements.json names only shipped files.
// Run after `npm run build`. Offline: nothing here reaches the registry.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// attw's arguments per package: every resolution mode, node10 (`moduleResolution: "node"`)
// included, which `typesVersions` serves. The elements are ESM only, so CJS `require` is
// not a mode for them (cjs-resolves-to-esm); their VS Code custom data is JSON for editors, not for imports.
export const packages = [
  { dir: 'packages/domain', attw: [] },
  { dir: 'packages/population', attw: [] },
  { dir: 'packages/service', attw: [] },
  { dir: 'packages/sdk', attw: [] },
  { dir: 'packages/mock', attw: [] },
  {
    dir: 'packages/elements',
    attw: [
      '--ignore-rules',
      'cjs-resolves-to-esm',
      '--exclude-entrypoints',
      './html-custom-data.json',
    ],
  },
  { dir: 'packages/server', attw: null },
];

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const root = readJson('package.json');
const licence = readFileSync('LICENSE', 'utf8');
// npm says this on every dry run without a login; publishing needs one, checking does not.
const NOT_LOGGED_IN = /requires you to be logged in/;

/** What is wrong with `dir`'s package.json, LICENSE and README: one line per problem. */
export function metadataProblems(dir) {
  const pkg = readJson(`${dir}/package.json`);
  const problems = [];
  const expect = (ok, what) => ok || problems.push(`${pkg.name}: ${what}`);
  expect(pkg.license === root.license, `license is not the root's ${root.license}`);
  expect(pkg.engines?.node === root.engines.node, `engines.node is not "${root.engines.node}"`);
  expect(pkg.repository?.url === root.repository.url, 'repository.url is not the root repository');
  expect(pkg.repository?.directory === dir, `repository.directory is not "${dir}"`);
  expect(pkg.homepage?.startsWith(root.repository.url.replace(/^git\+|\.git$/g, '')), 'homepage');
  expect(pkg.bugs?.url === root.bugs.url, 'bugs.url is not the root one');
  expect(pkg.publishConfig?.access === 'public', 'publishConfig.access is not public');
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (name.startsWith('@cpis/')) {
        expect(/^\^\d+\.\d+\.\d+$/.test(range), `${field}.${name} is "${range}", not a ^ range`);
      }
    }
  }
  let own = '';
  try {
    own = readFileSync(`${dir}/LICENSE`, 'utf8');
  } catch {
    // reported below
  }
  expect(own === licence, 'LICENSE is missing or differs from the root LICENSE');
  return problems;
}

/** The files `npm pack` would put in `dir`'s tarball, and the warnings of a dry-run publish. */
export function packResult(dir) {
  const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--offline'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const files = JSON.parse(pack.stdout)[0].files.map((f) => f.path);
  const publish = spawnSync('npm', ['publish', '--dry-run', '--offline'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const warnings = publish.stderr
    .split('\n')
    .filter((line) => /^npm (warn|error|ERR)/i.test(line) && !NOT_LOGGED_IN.test(line));
  return { files, warnings, publishStatus: publish.status };
}

/** Module paths in `custom-elements.json` that are not in the tarball, or are sources. */
export function manifestProblems(dir, files) {
  const manifest = readJson(`${dir}/custom-elements.json`);
  const paths = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      if (typeof node.path === 'string') paths.add(node.path);
      if (typeof node.module === 'string') paths.add(node.module);
      Object.values(node).forEach(visit);
    }
  };
  visit(manifest.modules);
  return [...paths]
    .filter((path) => !files.includes(path) || !path.startsWith('dist/'))
    .map((path) => `custom-elements.json names ${path}, which the tarball does not ship`);
}

function main() {
  let ok = true;
  const fail = (message) => {
    console.error(`✗ ${message}`);
    ok = false;
  };
  for (const { dir, attw } of packages) {
    for (const problem of metadataProblems(dir)) fail(problem);
    const { files, warnings, publishStatus } = packResult(dir);
    for (const needed of ['LICENSE', 'README.md', 'package.json']) {
      if (!files.includes(needed)) fail(`${dir}: the tarball has no ${needed}`);
    }
    if (files.includes('custom-elements.json')) {
      for (const problem of manifestProblems(dir, files)) fail(`${dir}: ${problem}`);
    }
    if (publishStatus !== 0) fail(`${dir}: npm publish --dry-run exited ${publishStatus}`);
    for (const warning of warnings) fail(`${dir}: npm publish --dry-run: ${warning}`);

    const lint = spawnSync('npx', ['publint', dir, '--strict'], { stdio: 'inherit' });
    if (lint.status !== 0) fail(`${dir}: publint`);
    if (attw) {
      const types = spawnSync(
        'npx',
        ['attw', '--pack', dir, ...attw, '--format', 'table-flipped'],
        {
          stdio: 'inherit',
        },
      );
      if (types.status !== 0) fail(`${dir}: arethetypeswrong`);
    }
  }
  if (ok) console.log(`${packages.length} packages: metadata, tarballs and dry-run publish clean`);
  process.exit(ok ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
