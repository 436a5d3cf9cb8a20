/**
 * `npm start`: configuration from the environment, the database (embedded PGlite under DATA_DIR,
 * or DATABASE_URL) migrated, then the server, printing where everything is.
 */
import { join, resolve } from 'node:path';
import { openDatabase } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { createApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './http/logger.ts';
import { listen } from './http/listen.ts';
import { startMaintenance } from './maintenance.ts';
import { createServerDeps } from './server-deps.ts';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger(config.LOG_LEVEL);
const database = await openDatabase({
  databaseUrl: config.DATABASE_URL,
  pgliteDir: join(resolve(config.DATA_DIR), 'pglite'),
  maxConnections: config.DATABASE_POOL_SIZE,
  statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
});
await migrateDatabase(database);
const deps = await createServerDeps(config, database, logger);
const app = createApp(deps);
const stopMaintenance = startMaintenance(database.systemDb, logger);

await deps.live.start();
const running = await listen(app.fetch, { port: config.PORT, hostname: config.HOST });
const base = config.PUBLIC_URL ?? `http://localhost:${running.port}`;
console.log(
  [
    '',
    `ticket-widget is running (${database.engine}: ${database.location})`,
    `  API:       ${base}/api/v1`,
    `  API docs:  ${base}/api/v1/docs`,
    `  OpenAPI:   ${base}/api/v1/openapi.json`,
    `  Live:      ${base.replace(/^http/, 'ws')}/api/v1/live`,
    `  Health:    ${base}/healthz`,
    '',
  ].join('\n'),
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down', { signal });
  stopMaintenance();
  await running.close();
  await deps.live.stop();
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
