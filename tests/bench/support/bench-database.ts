/**
 * A bench's own database on the DATABASE_URL server: created empty under a random name, dropped
 * (with force) when the bench is done. DATABASE_URL's own database is never written.
 */
import { randomBytes } from 'node:crypto';
import { connectPostgres } from '../../../db/postgres-connection.ts';
import { withDatabase } from '../../support/database-url.ts';

/** `prefix` followed by `bytes` random bytes in hex: tw_bench_api_3f9a0c11d2. */
export function benchDatabaseName(prefix: string, bytes = 5): string {
  return `${prefix}${randomBytes(bytes).toString('hex')}`;
}

export interface BenchDatabase {
  name: string;
  url: string;
  /** Drops the database (unless kept) and closes the admin connection. Safe to call twice. */
  dispose(): Promise<void>;
}

export interface BenchDatabaseOptions {
  /** The server, as DATABASE_URL names it. */
  adminUrl: string;
  /** From benchDatabaseName. */
  name: string;
  /** application_name of the admin connection. */
  applicationName?: string;
  /** `alter database … set` right after creating it, e.g. { track_functions: 'pl' }. */
  settings?: Record<string, string>;
  /** Where "Created/Dropped bench database …" go; nothing is said without it. */
  log?: (line: string) => void;
  /** Keep the database at the end (false: drop it): returns the line that says so (how to reuse and drop it). */
  keep?: false | ((database: { name: string; url: string }) => string);
}

export async function createBenchDatabase(options: BenchDatabaseOptions): Promise<BenchDatabase> {
  const { adminUrl, name, log, keep } = options;
  const admin = connectPostgres(adminUrl, { max: 1, onnotice: () => {}, ...(options.applicationName ? { connection: { application_name: options.applicationName } } : {}) });
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    await admin.end({ timeout: 5 }).catch(() => {});
    throw error;
  }
  const url = withDatabase(adminUrl, name);
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    try {
      if (keep) log?.(keep({ name, url }));
      else {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        log?.(`Dropped bench database ${name}`);
      }
    } finally {
      await admin.end({ timeout: 5 });
    }
  };
  try {
    for (const [setting, value] of Object.entries(options.settings ?? {})) await admin.unsafe(`alter database ${name} set ${setting} = '${value}'`);
  } catch (error) {
    await dispose().catch(() => {});
    throw error;
  }
  log?.(`Created bench database ${name}`);
  return { name, url, dispose };
}
