import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { query } from './sql-rows.ts';

/** "version=…, <setting>=…, size=…": the server's version, the settings named, then the size of the database `db` is on. */
export async function postgresSummary(db: Database, settings: string[]): Promise<string> {
  const columns = [`current_setting('server_version') as version`, ...settings.map((name) => `current_setting('${name}') as ${name}`)];
  const [row] = await query<Record<string, string>>(db, sql.raw(`select ${columns.join(', ')}, pg_size_pretty(pg_database_size(current_database())) as size`));
  return row ? Object.entries(row).map(([k, v]) => `${k}=${v}`).join(', ') : '';
}
