import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const serverMain = join(repoRoot, 'packages/server/dist/main.js');
const elementsBundle = join(repoRoot, 'packages/elements/dist/cpis-elements.js');

/**
 * `npm test` builds every package before Vitest runs; a bare `vitest run --project e2e`
 * on a fresh clone has no dist yet, so build once here (about ten seconds).
 */
export function ensureBuilt(): void {
  if (existsSync(serverMain) && existsSync(elementsBundle)) return;
  const build = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  }
}

export interface ReferenceServer {
  url: string;
  /** What the server printed so far (for a failing test's message). */
  output(): string;
  /** SIGKILL, as a crash or a pulled plug would; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and clean up the temporary database; safe to call after `kill()`. */
  stop(): Promise<void>;
}

export interface ReferenceServerOptions {
  /** More configuration for the server, e.g. `CORS_ORIGINS` for a page served elsewhere. */
  env?: Record<string, string>;
}

/**
 * The reference server as `npm start` runs it (development mode: seeded, examples at `/`,
 * `POST /v1/dev/tokens`), on a free port with its own temporary SQLite file.
 */
export async function startReferenceServer(
  options: ReferenceServerOptions = {},
): Promise<ReferenceServer> {
  ensureBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'cpis-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn(process.execPath, [serverMain], {
    cwd: repoRoot,
    env: {
      ...process.env,
      CPIS_MODE: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      CPIS_SQLITE_PATH: join(dataDir, 'cpis.sqlite'),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (gone) throw new Error(`The reference server exited on start:\n${log}`);
    try {
      const health = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(1_000) });
      if (health.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The reference server did not answer /v1/health within 30 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (gone) return;
    child.kill(signal);
    // A graceful stop waits for open connections (a live notification stream); a test
    // waits for it at most five seconds.
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(force);
  };
  return {
    url,
    output: () => log,
    kill: () => end('SIGKILL'),
    stop: async () => {
      await end('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
