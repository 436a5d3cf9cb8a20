/**
 * One way to open the database for both engines: embedded PGlite (a directory, or memory) by
 * default, PostgreSQL through postgres.js when a URL is given. The handle's `db` is the
 * server's own connection and bypasses RLS: migrations, auth bootstrap, event fan-out. User
 * reads and writes go through `withClaims` (db/rls.ts).
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Engine = 'pglite' | 'postgres';

export interface DatabaseHandle {
  /** The server's own connection. Bypasses row-level security: never use it to serve a user. */
  readonly systemDb: Database;
  readonly engine: Engine;
  /** Where the data lives, for people: a directory, `memory`, or the URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when absent, embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; when absent, PGlite keeps everything in memory. */
  pgliteDir?: string | undefined;
  /** postgres.js pool size. */
  maxConnections?: number | undefined;
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const client = postgres(options.databaseUrl, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      connection: { application_name: 'ticket-widget' },
    });
    return {
      systemDb: drizzlePostgres({ client, schema }) as unknown as Database,
      engine: 'postgres',
      location: redactPassword(options.databaseUrl),
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (options.pgliteDir) await mkdir(options.pgliteDir, { recursive: true });
  const client = await PGlite.create(options.pgliteDir);
  return {
    systemDb: drizzlePglite({ client, schema }) as unknown as Database,
    engine: 'pglite',
    location: options.pgliteDir ?? 'memory',
    close: () => client.close(),
  };
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres (unparseable URL)';
  }
}
