import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROBLEM_KINDS } from '@cpis/domain';
import { describe, expect, it } from 'vitest';
import * as sdk from './index.js';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

describe('the SDK README', () => {
  it('has a row for every problem type in the registry, with its status', () => {
    const missing = Object.entries(PROBLEM_KINDS)
      .filter(([kind, { status }]) => {
        const row = readme.split('\n').find((line) => line.includes(`:${kind}\``));
        return row === undefined || !row.startsWith(`| ${status} |`);
      })
      .map(([kind]) => kind);
    expect(missing).toEqual([]);
  });

  it('names every error class the SDK exports', () => {
    const classes = Object.keys(sdk).filter((name) => /^Cpis[A-Za-z]*Error$/.test(name));
    expect(classes.length).toBeGreaterThanOrEqual(6);
    expect(classes.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
