/**
 * readWithClaims: reads as the user in one read-only transaction (pipelined on PostgreSQL), and
 * nothing of the identity or the transaction outlives the call, also when it fails midway or
 * when many calls for different users share a small pool.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type postgres from 'postgres';
import { readWithClaims, ReadTransactionEndedError, type Tx } from '../../db/rls.ts';
import { tickets, users } from '../../db/schema/index.ts';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../support/test-database.ts';

interface Identity extends Record<string, unknown> {
  uid: string | null;
  role: string;
  claims: string | null;
}
const whoAmI = sql`select auth.uid()::text as uid, current_user as role, nullif(current_setting('request.jwt.claims', true), '') as claims`;
const transactionId = sql`select pg_current_xact_id()::text as xid`;
const rowsOf = <T>(result: unknown) => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
const identityIn = async (tx: Tx) => rowsOf<Identity>(await tx.execute<Identity>(whoAmI))[0]!;

describe.each(enginesUnderTest)('readWithClaims on %s', (engine) => {
  let testDb: TestDatabase;
  let pooled: TestDatabase;
  const userA = randomUUID();
  const userB = randomUUID();
  const ticketOfA = randomUUID();
  beforeAll(async () => {
    // One connection, so "the next use of the same connection" is exactly that.
    testDb = await createTestDatabase(engine, { maxConnections: 1 });
    const db = testDb.handle.systemDb;
    await db.insert(users).values([
      { id: userA, email: "o'brien@example.test" },
      { id: userB, email: 'b@example.test' },
    ]);
    await db.insert(tickets).values({ id: ticketOfA, title: 'Printer', description: 'on fire', customerId: userA });
    pooled = engine === 'postgres' ? await createTestDatabase(engine, { maxConnections: 3 }) : testDb;
    if (pooled !== testDb) {
      await pooled.handle.systemDb.insert(users).values([{ id: userA }, { id: userB }]);
      await pooled.handle.systemDb.insert(tickets).values({ id: ticketOfA, title: 'Printer', description: 'on fire', customerId: userA });
    }
  });
  afterAll(async () => {
    if (pooled && pooled !== testDb) await pooled.drop();
    await testDb?.drop();
  });

  const identityNow = async () => rowsOf<Identity>(await testDb.handle.systemDb.execute<Identity>(whoAmI))[0]!;
  /** Two statements in a row on the one connection: in autocommit each has its own transaction. */
  const inOpenTransaction = async () => {
    const xid = async () => rowsOf<{ xid: string }>(await testDb.handle.systemDb.execute<{ xid: string }>(transactionId))[0]!.xid;
    return (await xid()) === (await xid());
  };
  const expectNoIdentity = async () => {
    expect(await inOpenTransaction()).toBe(false);
    const after = await identityNow();
    expect(after).toMatchObject({ uid: null, claims: null });
    expect(after.role).not.toBe('authenticated');
  };

  it('reads as the authenticated role with the user as auth.uid(), claims as bound data', async () => {
    const inside = await readWithClaims(testDb.handle.systemDb, { sub: userA, email: "o'brien@example.test" }, identityIn);
    expect(inside).toMatchObject({ uid: userA, role: 'authenticated' });
    expect(JSON.parse(inside.claims!)).toEqual({ sub: userA, email: "o'brien@example.test" });
    await expectNoIdentity();
  });

  it('lets row-level security decide what exists, for reads issued together', async () => {
    const read = (sub: string) =>
      readWithClaims(testDb.handle.systemDb, { sub }, (tx) =>
        Promise.all([tx.select({ id: tickets.id }).from(tickets), tx.select({ id: users.id }).from(users).where(eq(users.id, userA))]),
      );
    expect(await read(userA)).toEqual([[{ id: ticketOfA }], [{ id: userA }]]);
    expect(await read(userB)).toEqual([[], []]);
  });

  it('runs in a read-only transaction: a write is refused and changes nothing', async () => {
    await expect(
      readWithClaims(testDb.handle.systemDb, { sub: userA }, (tx) => tx.update(tickets).set({ status: 'closed' }).where(eq(tickets.id, ticketOfA))),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '25006' }) });
    const [ticket] = await testDb.handle.systemDb.select({ status: tickets.status }).from(tickets).where(eq(tickets.id, ticketOfA));
    expect(ticket!.status).toBe('open');
    await expectNoIdentity();
  });

  it('leaves no identity and no open transaction after a statement fails midway', async () => {
    await expect(
      readWithClaims(testDb.handle.systemDb, { sub: userA }, (tx) =>
        Promise.all([tx.execute(sql`select 1`), tx.execute(sql`select 1/0`), tx.execute(sql`select 2`)]),
      ),
    ).rejects.toThrow();
    await expectNoIdentity();
  });

  it('leaves no identity after the work itself throws', async () => {
    await expect(
      readWithClaims(testDb.handle.systemDb, { sub: userA }, async (tx) => {
        await identityIn(tx);
        throw new Error('not found, say');
      }),
    ).rejects.toThrow('not found, say');
    await expectNoIdentity();
  });

  it('refuses a statement issued after the work finished instead of running it outside the transaction', async () => {
    let leaked: Tx | undefined;
    await readWithClaims(testDb.handle.systemDb, { sub: userA }, async (tx) => {
      leaked = tx;
      return identityIn(tx);
    });
    await expect(leaked!.select({ id: tickets.id }).from(tickets)).rejects.toThrow();
    await expectNoIdentity();
  });

  it('with the statement count, returns what the declared statements read, issued together', async () => {
    const [mine, visible] = await readWithClaims(
      testDb.handle.systemDb,
      { sub: userA },
      (tx) => Promise.all([identityIn(tx), tx.select({ id: tickets.id }).from(tickets)]),
      { statements: 2 },
    );
    expect(mine).toMatchObject({ uid: userA, role: 'authenticated' });
    expect(visible).toEqual([{ id: ticketOfA }]);
    await expectNoIdentity();
  });

  it('with the statement count, a failing statement fails the read and leaves nothing behind', async () => {
    await expect(readWithClaims(testDb.handle.systemDb, { sub: userA }, (tx) => tx.execute(sql`select 1/0`), { statements: 1 })).rejects.toThrow();
    await expectNoIdentity();
  });

  it.runIf(engine === 'postgres')('with the statement count, writes COMMIT right behind the last statement, before its answer is back', async () => {
    const order = await issueOrder((tx) => tx.execute(sql`select 'work'`), { statements: 1 });
    expect(order.indexOf('commit')).toBeGreaterThan(order.indexOf('select'));
    expect(order.indexOf('commit')).toBeLessThan(order.indexOf('answer: select'));
    // Without it COMMIT waits for the answers (the work may still issue more).
    const plain = await issueOrder((tx) => tx.execute(sql`select 'work'`));
    expect(plain.indexOf('commit')).toBeGreaterThan(plain.indexOf('answer: select'));
    await expectNoIdentity();
  });

  it.runIf(engine === 'postgres')('with the statement count, refuses a statement beyond it instead of running it after COMMIT', async () => {
    await expect(
      readWithClaims(
        testDb.handle.systemDb,
        { sub: userA },
        async (tx) => {
          await identityIn(tx);
          return tx.select({ id: tickets.id }).from(tickets);
        },
        { statements: 1 },
      ),
    ).rejects.toMatchObject({ cause: expect.any(ReadTransactionEndedError) });
    await expectNoIdentity();
  });

  /**
   * What readWithClaims issues on its reserved connection, in order, with when each answer came:
   * its statements are watched on the way to postgres.js (the connection is wrapped while it runs).
   */
  async function issueOrder(work: (tx: Tx) => Promise<unknown>, options?: { statements?: number }): Promise<string[]> {
    const session = (testDb.handle.systemDb as unknown as { session: { client: postgres.Sql } }).session;
    const client = session.client;
    const order: string[] = [];
    const firstWord = (text: string) => text.trim().split(/\s+/)[0]!.toLowerCase();
    const spied = (connection: postgres.ReservedSql) =>
      new Proxy(connection, {
        get(target, property) {
          const value = Reflect.get(target, property, target) as unknown;
          if (property !== 'unsafe') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          return (text: string, ...rest: unknown[]) => {
            const statement = (target.unsafe as (...a: unknown[]) => postgres.PendingQuery<postgres.Row[]>)(text, ...rest);
            order.push(firstWord(text));
            statement.then(() => order.push(`answer: ${firstWord(text)}`), () => order.push(`failed: ${firstWord(text)}`));
            return statement;
          };
        },
      });
    session.client = new Proxy(client, {
      get(target, property) {
        if (property === 'reserve') return async () => spied(await target.reserve());
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    try {
      await readWithClaims(testDb.handle.systemDb, { sub: userA }, work, options);
      // The connection goes back to the pool once COMMIT is answered.
      for (let i = 0; i < 50 && !order.includes('answer: commit'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      session.client = client;
    }
    return order;
  }

  it('runs with no identity at all when given no claims', async () => {
    const inside = await readWithClaims(testDb.handle.systemDb, null, identityIn);
    expect(inside).toMatchObject({ uid: null, role: 'authenticated', claims: null });
    expect(await readWithClaims(testDb.handle.systemDb, null, (tx) => tx.select().from(tickets))).toEqual([]);
  });

  it('keeps concurrent reads for different users apart on a small pool, and leaves every connection clean', async () => {
    const db = pooled.handle.systemDb;
    const subs = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? userA : i % 3 === 1 ? userB : null));
    const seen = await Promise.all(
      subs.map((sub, i) =>
        readWithClaims(db, sub ? { sub } : null, async (tx) => {
          const [identity, visible] = await Promise.all([identityIn(tx), tx.select({ id: tickets.id }).from(tickets)]);
          // Every fifth read fails after its first statements; the next use of its connection must not notice.
          if (i % 5 === 4) await tx.execute(sql`select 1/0`);
          return { identity, visible: visible.length };
        }).catch(() => 'failed' as const),
      ),
    );
    seen.forEach((result, i) => {
      if (i % 5 === 4) return expect(result).toBe('failed');
      expect(result).toMatchObject({ identity: { uid: subs[i], role: 'authenticated' }, visible: subs[i] === userA ? 1 : 0 });
    });
    // Every connection of the pool, used again directly: no identity.
    const after = await Promise.all(Array.from({ length: 9 }, async () => rowsOf<Identity>(await db.execute<Identity>(whoAmI))[0]!));
    for (const identity of after) {
      expect(identity).toMatchObject({ uid: null, claims: null });
      expect(identity.role).not.toBe('authenticated');
    }
    if (engine === 'postgres') {
      // And no transaction left open on any of them (COMMIT may still be on its way for a moment).
      const idleInTransaction = async () =>
        rowsOf<{ n: number }>(
          await db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`),
        )[0]!.n;
      let open = await idleInTransaction();
      for (let i = 0; i < 20 && open > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        open = await idleInTransaction();
      }
      expect(open).toBe(0);
    }
  });
});
