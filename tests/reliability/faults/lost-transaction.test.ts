/**
 * db/client.ts on a throwaway cluster when a transaction's connection is lost: the backend of a
 * `withClaims` transaction is terminated while its work is busy elsewhere (between statements),
 * and on one pooled connection so postgres.js reconnects the very connection object the work
 * still holds. The work's next statement must not be sent (not on the dead connection: that
 * threw from a setImmediate and killed the process; not on the reconnected one: outside its
 * transaction, without its claims), and the next transaction must not inherit the dead session's
 * error.
 */
import { sql } from 'drizzle-orm';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../../db/client.ts';
import { migrateDatabase } from '../../../db/migrate.ts';
import { queryRows } from '../../../db/query-rows.ts';
import { withClaims } from '../../../db/rls.ts';
import { eventually } from '../support/fault-client.ts';
import { clusterUnavailableReason, startThrowawayCluster, type ThrowawayCluster } from '../support/throwaway-cluster.ts';

const unavailable = clusterUnavailableReason();
if (unavailable) console.log(`faults/lost-transaction: skipped: ${unavailable}`);

describe.skipIf(unavailable)('a transaction whose connection is lost', () => {
  let cluster: ThrowawayCluster;
  let database: DatabaseHandle;
  let admin: postgres.Sql;
  const uncaught: unknown[] = [];
  const noteUncaught = (error: unknown) => uncaught.push(error);

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    const databaseUrl = await cluster.createDatabase('lost');
    database = await openDatabase({ databaseUrl, maxConnections: 1 });
    await migrateDatabase(database);
    admin = cluster.admin('lost');
    // Who wrote each row, and whether inside a transaction that set claims.
    await admin.unsafe(`
      create table public.fault_writes (note text, acting_role text default current_user, claims text default nullif(current_setting('request.jwt.claims', true), ''));
      grant insert, select on public.fault_writes to authenticated;`);
    process.on('uncaughtException', noteUncaught);
  }, 120_000);
  afterAll(async () => {
    process.removeListener('uncaughtException', noteUncaught);
    await database?.close();
    await admin?.end({ timeout: 1 });
    await cluster?.destroy();
  });

  it('never sends the work a statement after the loss, and the next transactions run normally', async () => {
    const claims = { sub: '00000000-0000-4000-8000-00000000000a' };
    const outcome = withClaims(database.systemDb, claims, async (tx) => {
      await tx.execute(sql`insert into public.fault_writes (note) values ('before the loss')`);
      await new Promise((resolve) => setTimeout(resolve, 800)); // busy elsewhere (an upload, say)
      await tx.execute(sql`insert into public.fault_writes (note) values ('after the loss')`);
      return 'committed';
    }).then(
      (value) => ({ value, error: undefined }),
      (error: unknown) => ({ value: undefined, error }),
    );
    let victim: number | undefined;
    await eventually(async () => {
      [{ pid: victim } = { pid: undefined }] = await admin<{ pid: number }[]>`
        select pid from pg_stat_activity where application_name = 'ticket-widget' and state = 'idle in transaction'`;
      return victim !== undefined;
    }, 'the transaction to sit idle between its statements');
    await admin`select pg_terminate_backend(${victim!})`;
    // Someone else's query makes the pool reconnect the one connection while the work still holds it.
    const other = await withClaims(database.systemDb, null, async (tx) => (await queryRows(tx, sql`select 1 as one`)).length);

    const { value, error } = await outcome;
    expect(value).toBe(undefined);
    expect(String((error as Error).message)).toMatch(/CONNECTION_CLOSED|terminating connection/);
    expect(other).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await admin`select note, acting_role, claims from public.fault_writes`).toEqual([]);
    expect(uncaught).toEqual([]);

    const after = await Promise.all([1, 2, 3, 4].map((n) => withClaims(database.systemDb, claims, async (tx) => (await queryRows(tx, sql`select ${n}::int as n`))[0])));
    expect(after).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    console.log(
      `faults/lost-transaction: injected: pg_terminate_backend(${victim}) while a withClaims transaction sat between statements, then another query reconnected the pool's one connection; ` +
        `verified: the transaction rejected (${String((error as Error).message).slice(0, 40)}…), its later statement was never sent (no row, no crash), and 4 transactions after it ran normally`,
    );
  }, 60_000);

  it('does not hand the next transaction the error its terminated predecessor died with', async () => {
    let failures = 0;
    for (let round = 0; round < 5; round++) {
      const blockerPool = cluster.admin('lost');
      const blocker = await blockerPool.reserve();
      await blocker`begin`;
      await blocker`lock table public.fault_writes in exclusive mode`;
      const victim = withClaims(database.systemDb, null, (tx) => tx.execute(sql`insert into public.fault_writes (note) values ('blocked')`)).catch((error: unknown) => error);
      await eventually(async () => (await admin`select 1 from pg_stat_activity where application_name = 'ticket-widget' and wait_event_type = 'Lock'`).length === 1, 'the insert to wait on the lock');
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'ticket-widget' and wait_event_type = 'Lock'`;
      expect(await victim).toBeInstanceOf(Error);
      await blocker`rollback`;
      blocker.release();
      await blockerPool.end();
      const next = await withClaims(database.systemDb, null, async (tx) => (await queryRows(tx, sql`select 'fine' as state`))[0]).catch((error: unknown) => {
        failures += 1;
        return error;
      });
      expect(next).toEqual({ state: 'fine' });
    }
    expect(failures).toBe(0);
    expect(uncaught).toEqual([]);
    console.log('faults/lost-transaction: injected: 5 backends terminated while their insert waited on a lock; verified: each next transaction on the reconnected connection succeeded (no inherited 57P01), no crash');
  }, 60_000);
});
