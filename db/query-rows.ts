import type { SQL } from 'drizzle-orm';
import type { Database } from './client.ts';
import type { Tx } from './rls.ts';

/**
 * Runs raw SQL and returns its rows, whichever engine runs it (postgres.js answers an array,
 * PGlite an object with `rows`).
 */
export async function queryRows<T extends Record<string, unknown>>(db: Database | Tx, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
