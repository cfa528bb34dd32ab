// docs/performance.md and its chart, from one run's results (scripts/bench.mjs). Pure:
// the same results give the same page. A row that could not be measured says why,
// never a number.

export const ABSENT = 'not measured: surface absent';

/** The deployments measured, in the order of the tables and the chart. */
export const DEPLOYMENTS = [
  { key: 'sqlite1', label: 'SQLite, one instance', colour: '#005eb8' },
  { key: 'postgres1', label: 'PostgreSQL, one instance', colour: '#d5281b' },
  {
    key: 'postgres2',
    label: 'PostgreSQL, two instances behind a round-robin proxy',
    colour: '#007f3b',
  },
];

/** Connection counts whose checks row is in the table (the chart has every level run). */
const TABLE_LEVELS = [10, 100];

/** Every row of the document, by the words it starts with (the test looks for each). */
export const ROWS = [
  'banner + dialog + SDK + lit, min + gzip',
  'SDK core, min + gzip',
  'banner update after a result arrives',
  'banner first render, cold',
  'SDK `checks.create`',
  ...DEPLOYMENTS.flatMap((d) =>
    TABLE_LEVELS.map((c) => `\`POST /v1/checks\`, ${d.label}, ${c} connections`),
  ),
  '10,000-row CSV batch upload',
  'live notification to 1,000 stream subscribers',
  'FHIR `CareTeam` search',
  'CDS Hooks `encounter-start` answer',
];

export const TARGETS = [
  ['banner + dialog + SDK + lit, min + gzip', '≤ 16 KiB (16,384 B); CI gate in `.size-limit.cjs`'],
  ['SDK core, min + gzip', '≤ 6 KiB CI gate, ≤ 4 KiB goal'],
  [
    '`POST /v1/checks` against the authenticated read',
    '≥ 0.5 ×, p99 ≤ 25 ms, 0 errors (at 10 connections)',
  ],
  [
    'live notification to 1,000 subscribers',
    "p99 ≤ 100 ms from the check's answer, server RSS ≤ 200 MB",
  ],
  ['10,000-row CSV batch upload', '≤ 2 s'],
  ['CDS Hooks `encounter-start` answer', "within the specification's ~500 ms"],
  ['banner, SDK, FHIR search', 'no fixed target: each is shown as a ratio to its baseline'],
];

const int = (n) => Math.round(n).toLocaleString('en-GB');
const ms = (n) => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;
const ratio = (a, b) => `${(a / b).toFixed(2)} ×`;
const bytes = (n) => `${int(n)} B`;
const mb = (n) => `${(n / 1e6).toFixed(0)} MB`;
const cell = (s) => String(s).replaceAll('|', '\\|');
const row = (...cells) => `| ${cells.map(cell).join(' | ')} |`;
/** The servers' CPU time per request, when the run measured it. */
const cpu = (l) =>
  l.cpuMsPerRequest > 0 ? `; server CPU ${l.cpuMsPerRequest.toFixed(2)} ms a request` : '';
const unmeasured = (part) => part === undefined || part === null || 'unmeasured' in part;
const why = (part) => part?.unmeasured ?? 'not measured';

function sizeRows(sizes) {
  const [banner, sdk] = ROWS;
  if (unmeasured(sizes))
    return [row(banner, why(sizes), '—', '—', '—'), row(sdk, why(sizes), '—', '—', '—')];
  const shoelace = sizes.shoelace.gzip + sizes.shoelaceTheme.gzip;
  const target = (n, limit) => (n <= limit ? 'met' : `not met (${bytes(n - limit)} over)`);
  return [
    row(
      banner,
      bytes(sizes.banner.gzip),
      `Shoelace alert + dialog ${bytes(sizes.shoelace.gzip)} + light theme ${bytes(sizes.shoelaceTheme.gzip)} = ${bytes(shoelace)}`,
      ratio(sizes.banner.gzip, shoelace),
      target(sizes.banner.gzip, 16 * 1024),
    ),
    row(
      `${banner} (second anchor)`,
      bytes(sizes.banner.gzip),
      `Web Awesome callout + dialog ${bytes(sizes.webawesome.gzip)}`,
      ratio(sizes.banner.gzip, sizes.webawesome.gzip),
      '',
    ),
    row(
      sdk,
      bytes(sizes.sdk.gzip),
      `@medplum/core ${bytes(sizes.medplum.gzip)}`,
      ratio(sizes.sdk.gzip, sizes.medplum.gzip),
      target(sizes.sdk.gzip, 6 * 1024),
    ),
    row(
      `${sdk} (second anchor)`,
      bytes(sizes.sdk.gzip),
      `fhirclient ${bytes(sizes.fhirclient.gzip)}`,
      ratio(sizes.sdk.gzip, sizes.fhirclient.gzip),
      '',
    ),
  ];
}

function bannerRows(banner) {
  const [, , update, cold] = ROWS;
  if (unmeasured(banner))
    return [row(update, why(banner), '—', '—', '—'), row(cold, why(banner), '—', '—', '—')];
  return [
    row(
      `${update} (Chromium, median of ${banner.updates})`,
      `${ms(banner.update.lit.median)} (p95 ${ms(banner.update.lit.p95)})`,
      `innerHTML template ${ms(banner.update.plain.median)} (p95 ${ms(banner.update.plain.p95)})`,
      ratio(banner.update.lit.median, banner.update.plain.median),
      '—',
    ),
    row(
      `${cold} (median of ${banner.coldPages} fresh pages)`,
      ms(banner.cold.lit),
      `innerHTML template ${ms(banner.cold.plain)}`,
      ratio(banner.cold.lit, banner.cold.plain),
      '—',
    ),
  ];
}

function sdkRow(sdk) {
  const label = `${ROWS[4]} against a raw \`fetch\` of the same request`;
  if (unmeasured(sdk)) return row(label, why(sdk), '—', '—', '—');
  return row(
    `${label} (median of ${sdk.calls}, local server)`,
    `${ms(sdk.sdk.p50)} (p99 ${ms(sdk.sdk.p99)})`,
    `raw fetch ${ms(sdk.raw.p50)} (p99 ${ms(sdk.raw.p99)})`,
    ratio(sdk.sdk.p50, sdk.raw.p50),
    '—',
  );
}

/** The checks rows: each against the baseline of the same deployment, same level. */
function serverRows(server) {
  const lines = [];
  for (const d of DEPLOYMENTS) {
    for (const c of TABLE_LEVELS) {
      const label = `\`POST /v1/checks\`, ${d.label}, ${c} connections`;
      const part = server?.[d.key];
      const r = unmeasured(part) ? undefined : part.rows.find((x) => x.connections === c);
      if (r === undefined) {
        lines.push(row(label, why(part), '—', '—', '—'));
        continue;
      }
      const met =
        r.checks.rps / r.baseline.rps >= 0.5 && r.checks.p99 <= 25 && r.checks.errors === 0;
      lines.push(
        row(
          label,
          `${int(r.checks.rps)} req/s, p50 ${r.checks.p50} ms, p99 ${r.checks.p99} ms, ${r.checks.errors} errors${cpu(r.checks)}`,
          `\`GET /v1/authorities/211\` ${int(r.baseline.rps)} req/s, p50 ${r.baseline.p50} ms, p99 ${r.baseline.p99} ms, ${r.baseline.errors} errors${cpu(r.baseline)}`,
          `${ratio(r.checks.rps, r.baseline.rps)}${r.checks.cpuMsPerRequest > 0 ? ` (CPU ${ratio(r.baseline.cpuMsPerRequest, r.checks.cpuMsPerRequest)})` : ''}`,
          c === 10 ? (met ? 'met' : 'not met') : 'for information',
        ),
      );
    }
  }
  return lines;
}

function batchRow(batch) {
  if (unmeasured(batch)) return row(ROWS[ROWS.length - 4], why(batch), '—', '—', '—');
  return row(
    ROWS[ROWS.length - 4],
    ms(batch.ms),
    'the target: 2 s',
    `${(batch.ms / 2000).toFixed(2)} × of the target`,
    batch.ms <= 2000 ? 'met' : 'not met',
  );
}

function fanoutRow(f) {
  const label = ROWS[ROWS.length - 3];
  if (unmeasured(f)) return row(label, why(f), '—', '—', '—');
  const met = f.p99 <= 100 && f.rssPeak <= 200e6 && f.missed === 0;
  return row(
    `${label} (${int(f.subscribers)} streams in ${Math.ceil(f.subscribers / 100)} processes, ${f.events} checks, ${int(f.deliveries)} deliveries, ${f.missed} missed)`,
    `p50 ${ms(f.p50)}, p99 ${ms(f.p99)}; server RSS ${mb(f.rssPeak)} at most (${mb(f.rssIdle)} before the streams)${f.cpuMsPerEvent > 0 ? `; server CPU ${ms(f.cpuMsPerEvent)} a check and its fan-out` : ''}`,
    'the target: p99 100 ms, RSS 200 MB',
    `${(f.p99 / 100).toFixed(2)} × of the p99 target`,
    met ? 'met' : 'not met',
  );
}

function surfaceRow(label, s) {
  if (unmeasured(s)) return row(label, why(s), '—', '—', '—');
  return row(
    `${label} (10 connections)`,
    `${int(s.surface.rps)} req/s, p50 ${s.surface.p50} ms, p99 ${s.surface.p99} ms, ${s.surface.errors} errors`,
    `\`GET /v1/authorities/211\` ${int(s.baseline.rps)} req/s, p99 ${s.baseline.p99} ms`,
    ratio(s.surface.rps, s.baseline.rps),
    '—',
  );
}

/** The chart: p99 of `POST /v1/checks` against the connections offered, per deployment. */
export function renderChart(server) {
  const W = 640;
  const H = 360;
  const m = { left: 64, right: 20, top: 40, bottom: 96 };
  const series = DEPLOYMENTS.map((d) => ({
    ...d,
    points: unmeasured(server?.[d.key])
      ? []
      : server[d.key].rows.map((r) => [r.connections, r.checks.p99]).sort((a, b) => a[0] - b[0]),
  }));
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const xMin = Math.min(1, ...xs);
  const xMax = Math.max(100, ...xs);
  // Both axes logarithmic: p99 runs from a few ms to seconds on a busy machine.
  const ps = all.map((p) => p[1]).filter((v) => v > 0);
  const yMin = Math.min(5, ...ps);
  const yMax = Math.max(100, ...ps) * 1.2;
  const x = (c) =>
    m.left +
    ((Math.log10(c) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) *
      (W - m.left - m.right);
  const y = (v) =>
    H -
    m.bottom -
    ((Math.log10(Math.max(v, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) *
      (H - m.top - m.bottom);
  const f = (n) => n.toFixed(1);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="Arial, sans-serif" font-size="12" role="img" aria-labelledby="title">`,
    `<title id="title">p99 latency of POST /v1/checks against offered load (connections), SQLite and PostgreSQL</title>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">POST /v1/checks: p99 latency against offered load</text>`,
  ];
  const ticks = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000];
  for (const v of ticks.filter((t) => t >= yMin && t <= yMax)) {
    parts.push(
      `<line x1="${m.left}" x2="${W - m.right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#e8edee"/>`,
      `<text x="${m.left - 6}" y="${f(y(v) + 4)}" text-anchor="end">${v}</text>`,
    );
  }
  for (const c of [...new Set([xMin, ...xs, xMax])].sort((a, b) => a - b)) {
    parts.push(`<text x="${f(x(c))}" y="${H - m.bottom + 16}" text-anchor="middle">${c}</text>`);
  }
  parts.push(
    `<line x1="${m.left}" x2="${W - m.right}" y1="${f(y(25))}" y2="${f(y(25))}" stroke="#425563" stroke-dasharray="6 4"/>`,
    `<text x="${W - m.right}" y="${f(y(25) - 4)}" text-anchor="end" fill="#425563">target p99 25 ms (at 10 connections)</text>`,
    `<text x="${(m.left + W - m.right) / 2}" y="${H - m.bottom + 34}" text-anchor="middle">concurrent connections (closed loop, log scale)</text>`,
    `<text transform="translate(16 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">p99 (ms, log scale)</text>`,
  );
  series.forEach((s, i) => {
    const ly = H - m.bottom + 54 + i * 16;
    parts.push(
      `<line x1="${m.left}" x2="${m.left + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.colour}" stroke-width="2"/>`,
      `<text x="${m.left + 30}" y="${ly}">${s.label}${s.points.length === 0 ? ' (not measured)' : ''}</text>`,
    );
    if (s.points.length === 0) return;
    parts.push(
      `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${s.points.map(([c, v]) => `${f(x(c))},${f(y(v))}`).join(' ')}"/>`,
      ...s.points.map(
        ([c, v]) =>
          `<circle cx="${f(x(c))}" cy="${f(y(v))}" r="3" fill="${s.colour}"><title>${c} connections: p99 ${v} ms</title></circle>`,
      ),
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export function renderReport(results) {
  const { machine } = results;
  const tableHead = [
    row('row', 'ours', 'baseline or anchor, same run', 'ratio', 'target'),
    '| --- | --- | --- | ---: | --- |',
  ];
  return `# Performance

Written by \`npm run bench\` (scripts/bench.mjs) on ${results.date}: every row measured in one
run, each against a baseline or an anchor measured in the same run. Timings are goals, never
CI gates; only the size budgets gate CI (\`npx size-limit\` in \`npm test\`).

Machine: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; load
average ${machine.load} when the run started (the machine is shared, so timings move from run to run).
Run: ${results.options}.

## Targets

${row('what', 'target')}
| --- | --- |
${TARGETS.map(([what, target]) => row(what, target)).join('\n')}

## Rows

${tableHead.join('\n')}
${[
  ...sizeRows(results.sizes),
  ...bannerRows(results.banner),
  sdkRow(results.sdk),
  ...serverRows(results.server),
  batchRow(results.batch),
  fanoutRow(results.fanout),
  surfaceRow(ROWS[ROWS.length - 2], results.surfaces?.careTeam),
  surfaceRow(ROWS[ROWS.length - 1], results.surfaces?.encounterStart),
].join('\n')}

Where a check's time goes, what was changed and what was tried and not taken:
[performance-checks.md](performance-checks.md).

## p99 latency against offered load

![p99 of POST /v1/checks against connections, SQLite and PostgreSQL](performance-p99.svg)

${row('deployment', 'connections', 'checks req/s', 'p50 (ms)', 'p99 (ms)', 'errors')}
| --- | ---: | ---: | ---: | ---: | ---: |
${DEPLOYMENTS.flatMap((d) =>
  unmeasured(results.server?.[d.key])
    ? [row(d.label, why(results.server?.[d.key]), '', '', '', '')]
    : results.server[d.key].rows.map((r) =>
        row(d.label, r.connections, int(r.checks.rps), r.checks.p50, r.checks.p99, r.checks.errors),
      ),
).join('\n')}

## How each row is measured

- **Sizes:** each bundle built here with size-limit's esbuild settings (bundle, minify,
  tree-shake, browser) and gzipped at level 9. Ours from the packages' \`dist\`; the anchors
  from \`bench/anchors\` (exact versions, own lockfile, installed by the bench with
  \`npm ci --omit=optional\`), except \`@medplum/core\`, a root dev dependency. fhirclient's
  browser entry (\`import FHIR from 'fhirclient'\`) bundles whole, with nothing left external.
- **Banner:** Chromium (\`/usr/bin/chromium\`, playwright-core). A stub client holds each
  check's answer (real answers of the server: a record found, no record, alternately); the
  time runs from releasing the answer to the end of layout after the banner shows it. The
  baseline is the same two states as one \`innerHTML\` string template in a shadow root
  with the banner's styles. Cold: a fresh page per render.
- **SDK:** \`checks.create\` and a raw \`fetch\` of the same request (same body and token,
  each with an \`Idempotency-Key\` of its own, as the SDK sends), one after the other,
  against the server on SQLite.
- **Server:** autocannon against the built server in its own process, 200 users, a mix of
  NHS numbers with records (notifying, then collapsing) and many without. The ratio is of
  requests/s; the one in brackets is of the servers' CPU time per request (baseline ÷
  checks, from \`/proc/<pid>/stat\`), which other work on a shared machine moves far less. The baseline is
  \`GET /v1/authorities/211\` (token, routing, one indexed read). PostgreSQL runs in a
  schema of its own; two instances share it behind \`bench/proxy.mjs\` (round robin).
- **Fan-out:** subscribers held by child processes (100 streams each, \`ulimit -n\` raised to
  8,192 in each process's shell; the server's too), each process signed in as its own social
  worker, with the per-user stream cap (\`CPIS_MAX_STREAMS_PER_USER\`, default 10) set to 100; the server
  has no per-instance cap.
  The clock is shared; RSS is the server's \`VmRSS\`, sampled every 20 ms.
- **FHIR and CDS Hooks:** found at run time (\`GET /cpis/FHIR/R4/metadata\`, \`GET /cds-services\`);
  until the server has them, their rows say "${ABSENT}".
`;
}
