/** GET /api/v1/tickets: who sees what, every filter and sort, and keyset pages that neither skip nor repeat. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketTagRelations, ticketTags, tickets, type TicketPriority, type TicketStatus } from '../../db/schema/index.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { expectErrorShape, startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

interface Item {
  id: string;
  title: string;
  status: TicketStatus;
  priority: TicketPriority;
  createdAt: string;
  updatedAt: string;
  dueDate: string | null;
  assignee: { id: string } | null;
  customer: { id: string };
  tags: { name: string }[];
}

describe.each(enginesUnderTest)('the ticket list on %s', (engine) => {
  let server: TestServer;
  let ana: TestUser;
  let ben: TestUser;
  let agent: TestUser;
  let otherAgent: TestUser;
  const statuses: TicketStatus[] = ['open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'];
  const priorities: TicketPriority[] = ['low', 'medium', 'high', 'urgent'];

  /** Every page of a query, following nextCursor. */
  async function allPages(token: string, query: string, limit = 7): Promise<{ items: Item[]; pages: number }> {
    const items: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const separator = query ? '&' : '';
      const { status, body } = await server.call('GET', `/api/v1/tickets?${query}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
      expect(status).toBe(200);
      items.push(...body.items);
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    return { items, pages };
  }

  beforeAll(async () => {
    server = await startTestServer(engine);
    [ana, ben, agent, otherAgent] = [await server.customer('Ana'), await server.customer('Ben'), await server.teamMember('agent', 'Aga'), await server.teamMember('agent', 'Olu')];
    const db = server.testDb.handle.systemDb;
    const [billing] = await db.insert(ticketTags).values({ name: 'billing', color: '#0055ff' }).returning();
    // 40 tickets over two customers, spread over time, statuses, priorities, assignees, due dates;
    // several share a created_at so the id must break ties.
    const base = Date.parse('2026-01-01T00:00:00Z');
    const rows = Array.from({ length: 40 }, (_, i) => ({
      title: i % 5 === 0 ? `Invoice question ${i}` : `Export problem ${i}`,
      description: i % 5 === 0 ? 'About my invoice and billing address' : 'The export spins forever',
      customerId: i % 3 === 0 ? ben.id : ana.id,
      status: statuses[i % 5]!,
      priority: priorities[i % 4]!,
      assignedTo: i % 4 === 0 ? agent.id : i % 4 === 1 ? otherAgent.id : null,
      createdAt: new Date(base + Math.floor(i / 2) * 3600_000),
      updatedAt: new Date(base + ((i * 7) % 40) * 3600_000),
      dueDate: i % 6 === 0 ? null : new Date(base + ((i * 11) % 40) * 86400_000),
    }));
    const inserted = await db.insert(tickets).values(rows).returning({ id: tickets.id, title: tickets.title });
    await db.insert(ticketTagRelations).values(inserted.filter((t) => t.title.startsWith('Invoice')).map((t) => ({ ticketId: t.id, tagId: billing!.id })));
  });
  afterAll(() => server?.close());

  it('gives a customer only their own tickets, and the team all of them', async () => {
    const anas = await allPages(ana.token, '');
    expect(anas.items.length).toBe(26);
    expect(anas.items.every((t) => t.customer.id === ana.id)).toBe(true);
    const team = await allPages(agent.token, '');
    expect(team.items.length).toBe(40);
    const bensView = await allPages(ben.token, `customer=${ana.id}`);
    expect(bensView.items).toEqual([]);
  });

  it.each(['updated_at', 'created_at', 'priority', 'due_date'] as const)('pages through sort=%s in both orders with no gap and no duplicate', async (sort) => {
    for (const order of ['desc', 'asc'] as const) {
      const { items, pages } = await allPages(agent.token, `sort=${sort}&order=${order}`);
      expect(pages).toBeGreaterThan(5);
      expect(new Set(items.map((t) => t.id)).size).toBe(40);
      const key = (t: Item): [number, string] => {
        if (sort === 'priority') return [priorities.indexOf(t.priority), t.id];
        if (sort === 'due_date') return [t.dueDate ? Date.parse(t.dueDate) : Number.POSITIVE_INFINITY, t.id];
        return [Date.parse(sort === 'created_at' ? t.createdAt : t.updatedAt), t.id];
      };
      const sorted = [...items].sort((a, b) => {
        const [ka, ia] = key(a);
        const [kb, ib] = key(b);
        const byKey = ka === kb ? (ia < ib ? -1 : ia > ib ? 1 : 0) : ka < kb ? -1 : 1;
        return order === 'asc' ? byKey : -byKey;
      });
      expect(items.map((t) => t.id)).toEqual(sorted.map((t) => t.id));
    }
  });

  it('neither skips nor repeats when tickets are opened between pages', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    const newOnes: string[] = [];
    do {
      const { body }: { body: { items: Item[]; nextCursor: string | null } } = await server.call('GET', `/api/v1/tickets?sort=created_at&limit=6${cursor ? `&cursor=${cursor}` : ''}`, { token: agent.token });
      seen.push(...body.items.map((t) => t.id));
      cursor = body.nextCursor;
      const opened = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'Opened meanwhile', description: 'new' } });
      newOnes.push(opened.body.id);
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    // Newest first: everything that existed when paging started is there; the newer ones sort before page one.
    const before = seen.filter((id) => !newOnes.includes(id));
    expect(before.length).toBe(40);
  });

  it('filters by one status or several', async () => {
    const open = await allPages(agent.token, 'status=open');
    expect(open.items.length).toBeGreaterThan(0);
    expect(open.items.every((t) => t.status === 'open')).toBe(true);
    const two = await allPages(agent.token, 'status=open,in_progress');
    expect(new Set(two.items.map((t) => t.status))).toEqual(new Set(['open', 'in_progress']));
  });

  it('filters by priority', async () => {
    const urgent = await allPages(agent.token, 'priority=urgent,high');
    expect(urgent.items.length).toBe(20);
    expect(urgent.items.every((t) => t.priority === 'urgent' || t.priority === 'high')).toBe(true);
  });

  it('filters by assignee: me, unassigned, a person, any', async () => {
    const mine = await allPages(agent.token, 'assignee=me');
    expect(mine.items.length).toBe(10);
    expect(mine.items.every((t) => t.assignee?.id === agent.id)).toBe(true);
    const unassigned = await allPages(agent.token, 'assignee=unassigned');
    expect(unassigned.items.every((t) => t.assignee === null)).toBe(true);
    const olu = await allPages(agent.token, `assignee=${otherAgent.id}`);
    expect(olu.items.every((t) => t.assignee?.id === otherAgent.id)).toBe(true);
    expect((await allPages(agent.token, 'assignee=any')).items.length).toBeGreaterThanOrEqual(40);
  });

  it('filters by tag name or id, and by customer', async () => {
    const byName = await allPages(agent.token, 'tag=billing');
    expect(byName.items.length).toBe(8);
    expect(byName.items.every((t) => t.tags.some((g) => g.name === 'billing'))).toBe(true);
    const bens = await allPages(agent.token, `customer=${ben.id}`);
    expect(bens.items.every((t) => t.customer.id === ben.id)).toBe(true);
  });

  it('searches title and description by words', async () => {
    const found = await allPages(agent.token, 'q=invoice');
    expect(found.items.length).toBe(8);
    const phrase = await allPages(agent.token, `q=${encodeURIComponent('billing address')}`);
    expect(phrase.items.length).toBe(8);
    const none = await allPages(agent.token, 'q=kangaroo');
    expect(none.items).toEqual([]);
  });

  it('refuses bad filters, limits and cursors in the error shape', async () => {
    for (const query of ['status=done', 'priority=whenever', 'assignee=someone', 'limit=0', 'limit=101', 'limit=abc', 'sort=title', 'order=up', 'cursor=garbage', 'customer=42', 'unknown=1']) {
      const { status, body } = await server.call('GET', `/api/v1/tickets?${query}`, { token: agent.token });
      expect(status, query).toBe(400);
      expect(expectErrorShape(body).code).toBe('validation_failed');
    }
    const { body } = await server.call('GET', '/api/v1/tickets?sort=created_at&limit=2', { token: agent.token });
    const wrongSort = await server.call('GET', `/api/v1/tickets?sort=priority&cursor=${body.nextCursor}`, { token: agent.token });
    expect(wrongSort.status).toBe(400);
    const tampered = Buffer.from(JSON.stringify(['created_at', 'desc', "2026-01-01'; drop table tickets; --", '00000000-0000-0000-0000-000000000000'])).toString('base64url');
    const injected = await server.call('GET', `/api/v1/tickets?sort=created_at&cursor=${tampered}`, { token: agent.token });
    expect(injected.status).toBe(400);
  });
});
