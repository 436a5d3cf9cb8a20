/**
 * A fingerprint of everything a request could change: per table (every table of the public,
 * auth and private schemas, found at run time so a new table is covered) its row count and a
 * checksum of its rows, read on the server's own connection (past row-level security), plus the
 * files under the attachment store. Two equal snapshots mean nothing changed.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { queryRows } from '../../../db/query-rows.ts';

export interface StateSnapshot {
  tables: Record<string, string>;
  files: string[];
}

export interface StateReader {
  read(): Promise<StateSnapshot>;
}

async function listFiles(root: string): Promise<string[]> {
  try {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
  } catch {
    return [];
  }
}

export async function createStateReader(systemDb: Database, attachmentDir: string): Promise<StateReader> {
  const tables = await queryRows<{ name: string }>(
    systemDb,
    sql`select quote_ident(table_schema) || '.' || quote_ident(table_name) as name from information_schema.tables
        where table_schema in ('public', 'auth', 'private') and table_type = 'BASE TABLE' order by 1`,
  );
  if (tables.length === 0) throw new Error('No tables found to snapshot.');
  const checksum = sql.join(
    tables.map(({ name }) => sql.raw(`select '${name}' as name, count(*)::text || ':' || coalesce(md5(string_agg(md5(t::text), '' order by md5(t::text))), '') as digest from ${name} t`)),
    sql.raw(' union all '),
  );
  return {
    async read() {
      const rows = await queryRows<{ name: string; digest: string }>(systemDb, checksum);
      return { tables: Object.fromEntries(rows.map((row) => [row.name, row.digest])), files: await listFiles(attachmentDir) };
    },
  };
}

/** What differs between two snapshots, for a failure message; empty when nothing does. */
export function snapshotDifferences(before: StateSnapshot, after: StateSnapshot): string[] {
  const differences: string[] = [];
  for (const name of new Set([...Object.keys(before.tables), ...Object.keys(after.tables)])) {
    if (before.tables[name] !== after.tables[name]) differences.push(`${name}: ${before.tables[name]?.split(':')[0]} → ${after.tables[name]?.split(':')[0]} rows (checksum changed)`);
  }
  const added = after.files.filter((f) => !before.files.includes(f));
  const removed = before.files.filter((f) => !after.files.includes(f));
  if (added.length) differences.push(`files added: ${added.join(', ')}`);
  if (removed.length) differences.push(`files removed: ${removed.join(', ')}`);
  return differences;
}
