/** The status rules the database keeps, exercised the way the API will: as users, through withClaims. */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClaims } from '../../db/rls.ts';
import { teamMembers, ticketMessages, tickets, users, type TicketStatus } from '../../db/schema/index.ts';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../support/test-database.ts';

describe.each(enginesUnderTest)('status rules on %s', (engine) => {
  let testDb: TestDatabase;
  const customer = randomUUID();
  const agent = randomUUID();
  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    const db = testDb.handle.systemDb;
    await db.insert(users).values([{ id: customer, email: 'c@x.test' }, { id: agent, email: 'a@x.test' }]);
    await db.insert(teamMembers).values({ id: agent, displayName: 'Agent' });
  });
  afterAll(() => testDb?.drop());

  const openTicket = async (status: TicketStatus = 'open') => {
    const [row] = await testDb.handle.systemDb.insert(tickets).values({ title: 't', description: 'd', customerId: customer, status }).returning();
    return row!;
  };
  const readTicket = async (id: string) => (await testDb.handle.systemDb.select().from(tickets).where(eq(tickets.id, id)))[0]!;
  const post = (sender: string, ticketId: string, isInternal = false) =>
    withClaims(testDb.handle.systemDb, { sub: sender }, (tx) => tx.insert(ticketMessages).values({ ticketId, senderId: sender, message: 'hi', isInternal }));
  const setStatus = (ticketId: string, status: TicketStatus) =>
    withClaims(testDb.handle.systemDb, { sub: agent }, (tx) => tx.update(tickets).set({ status }).where(eq(tickets.id, ticketId)));

  it('stamps first_response_at with the first public team reply, and only the first', async () => {
    const ticket = await openTicket();
    await post(customer, ticket.id);
    expect((await readTicket(ticket.id)).firstResponseAt).toBeNull();
    await post(agent, ticket.id, true);
    expect((await readTicket(ticket.id)).firstResponseAt).toBeNull();
    await post(agent, ticket.id);
    const first = (await readTicket(ticket.id)).firstResponseAt;
    expect(first).toBeInstanceOf(Date);
    await post(agent, ticket.id);
    expect((await readTicket(ticket.id)).firstResponseAt).toEqual(first);
  });

  it.each(['waiting_on_customer', 'resolved'] as const)('reopens a ticket that is %s when its customer replies', async (status) => {
    const ticket = await openTicket(status);
    await post(customer, ticket.id);
    const after = await readTicket(ticket.id);
    expect(after.status).toBe('open');
    expect(after.resolvedAt).toBeNull();
  });

  it.each(['in_progress', 'closed'] as const)('leaves a ticket that is %s as it is when its customer replies', async (status) => {
    const ticket = await openTicket(status);
    await post(customer, ticket.id);
    expect((await readTicket(ticket.id)).status).toBe(status);
  });

  it('does not reopen a ticket because of a team reply', async () => {
    const ticket = await openTicket('waiting_on_customer');
    await post(agent, ticket.id);
    expect((await readTicket(ticket.id)).status).toBe('waiting_on_customer');
  });

  it('stamps resolved_at on resolving, keeps it on closing, clears it on reopening', async () => {
    const ticket = await openTicket();
    await setStatus(ticket.id, 'resolved');
    const resolvedAt = (await readTicket(ticket.id)).resolvedAt;
    expect(resolvedAt).toBeInstanceOf(Date);
    await setStatus(ticket.id, 'closed');
    expect((await readTicket(ticket.id)).resolvedAt).toEqual(resolvedAt);
    await setStatus(ticket.id, 'in_progress');
    expect((await readTicket(ticket.id)).resolvedAt).toBeNull();
  });

  it('moves updated_at on every change and on public messages, not on internal notes', async () => {
    const ticket = await openTicket();
    const sleep = () => new Promise((resolve) => setTimeout(resolve, 5));
    await sleep();
    await setStatus(ticket.id, 'in_progress');
    const afterUpdate = (await readTicket(ticket.id)).updatedAt;
    expect(afterUpdate.getTime()).toBeGreaterThan(ticket.updatedAt.getTime());
    await sleep();
    await post(agent, ticket.id, true);
    expect((await readTicket(ticket.id)).updatedAt).toEqual(afterUpdate);
    await sleep();
    await post(customer, ticket.id);
    expect((await readTicket(ticket.id)).updatedAt.getTime()).toBeGreaterThan(afterUpdate.getTime());
  });

  it('lets a customer close their own ticket, stamping nothing else', async () => {
    const ticket = await openTicket();
    await withClaims(testDb.handle.systemDb, { sub: customer }, (tx) => tx.update(tickets).set({ status: 'closed' }).where(eq(tickets.id, ticket.id)));
    const after = await readTicket(ticket.id);
    expect(after).toMatchObject({ status: 'closed', resolvedAt: null, firstResponseAt: null, title: ticket.title });
  });
});
