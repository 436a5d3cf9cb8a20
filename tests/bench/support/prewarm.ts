/**
 * Reads a bench database's tables and indexes into the operating system's page cache before a
 * measurement, so that every run starts from the same state: the working set in memory, as on a
 * database server with the RAM for it. Without it, a run on a reused database (BENCH_DB_URL) or
 * one after other work timed the disk instead: the machines these benches run on reclaim page
 * cache that has not been touched for a while (DAMON's proactive reclaim; seen here as the cache
 * shrinking by about 3 MB/s on an idle machine), and bench:db's customer reads then went from
 * p50 0.96 to 1.61 ms, the hand-filtered twin's as much as the RLS read's.
 *
 * pg_prewarm's 'read' mode goes through the page cache without filling shared_buffers, so what
 * PostgreSQL itself keeps is not displaced. Creating the extension needs a superuser; without it
 * the step is skipped and says why.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { queryRows } from '../../../db/query-rows.ts';

export interface PrewarmReport {
  /** Bytes read, or undefined when the step was skipped. */
  bytes?: number;
  seconds: number;
  /** Why it was skipped. */
  skipped?: string;
}

/** Reads every table and index of the given schemas once (pg_prewarm, mode 'read'). */
export async function prewarmPageCache(db: Database, schemas: string[] = ['public', 'auth']): Promise<PrewarmReport> {
  const started = performance.now();
  try {
    await db.execute(sql`create extension if not exists pg_prewarm`);
  } catch (error) {
    return { seconds: (performance.now() - started) / 1000, skipped: `pg_prewarm is not available (${error instanceof Error ? error.message : String(error)})` };
  }
  const [row] = await queryRows<{ bytes: string | number | null }>(
    db,
    sql`select sum(pg_prewarm(c.oid, 'read')) * current_setting('block_size')::bigint as bytes
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ${schemas} and c.relkind in ('r', 'i', 'm') and c.relpersistence = 'p'`,
  );
  return { bytes: Number(row?.bytes ?? 0), seconds: (performance.now() - started) / 1000 };
}

export function describePrewarm(report: PrewarmReport): string {
  if (report.skipped) return `page cache not prewarmed: ${report.skipped}`;
  return `page cache prewarmed: ${((report.bytes ?? 0) / 1024 ** 3).toFixed(2)} GiB read in ${report.seconds.toFixed(1)} s (pg_prewarm, 'read')`;
}
