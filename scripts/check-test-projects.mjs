#!/usr/bin/env node
// A test that no Vitest project runs is a test that silently never ran: fail when any
// `*.test.ts` in the repository is matched by no project, or by more than one.
import { execFileSync } from 'node:child_process';
import { projectIncludes } from './test-projects.mjs';

const files = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '*.test.ts'],
  {
    encoding: 'utf8',
  },
)
  .split('\n')
  .filter(Boolean);

/** Glob to RegExp for the patterns we use: `**` (any depth), `*` (within a segment). */
const toRegExp = (glob) =>
  new RegExp(
    '^' +
      glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\//g, '(?:.*/)?')
        .replace(/\*/g, '[^/]*') +
      '$',
  );

const projects = Object.entries(projectIncludes).map(([name, globs]) => ({
  name,
  patterns: globs.map(toRegExp),
}));
const problems = [];
for (const file of files) {
  const owners = projects.filter((p) => p.patterns.some((re) => re.test(file))).map((p) => p.name);
  if (owners.length === 0) problems.push(`${file}: in no Vitest project`);
  if (owners.length > 1) problems.push(`${file}: in several projects (${owners.join(', ')})`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`${files.length} test files, each in exactly one Vitest project`);
