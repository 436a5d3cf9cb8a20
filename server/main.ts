/**
 * `npm start`: configuration from the environment, the database (embedded PGlite under DATA_DIR,
 * or DATABASE_URL) migrated, then the server, printing where everything is.
 */
import { loadConfigOrExit } from './config.ts';
import { createLogger } from './http/logger.ts';
import { startServer } from './start-server.ts';
import { demoBanner } from '../demo/banner.ts';

const config = loadConfigOrExit();

const logger = createLogger(config.LOG_LEVEL);
const server = await startServer(config, logger);
const { baseUrl: base, deps } = server;
console.log(
  [
    '',
    `ticket-widget is running (${deps.database.engine}: ${deps.database.location})`,
    `  API:       ${base}/api/v1`,
    `  API docs:  ${base}/api/v1/docs`,
    `  OpenAPI:   ${base}/api/v1/openapi.json`,
    `  Live:      ${base.replace(/^http/, 'ws')}/api/v1/live`,
    `  Health:    ${base}/healthz`,
    '',
  ].join('\n'),
);
if (config.demoMode) console.log(demoBanner(base, server.demoSeed));

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down', { signal });
  await server.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
