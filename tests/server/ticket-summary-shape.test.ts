/**
 * The ticket summary as the list and the detail answer it, pinned field by field to what the API
 * promises and worked out independently from the stored rows: the schema's keys and nothing
 * else, and every timestamp as Date#toISOString writes the stored value (UTC, milliseconds, the
 * microseconds cut, never rounded), including the one inside last_message's jsonb. The list
 * rewrites PostgreSQL's timestamp text by hand (server/tickets/iso-timestamp.ts) rather than
 * through Date, which is where a rounding or a lost field would creep in.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamMembers, ticketTags, tickets, users } from '../../db/schema/index.ts';
import { ticketDetailSchema, ticketPageSchema } from '../../server/schemas/tickets.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

describe.each(enginesUnderTest)('the ticket summary on %s', (engine) => {
  let server: TestServer;
  let ana: TestUser;
  let agent: TestUser;
  let ticketId: string;

  beforeAll(async () => {
    server = await startTestServer(engine);
    [ana, agent] = [await server.customer('Ana'), await server.teamMember('agent', 'Aga')];
    const db = server.testDb.handle.systemDb;
    const [tag] = await db.insert(ticketTags).values({ name: 'billing', color: '#0055ff' }).returning();
    const opened = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'Export "fails" \\ badly', description: 'The CSV export spins forever.' } });
    ticketId = opened.body.id;
    await server.call('POST', `/api/v1/tickets/${ticketId}/messages`, { token: agent.token, body: { message: 'Looking into it — ünïcode and "quotes".' } });
    await server.call('PUT', `/api/v1/tickets/${ticketId}/tags/${tag!.id}`, { token: agent.token });
    await server.call('PATCH', `/api/v1/tickets/${ticketId}`, { token: agent.token, body: { status: 'resolved', assigneeId: agent.id } });
    // Stored times with microseconds that a rounding formatter would carry into the next millisecond.
    await db.execute(sql`update public.tickets set
      created_at = '2026-03-04 05:06:07.891999+00', due_date = '2026-03-05 00:00:00.000500+00',
      first_response_at = '2026-03-04 06:00:00.999999+00', resolved_at = '2026-03-04 07:00:00.123999+00',
      last_message = jsonb_set(last_message, '{createdAt}', to_jsonb('2026-03-04 06:00:00.999999+00'::timestamptz))
      where id = ${ticketId}::uuid`);
  });
  afterAll(() => server?.close());

  /** The summary worked out in JavaScript from the stored rows. */
  async function expectedSummary() {
    const db = server.testDb.handle.systemDb;
    const [row] = await db.select().from(tickets).where(eq(tickets.id, ticketId));
    const [customer] = await db.select().from(users).where(eq(users.id, ana.id));
    const [member] = await db.select().from(teamMembers).where(eq(teamMembers.id, agent.id));
    const iso = (value: Date | null) => (value ? value.toISOString() : null);
    return {
      id: ticketId,
      title: row!.title,
      status: 'resolved',
      priority: row!.priority,
      customer: { id: ana.id, name: customer!.name, email: customer!.email },
      assignee: { id: agent.id, name: member!.displayName },
      tags: row!.tags,
      lastMessage: { ...row!.lastMessage!, createdAt: new Date(row!.lastMessage!.createdAt).toISOString() },
      messageCount: 2,
      createdAt: iso(row!.createdAt),
      updatedAt: iso(row!.updatedAt),
      resolvedAt: iso(row!.resolvedAt),
      firstResponseAt: iso(row!.firstResponseAt),
      dueDate: iso(row!.dueDate),
    };
  }

  it('lists it with exactly the schema’s fields, timestamps cut to the millisecond', async () => {
    const expected = await expectedSummary();
    expect(expected).toMatchObject({ createdAt: '2026-03-04T05:06:07.891Z', dueDate: '2026-03-05T00:00:00.000Z', firstResponseAt: '2026-03-04T06:00:00.999Z', resolvedAt: '2026-03-04T07:00:00.123Z' });
    expect(expected.lastMessage).toMatchObject({ createdAt: '2026-03-04T06:00:00.999Z', preview: 'Looking into it — ünïcode and "quotes".', fromTeam: true });
    for (const user of [ana, agent]) {
      const { status, body, headers } = await server.call('GET', '/api/v1/tickets', { token: user.token });
      expect(status).toBe(200);
      expect(headers.get('content-type')).toMatch(/^application\/json/);
      expect(ticketPageSchema.strict().safeParse(body).success).toBe(true);
      expect(body).toEqual({ items: [expected], nextCursor: null });
    }
  });

  it('shows the same summary in the detail, beside the description and metadata', async () => {
    const { status, body } = await server.call('GET', `/api/v1/tickets/${ticketId}`, { token: ana.token });
    expect(status).toBe(200);
    expect(ticketDetailSchema.strict().safeParse(body).success).toBe(true);
    expect(body).toEqual({ ...(await expectedSummary()), description: 'The CSV export spins forever.', metadata: {} });
  });

  it('lists a ticket nobody has answered or assigned with nulls, not missing fields', async () => {
    const { body: fresh } = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'Quiet', description: 'x' } });
    const { body } = await server.call('GET', '/api/v1/tickets?limit=1', { token: ana.token });
    expect(body.items[0]).toMatchObject({ id: fresh.id, assignee: null, resolvedAt: null, firstResponseAt: null, tags: [] });
    expect(typeof body.nextCursor).toBe('string');
  });
});
