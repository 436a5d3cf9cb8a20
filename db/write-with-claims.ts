/**
 * `writeWithClaims(db, claims, statement)`: one writing statement in its own transaction as the
 * user the claims name, in one round trip on PostgreSQL.
 *
 * withClaims needs three (BEGIN; the identity with the work; COMMIT), and between them the
 * transaction waits for the application's event loop: under load that wait is most of the time
 * a writer holds its connection, its row locks and its place in the event log (readers of the log
 * wait for the oldest open writer; see migration 0006). Here BEGIN, the identity, the statement
 * and COMMIT are written together on a connection reserved from the pool, and the call returns the
 * statement's rows only once COMMIT has answered COMMIT. Safety, in order:
 * - they run in that order on one connection: the statement never runs before the identity;
 * - if the identity or the statement fails, PostgreSQL answers the pipelined COMMIT with ROLLBACK
 *   (nothing is kept) and the call throws the statement's own error;
 * - when the connection is lost the call fails (the statements still pending settle with the
 *   loss) and the connection is not released: postgres.js has taken it back;
 * - BEGIN fails only when the connection does, and then nothing after it runs. Statements should
 *   still name their user through `auth.uid()` (as RLS policies do), so a statement that somehow
 *   ran without the identity would fail instead of writing as nobody.
 * On PGlite (in-process, no round trips to save) it is withClaims with the one statement.
 */
import { is, type SQL } from 'drizzle-orm';
import { PostgresJsSession } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import type { Database } from './client.ts';
import { newPipelineState, release, watcher, watchClose } from './pipelined-connection.ts';
import { queryRows } from './query-rows.ts';
import { claimsText, identityText, withClaims, type Claims } from './rls.ts';

/** Thrown when the pipelined COMMIT did not commit although no statement reported an error. */
export class WriteNotCommittedError extends Error {
  constructor(command: string | undefined) {
    super(`writeWithClaims: the transaction ended with ${command ?? 'no answer'} instead of COMMIT; nothing was written`);
    this.name = 'WriteNotCommittedError';
  }
}

export async function writeWithClaims<T extends Record<string, unknown>>(db: Database, claims: Claims | null, statement: SQL): Promise<T[]> {
  const session = (db as unknown as { session: unknown }).session;
  if (!is(session, PostgresJsSession)) return withClaims(db, claims, (tx) => queryRows<T>(tx, statement));

  // What Drizzle's own transaction() uses (drizzle-orm/postgres-js/session.js).
  const parts = session as unknown as { client: postgres.Sql; dialect: { sqlToQuery(sql: SQL): { sql: string; params: unknown[] } } };
  const query = parts.dialect.sqlToQuery(statement);
  const connection = await parts.client.reserve();
  const state = newPipelineState();
  const watch = watcher(state);

  const begin = watch(connection.unsafe('begin', [], { onexecute: watchClose(state) } as postgres.UnsafeQueryOptions).execute());
  const identity = watch(connection.unsafe(identityText, [claimsText(claims)]).execute());
  const rows = watch(connection.unsafe(query.sql, query.params as postgres.ParameterOrJSON<never>[]).execute());
  const commit = watch(connection.unsafe('commit').execute());
  const [began, identified, wrote, committed] = await Promise.allSettled([begin, identity, rows, commit]);
  state.open = false;
  // COMMIT or ROLLBACK has ended the transaction block (or the connection is gone): nothing of
  // the claims survives on the connection.
  release(connection, state);

  if (began.status === 'rejected') throw began.reason;
  if (identified.status === 'rejected') throw identified.reason;
  if (wrote.status === 'rejected') throw wrote.reason;
  if (committed.status === 'rejected') throw committed.reason;
  const command = (committed.value as { command?: string }).command;
  if (command !== 'COMMIT') throw new WriteNotCommittedError(command);
  return [...(wrote.value as unknown as T[])];
}
