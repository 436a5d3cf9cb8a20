/**
 * Everything `npm start` does after reading its configuration, in one place so the benchmarks
 * run the very same server: the database opened and migrated, the live hub on a small pool of
 * its own (so its reads never queue behind request transactions), housekeeping, the HTTP and
 * WebSocket listener, and a graceful stop.
 */
import { join, resolve } from 'node:path';
import { openDatabase, type DatabaseHandle } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import type { AppDeps } from './app-env.ts';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { listen, type RunningServer } from './http/listen.ts';
import type { Logger } from './http/logger.ts';
import { startMaintenance } from './maintenance.ts';
import { createServerDeps } from './server-deps.ts';
import { withDemoSecret } from '../demo/demo-secret.ts';
import { seedDemoIfEmpty, type SeedOutcome } from '../demo/seed.ts';

export interface StartedServer {
  deps: AppDeps;
  running: RunningServer;
  /** The URL people reach the server at. */
  baseUrl: string;
  /** Demo mode: whether this start seeded the demo data ('seeded'), found it ('kept') or found other data ('not-empty'). */
  demoSeed?: SeedOutcome;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** Extra routes mounted before the server listens (benchmarks' ceilings). */
  extraRoutes?: (app: ReturnType<typeof createApp>, deps: AppDeps) => void;
}

/** Live reads are short and frequent; two connections keep them out of the request pool's queue. */
const livePoolSize = 2;

export async function startServer(givenConfig: Config, logger: Logger, options: StartServerOptions = {}): Promise<StartedServer> {
  const databaseOptions = {
    databaseUrl: givenConfig.DATABASE_URL,
    pgliteDir: join(resolve(givenConfig.DATA_DIR), 'pglite'),
    statementTimeoutMs: givenConfig.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: givenConfig.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    preparedStatements: givenConfig.DATABASE_PREPARED_STATEMENTS,
  };
  const database = await openDatabase({ ...databaseOptions, maxConnections: givenConfig.DATABASE_POOL_SIZE });
  await migrateDatabase(database);
  // Demo mode with no identity configured signs its demo tokens with a secret of its own.
  const config = await withDemoSecret(givenConfig, database.systemDb);
  // PGlite is one connection in this process: the hub shares it.
  const liveDatabase: DatabaseHandle = database.engine === 'postgres' ? await openDatabase({ ...databaseOptions, maxConnections: livePoolSize }) : database;
  const deps = await createServerDeps(config, database, logger, liveDatabase);
  const app = createApp(deps);
  options.extraRoutes?.(app, deps);
  const stopMaintenance = startMaintenance(database.systemDb, config, logger);
  await deps.live.start();
  const demoSeed = config.demoMode ? await seedDemoIfEmpty(deps) : undefined;
  const running = await listen(app.fetch, { port: config.PORT, hostname: config.HOST });
  return {
    deps,
    running,
    ...(demoSeed ? { demoSeed } : {}),
    baseUrl: config.PUBLIC_URL ?? `http://localhost:${running.port}`,
    async stop() {
      stopMaintenance();
      await running.close();
      await deps.live.stop();
      if (liveDatabase !== database) await liveDatabase.close();
      await database.close();
    },
  };
}
