// Node ESM: a check through the mock; with CPIS_VENDOR_SERVER=1 also against the packed
// reference server, started as its bin, over real HTTP on a loopback port.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createCpisClient, isValidNhsNumber } from '@cpis/sdk';
import { createCpisMockService, createMockFetch, personas, principals } from '@cpis/mock';
import { isPlanVisible } from '@cpis/domain';

const service = createCpisMockService();
const client = createCpisClient({
  baseUrl: service.baseUrl,
  getToken: () => service.tokenFor(principals.edNurse),
  fetch: createMockFetch(service.handlers),
});
const request = {
  nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
  nhsNumberVerified: true,
  accessContext: 'unscheduled',
  reason: { code: 'unscheduled-attendance' },
};
const mocked = await client.checks.create(request);
console.log(
  `esm mock ${mocked.outcome} ${isValidNhsNumber(request.nhsNumber)} ${typeof isPlanVisible}`,
);

if (process.env.CPIS_VENDOR_SERVER === '1') {
  const main = createRequire(import.meta.url)
    .resolve('@cpis/server')
    .replace(/index\.js$/, 'main.js');
  const server = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: '0', CPIS_SQLITE_PATH: ':memory:', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let banner = '';
  const base = await new Promise((resolve, reject) => {
    server.on('exit', (code) => reject(new Error(`server exited ${code}: ${banner}`)));
    server.stderr.on('data', (chunk) => {
      banner += chunk;
      const api = /API\s+(http:\/\/\S+)\/v1/.exec(banner);
      if (api && banner.includes('CORS')) resolve(api[1]);
    });
  });
  try {
    const { key: _key, ...nurse } = principals.edNurse;
    const issued = await fetch(`${base}/v1/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(nurse),
    });
    const { token } = await issued.json();
    const real = await createCpisClient({ baseUrl: base, getToken: () => token }).checks.create(
      request,
    );
    console.log(`esm server ${real.outcome} ${banner.match(/CORS\s+(\S+)/)[1]}`);
  } finally {
    server.removeAllListeners('exit');
    server.kill('SIGTERM');
  }
}
