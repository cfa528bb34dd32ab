/**
 * `npm run docs` builds one static site: Storybook, the TypeDoc API reference of the SDK
 * and the domain, and a page per element from the manifest, all linked from reference.html.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const out = join(mkdtempSync(join(tmpdir(), 'cpis-docs-')), 'site');
const read = (path: string): string => readFileSync(join(out, path), 'utf8');

beforeAll(() => {
  const result = spawnSync('node', ['scripts/docs.mjs', out], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`npm run docs failed:\n${result.stdout}\n${result.stderr}`);
}, 300_000);

describe('the documentation site (npm run docs)', () => {
  it('has Storybook at its root, with every element story in its index', () => {
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    const index = JSON.parse(read('index.json')) as { entries: Record<string, { title: string }> };
    const titles = new Set(Object.values(index.entries).map((e) => e.title));
    expect([...titles].join(' ')).toMatch(/banner/i);
  });

  it('has API pages for @cpis/sdk, @cpis/sdk/stream and @cpis/domain', () => {
    const api = read('api/index.html');
    for (const name of ['@cpis/sdk', '@cpis/sdk/stream', '@cpis/domain'])
      expect(api).toContain(name);
    const functions = readdirSync(join(out, 'api', 'functions')).join(' ');
    for (const fn of ['createCpisClient', 'withStream', 'isValidNhsNumber', 'isPlanVisible']) {
      expect(functions).toContain(`.${fn}.html`);
    }
    const classes = readdirSync(join(out, 'api', 'classes')).join(' ');
    expect(classes).toContain('CpisApiError');
  });

  it('has a page per element from the manifest, with its attributes and events', () => {
    const banner = read('elements/cpis-flag-banner.html');
    for (const text of ['nhs-number', 'access-context', 'auto-check', 'cpis-check-complete']) {
      expect(banner).toContain(text);
    }
    for (const tag of [
      'cpis-access-reason-dialog',
      'cpis-access-history',
      'cpis-notification-inbox',
    ]) {
      expect(existsSync(join(out, 'elements', `${tag}.html`))).toBe(true);
    }
  });

  it('links Storybook, the API and every element page from reference.html', () => {
    const reference = read('reference.html');
    expect(reference).toContain('href="./index.html"');
    expect(reference).toContain('href="./api/index.html"');
    expect(reference.match(/href="\.\/elements\/cpis-[a-z-]+\.html"/g)).toHaveLength(4);
  });
});
