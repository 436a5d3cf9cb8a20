/**
 * Running work as a user: `withClaims(db, claims, tx => ...)` opens one transaction, switches it
 * to the `authenticated` role and sets `request.jwt.claims`, both transaction-local and both from
 * bound parameters, so row-level security decides what exists. When the transaction ends the
 * connection returns to the server's own role with no claims.
 *
 * `readWithClaims` is the same for work that only reads, in one round trip on PostgreSQL: a
 * read-only transaction whose BEGIN, identity and statements travel together (see below).
 */
import { is, sql } from 'drizzle-orm';
import type { PgTransaction, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { PostgresJsSession, PostgresJsTransaction } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import type { Database, Schema } from './client.ts';
import { finish, finishWith, issueEnd, newPipelineState, watcher, watchClose, type PipelineState } from './pipelined-connection.ts';

/** The JWT claims a request runs under. `sub` is the user's id (a UUID). */
export interface Claims {
  sub: string;
  role?: string;
  email?: string;
  [claim: string]: unknown;
}

export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export const identityText = `select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`;
export const claimsText = (claims: Claims | null) => (claims ? JSON.stringify(claims) : '');

/**
 * Runs `work` in one transaction as the user the claims name (or as nobody, with `null`).
 * @example const mine = await withClaims(db, { sub: userId }, (tx) => tx.select().from(tickets));
 */
export async function withClaims<T>(db: Database, claims: Claims | null, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    // Started, not awaited: on PostgreSQL the identity and the work's first statement travel
    // together (one round trip fewer). They run in order on the transaction's one connection,
    // so no statement of `work` runs before the identity is set, and if setting it fails the
    // transaction is aborted and every later statement fails with it.
    const identity = tx
      .execute(sql`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claimsText(claims)}, true)`)
      .then(() => undefined);
    const [, result] = await Promise.all([identity, work(tx)]);
    return result;
  });
}

/** Thrown when work given to readWithClaims issues a statement after its transaction ended or failed. */
export class ReadTransactionEndedError extends Error {
  constructor() {
    super('readWithClaims: a statement was issued after the read transaction ended or failed; it was not sent');
    this.name = 'ReadTransactionEndedError';
  }
}

/**
 * Runs `work`, which only reads, in one READ ONLY transaction as the user the claims name.
 *
 * On PostgreSQL the transaction costs the request one round trip: on a connection reserved from
 * the pool, BEGIN READ ONLY, the identity (the same transaction-local settings as withClaims) and
 * the work's statements are written together (postgres.js pipelines what is issued without
 * waiting: issue independent reads with Promise.all). The answer is returned as soon as the
 * work's results are in; COMMIT (ROLLBACK after any failure) follows on the same connection, and
 * the connection goes back to the pool only once the server has answered it, so the claims never
 * reach the connection's next use. Safety, in order:
 * - everything runs in the pipeline's order on one connection, so no statement of `work` runs
 *   before the identity is set; if BEGIN or the identity fails, the call fails and its rows are
 *   never returned (whatever ran is read-only or refused);
 * - a write inside `work` is refused by the READ ONLY transaction (SQLSTATE 25006);
 * - a statement issued after the work finished, or after a statement failed, is refused with
 *   ReadTransactionEndedError instead of running outside the transaction; after a lost
 *   connection nothing more is written to it (postgres.js may reconnect it for someone else);
 * - when the connection closes (the backend is terminated, the database restarts), every
 *   statement of the read still pending rejects with the connection-lost error, also those
 *   postgres.js had queued and will never send, so the read fails (503) instead of waiting
 *   forever; the closed connection is not released (postgres.js has taken it back).
 * On PGlite (in-process, no round trips to save) it is withClaims in a read-only transaction.
 *
 * `options.statements`: how many statements `work` issues, all before it awaits any of them (a
 * single query, or independent ones under Promise.all). COMMIT is then written right behind the
 * last of them, in the same write, instead of after the answers came back: one write and one
 * wake-up of the backend fewer per read. If a statement fails, PostgreSQL turns the pipelined
 * COMMIT into ROLLBACK. A statement beyond the count is refused (ReadTransactionEndedError); work
 * that issues fewer ends the usual way.
 *
 * Each statement keeps its own Sync, so PostgreSQL sends each answer as soon as it has it. Tried
 * and measured the other way: BEGIN and the identity written without a Sync (a postgres.js repair
 * that settled such a statement on its CommandComplete), so that PostgreSQL answers them together
 * with the work's statement in one flush. A loop of readWithClaims(select 1), the two ways
 * alternated four times in one process: p50 0.215–0.253 ms against 0.165–0.226 ms with a Sync each,
 * and no less client CPU (151–218 µs against 141–213 µs a read). Batched, the client and the
 * backend wait for each other; with a Sync each, the client handles BEGIN's and the identity's
 * answers while the backend runs the statement.
 */
export async function readWithClaims<T>(db: Database, claims: Claims | null, work: (tx: Tx) => Promise<T>, options: { statements?: number } = {}): Promise<T> {
  const session = (db as unknown as { session: unknown }).session;
  if (!is(session, PostgresJsSession)) {
    return withClaims(db, claims, async (tx) => {
      await tx.execute(sql`set transaction read only`);
      return work(tx);
    });
  }
  // What Drizzle's own transaction() hands its PostgresJsTransaction (drizzle-orm/postgres-js/session.js).
  const parts = session as unknown as { client: postgres.Sql; dialect: never; schema: never; options: never };
  const connection = await parts.client.reserve();
  const state = newPipelineState();
  const watch = watcher(state);
  let issued = 0;
  let end: Promise<unknown> | undefined;
  const afterStatement = () => {
    if (++issued !== options.statements) return;
    // The declared last statement: COMMIT goes right behind it, and nothing may follow.
    state.open = false;
    end = issueEnd(connection, 'commit');
  };
  const txSession = new PostgresJsSession(guardStatements(connection, state, watch, afterStatement), parts.dialect, parts.schema, parts.options);
  const tx = new PostgresJsTransaction(parts.dialect, txSession as never, parts.schema) as unknown as Tx;

  // Issued in this order, each handed to the connection a microtask after it is executed: BEGIN
  // and the identity go first, the work's statements (a few microtasks later, through Drizzle) after.
  // BEGIN also tells which of the pool's connections was reserved, to hear when it closes (see watchClose).
  const begin = watch(connection.unsafe('begin read only', [], { onexecute: watchClose(state) } as postgres.UnsafeQueryOptions).execute());
  const identity = watch(connection.unsafe(identityText, [claimsText(claims)]).execute());
  let workResult: PromiseSettledResult<T>;
  try {
    workResult = { status: 'fulfilled', value: await work(tx) };
  } catch (reason) {
    workResult = { status: 'rejected', reason };
  }
  const [began, identified] = await Promise.allSettled([begin, identity]);
  state.open = false;
  // Not awaited by the caller: the answer does not depend on committing a read-only transaction.
  if (!state.lost) void (end ? finishWith(connection, state, end) : finish(connection, state, state.failed || workResult.status === 'rejected' ? 'rollback' : 'commit'));

  if (began.status === 'rejected') throw began.reason;
  if (identified.status === 'rejected') throw identified.reason;
  if (workResult.status === 'rejected') throw workResult.reason;
  return workResult.value;
}

/** The reserved connection as Drizzle sees it: statements only while the transaction is open and healthy. */
function guardStatements(connection: postgres.ReservedSql, state: PipelineState, watch: <Q extends Promise<unknown>>(query: Q) => Q, afterStatement: () => void): postgres.Sql {
  return new Proxy(connection, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (...args: Parameters<postgres.Sql['unsafe']>) => {
          if (!state.open || state.failed) throw new ReadTransactionEndedError();
          const statement = watch(target.unsafe(...args));
          afterStatement();
          return statement;
        };
      }
      if (property === 'begin' || property === 'savepoint' || property === 'reserve' || property === 'release') {
        return () => {
          throw new Error(`readWithClaims: ${String(property)} is not available inside a read`);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
