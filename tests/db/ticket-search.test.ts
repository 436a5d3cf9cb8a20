/**
 * Each ticket's search document (ticket_search; migrations 0019-0020): written when the ticket is
 * opened and when its title or description changes, and at no other time — not by a reply's bump
 * of the ticket, which once tokenized the description again on every message — gone with its
 * ticket, read under the ticket's own rules, and filled in for the tickets there were before.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../db/migrate.ts';
import { queryRows } from '../../db/query-rows.ts';
import { withClaims } from '../../db/rls.ts';
import { ticketMessages, tickets } from '../../db/schema/index.ts';
import { customerAndAgentSuite } from '../support/customer-and-agent.ts';
import { historyBefore } from '../support/migration-history.ts';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../support/test-database.ts';

describe.each(enginesUnderTest)('ticket search documents on %s', (engine) => {
  const suite = customerAndAgentSuite(engine);
  const db = () => suite.testDb.handle.systemDb;
  const openTicket = () => suite.openTicket();
  /** Which of the user's tickets match the words, under row-level security, as the list searches. */
  const search = (user: string, words: string) =>
    withClaims(db(), { sub: user }, (tx) =>
      queryRows<{ id: string }>(tx, sql`select t.id from public.tickets t where exists (select 1 from public.ticket_search s where s.ticket_id = t.id and s.document @@ websearch_to_tsquery('simple', ${words}))`),
    ).then((rows) => rows.map((row) => row.id));
  /** The document's row version: it changes only when the row is written. */
  const version = async (ticketId: string) => (await queryRows<{ v: string }>(db(), sql`select xmin::text as v from public.ticket_search where ticket_id = ${ticketId}::uuid`))[0]?.v;

  it('is written when a ticket is opened: its title and description are searchable at once', async () => {
    const id = await openTicket();
    await withClaims(db(), { sub: suite.agent }, (tx) => tx.update(tickets).set({ title: 'Invoice export broken', description: 'The PDF comes out blank' }).where(eq(tickets.id, id)));
    expect(await search(suite.customer, 'invoice')).toContain(id);
    expect(await search(suite.customer, 'blank')).toContain(id);
    expect(await search(suite.agent, 'invoice blank')).toContain(id);
  });

  it('follows a change of title or description, and forgets the old words', async () => {
    const id = await openTicket();
    await withClaims(db(), { sub: suite.agent }, (tx) => tx.update(tickets).set({ title: 'Webhooks stopped' }).where(eq(tickets.id, id)));
    expect(await search(suite.agent, 'webhooks')).toContain(id);
    await withClaims(db(), { sub: suite.agent }, (tx) => tx.update(tickets).set({ title: 'Callbacks stopped' }).where(eq(tickets.id, id)));
    expect(await search(suite.agent, 'callbacks')).toContain(id);
    expect(await search(suite.agent, 'webhooks')).not.toContain(id);
  });

  it('is left alone by replies and by changes of anything else', async () => {
    const id = await openTicket();
    const before = await version(id);
    expect(before).toBeDefined();
    await withClaims(db(), { sub: suite.customer }, (tx) => tx.insert(ticketMessages).values({ ticketId: id, senderId: suite.customer, message: 'Any news?' }));
    await withClaims(db(), { sub: suite.agent }, (tx) => tx.insert(ticketMessages).values({ ticketId: id, senderId: suite.agent, message: 'Looking into it.' }));
    await withClaims(db(), { sub: suite.agent }, (tx) => tx.update(tickets).set({ status: 'in_progress', priority: 'high', assignedTo: suite.agent }).where(eq(tickets.id, id)));
    // Setting the title to what it was is no change either.
    await withClaims(db(), { sub: suite.agent }, (tx) => tx.update(tickets).set({ title: 't' }).where(eq(tickets.id, id)));
    const [ticket] = await db().select({ messageCount: tickets.messageCount, status: tickets.status }).from(tickets).where(eq(tickets.id, id));
    expect(ticket).toEqual({ messageCount: 2, status: 'in_progress' });
    expect(await version(id)).toBe(before);
  });

  it("never shows a customer another customer's ticket, however the words match", async () => {
    const theirs = await openTicket();
    await withClaims(db(), { sub: suite.agent }, (tx) => tx.update(tickets).set({ title: 'Quarterly payroll mismatch' }).where(eq(tickets.id, theirs)));
    const stranger = randomUUID();
    await db().execute(sql`insert into auth.users (id, name) values (${stranger}, 'Stan')`);
    expect(await search(stranger, 'payroll')).toEqual([]);
    expect(await withClaims(db(), { sub: stranger }, (tx) => queryRows(tx, sql`select * from public.ticket_search`))).toEqual([]);
    expect(await search(suite.customer, 'payroll')).toEqual([theirs]);
  });

  it('goes with its ticket', async () => {
    const id = await openTicket();
    await withClaims(db(), { sub: suite.agent }, (tx) => tx.delete(tickets).where(eq(tickets.id, id)));
    expect(await version(id)).toBeUndefined();
  });
});

describe.each(enginesUnderTest)('upgrading to ticket_search on %s', (engine) => {
  let testDb: TestDatabase;
  let oldHistory: string;
  const [customer, first, second] = [randomUUID(), randomUUID(), randomUUID()];
  beforeAll(async () => {
    oldHistory = historyBefore('0019_ticket_search_table');
    testDb = await createTestDatabase(engine, { migrationsFolder: oldHistory });
    const db = testDb.handle.systemDb;
    await db.execute(sql`insert into auth.users (id, name) values (${customer}, 'Cleo')`);
    await db.execute(sql`insert into public.tickets (id, title, description, customer_id) values (${first}, 'Login loops', 'Back to the start page', ${customer}), (${second}, 'Dark mode', 'Please add it', ${customer})`);
    await migrateDatabase(testDb.handle);
  });
  afterAll(async () => {
    await testDb?.drop();
    if (oldHistory) rmSync(oldHistory, { recursive: true, force: true });
  });

  it('fills in a document for every ticket there was, and drops the index on the ticket row', async () => {
    const db = testDb.handle.systemDb;
    const found = await withClaims(db, { sub: customer }, (tx) =>
      queryRows<{ id: string }>(tx, sql`select ticket_id as id from public.ticket_search where document @@ websearch_to_tsquery('simple', 'start')`),
    );
    expect(found.map((row) => row.id)).toEqual([first]);
    expect((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from public.ticket_search`))[0]!.n).toBe(2);
    expect(await queryRows(db, sql`select 1 from pg_indexes where schemaname = 'public' and indexname = 'tickets_search_idx'`)).toEqual([]);
  });
});
