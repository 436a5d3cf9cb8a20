/**
 * readWithClaims when its connection dies (PostgreSQL only: a backend terminated with
 * `pg_terminate_backend` mid-read): every statement of the read settles with a connection-lost
 * error, including those still queued in postgres.js behind one being described, the read
 * rejects instead of waiting forever, and the pool serves the next read — also a read that was
 * already waiting for the pool's only connection when it died.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type postgres from 'postgres';
import { connectPostgres } from '../../db/postgres-connection.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWithClaims, type Tx } from '../../db/rls.ts';
import { meansConnectionLost } from '../../db/transaction-guard.ts';
import { users } from '../../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** Far longer than a read takes, even on a busy machine: a read not settled by then is hung. */
const hangBoundMs = 10_000;

type Outcome<T> = { settled: 'fulfilled'; value: T } | { settled: 'rejected'; reason: unknown } | { settled: 'hung' };

async function outcomeOf<T>(promise: Promise<T>): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<Outcome<T>>((resolve) => (timer = setTimeout(() => resolve({ settled: 'hung' }), hangBoundMs)));
  try {
    return await Promise.race([promise.then((value) => ({ settled: 'fulfilled' as const, value }), (reason: unknown) => ({ settled: 'rejected' as const, reason })), hung]);
  } finally {
    clearTimeout(timer);
  }
}

const rowsOf = <T>(result: unknown) => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
const whoAmI = async (tx: Tx) => rowsOf<{ uid: string | null }>(await tx.execute(sql`select auth.uid()::text as uid`))[0]!.uid;

describe.skipIf(!process.env.DATABASE_URL)('readWithClaims when its backend is terminated', () => {
  let testDb: TestDatabase;
  let admin: postgres.Sql;
  const user = randomUUID();

  beforeAll(async () => {
    // One connection: the read that dies and the reads after it share it.
    testDb = await createTestDatabase('postgres', { maxConnections: 1 });
    await testDb.handle.systemDb.insert(users).values({ id: user });
    admin = connectPostgres(testDb.databaseUrl!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end({ timeout: 1 });
    await testDb?.drop();
  });

  /** Terminates the backend running a statement that contains `marker`, once it is running. */
  async function terminateBackendRunning(marker: string): Promise<void> {
    for (let tries = 0; tries < 200; tries++) {
      const [victim] = await admin<{ pid: number }[]>`
        select pid from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and state = 'active' and query like ${`%${marker}%`}`;
      if (victim) {
        await admin`select pg_terminate_backend(${victim.pid})`;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no backend ever ran "${marker}"`);
  }

  /** A read whose first statement sleeps (so it can be found and killed) with more statements pipelined behind it. */
  const readThatSleeps = (marker: string) =>
    readWithClaims(testDb.handle.systemDb, { sub: user }, (tx) =>
      Promise.all([
        tx.execute(sql.raw(`select pg_sleep(5) /* ${marker} */`)),
        // With a parameter, each is described before it runs: postgres.js queues what follows.
        tx.execute(sql`select ${'queued behind the sleep'}::text as a`),
        whoAmI(tx),
      ]),
    );

  /**
   * The same statements, awaited last one first: when the connection dies during the sleep, the
   * statement awaited is one postgres.js had queued, never sent (as the work's statements are
   * while BEGIN and the identity are still on the wire).
   */
  const readAwaitingAQueuedStatement = (marker: string) =>
    readWithClaims(testDb.handle.systemDb, { sub: user }, async (tx) => {
      const sleeping = tx.execute(sql.raw(`select pg_sleep(5) /* ${marker} */`)).then(() => 'slept');
      const queued = tx.execute(sql`select ${'queued behind the sleep'}::text as a`).then((result) => rowsOf<{ a: string }>(result)[0]!.a);
      sleeping.catch(() => {});
      const a = await queued;
      return [a, await sleeping];
    });

  it('rejects with a connection-lost error, without waiting for statements that were never sent, and the pool serves the next read', async () => {
    const marker = `victim-${randomUUID()}`;
    const read = outcomeOf(readAwaitingAQueuedStatement(marker));
    await terminateBackendRunning(marker);
    const outcome = await read;

    expect(outcome.settled).toBe('rejected');
    expect(meansConnectionLost((outcome as { reason: unknown }).reason)).toBe(true);
    // And a read whose statements run in the order they are awaited fails the same way.
    const inOrderMarker = `victim-${randomUUID()}`;
    const inOrder = outcomeOf(readThatSleeps(inOrderMarker));
    await terminateBackendRunning(inOrderMarker);
    const inOrderOutcome = await inOrder;
    expect(inOrderOutcome.settled).toBe('rejected');
    expect(meansConnectionLost((inOrderOutcome as { reason: unknown }).reason)).toBe(true);
    // The pool's one connection was given back (reconnected): the next read runs, as its user.
    const next = await outcomeOf(readWithClaims(testDb.handle.systemDb, { sub: user }, whoAmI));
    expect(next).toEqual({ settled: 'fulfilled', value: user });
  }, 30_000);

  it('hands the pool’s only connection, once reconnected, to a read that was waiting for it when its backend was terminated', async () => {
    const marker = `holder-${randomUUID()}`;
    // The holder reserves the one connection at once; the second read waits in the pool's queue.
    const holder = outcomeOf(readThatSleeps(marker));
    const waiting = outcomeOf(readWithClaims(testDb.handle.systemDb, { sub: user }, whoAmI));
    await terminateBackendRunning(marker);

    expect((await holder).settled).toBe('rejected');
    expect(await waiting).toEqual({ settled: 'fulfilled', value: user });
  }, 30_000);
});
