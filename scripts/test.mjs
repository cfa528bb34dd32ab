#!/usr/bin/env node
// `npm test`: every check the project has, then every Vitest project in one run, then the
// closing line CI reads: `N passed, N failed`, summed over all projects from Vitest's JSON.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import pg from 'pg';

/** The database `scripts/setup-system.sh` creates in the local cluster it starts. */
const LOCAL_DATABASE_URL = 'postgres://cpis:cpis@127.0.0.1:5432/cpis';
/** As root, set-up installs and starts everything the suites need: a skip is a defect. */
const SKIPS_FAIL = process.env.CI === 'true' || process.getuid?.() === 0;

/** Whether a database answers at `url`, within a few seconds. */
async function answers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const report = '.vitest-report.json';
const steps = [
  ['system packages (Chromium, PostgreSQL)', 'bash', ['scripts/setup-system.sh']],
  ['contract lint (Redocly)', 'npx', ['redocly', 'lint', 'openapi/cpis.yaml', '--format=stylish']],
  ['every test file in a project', 'node', ['scripts/check-test-projects.mjs']],
  ['format (Prettier)', 'npx', ['prettier', '--check', '.']],
  ['lint (ESLint)', 'npx', ['eslint', '.']],
  ['type check (tsc)', 'npx', ['tsc', '-p', 'tsconfig.json']],
  ['build every package', 'npm', ['run', 'build']],
  ['package exports (publint, arethetypeswrong)', 'node', ['scripts/check-packages.mjs']],
  ['size budgets (size-limit)', 'npx', ['size-limit']],
];

const failed = [];
for (const [title, command, args] of steps) {
  console.log(`\n▶ ${title}`);
  const { status } = spawnSync(command, args, { stdio: 'inherit' });
  if (status !== 0) failed.push(title);
}

// The PostgreSQL suites run on the cluster set-up started, unless another is named.
if (!process.env.CPIS_TEST_DATABASE_URL?.trim() && (await answers(LOCAL_DATABASE_URL))) {
  process.env.CPIS_TEST_DATABASE_URL = LOCAL_DATABASE_URL;
}
console.log(
  process.env.CPIS_TEST_DATABASE_URL
    ? '\n▶ PostgreSQL suites on CPIS_TEST_DATABASE_URL'
    : `\n▶ PostgreSQL: nothing answers at ${LOCAL_DATABASE_URL}; its suites will say they skipped`,
);

console.log('\n▶ Vitest: node, browser and end-to-end projects');
rmSync(report, { force: true });
const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  { stdio: 'inherit' },
);
if (vitest.status !== 0) failed.push('vitest');

let passed = 0;
let failedTests = 0;
let skipped = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failedTests = json.numFailedTests;
  skipped = json.numPendingTests + json.numTodoTests;
} else {
  failed.push('vitest report missing');
}

if (skipped > 0 && SKIPS_FAIL) {
  failed.push(
    `${skipped} tests skipped (as root or in CI, set-up provides everything: none may skip)`,
  );
}

if (failed.length > 0) console.log(`\nFailed steps: ${failed.join('; ')}`);
console.log(`\n${passed} passed, ${failedTests} failed, ${skipped} skipped`);
process.exit(failed.length > 0 || failedTests > 0 ? 1 : 0);
