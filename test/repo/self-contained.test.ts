/**
 * The project stands on its own: a clone with nothing beside it must build, test and read
 * its docs. Nothing it tracks may name a path outside the repository, and no package in the
 * lockfile may need a newer Node than the kit says it supports (npm would warn EBADENGINE).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tracked = execFileSync(
  'git',
  ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
  {
    cwd: root,
    encoding: 'utf8',
  },
)
  .split('\0')
  .filter((file) => file !== '')
  // Public fixtures are kept byte for byte as published; their SOURCES.md names upstream paths.
  .filter((file) => !file.startsWith('test/fixtures/external/'))
  .filter((file) => !/\.(png|jpe?g|gif|ico|woff2?)$/.test(file));

const text = (file: string): string => {
  try {
    return readFileSync(resolve(root, file), 'utf8');
  } catch {
    return ''; // deleted in the working tree but still in the index
  }
};

/** The workplace folder beside the clone (by a relative path upward), or an absolute workplace path. */
const OUTSIDE = /(?:\.\.\/)+shared\/|(?<![\w.])\/work\/(?:main|shared)\b/;

/** Relative paths in source that climb out of the repository from the file that names them. */
const RELATIVE_PATH = /['"`]((?:\.\.\/)+[^'"`\s]*)['"`]/g;

describe('the repository is self-contained', () => {
  it('names no path outside the repository in any tracked file', () => {
    const offenders = tracked
      .filter((file) => file !== 'test/repo/self-contained.test.ts')
      .flatMap((file) =>
        text(file)
          .split('\n')
          .map((line, index) => ({ file, line: index + 1, text: line }))
          .filter(({ text: line }) => OUTSIDE.test(line)),
      )
      .map(({ file, line, text: content }) => `${file}:${line}: ${content.trim()}`);
    expect(offenders).toEqual([]);
  });

  it('has no relative path in code that climbs out of the repository', () => {
    const offenders: string[] = [];
    for (const file of tracked.filter((f) => /\.(?:[cm]?[jt]sx?)$/.test(f))) {
      for (const match of text(file).matchAll(RELATIVE_PATH)) {
        const target = resolve(root, dirname(file), match[1] ?? '');
        if (relative(root, target).startsWith('..')) offenders.push(`${file}: ${match[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('carries the public fixtures its tests read, with their sources', () => {
    const sources = readFileSync(resolve(root, 'test/fixtures/external/SOURCES.md'), 'utf8');
    expect(sources).toContain('nhs-numbers.json');
    const vectors = JSON.parse(
      readFileSync(resolve(root, 'test/fixtures/external/nhs-numbers.json'), 'utf8'),
    ) as { valid: string[]; invalid: string[] };
    expect(vectors.valid.length).toBeGreaterThan(20);
  });
});

describe('every installed package runs on the Node versions the kit claims', () => {
  const claimed = (
    JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
      engines: { node: string };
    }
  ).engines.node;
  const lock = JSON.parse(readFileSync(resolve(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
  };
  // The oldest Node 20 the kit supports and this machine's Node; npm warns EBADENGINE when
  // the running Node is outside a package's range.
  const nodes = ['20.19.0', process.versions.node];

  it.each(nodes)('the claimed engines include Node %s', (version) => {
    expect(semver.satisfies(version, claimed)).toBe(true);
  });

  it('no package in the lockfile needs a newer Node than 20.19 (no EBADENGINE)', () => {
    const offenders = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        if (range === undefined) return [];
        return nodes
          .filter((version) => !semver.satisfies(version, range, { includePrerelease: true }))
          .map((version) => `${path} needs node ${range} (not ${version})`);
      });
    expect(offenders).toEqual([]);
  });
});
