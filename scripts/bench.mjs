#!/usr/bin/env node
// `npm run bench`: the timing rows of quality.md, measured as ratios against a baseline in
// the same run (never as timed tests), plus the size budgets; prints a table and refreshes
// docs/performance.md. Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const run = (command, args) => {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(result.stdout);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  return result.stdout;
};

const sizes = JSON.parse(run('npx', ['size-limit', '--json']));
const server = run('node', ['packages/server/bench/checks.bench.mjs', ...process.argv.slice(2)]);

const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
const sizeRows = sizes
  .map(
    (s) =>
      `| ${s.name} | ${kib(s.size)} | ${s.sizeLimit ? kib(s.sizeLimit) : '—'} | ${s.passed === false ? 'over' : 'ok'} |`,
  )
  .join('\n');

const page = `# Performance

Measured by \`npm run bench\` on this project's 2-core machine, ${new Date().toISOString().slice(0, 10)}.
Timings are ratios against a baseline measured in the same run; only the size budgets gate
CI (\`npx size-limit\` in \`npm test\`).

## Targets

| what | CI budget | goal | baseline in the same run |
| --- | --- | --- | --- |
| SDK core (\`@cpis/sdk\`, no stream), min + gzip, browser | ≤ 6 KiB | ≤ 4 KiB | — |
| banner + dialog + SDK + lit, one bundle | ≤ 16 KiB (gated today at 20.5 KiB) | ≤ 11 KiB | — |
| all four elements + SDK + stream + lit | ≤ 22 KiB (gated today at 24 KiB) | ≤ 16 KiB | — |
| server, \`POST /v1/checks\` (SQLite, JWT, validation, audit write), many users and NHS numbers | — | ≥ 0.5 ×, p99 ≤ 25 ms, 0 errors | an authenticated read of the same server, \`GET /v1/authorities/{odsCode}\` (JWT verify, routing, one indexed read) |
| bulk upload of 10,000 plans | — | ≤ 2 s | — |

Only the size budgets gate CI; every timing is a goal, measured here.

## Bundle sizes (size-limit 12, min + gzip, browser ESM, lit bundled once)

| bundle | size | CI budget | |
| --- | --- | --- | --- |
${sizeRows}

## Reference server (autocannon, loopback, server in its own process)

\`\`\`
${server.trim()}
\`\`\`
`;
writeFileSync(new URL('../docs/performance.md', import.meta.url), page);
console.log('\ndocs/performance.md refreshed');
