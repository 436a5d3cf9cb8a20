import type { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';

/** Runs a statement and returns its rows (postgres.js returns an array, PGlite `{ rows }`). */
export async function query<T extends Record<string, unknown>>(db: Database, statement: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
