#!/usr/bin/env node
// `npm start`: builds every package (in dependency order, the root "build" script), then
// runs the reference server in development mode on the embedded SQLite file, seeded with
// the synthetic population, serving the examples and the API docs. PORT and HOST pass
// through; Ctrl+C stops it cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

console.log('▶ building every package (npm run build)');
const build = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('The build failed; the server was not started.');
  process.exit(build.status ?? 1);
}

const main = join(root, 'packages', 'server', 'dist', 'main.js');
if (!existsSync(main)) {
  console.error(`The build did not produce ${main}.`);
  process.exit(1);
}

// Its own process group: Ctrl+C reaches this script only, which passes it on once, so the
// server sees one signal and shuts down cleanly.
const server = spawn(process.execPath, [main], {
  cwd: root,
  stdio: 'inherit',
  detached: true,
  env: { ...process.env, CPIS_MODE: 'development' },
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal));
}
process.on('exit', () => {
  if (server.exitCode === null) server.kill('SIGTERM');
});
server.on('exit', (code, signal) => {
  process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
});
