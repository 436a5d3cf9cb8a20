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
import type postgres from 'postgres';
import * as schema from './schema/index.ts';
import { connectPostgres, describeConnectionString } from './postgres-connection.ts';
import { guardTransactions } from './transaction-guard.ts';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Engine = 'pglite' | 'postgres';

export interface DatabaseHandle {
  /** The server's own connection. Bypasses row-level security: never use it to serve a user. */
  readonly systemDb: Database;
  readonly engine: Engine;
  /** Where the data lives, for people: a directory, `memory`, or the URL without its password. */
  readonly location: string;
  /**
   * LISTEN on a channel. `onListening` runs each time the listener is (re)connected, so a caller
   * can catch up on what it may have missed while it was not. Resolves to a function that stops.
   */
  listen(channel: string, onNotify: (payload: string) => void, onListening: () => void): Promise<() => Promise<void>>;
  /** NOTIFY a channel, outside any transaction of the caller's. */
  notify(channel: string, payload?: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * PostgreSQL connection string (read as libpq reads it: db/postgres-connection.ts); when absent,
   * embedded PGlite is used.
   */
  databaseUrl?: string | undefined;
  /** PGlite data directory; when absent, PGlite keeps everything in memory. */
  pgliteDir?: string | undefined;
  /** postgres.js pool size. */
  maxConnections?: number | undefined;
  /**
   * Named (prepared) statements on PostgreSQL: parsed and planned once per connection instead of
   * on every query. On by default; turn off behind a pooler that cannot keep them (PgBouncer in
   * transaction mode before 1.21).
   */
  preparedStatements?: boolean | undefined;
  /** PostgreSQL's statement_timeout for every connection (ms; 0 = none): runaway queries end. */
  statementTimeoutMs?: number | undefined;
  /** PostgreSQL's idle_in_transaction_session_timeout (ms; 0 = none): a stuck transaction cannot hold locks forever. */
  idleInTransactionTimeoutMs?: number | undefined;
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    // Transactions guarded against postgres.js's handling of a lost connection (db/transaction-guard.ts).
    const client = guardTransactions(connectPostgres(options.databaseUrl, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      // postgres.js waits up to 20 s between reconnects after a few failures (its retry count is
      // shared by the pool): requests would hang that long while the database is down, and after
      // it is back. Reconnect within a second instead.
      backoff: reconnectBackoffSeconds,
      connection: {
        application_name: 'ticket-widget',
        ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
        ...(options.idleInTransactionTimeoutMs ? { idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs } : {}),
      },
    }));
    return {
      systemDb: drizzlePostgres({ client: options.preparedStatements === false ? client : withNamedStatements(client), schema }) as unknown as Database,
      engine: 'postgres',
      location: describeConnectionString(options.databaseUrl),
      async listen(channel, onNotify, onListening) {
        // postgres.js keeps a dedicated connection for LISTEN and re-subscribes after it drops.
        const { unlisten } = await client.listen(channel, onNotify, onListening);
        return unlisten;
      },
      async notify(channel, payload = '') {
        await client.notify(channel, payload);
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (options.pgliteDir) await mkdir(options.pgliteDir, { recursive: true });
  const client = await PGlite.create(options.pgliteDir);
  return {
    systemDb: drizzlePglite({ client, schema }) as unknown as Database,
    engine: 'pglite',
    location: options.pgliteDir ?? 'memory',
    async listen(channel, onNotify, onListening) {
      const unlisten = await client.listen(channel, onNotify);
      onListening();
      return unlisten;
    },
    async notify(channel, payload = '') {
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    },
    close: () => client.close(),
  };
}

/** Seconds before the next connection attempt: 50 ms doubling per failure, capped at 1 s, jittered. */
export function reconnectBackoffSeconds(failures: number): number {
  return Math.min(0.05 * 2 ** failures, 1) * (0.5 + Math.random() / 2);
}

/**
 * Drizzle sends every query of postgres.js unnamed (`prepare: false`) unless it is given a name,
 * which costs a parse and a plan per query. This asks postgres.js to name them (it keeps one per
 * distinct SQL text and connection), also inside transactions and savepoints.
 */
function withNamedStatements(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, parameters?: postgres.ParameterOrJSON<never>[], queryOptions?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, parameters, { ...queryOptions, prepare: true });
      }
      if (property === 'reserve') {
        // A reserved connection (db/rls.ts readWithClaims) names its statements too.
        return async () => withNamedStatements(await target.reserve());
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          const work = args.pop() as (sql: postgres.Sql) => unknown;
          return (target as unknown as Record<string, (...a: unknown[]) => unknown>)[property]!(...args, (sql: postgres.Sql) => work(withNamedStatements(sql)));
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
