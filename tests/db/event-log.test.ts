/** The event log: every change recorded in its own transaction, in an order readers can trust. */
import { randomUUID } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { connectPostgres } from '../../db/postgres-connection.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/query-rows.ts';
import { withClaims } from '../../db/rls.ts';
import { teamMembers, ticketEvents, ticketMessages, ticketMetadata, tickets, ticketTagRelations, ticketTags, users } from '../../db/schema/index.ts';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../support/test-database.ts';

describe.each(enginesUnderTest)('the event log on %s', (engine) => {
  let testDb: TestDatabase;
  const customer = randomUUID();
  const agent = randomUUID();
  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    const db = testDb.handle.systemDb;
    await db.insert(users).values([{ id: customer, name: 'Ana' }, { id: agent, name: 'Aga' }]);
    await db.insert(teamMembers).values({ id: agent, displayName: 'Aga' });
  });
  afterAll(() => testDb?.drop());

  const eventsOf = (ticketId: string) => testDb.handle.systemDb.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(asc(ticketEvents.position));

  it('records each kind of change, in order, with what a client needs', async () => {
    const db = testDb.handle.systemDb;
    const ticketId = await withClaims(db, { sub: customer }, async (tx) => {
      const [t] = await tx.insert(tickets).values({ title: 'Export', description: 'spins', customerId: customer }).returning();
      await tx.insert(ticketMessages).values({ ticketId: t!.id, senderId: customer, message: 'spins' });
      return t!.id;
    });
    const [tag] = await db.insert(ticketTags).values({ name: `t-${ticketId.slice(0, 6)}`, color: '#112233' }).returning();
    await withClaims(db, { sub: agent }, async (tx) => {
      await tx.insert(ticketMessages).values({ ticketId, senderId: agent, message: 'legacy plan', isInternal: true });
      await tx.insert(ticketMessages).values({ ticketId, senderId: agent, message: 'On it' });
      await tx.update(tickets).set({ status: 'in_progress', assignedTo: agent }).where(eq(tickets.id, ticketId));
      await tx.insert(ticketTagRelations).values({ ticketId, tagId: tag!.id });
      await tx.insert(ticketMetadata).values({ ticketId, key: 'plan', value: 'pro' });
      await tx.delete(ticketTagRelations).where(eq(ticketTagRelations.ticketId, ticketId));
      await tx.delete(ticketMetadata).where(eq(ticketMetadata.ticketId, ticketId));
    });
    const events = await eventsOf(ticketId);
    expect(events.map((e) => [e.kind, e.isInternal])).toEqual([
      ['ticket.created', false],
      ['message.created', false],
      ['message.created', true],
      ['message.created', false],
      ['ticket.updated', false], // first response stamped by the reply
      ['ticket.updated', false], // status and assignee
      ['tag.added', false],
      ['metadata.changed', false],
      ['tag.removed', false],
      ['metadata.changed', false],
    ]);
    expect(events.every((e) => e.customerId === customer)).toBe(true);
    const positions = events.map((e) => e.position);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(events[3]!.payload).toMatchObject({ message: { message: 'On it', fromTeam: true, senderName: 'Aga', isInternal: false } });
    expect(events[5]!.payload).toMatchObject({ ticket: { status: 'in_progress', assigneeId: agent }, changed: ['assigned_to', 'status'] });
    expect(events[6]!.payload).toMatchObject({ tag: { name: tag!.name, color: '#112233' } });
    expect(events[9]!.payload).toMatchObject({ key: 'plan', value: null, deleted: true });
  });

  it('tells a reply by its message alone, unless the reply also changed what a client shows of the ticket', async () => {
    const db = testDb.handle.systemDb;
    const [t] = await db.insert(tickets).values({ title: 'Invoice', description: 'wrong', customerId: customer, firstResponseAt: new Date() }).returning();
    // The ticket row moves (updated_at, message_count, last_message), and nothing else does.
    await withClaims(db, { sub: customer }, (tx) => tx.insert(ticketMessages).values({ ticketId: t!.id, senderId: customer, message: 'still wrong' }));
    const [bumped] = await db.select().from(tickets).where(eq(tickets.id, t!.id));
    expect(bumped!.messageCount).toBe(1);
    expect((await eventsOf(t!.id)).map((e) => e.kind)).toEqual(['ticket.created', 'message.created']);
    // A reply that reopens the resolved ticket changes its status as well: that is told.
    await db.update(tickets).set({ status: 'resolved' }).where(eq(tickets.id, t!.id));
    await withClaims(db, { sub: customer }, (tx) => tx.insert(ticketMessages).values({ ticketId: t!.id, senderId: customer, message: 'and again' }));
    const events = await eventsOf(t!.id);
    expect(events.map((e) => e.kind)).toEqual(['ticket.created', 'message.created', 'ticket.updated', 'message.created', 'ticket.updated']);
    expect(events[4]!.payload).toMatchObject({ ticket: { status: 'open', resolvedAt: null }, changed: ['resolved_at', 'status'] });
    expect(events[3]!.payload).toMatchObject({ message: { message: 'and again', fromTeam: false, senderName: 'Ana' } });
  });

  it('records nothing for a change that rolls back', async () => {
    const db = testDb.handle.systemDb;
    const [t] = await db.insert(tickets).values({ title: 'x', description: 'y', customerId: customer }).returning();
    await expect(
      withClaims(db, { sub: agent }, async (tx) => {
        await tx.insert(ticketMessages).values({ ticketId: t!.id, senderId: agent, message: 'never' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await eventsOf(t!.id)).map((e) => e.kind)).toEqual(['ticket.created']);
  });

  it('shows a customer their events without internal ones, the team all of them', async () => {
    const db = testDb.handle.systemDb;
    const [t] = await db.insert(tickets).values({ title: 'x', description: 'y', customerId: customer }).returning();
    await db.insert(ticketMessages).values([{ ticketId: t!.id, senderId: agent, message: 'note', isInternal: true }, { ticketId: t!.id, senderId: agent, message: 'hi' }]);
    const seenBy = (sub: string) => withClaims(db, { sub }, (tx) => tx.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t!.id)));
    expect((await seenBy(customer)).filter((e) => e.kind === 'message.created')).toHaveLength(1);
    expect((await seenBy(agent)).filter((e) => e.kind === 'message.created')).toHaveLength(2);
    expect(await seenBy(randomUUID())).toEqual([]);
  });

  it.runIf(engine === 'postgres')('keeps a later-committed, earlier-started transaction behind the readers’ horizon', async () => {
    const client = connectPostgres(testDb.databaseUrl!, { max: 2, onnotice: () => {} });
    try {
      // Two tickets, so the writers do not wait on each other's row lock.
      const [t, u] = await testDb.handle.systemDb.insert(tickets).values([{ title: 'x', description: 'y', customerId: customer }, { title: 'x', description: 'y', customerId: customer }]).returning();
      const slow = await client.reserve();
      await slow`begin`;
      await slow`insert into ticket_messages (ticket_id, sender_id, message) values (${t!.id}, ${agent}, 'slow')`;
      // A second writer starts after and commits first.
      await testDb.handle.systemDb.insert(ticketMessages).values({ ticketId: u!.id, senderId: agent, message: 'fast' });
      const safe = async () =>
        (await queryRows<{ message: string }>(testDb.handle.systemDb, sql`select payload->'message'->>'message' as message from ticket_events where ticket_id in (${t!.id}, ${u!.id}) and kind = 'message.created' and position < private.event_horizon() order by position`)).map((r) => r.message);
      // "fast" is committed, but a reader must not pass it while "slow" (an older transaction) is open.
      expect(await safe()).toEqual([]);
      await slow`commit`;
      slow.release();
      expect(await safe()).toEqual(['slow', 'fast']);
    } finally {
      await client.end();
    }
  });
});
