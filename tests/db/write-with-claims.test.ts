/**
 * writeWithClaims: one writing statement as the user, in its own transaction (BEGIN, identity,
 * statement and COMMIT pipelined on PostgreSQL). It writes only what RLS lets the user write,
 * keeps nothing when the statement fails, answers only once committed, and nothing of the
 * identity or the transaction outlives the call; when its backend dies it fails instead of hanging.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { connectPostgres } from '../../db/postgres-connection.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketMessages, tickets, users } from '../../db/schema/index.ts';
import { meansConnectionLost } from '../../db/transaction-guard.ts';
import { writeWithClaims } from '../../db/write-with-claims.ts';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../support/test-database.ts';

interface Identity extends Record<string, unknown> {
  uid: string | null;
  role: string;
  xid_a: string;
  xid_b: string;
}
/** The SQLSTATE of a driver error, also when Drizzle wrapped it (PGlite's path goes through Drizzle). */
function sqlStateOf(error: unknown): string | undefined {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
const rowsOf = <T>(result: unknown) => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

describe.each(enginesUnderTest)('writeWithClaims on %s', (engine) => {
  let testDb: TestDatabase;
  const customerA = randomUUID();
  const customerB = randomUUID();
  const ticketOfA = randomUUID();
  beforeAll(async () => {
    // One connection, so "the next use of the same connection" is exactly that.
    testDb = await createTestDatabase(engine, { maxConnections: 1 });
    const db = testDb.handle.systemDb;
    await db.insert(users).values([{ id: customerA }, { id: customerB }]);
    await db.insert(tickets).values({ id: ticketOfA, title: 'Printer', description: 'on fire', customerId: customerA });
  });
  afterAll(() => testDb?.drop());

  const reply = (text: string, ticketId = ticketOfA) =>
    sql`insert into public.ticket_messages (ticket_id, sender_id, message) values (${ticketId}::uuid, (select auth.uid()), ${text}) returning id, sender_id, message`;
  const messagesNamed = async (text: string) => testDb.handle.systemDb.select().from(ticketMessages).where(eq(ticketMessages.message, text));
  const expectNoIdentityLeft = async () => {
    const [after] = rowsOf<Identity>(
      await testDb.handle.systemDb.execute(sql`select auth.uid()::text as uid, current_user as role, pg_current_xact_id()::text as xid_a, pg_current_xact_id()::text as xid_b`),
    );
    expect(after!.uid).toBeNull();
    expect(after!.role).not.toBe('authenticated');
    // Not left inside an open transaction: the next statement gets a transaction of its own.
    const [again] = rowsOf<{ xid: string }>(await testDb.handle.systemDb.execute(sql`select pg_current_xact_id()::text as xid`));
    expect(again!.xid).not.toBe(after!.xid_a);
  };

  it('writes as the user and answers the committed rows', async () => {
    const rows = await writeWithClaims<{ id: string; sender_id: string; message: string }>(testDb.handle.systemDb, { sub: customerA }, reply('paper jam'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sender_id: customerA, message: 'paper jam' });
    expect(await messagesNamed('paper jam')).toHaveLength(1);
    await expectNoIdentityLeft();
  });

  it('refuses what RLS refuses, keeps nothing, and leaves no identity behind', async () => {
    // Customer B replying on A's ticket: the insert policy refuses it.
    const error = await writeWithClaims(testDb.handle.systemDb, { sub: customerB }, reply('not yours')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(sqlStateOf(error)).toBe('42501');
    expect(await messagesNamed('not yours')).toEqual([]);
    await expectNoIdentityLeft();
  });

  it('keeps nothing when the statement fails half-way, and the connection serves the next call', async () => {
    // Two rows, the second refers to a ticket that does not exist: the first must not stay either.
    const statement = sql`insert into public.ticket_messages (ticket_id, sender_id, message)
      values (${ticketOfA}::uuid, (select auth.uid()), 'half'), (${randomUUID()}::uuid, (select auth.uid()), 'half')`;
    await expect(writeWithClaims(testDb.handle.systemDb, { sub: customerA }, statement)).rejects.toThrow();
    expect(await messagesNamed('half')).toEqual([]);
    await expectNoIdentityLeft();
    expect(await writeWithClaims(testDb.handle.systemDb, { sub: customerA }, reply('after the failure'))).toHaveLength(1);
  });

  it('answers no rows when the statement matched none, and writes as nobody with no claims', async () => {
    expect(await writeWithClaims(testDb.handle.systemDb, { sub: customerA }, sql`update public.tickets set title = 'x' where false returning id`)).toEqual([]);
    // No claims: auth.uid() is null, so the NOT NULL sender refuses the row instead of writing as anyone.
    await expect(writeWithClaims(testDb.handle.systemDb, null, reply('nobody'))).rejects.toThrow();
    expect(await messagesNamed('nobody')).toEqual([]);
  });

  it.runIf(engine === 'postgres')('fails instead of hanging when its backend is terminated mid-write, and nothing is kept', async () => {
    const admin = connectPostgres(testDb.databaseUrl!, { max: 1, onnotice: () => {} });
    try {
      const slow = sql`insert into public.ticket_messages (ticket_id, sender_id, message)
        select ${ticketOfA}::uuid, (select auth.uid()), 'terminated' from pg_sleep(5) returning id`;
      const writing = writeWithClaims(testDb.handle.systemDb, { sub: customerA }, slow);
      writing.catch(() => {});
      // Wait until the statement runs, then end its backend.
      for (let i = 0; i < 200; i++) {
        const [row] = await admin<{ pid: number }[]>`select pid from pg_stat_activity where query like '%pg_sleep(5)%' and pid <> pg_backend_pid() and datname = current_database()`;
        if (row) {
          await admin`select pg_terminate_backend(${row.pid})`;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const error = await writing.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeDefined();
      expect(meansConnectionLost(error)).toBe(true);
      expect(await messagesNamed('terminated')).toEqual([]);
      // The pool's one connection is reconnected for the next call.
      expect(await writeWithClaims(testDb.handle.systemDb, { sub: customerA }, reply('after the loss'))).toHaveLength(1);
    } finally {
      await admin.end({ timeout: 1 });
    }
  });
});
