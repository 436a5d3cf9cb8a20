/**
 * `npm run demo:reset`: starts the demo over; the next `npm start` seeds it again. Stop the
 * server first.
 *
 * - Embedded database (no DATABASE_URL): deletes its folder ($DATA_DIR/pglite) and the attachments
 *   on disk ($DATA_DIR/attachments).
 * - DATABASE_URL: refused, unless asked for with `--wipe-database-url`; then every row of the
 *   app's tables is deleted (schema and migrations stay; the stored files of the deleted
 *   attachments are removed by the server's orphan sweep).
 *
 * Only in demo mode (DEMO_MODE, on by default without DATABASE_URL): a server that is not a demo
 * keeps its data whatever this is told.
 */
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { queryRows } from '../db/query-rows.ts';
import { loadConfigOrExit, type Config } from '../server/config.ts';

export const wipeFlag = 'wipe-database-url';

export class ResetRefused extends Error {
  override name = 'ResetRefused';
}

/** Resets the demo this configuration points at; returns what it did, line by line. */
export async function resetDemo(config: Config, options: { wipeDatabaseUrl?: boolean } = {}): Promise<string[]> {
  if (!config.demoMode) {
    throw new ResetRefused('Demo mode is off (DEMO_MODE=false, or DATABASE_URL without DEMO_MODE=true): this is not a demo, so nothing was reset.');
  }
  const dataDir = resolve(config.DATA_DIR);
  if (config.DATABASE_URL) {
    if (!options.wipeDatabaseUrl) {
      throw new ResetRefused(
        `DATABASE_URL is set: demo:reset would delete every row of that database's ticket-widget tables. If that is what you want, run: npm run demo:reset -- --${wipeFlag}`,
      );
    }
    return [await wipeDatabase(config.DATABASE_URL)];
  }
  const done: string[] = [];
  const pgliteDir = join(dataDir, 'pglite');
  await rm(pgliteDir, { recursive: true, force: true });
  done.push(`Deleted the embedded database (${pgliteDir}).`);
  if (config.STORAGE === 'disk') {
    const attachmentsDir = join(dataDir, 'attachments');
    await rm(attachmentsDir, { recursive: true, force: true });
    done.push(`Deleted the stored attachments (${attachmentsDir}).`);
  }
  return done;
}

/** Deletes every row of the app's tables (public, private, auth.users), keeping the session key. */
async function wipeDatabase(databaseUrl: string): Promise<string> {
  const { openDatabase } = await import('../db/client.ts');
  const handle = await openDatabase({ databaseUrl, maxConnections: 1 });
  try {
    const db = handle.systemDb;
    const tables = await queryRows<{ name: string }>(
      db,
      sql`select format('%I.%I', schemaname, tablename) as name from pg_catalog.pg_tables
          where (schemaname in ('public', 'private') and tablename <> 'server_secrets') or (schemaname = 'auth' and tablename = 'users')
          order by 1`,
    );
    await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`truncate ${tables.map((table) => table.name).join(', ')} restart identity cascade`));
      // The demo secret stays (tokens keep verifying); the seed marker goes, so the next start seeds.
      await tx.execute(sql`delete from private.server_secrets where name = 'demo_seeded_at'`);
    });
    return `Deleted every row of ${tables.length} tables in the DATABASE_URL database.`;
  } finally {
    await handle.close();
  }
}

/** A server still running on this configuration's port would keep using what was deleted. */
async function serverIsRunning(config: Config): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${config.PORT}/healthz`, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { [wipeFlag]: { type: 'boolean' } }, strict: true });
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL && (await serverIsRunning(config))) {
    console.error(`A server answers on port ${config.PORT}: stop it first (Ctrl+C), then run demo:reset again.`);
    process.exit(1);
  }
  try {
    for (const line of await resetDemo(config, { wipeDatabaseUrl: values[wipeFlag] === true })) console.log(line);
    console.log('The next npm start seeds the demo again.');
  } catch (error) {
    if (!(error instanceof ResetRefused)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
