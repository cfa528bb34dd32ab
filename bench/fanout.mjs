// Live notification delivery to many stream subscribers, held by separate processes with
// raised file limits: from each check's answer to each subscriber's event, and the
// server's resident memory meanwhile.
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  checkBody,
  clinicianTokens,
  cpuMsOf,
  fileLimitOf,
  distinctNhsNumbers,
  rssOf,
  socialWorkerToken,
  spawnWithFileLimit,
  startDeployment,
  uploadPlans,
} from './servers.mjs';

const SUBSCRIBER = fileURLToPath(new URL('./subscriber.mjs', import.meta.url));
const PER_PROCESS = 100;

export async function fanOut({ subscribers, events, gapMs, log, nodeArgs }) {
  const processes = Math.ceil(subscribers / PER_PROCESS);
  // Each subscriber process signs in as a social worker of its own, holding PER_PROCESS
  // streams: the per-user cap (CPIS_MAX_STREAMS_PER_USER, default 10) is raised to that.
  const deployment = await startDeployment({
    engine: 'sqlite',
    env: { CPIS_MAX_STREAMS_PER_USER: String(PER_PROCESS) },
    nodeArgs,
  });
  const serverPid = deployment.pids[0];
  const children = [];
  let sampler;
  try {
    const base = deployment.base;
    const numbers = distinctNhsNumbers(200_000, events);
    await uploadPlans(base, await socialWorkerToken(base), numbers, 'FANOUT');
    const [clinician] = await clinicianTokens(base, 1);
    const rssIdle = rssOf(serverPid);

    const ready = [];
    for (let p = 0; p < processes; p++) {
      const count = Math.min(PER_PROCESS, subscribers - p * PER_PROCESS);
      const child = spawnWithFileLimit(
        [process.execPath, SUBSCRIBER, base, await socialWorkerToken(base, p + 1), String(count)],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      const lines = createInterface({ input: child.stdout });
      const queue = [];
      const waiting = [];
      lines.on('line', (line) => (waiting.length > 0 ? waiting.shift()(line) : queue.push(line)));
      const nextLine = () =>
        queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r));
      children.push({ child, nextLine });
      ready.push(nextLine());
    }
    const refused = (await Promise.all(ready)).reduce((sum, l) => sum + Number(l.split(' ')[1]), 0);
    const limits = {
      server: fileLimitOf(serverPid),
      subscriber: fileLimitOf(children[0].child.pid),
    };
    log(
      `  ${subscribers - refused} streams open (${refused} refused); file limits ${JSON.stringify(limits)}`,
    );

    const cpuBefore = cpuMsOf(serverPid);
    let rssPeak = rssOf(serverPid);
    sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(serverPid))), 20);
    const answered = {};
    for (const nhs of numbers) {
      const response = await fetch(`${base}/v1/checks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${clinician}`, 'content-type': 'application/json' },
        body: checkBody(nhs),
      });
      const result = await response.json();
      answered[nhs] = performance.timeOrigin + performance.now();
      if (response.status !== 201 || result.notifiedAuthorities?.[0] !== '211') {
        throw new Error(
          `the check did not notify 211 (${response.status} ${JSON.stringify(result)})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    clearInterval(sampler);
    // The server's CPU time per check and its fan-out (heartbeats included), which other work
    // on a shared machine moves far less than it moves latency.
    const cpuMsPerEvent = (cpuMsOf(serverPid) - cpuBefore) / events;

    const latencies = [];
    let missed = 0;
    for (const { child, nextLine } of children) {
      child.stdin.write('report\n');
      const { arrivals } = JSON.parse(await nextLine());
      for (const seen of arrivals) {
        for (const nhs of numbers) {
          if (seen[nhs] === undefined) missed++;
          else latencies.push(seen[nhs] - answered[nhs]);
        }
      }
    }
    latencies.sort((a, b) => a - b);
    const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
    return {
      subscribers: subscribers - refused,
      events,
      deliveries: latencies.length,
      missed,
      p50: at(0.5),
      p99: at(0.99),
      rssIdle,
      rssPeak,
      cpuMsPerEvent,
      limits,
    };
  } finally {
    clearInterval(sampler);
    for (const { child } of children) child.kill('SIGTERM');
    await deployment.stop();
  }
}
