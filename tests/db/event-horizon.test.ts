/**
 * The readers' horizon under concurrent writers (PostgreSQL: PGlite has one connection, so no
 * writer is ever open while a reader looks). A reader that has read every event below
 * private.event_horizon() must never later find another one there: no event may commit below a
 * horizon already handed out. Writers here hold their position for a random while, some write
 * two events, some roll back; one reader keeps asking for the horizon, another reads as the live
 * hub does (private.final_events_after: the horizon and the events below it in one call).
 */
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { connectPostgres } from '../../db/postgres-connection.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamMembers, tickets, users } from '../../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const writers = 8;
const transactionsPerWriter = 40;

describe.runIf(process.env.DATABASE_URL)('the event horizon on postgres', () => {
  let testDb: TestDatabase;
  let client: postgres.Sql;
  const customer = randomUUID();
  const agent = randomUUID();
  const ticketIds: string[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    const db = testDb.handle.systemDb;
    await db.insert(users).values([{ id: customer, name: 'Ana' }, { id: agent, name: 'Aga' }]);
    await db.insert(teamMembers).values({ id: agent, displayName: 'Aga' });
    // One ticket per writer, so writers never wait on each other's row lock, only on the log.
    const rows = await db.insert(tickets).values(Array.from({ length: writers }, (_, i) => ({ title: `t${i}`, description: 'd', customerId: customer }))).returning({ id: tickets.id });
    ticketIds.push(...rows.map((r) => r.id));
    client = connectPostgres(testDb.databaseUrl!, { max: writers + 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await client?.end();
    await testDb?.drop();
  });

  it('never hands out a horizon below which an event commits later', async () => {
    const { start } = (await client<{ start: string }[]>`select coalesce(max(position), 0)::text as start from ticket_events`)[0]!;
    let writing = true;
    const stats = { committed: 0, rolledBack: 0 };

    const writer = async (ticketId: string) => {
      for (let i = 0; i < transactionsPerWriter; i++) {
        const rollBack = Math.random() < 0.2;
        try {
          await client.begin(async (sql) => {
            await sql`insert into ticket_messages (ticket_id, sender_id, message) values (${ticketId}, ${agent}, 'first')`;
            // Holds its position (an open writer) for up to 4 ms, as a slow request would.
            await sql`select pg_sleep(${Math.random() * 0.004})`;
            if (Math.random() < 0.3) await sql`insert into ticket_messages (ticket_id, sender_id, message, is_internal) values (${ticketId}, ${agent}, 'second', true)`;
            if (rollBack) throw new Error('roll back');
          });
          stats.committed++;
        } catch (error) {
          if ((error as Error).message !== 'roll back') throw error;
          stats.rolledBack++;
        }
      }
    };

    // What the reader saw: below each horizon, this many events.
    const seen: { horizon: bigint; below: number }[] = [];
    const reader = async () => {
      while (writing) {
        const { horizon } = (await client<{ horizon: string }[]>`select private.event_horizon()::text as horizon`)[0]!;
        // A new statement, so its snapshot is taken after the horizon (as the live hub reads).
        const { below } = (await client<{ below: number }[]>`select count(*)::int as below from ticket_events where position > ${start} and position < ${horizon}`)[0]!;
        seen.push({ horizon: BigInt(horizon), below });
      }
    };

    // And a reader as the live hub reads: the horizon and the events below it in one call.
    const pumped: bigint[] = [];
    const pumpOnce = async () => {
      const after = pumped.at(-1) ?? BigInt(start);
      const rows = await client<{ position: string }[]>`select position::text from private.final_events_after(${after.toString()}, 50)`;
      pumped.push(...rows.map((r) => BigInt(r.position)));
      return rows.length;
    };
    const pumper = async () => {
      while (writing) await pumpOnce();
    };

    const reading = Promise.all([reader(), pumper()]);
    await Promise.all(ticketIds.map(writer));
    writing = false;
    await reading;
    while ((await pumpOnce()) > 0);

    const finalPositions = (await client<{ p: string }[]>`select position::text as p from ticket_events where position > ${start} order by position`).map((r) => BigInt(r.p));
    const belowAtEnd = (horizon: bigint) => finalPositions.filter((p) => p < horizon).length;
    const late = seen.filter((s) => belowAtEnd(s.horizon) !== s.below);
    console.info(
      `event horizon: ${stats.committed} transactions committed, ${stats.rolledBack} rolled back, ${finalPositions.length} events; ` +
        `${seen.length} horizons read, ${new Set(seen.map((s) => s.horizon)).size} distinct; events that committed below a horizon already read: ${late.length}`,
    );
    expect(stats.committed).toBeGreaterThan(0);
    expect(stats.rolledBack).toBeGreaterThan(0);
    // The reader was really among the writers: it saw the horizon move many times.
    expect(new Set(seen.map((s) => s.horizon)).size).toBeGreaterThan(20);
    expect(late).toEqual([]);
    // The hub's reader got every committed event exactly once, in order, none it should not have.
    expect(pumped).toEqual(finalPositions);
    // And the horizon caught up with everything once the writers were done.
    const { horizon: last } = (await client<{ horizon: string }[]>`select private.event_horizon()::text as horizon`)[0]!;
    expect(belowAtEnd(BigInt(last))).toBe(finalPositions.length);
  });
});
