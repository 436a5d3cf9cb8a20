/**
 * The ticket row's public-thread summary (message_count, last_message; migrations 0012-0013):
 * kept by triggers through every insert, edit, visibility change and delete of a message, never
 * showing an internal note to the customer who can read the row, never forged by a user, and
 * rebuilt from the threads by private.refresh_all_ticket_summaries() without touching updated_at.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withClaims } from '../../db/rls.ts';
import { ticketEvents, ticketMessages, tickets } from '../../db/schema/index.ts';
import { sqlStateOf } from '../support/sql-error.ts';
import { customerAndAgentSuite } from '../support/customer-and-agent.ts';
import { enginesUnderTest } from '../support/test-database.ts';

describe.each(enginesUnderTest)('ticket summary on %s', (engine) => {
  const suite = customerAndAgentSuite(engine);
  const db = () => suite.testDb.handle.systemDb;
  const openTicket = () => suite.openTicket();
  const post = async (sender: string, ticketId: string, message: string, isInternal = false) => {
    const [row] = await withClaims(db(), { sub: sender }, (tx) => tx.insert(ticketMessages).values({ ticketId, senderId: sender, message, isInternal }).returning({ id: ticketMessages.id }));
    return row!.id;
  };
  /** The summary as the ticket's customer reads it, under row-level security. */
  const summaryForCustomer = async (ticketId: string) => {
    const [row] = await withClaims(db(), { sub: suite.customer }, (tx) =>
      tx.select({ messageCount: tickets.messageCount, lastMessage: tickets.lastMessage, updatedAt: tickets.updatedAt }).from(tickets).where(eq(tickets.id, ticketId)),
    );
    return row!;
  };
  const asTeam = <T>(work: Parameters<typeof withClaims<T>>[2]) => withClaims(db(), { sub: suite.agent }, work);

  it('starts at zero and cannot be forged by the customer who opens the ticket', async () => {
    const [row] = await withClaims(db(), { sub: suite.customer }, (tx) =>
      tx
        .insert(tickets)
        .values({ title: 't', description: 'd', customerId: suite.customer, messageCount: 99, lastMessage: { id: randomUUID(), preview: 'forged', senderId: suite.agent, fromTeam: true, createdAt: new Date().toISOString() } })
        .returning({ id: tickets.id }),
    );
    expect(await summaryForCustomer(row!.id)).toMatchObject({ messageCount: 0, lastMessage: null });
  });

  it('counts public messages and keeps the newest, its first 160 characters, and whether the team sent it', async () => {
    const ticketId = await openTicket();
    const first = await post(suite.customer, ticketId, 'It crashes on start');
    expect(await summaryForCustomer(ticketId)).toMatchObject({ messageCount: 1, lastMessage: { id: first, preview: 'It crashes on start', senderId: suite.customer, fromTeam: false } });
    const long = 'x'.repeat(150) + 'ÿ'.repeat(30);
    const reply = await post(suite.agent, ticketId, long);
    const { lastMessage, messageCount } = await summaryForCustomer(ticketId);
    expect(messageCount).toBe(2);
    expect(lastMessage).toMatchObject({ id: reply, preview: long.slice(0, 160), senderId: suite.agent, fromTeam: true });
    const [stored] = await db().select({ createdAt: ticketMessages.createdAt }).from(ticketMessages).where(eq(ticketMessages.id, reply));
    expect(new Date(lastMessage!.createdAt).getTime()).toBe(stored!.createdAt.getTime());
  });

  it('never shows an internal note to the customer, in the preview or the count', async () => {
    const ticketId = await openTicket();
    const reply = await post(suite.agent, ticketId, 'We are on it');
    await post(suite.agent, ticketId, 'Known bug, see ENG-42', true);
    const seen = await summaryForCustomer(ticketId);
    expect(seen).toMatchObject({ messageCount: 1, lastMessage: { id: reply, preview: 'We are on it' } });
    expect(JSON.stringify(seen)).not.toContain('ENG-42');
  });

  it('follows edits, a message made internal or public again, and deletes', async () => {
    const ticketId = await openTicket();
    const first = await post(suite.customer, ticketId, 'first');
    const second = await post(suite.agent, ticketId, 'second');
    await asTeam((tx) => tx.update(ticketMessages).set({ message: 'second, edited' }).where(eq(ticketMessages.id, second)));
    expect(await summaryForCustomer(ticketId)).toMatchObject({ messageCount: 2, lastMessage: { id: second, preview: 'second, edited' } });

    await asTeam((tx) => tx.update(ticketMessages).set({ isInternal: true }).where(eq(ticketMessages.id, second)));
    expect(await summaryForCustomer(ticketId)).toMatchObject({ messageCount: 1, lastMessage: { id: first, preview: 'first' } });
    await asTeam((tx) => tx.update(ticketMessages).set({ message: 'a note now, ENG-7' }).where(eq(ticketMessages.id, second)));
    expect(JSON.stringify(await summaryForCustomer(ticketId))).not.toContain('ENG-7');

    await asTeam((tx) => tx.update(ticketMessages).set({ isInternal: false }).where(eq(ticketMessages.id, second)));
    expect(await summaryForCustomer(ticketId)).toMatchObject({ messageCount: 2, lastMessage: { id: second, preview: 'a note now, ENG-7' } });

    await asTeam((tx) => tx.delete(ticketMessages).where(eq(ticketMessages.id, second)));
    expect(await summaryForCustomer(ticketId)).toMatchObject({ messageCount: 1, lastMessage: { id: first } });
    await asTeam((tx) => tx.delete(ticketMessages).where(eq(ticketMessages.id, first)));
    expect(await summaryForCustomer(ticketId)).toMatchObject({ messageCount: 0, lastMessage: null });
  });

  it('is not the users to write: no column privilege for customers or the team', async () => {
    const ticketId = await openTicket();
    for (const sub of [suite.customer, suite.agent]) {
      const failure = await withClaims(db(), { sub }, (tx) => tx.update(tickets).set({ messageCount: 5 }).where(eq(tickets.id, ticketId))).catch((error: unknown) => error);
      expect(sqlStateOf(failure)).toBe('42501');
    }
    expect((await summaryForCustomer(ticketId)).messageCount).toBe(0);
  });

  it('records no ticket.updated event for a summary change: the message event tells it', async () => {
    const ticketId = await openTicket();
    await post(suite.customer, ticketId, 'hello');
    await post(suite.agent, ticketId, 'note', true);
    const kinds = await db().select({ kind: ticketEvents.kind }).from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId));
    expect(kinds.map((k) => k.kind).sort()).toEqual(['message.created', 'message.created', 'ticket.created']);
  });

  it('keeps every concurrent reply counted', async () => {
    const ticketId = await openTicket();
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => post(i % 2 ? suite.agent : suite.customer, ticketId, `reply ${i}`)));
    const [newest] = await db()
      .select({ id: ticketMessages.id })
      .from(ticketMessages)
      .where(and(eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.isInternal, false)))
      .orderBy(sql`${ticketMessages.createdAt} desc, ${ticketMessages.id} desc`)
      .limit(1);
    const summary = await summaryForCustomer(ticketId);
    expect(summary.messageCount).toBe(ids.length);
    expect(summary.lastMessage!.id).toBe(newest!.id);
  });

  it('is rebuilt from the threads by refresh_all_ticket_summaries, leaving updated_at and the event log alone', async () => {
    const ticketId = await openTicket();
    await post(suite.customer, ticketId, 'one');
    const two = await post(suite.agent, ticketId, 'two');
    const before = await summaryForCustomer(ticketId);
    const eventsBefore = (await db().select({ n: sql<number>`count(*)::int` }).from(ticketEvents))[0]!.n;
    // A bulk load that skipped the triggers leaves figures like these behind.
    await db().execute(sql`alter table public.tickets disable trigger user`);
    await db().update(tickets).set({ messageCount: 0, lastMessage: null }).where(eq(tickets.id, ticketId));
    await db().execute(sql`alter table public.tickets enable trigger user`);
    await db().execute(sql`select private.refresh_all_ticket_summaries()`);
    const after = await summaryForCustomer(ticketId);
    expect(after).toMatchObject({ messageCount: 2, lastMessage: { id: two, preview: 'two', fromTeam: true } });
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect((await db().select({ n: sql<number>`count(*)::int` }).from(ticketEvents))[0]!.n).toBe(eventsBefore);
    const enabled = await db().execute<{ n: number }>(sql`select count(*)::int as n from pg_trigger where tgrelid = 'public.tickets'::regclass and not tgisinternal and tgenabled = 'D'`);
    expect((Array.isArray(enabled) ? enabled : (enabled as { rows: { n: number }[] }).rows)[0]!.n).toBe(0);
  });
});
