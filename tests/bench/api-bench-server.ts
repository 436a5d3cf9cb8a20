/**
 * The server `npm run bench:api` starts as its child: built exactly as server/main.ts builds it
 * (loadConfig, openDatabase, migrateDatabase, createServerDeps, createApp, startMaintenance, the
 * live hub, listen), plus two routes the real server does not have, mounted on the returned app
 * before it serves. They give the framework-and-driver ceiling the API routes are compared with:
 *
 *   GET /bench/ceiling        Bearer token verified by deps.tokens.verify, then one `select 1`
 *                             through withClaims (begin, set_config role + claims, select, commit):
 *                             the auth, transaction and driver cost every API route pays.
 *   GET /bench/ceiling-plain  the same token verification, then `select 1` on systemDb with no
 *                             transaction: what the transaction wrapper itself costs.
 *
 * Neither goes through the /api/* middleware (secure headers, CORS, body limit, ETag, user
 * directory); the API routes do. Only for benchmarks: it refuses to start without DATABASE_URL.
 */
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { Context } from 'hono';
import postgres from 'postgres';
import { openDatabase, type Database, type DatabaseHandle } from '../../db/client.ts';
import { migrateDatabase } from '../../db/migrate.ts';
import { withClaims } from '../../db/rls.ts';
import * as schema from '../../db/schema/index.ts';
import type { AppEnv } from '../../server/app-env.ts';
import { createApp } from '../../server/app.ts';
import { ConfigError, loadConfig, type Config } from '../../server/config.ts';
import { ApiError } from '../../server/errors.ts';
import { listen } from '../../server/http/listen.ts';
import { createLogger } from '../../server/http/logger.ts';
import { startMaintenance } from '../../server/maintenance.ts';
import { createServerDeps } from '../../server/server-deps.ts';

// From here to `createApp`, and from `startMaintenance` on, this is server/main.ts: keep them in step.
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
  console.error('api-bench-server: DATABASE_URL is required (the API benchmark runs on PostgreSQL only).');
  process.exit(1);
}

const logger = createLogger(config.LOG_LEVEL);
let database: DatabaseHandle = await openDatabase({
  databaseUrl: config.DATABASE_URL,
  pgliteDir: join(resolve(config.DATA_DIR), 'pglite'),
  maxConnections: config.DATABASE_POOL_SIZE,
  statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
});
await migrateDatabase(database);
if (process.env.BENCH_API_EXPERIMENT === 'prepare') database = withNamedStatements(database, config);
const deps = await createServerDeps(config, database, logger);
const app = createApp(deps);

// The bench's own routes, on the app main.ts would serve, before it serves.
const bearer = /^Bearer[ ]+(\S+)$/i;
async function verifiedUserId(c: Context<AppEnv>): Promise<string> {
  const match = bearer.exec(c.req.header('authorization')?.trim() ?? '');
  if (!match) throw new ApiError('unauthorized', 'Send Authorization: Bearer <token>.');
  return (await deps.tokens.verify(match[1]!)).userId;
}

app.get('/bench/ceiling', async (c) => {
  const sub = await verifiedUserId(c);
  await withClaims(deps.database.systemDb, { sub }, (tx) => tx.execute(sql`select 1`));
  return c.json({ ok: true });
});
app.get('/bench/ceiling-plain', async (c) => {
  await verifiedUserId(c);
  await deps.database.systemDb.execute(sql`select 1`);
  return c.json({ ok: true });
});

const stopMaintenance = startMaintenance(database.systemDb, logger);
await deps.live.start();
const running = await listen(app.fetch, { port: config.PORT, hostname: config.HOST });
console.log(`api-bench-server listening on ${config.HOST}:${running.port} (${database.engine}, pool ${config.DATABASE_POOL_SIZE})`);

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

/**
 * BENCH_API_EXPERIMENT=prepare, an A/B experiment only (not how the server runs): systemDb on a
 * pool of its own whose queries are sent as named statements (postgres.js `prepare: true`), where
 * Drizzle sends them unnamed (`prepare: false`): one round trip instead of two for a query with
 * parameters, and PostgreSQL may reuse the plan. Everything else stays the real server's.
 */
function withNamedStatements(original: DatabaseHandle, settings: Config): DatabaseHandle {
  const client = postgres(settings.DATABASE_URL!, {
    max: settings.DATABASE_POOL_SIZE,
    onnotice: () => {},
    connection: {
      application_name: 'ticket-widget',
      ...(settings.DATABASE_STATEMENT_TIMEOUT_MS ? { statement_timeout: settings.DATABASE_STATEMENT_TIMEOUT_MS } : {}),
      ...(settings.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS ? { idle_in_transaction_session_timeout: settings.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS } : {}),
    },
  });
  type Callback = (sql: unknown) => unknown;
  const named = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property) {
        const value = Reflect.get(object, property) as unknown;
        if (property === 'unsafe') {
          return (query: string, params?: unknown[], options?: Record<string, unknown>) =>
            (value as (...args: unknown[]) => unknown).call(object, query, params, { ...options, prepare: true });
        }
        if (property === 'begin' || property === 'savepoint') {
          return (...args: unknown[]) => {
            const callback = args.pop() as Callback;
            return (value as (...args: unknown[]) => unknown).call(object, ...args, (inner: object) => callback(named(inner)));
          };
        }
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
      },
    });
  console.log('api-bench-server: EXPERIMENT prepare: systemDb sends named statements (postgres.js prepare: true)');
  return {
    ...original,
    systemDb: drizzle({ client: named(client), schema }) as unknown as Database,
    close: async () => {
      await client.end({ timeout: 5 });
      await original.close();
    },
  };
}
