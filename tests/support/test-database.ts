/**
 * A fresh, migrated database per test file, on each engine under test: embedded PGlite (in
 * memory) always, and PostgreSQL too when DATABASE_URL is set. Each PostgreSQL test database is
 * created for this run alone and dropped afterwards; DATABASE_URL's own database is never used
 * for data.
 */
import { randomBytes } from 'node:crypto';
import { openDatabase, type DatabaseHandle, type Engine } from '../../db/client.ts';
import { migrateDatabase } from '../../db/migrate.ts';
import { connectPostgres } from '../../db/postgres-connection.ts';
import { withDatabase } from './database-url.ts';

export const enginesUnderTest: Engine[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  readonly handle: DatabaseHandle;
  /** The connection string of this test's own PostgreSQL database (postgres engine only). */
  readonly databaseUrl?: string;
  drop(): Promise<void>;
}

/** `options.migrationsFolder`: migrate from another folder (a prefix of the history, for upgrade tests). */
export async function createTestDatabase(engine: Engine, options: { maxConnections?: number; migrationsFolder?: string } = {}): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const handle = await openDatabase();
    await migrateDatabase(handle, options.migrationsFolder);
    return { handle, drop: () => handle.close() };
  }
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('The postgres engine needs DATABASE_URL to point at a PostgreSQL server.');
  const name = `tw_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = connectPostgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const databaseUrl = withDatabase(adminUrl, name);
  const handle = await openDatabase({ databaseUrl, maxConnections: options.maxConnections });
  await migrateDatabase(handle, options.migrationsFolder);
  return {
    handle,
    databaseUrl,
    async drop() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
