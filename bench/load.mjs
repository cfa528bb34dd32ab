// The server's rows: `POST /v1/checks` against the authenticated read in the same run
// (autocannon, many users and NHS numbers), the SDK's `checks.create` against a raw fetch
// of the same request, the 10,000-row batch, and the FHIR and CDS Hooks surfaces when
// the server has them.
import autocannon from 'autocannon';
import { personas } from '@cpis/mock/fixtures';
import { createCpisClient } from '@cpis/sdk';
import {
  checkBody,
  cpuMsOf,
  distinctNhsNumbers,
  nhsNumber,
  socialWorkerToken,
  uploadPlans,
} from './servers.mjs';
import { careTeamRequest, encounterStartRequest } from './surfaces.mjs';

const pick = (list) => list[Math.floor(Math.random() * list.length)];

/** People CP-IS holds a record for (notifying, then collapsing on repeats) and many it does not. */
export const WITH_RECORD = Object.values(personas)
  .filter((p) => !['noRecord', 'planEndedOverAYearAgo', 'unverifiedNumber'].includes(p.key))
  .map((p) => p.nhsNumber);
export const WITHOUT_RECORD = distinctNhsNumbers(0, 5000);

const baselineRequest = (tokens) => ({
  method: 'GET',
  path: '/v1/authorities/211',
  setupRequest: (request) => ({
    ...request,
    headers: { ...request.headers, authorization: `Bearer ${pick(tokens)}` },
  }),
});

const checksRequest = (tokens) => ({
  method: 'POST',
  path: '/v1/checks',
  headers: { 'content-type': 'application/json' },
  setupRequest: (request) => ({
    ...request,
    headers: { ...request.headers, authorization: `Bearer ${pick(tokens)}` },
    body: checkBody(Math.random() < 0.3 ? pick(WITH_RECORD) : pick(WITHOUT_RECORD)),
  }),
});

/**
 * One autocannon run: requests/s, p50, p99 (ms), errors (errors + timeouts + non-2xx), and
 * the servers' CPU time per request (`pids`), which a busy shared machine moves far less
 * than it moves requests/s.
 */
export async function load(base, request, { connections, duration, amount, pids = [] }) {
  const cpu = () => pids.reduce((sum, pid) => sum + cpuMsOf(pid), 0);
  const cpuBefore = cpu();
  const result = await autocannon({
    url: base,
    connections,
    ...(amount === undefined ? { duration } : { amount }),
    requests: [request],
  });
  return {
    cpuMsPerRequest: (cpu() - cpuBefore) / Math.max(1, result.requests.total),
    connections,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

/**
 * Checks and the baseline at each connection count, alternating, `rounds` times; the
 * round with the median ratio (checks to baseline) is kept for each, with its baseline.
 */
export async function checksAgainstBaseline(base, tokens, { levels, duration, rounds, log, pids }) {
  await load(base, { method: 'GET', path: '/v1/health' }, { connections: 10, duration: 2 });
  await load(base, checksRequest(tokens), { connections: 10, duration: 2 });
  const rows = [];
  for (const connections of levels) {
    const runs = [];
    for (let round = 0; round < rounds; round++) {
      const baseline = await load(base, baselineRequest(tokens), { connections, duration, pids });
      const checks = await load(base, checksRequest(tokens), { connections, duration, pids });
      runs.push({ baseline, checks });
      log(
        `  ${connections} connections: baseline ${baseline.rps.toFixed(0)} req/s p99 ${baseline.p99} ms, ` +
          `checks ${checks.rps.toFixed(0)} req/s p99 ${checks.p99} ms, errors ${checks.errors}; ` +
          `CPU per request ${baseline.cpuMsPerRequest.toFixed(2)} / ${checks.cpuMsPerRequest.toFixed(2)} ms`,
      );
    }
    runs.sort((a, b) => a.checks.rps / a.baseline.rps - b.checks.rps / b.baseline.rps);
    rows.push({ connections, ...runs[Math.floor(runs.length / 2)] });
  }
  return rows;
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
export const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/** Per-call time of `checks.create` and of a raw fetch of the same request, interleaved. */
export async function sdkAgainstFetch(base, token, { calls }) {
  const client = createCpisClient({ baseUrl: base, getToken: async () => token });
  const sdk = [];
  const raw = [];
  for (let i = 0; i < calls + 20; i++) {
    const nhs = WITHOUT_RECORD[(i * 7) % WITHOUT_RECORD.length];
    const body = {
      nhsNumber: nhs,
      nhsNumberVerified: true,
      accessContext: 'unscheduled',
      reason: { code: 'unscheduled-attendance' },
    };
    let started = performance.now();
    const result = await client.checks.create(body, { idempotencyKey: crypto.randomUUID() });
    const sdkMs = performance.now() - started;
    if (result.nhsNumber !== nhs) throw new Error('the SDK answered for another NHS number');
    started = performance.now();
    const response = await fetch(`${base}/v1/checks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': crypto.randomUUID(),
      },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    const rawMs = performance.now() - started;
    if (response.status !== 201 || answer.nhsNumber !== nhs) throw new Error('raw fetch failed');
    // The first calls warm both paths; they are not counted.
    if (i >= 20) {
      sdk.push(sdkMs);
      raw.push(rawMs);
    }
  }
  sdk.sort((a, b) => a - b);
  raw.sort((a, b) => a - b);
  return {
    calls,
    sdk: { p50: percentile(sdk, 50), p99: percentile(sdk, 99) },
    raw: { p50: percentile(raw, 50), p99: percentile(raw, 99) },
  };
}

export async function batchUpload(base) {
  const token = await socialWorkerToken(base);
  const numbers = Array.from({ length: 10_000 }, (_, i) => nhsNumber(100_000 + i));
  return uploadPlans(base, token, numbers, 'BENCH');
}

/**
 * A surface's request against the baseline, at 10 connections. A request that brings its
 * own credentials (`ehrSigned`: a CDS Hooks call, one EHR JWT each) is sent `amount` times;
 * the others carry a clinician's bearer token for `duration` seconds.
 */
export async function surfaceAgainstBaseline(base, tokens, request, { duration }) {
  const probeRequest = request.setupRequest?.({ ...request }) ?? request;
  const probe = await fetch(`${base}${request.path}`, {
    method: request.method,
    headers: request.ehrSigned
      ? probeRequest.headers
      : { ...request.headers, authorization: `Bearer ${tokens[0]}` },
    body: probeRequest.body,
  });
  await probe.arrayBuffer();
  if (!probe.ok)
    return { unmeasured: `the surface answered ${probe.status} to the bench's request` };
  const authorised = request.ehrSigned
    ? request
    : {
        ...request,
        setupRequest: (r) => ({
          ...r,
          headers: { ...r.headers, authorization: `Bearer ${pick(tokens)}` },
        }),
      };
  const baseline = await load(base, baselineRequest(tokens), { connections: 10, duration });
  const surface = await load(base, authorised, {
    connections: 10,
    duration,
    ...(request.amount !== undefined && { amount: request.amount - 1 }),
  });
  return { baseline, surface };
}

export { careTeamRequest, encounterStartRequest };
