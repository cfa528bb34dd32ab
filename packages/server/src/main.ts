#!/usr/bin/env node
/**
 * Starts the reference server from the environment (`npm start` runs it in development
 * mode), prints where it is, and shuts down cleanly on SIGINT or SIGTERM.
 */
import { buildApp } from './app.js';
import { ConfigError, describeCors, loadConfig, type ServerConfig } from './config.js';
import { redactDatabaseUrl } from './store/postgres.js';

async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`CP-IS server: configuration error: ${error.message}`);
      process.exit(78);
    }
    throw error;
  }

  const app = await buildApp(config);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
  const database =
    config.database.engine === 'postgres'
      ? `PostgreSQL ${redactDatabaseUrl(config.database.url)}`
      : `SQLite ${config.database.sqlitePath}`;
  const lines = [
    `CP-IS reference server (${config.mode} mode, ${database})`,
    `  API       ${base}/v1`,
    `  Docs      ${base}/docs`,
    `  CORS      ${describeCors(config.corsOrigins)}`,
  ];
  if (config.examplesDir !== null) lines.push(`  Examples  ${base}/`);
  console.warn(lines.join('\n'));

  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) {
      // A second signal: stop waiting.
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('CP-IS server: error while shutting down', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error('CP-IS server: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
