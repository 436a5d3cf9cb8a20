/**
 * Running work as a user: `withClaims(db, claims, tx => ...)` opens one transaction, switches it
 * to the `authenticated` role and sets `request.jwt.claims`, both transaction-local and both from
 * bound parameters, so row-level security decides what exists. When the transaction ends the
 * connection returns to the server's own role with no claims.
 */
import { sql } from 'drizzle-orm';
import type { PgTransaction, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { Database, Schema } from './client.ts';

/** The JWT claims a request runs under. `sub` is the user's id (a UUID). */
export interface Claims {
  sub: string;
  role?: string;
  email?: string;
  [claim: string]: unknown;
}

export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

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
      .execute(sql`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims ? JSON.stringify(claims) : ''}, true)`)
      .then(() => undefined);
    const [, result] = await Promise.all([identity, work(tx)]);
    return result;
  });
}
