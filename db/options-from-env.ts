import { join, resolve } from 'node:path';
import type { OpenDatabaseOptions } from './client.ts';

/** `DATABASE_URL` when set, otherwise embedded PGlite under `DATA_DIR` (default `./data`). */
export function databaseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): OpenDatabaseOptions {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl) return { databaseUrl };
  return { pgliteDir: join(resolve(env.DATA_DIR?.trim() || './data'), 'pglite') };
}
