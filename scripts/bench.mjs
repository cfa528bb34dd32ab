#!/usr/bin/env node
// `npm run bench`: every row of docs/performance.md, each measured against a baseline or an
// anchor in the same run (never as timed tests), then the page and its chart rewritten.
// Needs `npm run build` first. About 8 minutes on the project's 2-core machine.
//
//   npm run bench                     the default run
//   npm run bench -- --long           longer runs (30 s per load level, 3 rounds, more updates)
//   npm run bench -- --duration=10 --rounds=2 --subscribers=1000
//   npm run bench -- --only=server,postgres,fanout --json=/tmp/bench.json
//                                     some rows only: printed (and saved as JSON), the page
//                                     is left alone
//   npm run bench -- --cpu-prof=/tmp/prof   every server process writes a CPU profile there
//   npm run bench -- --render=/tmp/bench.json  rewrites the page from a saved run only
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { measureBanner } from '../bench/banner.mjs';
import { fanOut } from '../bench/fanout.mjs';
import {
  WITHOUT_RECORD,
  WITH_RECORD,
  batchUpload,
  careTeamRequest,
  checksAgainstBaseline,
  encounterStartRequest,
  sdkAgainstFetch,
  surfaceAgainstBaseline,
} from '../bench/load.mjs';
import { ABSENT, renderChart, renderReport } from '../bench/report.mjs';
import {
  DEFAULT_DATABASE_URL,
  MAIN,
  checkBody,
  clinicianTokens,
  postgresUnavailable,
  startDeployment,
} from '../bench/servers.mjs';
import { measureSizes } from '../bench/sizes.mjs';
import { detectSurfaces } from '../bench/surfaces.mjs';

const flags = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a) => a.replace(/^--/, '').split('='))
    .map(([k, v]) => [k, v ?? 'true']),
);
const long = flags.long === 'true';
const options = {
  duration: Number(flags.duration ?? (long ? 30 : 5)),
  rounds: Number(flags.rounds ?? (long ? 3 : 1)),
  levels: (flags.levels ?? '1,10,30,100').split(',').map(Number),
  updates: Number(flags.updates ?? (long ? 2000 : 400)),
  coldPages: Number(flags['cold-pages'] ?? (long ? 30 : 9)),
  sdkCalls: Number(flags['sdk-calls'] ?? (long ? 2000 : 300)),
  cdsCalls: Number(flags['cds-calls'] ?? (long ? 5000 : 1000)),
  subscribers: Number(flags.subscribers ?? 1000),
  events: Number(flags.events ?? (long ? 60 : 20)),
  users: 200,
};
const only = flags.only === undefined ? null : new Set(flags.only.split(','));
const wanted = (part) => only === null || only.has(part);
const nodeArgs =
  flags['cpu-prof'] === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${flags['cpu-prof']}`];
const databaseUrl = process.env.CPIS_TEST_DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
const log = (line) => process.stdout.write(`${line}\n`);

if (flags.render !== undefined) {
  writePage(JSON.parse(readFileSync(flags.render, 'utf8')));
  process.exit(0);
}

if (!existsSync(MAIN)) {
  console.error(`${MAIN} is missing: run npm run build first.`);
  process.exit(1);
}

const results = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: (totalmem() / 2 ** 30).toFixed(0),
    os: `${type()} ${release()}`,
    node: process.versions.node,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(', '),
  },
  options: `${options.duration} s per load level × ${options.rounds} round(s), levels ${options.levels.join(', ')} connections, ${options.users} users; ${options.updates} banner updates, ${options.coldPages} cold pages; ${options.sdkCalls} SDK calls; ${options.cdsCalls} CDS Hooks calls; ${options.subscribers} subscribers × ${options.events} checks${long ? ' (--long)' : ''}`,
  server: {},
};
const notMeasured = (error) => ({
  unmeasured: `not measured: ${error instanceof Error ? error.message : String(error)}`,
});

if (wanted('sizes')) {
  log('Sizes');
  results.sizes = await measureSizes(log).catch(notMeasured);
}

let answers;
if (['banner', 'sdk', 'server', 'surfaces', 'batch'].some(wanted)) {
  log('Server on SQLite');
  const deployment = await startDeployment({ engine: 'sqlite', nodeArgs });
  try {
    const { base } = deployment;
    const tokens = await clinicianTokens(base, options.users);
    const answer = async (nhs) =>
      (
        await fetch(`${base}/v1/checks`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' },
          body: checkBody(nhs),
        })
      ).json();
    answers = [await answer(WITH_RECORD[0]), await answer(WITHOUT_RECORD[0])];
    if (wanted('sdk')) {
      log('SDK checks.create against a raw fetch');
      results.sdk = await sdkAgainstFetch(base, tokens[1], { calls: options.sdkCalls });
    }
    if (wanted('server')) {
      results.server.sqlite1 = {
        rows: await checksAgainstBaseline(base, tokens, {
          ...options,
          log,
          pids: deployment.pids,
        }),
      };
    }
    if (wanted('surfaces')) {
      log('FHIR and CDS Hooks surfaces');
      const found = await detectSurfaces(base);
      const nhs = () => WITHOUT_RECORD[Math.floor(Math.random() * WITHOUT_RECORD.length)];
      results.surfaces = {
        careTeam: found.fhir
          ? await surfaceAgainstBaseline(base, tokens, careTeamRequest(nhs()), options)
          : { unmeasured: ABSENT },
        encounterStart:
          found.cdsEncounterStart !== null
            ? await surfaceAgainstBaseline(
                base,
                tokens,
                await encounterStartRequest(base, found.cdsEncounterStart, nhs(), options.cdsCalls),
                options,
              )
            : { unmeasured: ABSENT },
      };
      log(`  ${JSON.stringify(found)}`);
    }
    if (wanted('batch')) results.batch = { ms: await batchUpload(base) };
  } finally {
    await deployment.stop();
  }
}

if (wanted('banner')) {
  log('Banner in Chromium');
  results.banner = await measureBanner({
    results: answers,
    numbers: WITHOUT_RECORD.slice(0, 100),
    updates: options.updates,
    coldPages: options.coldPages,
  }).catch(notMeasured);
}

if (wanted('postgres')) {
  const down = await postgresUnavailable(databaseUrl);
  for (const instances of [1, 2]) {
    const key = `postgres${instances}`;
    if (down !== null) {
      results.server[key] = { unmeasured: `not measured: no PostgreSQL answers (${down})` };
      continue;
    }
    log(`Server on PostgreSQL, ${instances} instance(s)`);
    const deployment = await startDeployment({
      engine: 'postgres',
      instances,
      databaseUrl,
      nodeArgs,
    });
    try {
      const tokens = await clinicianTokens(deployment.base, options.users);
      results.server[key] = {
        rows: await checksAgainstBaseline(deployment.base, tokens, {
          ...options,
          log,
          pids: deployment.pids,
        }),
      };
    } finally {
      await deployment.stop();
    }
  }
}

if (wanted('fanout')) {
  log(`Fan-out to ${options.subscribers} subscribers`);
  results.fanout = await fanOut({
    subscribers: options.subscribers,
    events: options.events,
    gapMs: 250,
    log,
    nodeArgs,
  }).catch(notMeasured);
  log(`  ${JSON.stringify(results.fanout)}`);
}

if (flags.json !== undefined) writeFileSync(flags.json, `${JSON.stringify(results, null, 2)}\n`);
if (only === null) writePage(results);
else log(JSON.stringify(results, null, 2));

function writePage(measured) {
  writeFileSync(new URL('../docs/performance.md', import.meta.url), renderReport(measured));
  writeFileSync(
    new URL('../docs/performance-p99.svg', import.meta.url),
    renderChart(measured.server),
  );
  log('\ndocs/performance.md and docs/performance-p99.svg rewritten');
}
