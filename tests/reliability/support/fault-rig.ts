/**
 * What most fault tests stand on: a throwaway PostgreSQL cluster with one database, a data
 * directory of their own, `node server/main.ts` on that database, and an admin connection to it.
 * `close()` takes it all down again (in that order: admin, server, cluster, directory); if
 * starting fails half-way, what had started is taken down before the error is thrown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type postgres from 'postgres';
import { startServerChild, type ServerChild } from './server-child.ts';
import { startThrowawayCluster, type ThrowawayCluster } from './throwaway-cluster.ts';

export interface FaultRig {
  cluster: ThrowawayCluster;
  databaseUrl: string;
  server: ServerChild;
  admin: postgres.Sql;
  close(): Promise<void>;
}

/** `name` names the database and the data directory; `serverEnv` is added to the server's environment. */
export async function startFaultRig(name: string, serverEnv?: Record<string, string>): Promise<FaultRig> {
  const dataDir = mkdtempSync(join(tmpdir(), `tw-faults-${name}-`));
  let cluster: ThrowawayCluster | undefined;
  let server: ServerChild | undefined;
  let admin: postgres.Sql | undefined;
  const close = async () => {
    await admin?.end({ timeout: 1 }).catch(() => {});
    await server?.stop();
    await cluster?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    cluster = await startThrowawayCluster();
    const databaseUrl = await cluster.createDatabase(name);
    server = await startServerChild({ databaseUrl, dataDir, ...(serverEnv ? { env: serverEnv } : {}) });
    admin = cluster.admin(name);
    return { cluster, databaseUrl, server, admin, close };
  } catch (error) {
    await close();
    throw error;
  }
}
