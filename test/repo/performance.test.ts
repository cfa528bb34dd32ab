/**
 * docs/performance.md is written by `npm run bench` (scripts/bench.mjs, bench/report.mjs):
 * the committed page must carry every row the bench measures, each target, the machine
 * and the chart; and a row the bench could not measure (the FHIR and CDS Hooks surfaces
 * before they exist, PostgreSQL when none answers) says so in words, never as a number.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ABSENT,
  DEPLOYMENTS,
  ROWS,
  TARGETS,
  renderChart,
  renderReport,
  type BenchResults,
} from '../../bench/report.mjs';
import { detectSurfaces } from '../../bench/surfaces.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');

const load = (rps: number, p99: number) => ({ connections: 10, rps, p50: p99 / 3, p99, errors: 0 });
const sample: BenchResults = {
  date: '2026-12-04T20:00:00Z',
  machine: { cpus: 2, model: 'a CPU', memoryGiB: '24', os: 'Linux', node: '20.20.2', load: '1' },
  options: 'sample',
  server: {
    sqlite1: {
      rows: [10, 100].map((connections) => ({
        connections,
        baseline: { ...load(4000, 8), connections },
        checks: { ...load(2100, connections === 10 ? 14 : 90), connections },
      })),
    },
    postgres1: { unmeasured: 'not measured: no PostgreSQL answers (ECONNREFUSED)' },
  },
};

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

async function serve(answers: Record<string, unknown>): Promise<string> {
  server = createServer((request, response) => {
    const body = answers[request.url ?? ''];
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
}

describe('docs/performance.md', () => {
  const page = read('docs/performance.md');

  it('carries every row the bench measures, each with a ratio or the reason it is not measured', () => {
    const rows = page.slice(page.indexOf('## Rows'), page.indexOf('## p99 latency'));
    const table = rows.split('\n').filter((line) => line.startsWith('| '));
    for (const label of ROWS) {
      const line = table.find((l) => l.startsWith(`| ${label}`));
      expect(line, label).toBeDefined();
      expect(line, label).toMatch(/\d+\.\d\d × |not measured/);
    }
  });

  it('states the machine, the date, each target, and links the p99 chart it was written with', () => {
    expect(page).toMatch(/^Machine: \d+ × .+, \d+ GiB/m);
    expect(page).toMatch(/on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    for (const [what, target] of TARGETS) expect(page).toContain(`| ${what} | ${target} |`);
    expect(page).toContain('](performance-p99.svg)');
    const chart = read('docs/performance-p99.svg');
    expect(chart).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const { label } of DEPLOYMENTS) expect(chart).toContain(label);
  });
});

describe('the bench report', () => {
  it('says "not measured: surface absent" for the FHIR and CDS Hooks rows until the server has them', () => {
    const page = renderReport({
      ...sample,
      surfaces: { careTeam: { unmeasured: ABSENT }, encounterStart: { unmeasured: ABSENT } },
    });
    for (const label of ['FHIR `CareTeam` search', 'CDS Hooks `encounter-start` answer']) {
      expect(page).toContain(`| ${label} | ${ABSENT} | — | — | — |`);
    }
  });

  it('shows a measured surface as a ratio to the baseline of the same run', () => {
    const page = renderReport({
      ...sample,
      surfaces: { careTeam: { baseline: load(4000, 8), surface: load(1000, 20) } },
    });
    expect(page).toMatch(
      /\| FHIR `CareTeam` search \(10 connections\) \| 1,000 req\/s.* \| 0\.25 × \|/,
    );
  });

  it('gives each checks row its ratio to the baseline, and a deployment it could not run its reason', () => {
    const page = renderReport(sample);
    expect(page).toMatch(
      /\| `POST \/v1\/checks`, SQLite, one instance, 10 connections \| 2,100 req\/s.*\| 0\.53 × \| met \|/,
    );
    expect(page).toContain(
      '| `POST /v1/checks`, PostgreSQL, one instance, 10 connections | not measured: no PostgreSQL answers (ECONNREFUSED) |',
    );
  });

  it('plots p99 against connections for each deployment that ran, and names the one that did not', () => {
    const chart = renderChart(sample.server);
    expect(chart.match(/<polyline /g)).toHaveLength(1);
    expect(chart).toContain('<title>100 connections: p99 90 ms</title>');
    expect(chart).toContain('PostgreSQL, one instance (not measured)');
  });
});

describe('finding the FHIR and CDS Hooks surfaces at run time', () => {
  it('finds neither on a server that answers 404 to both', async () => {
    const base = await serve({});
    expect(await detectSurfaces(base)).toEqual({ fhir: false, cdsEncounterStart: null });
  });

  it('finds both once the server answers metadata and lists an encounter-start service', async () => {
    const base = await serve({
      '/cpis/FHIR/R4/metadata': { resourceType: 'CapabilityStatement', kind: 'instance' },
      '/cds-services': {
        services: [
          { id: 'cpis-patient-view', hook: 'patient-view' },
          { id: 'cpis-encounter-start', hook: 'encounter-start' },
        ],
      },
    });
    expect(await detectSurfaces(base)).toEqual({
      fhir: true,
      cdsEncounterStart: 'cpis-encounter-start',
    });
  });
});
