/**
 * An experiment for `npm run bench:live` (BENCH_LIVE_SERVER=dedicated): the server exactly as
 * server/main.ts builds it, except that the live hub reads the event log (horizon, new events,
 * replays), LISTENs and rings the doorbell through its own small pool (BENCH_LIVE_HUB_POOL_SIZE,
 * default 2 connections) instead of the request pool. It shows what delivery latency is when the
 * hub's reads no longer queue behind every request waiting for a pooled connection.
 *
 * Nothing else differs: the same routes, middleware, configuration and ring() after each
 * mutating response. Only for the benchmark; it refuses to start without DATABASE_URL.
 */
import { join, resolve } from 'node:path';
import { openDatabase } from '../../db/client.ts';
import { migrateDatabase } from '../../db/migrate.ts';
import { createApp } from '../../server/app.ts';
import { ConfigError, loadConfig, type Config } from '../../server/config.ts';
import { createLogger } from '../../server/http/logger.ts';
import { listen } from '../../server/http/listen.ts';
import { createLiveHub } from '../../server/live/live-hub.ts';
import { createServerDeps } from '../../server/server-deps.ts';

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
if (!config.DATABASE_URL) {
  console.error('live-bench-server: DATABASE_URL is required.');
  process.exit(1);
}
const hubPoolSize = Number(process.env.BENCH_LIVE_HUB_POOL_SIZE ?? '2');

const logger = createLogger(config.LOG_LEVEL);
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: join(resolve(config.DATA_DIR), 'pglite'), maxConnections: config.DATABASE_POOL_SIZE });
await migrateDatabase(database);
const hubDatabase = await openDatabase({ databaseUrl: config.DATABASE_URL, maxConnections: hubPoolSize });
const deps = await createServerDeps(config, database, logger);
const live = createLiveHub({ database: hubDatabase, logger, pollMs: config.LIVE_POLL_MS });
const app = createApp({ ...deps, live });

await live.start();
const running = await listen(app.fetch, { port: config.PORT, hostname: config.HOST });
const base = config.PUBLIC_URL ?? `http://localhost:${running.port}`;
console.log(`live-bench-server (the live hub on its own pool of ${hubPoolSize})\n  API:       ${base}/api/v1\n`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await running.close();
  await live.stop();
  await hubDatabase.close();
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
