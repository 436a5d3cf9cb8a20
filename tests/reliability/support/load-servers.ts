/**
 * The servers a load test drives. On PostgreSQL: two real instances (`node server/main.ts` as
 * child processes) on a database of the test's own, the way several instances run behind a load
 * balancer. On PGlite (one process by nature): the app in this process, listening on loopback.
 * Either way the test gets base URLs, the database's own connection for checking what was
 * stored, and the secret customer tokens are signed with. Rate limits are out of reach: the load
 * is about losing nothing, not about limits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database, Engine } from '../../../db/client.ts';
import { listen } from '../../../server/http/listen.ts';
import { startServerPrintingUrl, type ServerProcess } from '../../bench/support/server-process.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import { startTestServer, testJwtSecret } from '../../support/test-server.ts';

export interface LoadServers {
  engine: Engine;
  /** http://127.0.0.1:PORT of each instance. */
  baseUrls: string[];
  /** Bypasses row-level security: for seeding users and checking what was stored. */
  systemDb: Database;
  secret: string;
  /** What the instances logged at warn or above (child processes only). */
  serverErrors(): string[];
  stop(): Promise<void>;
}

const unlimited = '1000000000';
export const loadRateLimits = {
  RATE_LIMIT_MESSAGES_PER_MINUTE: unlimited,
  RATE_LIMIT_TICKETS_PER_HOUR: unlimited,
  RATE_LIMIT_GUEST_SESSIONS_PER_HOUR: unlimited,
};

/** Two `server/main.ts` processes on a fresh database of the DATABASE_URL server. */
export async function startTwoInstances(): Promise<LoadServers> {
  const testDb = await createTestDatabase('postgres', { maxConnections: 4 });
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-load-'));
  const instances: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await testDb.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 2; i++) {
      instances.push(
        await startServerPrintingUrl({
          entry: 'server/main.ts',
          cwd: process.cwd(),
          env: {
            ...process.env,
            ...loadRateLimits,
            DATABASE_URL: testDb.databaseUrl!,
            PORT: '0',
            HOST: '127.0.0.1',
            AUTH_JWT_SECRET: testJwtSecret,
            LOG_LEVEL: 'warn',
            DEMO_MODE: 'false',
            DATA_DIR: dataDir,
          },
          readyWithinMs: 30_000,
          killAfterMs: 10_000,
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    engine: 'postgres',
    baseUrls: instances.map((instance) => instance.baseUrl),
    systemDb: testDb.handle.systemDb,
    secret: testJwtSecret,
    serverErrors: () => instances.flatMap((instance) => instance.stderr),
    stop,
  };
}

/** The app on embedded PGlite in this process, listening on a loopback port, live hub started. */
export async function startOneInProcess(): Promise<LoadServers> {
  const server = await startTestServer('pglite', loadRateLimits);
  await server.deps.live.start();
  const running = await listen(server.app.fetch, { port: 0, hostname: '127.0.0.1' });
  return {
    engine: 'pglite',
    baseUrls: [`http://127.0.0.1:${running.port}`],
    systemDb: server.testDb.handle.systemDb,
    secret: testJwtSecret,
    serverErrors: () => [],
    async stop() {
      await running.close(1_000);
      await server.deps.live.stop();
      await server.close();
    },
  };
}
