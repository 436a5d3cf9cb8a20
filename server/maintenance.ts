/** Periodic housekeeping on the server's own connection: forgetting Idempotency-Keys after a day, removing orphaned files. */
import { lt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { idempotencyKeys } from '../db/schema/index.ts';
import { sweepOrphanedAttachments } from './attachments/sweep.ts';
import type { Config } from './config.ts';
import type { Logger } from './http/logger.ts';
import { diskStorageRoot, storageFor } from './storage/index.ts';

/** How long a stored response can be replayed: longer than any client retries one request. */
export const idempotencyKeyLifetimeHours = 24;

export async function sweepIdempotencyKeys(systemDb: Database): Promise<void> {
  await systemDb.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${idempotencyKeyLifetimeHours})`));
}

/** Starts the sweeps; returns a function that stops them. */
export function startMaintenance(systemDb: Database, config: Config, logger: Logger, intervalMs = 15 * 60_000): () => void {
  const run = async () => {
    await sweepIdempotencyKeys(systemDb).catch((error: unknown) => logger.warn('idempotency key sweep failed', { error: String(error) }));
    // Files no attachment row refers to: a crash mid-upload, or a message the team deleted.
    await sweepOrphanedAttachments(systemDb, storageFor(config), config.STORAGE === 'disk' ? { diskRoot: diskStorageRoot(config) } : {})
      .then(({ deleted }) => deleted && logger.info('removed orphaned attachment files', { deleted }))
      .catch((error: unknown) => logger.warn('attachment sweep failed', { error: String(error) }));
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
