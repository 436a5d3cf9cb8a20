/** /api/v1/tickets: opening, reading and changing tickets, as each kind of user. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketTags, ticketTemplates } from '../../db/schema/index.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { expectErrorShape, startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

describe.each(enginesUnderTest)('tickets on %s', (engine) => {
  let server: TestServer;
  let ana: TestUser;
  let ben: TestUser;
  let agent: TestUser;
  let admin: TestUser;
  let templateId: string;
  let billingTag: string;

  const open = (user: TestUser, body: Record<string, unknown> = {}) =>
    server.call('POST', '/api/v1/tickets', { token: user.token, body: { title: 'Export fails', description: 'The CSV export spins forever.', ...body } });

  beforeAll(async () => {
    server = await startTestServer(engine, { SLA_HOURS_URGENT: '2', SLA_HOURS_MEDIUM: '48' });
    [ana, ben, agent, admin] = [await server.customer('Ana'), await server.customer('Ben'), await server.teamMember('agent', 'Aga'), await server.teamMember('admin', 'Adam')];
    const db = server.testDb.handle.systemDb;
    const [tag] = await db.insert(ticketTags).values({ name: 'billing', color: '#0055ff' }).returning();
    billingTag = tag!.id;
    const [template] = await db
      .insert(ticketTemplates)
      .values({
        name: 'Billing question',
        defaultPriority: 'high',
        defaultTagIds: [billingTag],
        fields: [
          { key: 'invoice', label: 'Invoice number', type: 'text', required: true },
          { key: 'plan', label: 'Plan', type: 'select', required: false, options: ['free', 'pro'] },
          { key: 'seats', label: 'Seats', type: 'number', required: false },
          { key: 'contact', label: 'Billing email', type: 'email', required: false },
          { key: 'agree', label: 'I agree', type: 'checkbox', required: true },
        ],
      })
      .returning();
    templateId = template!.id;
  });
  afterAll(() => server?.close());

  describe('opening a ticket', () => {
    it('as a customer: open, unassigned, due by the SLA, with the description as its first message', async () => {
      const { status, body, headers } = await open(ana, { priority: 'urgent' });
      expect(status).toBe(201);
      expect(headers.get('location')).toBe(`/api/v1/tickets/${body.id}`);
      expect(body).toMatchObject({ status: 'open', priority: 'urgent', assignee: null, customer: { id: ana.id, email: ana.email }, messageCount: 1, description: 'The CSV export spins forever.' });
      expect(body.lastMessage).toMatchObject({ preview: 'The CSV export spins forever.', senderId: ana.id, fromTeam: false });
      expect(new Date(body.dueDate).getTime() - new Date(body.createdAt).getTime()).toBe(2 * 3600_000);
      expect(body).not.toHaveProperty('internalNoteCount');
    });

    it('from a template: fields become metadata, with its priority and tags', async () => {
      const { status, body } = await open(ana, { templateId, fields: { invoice: 'INV-7', plan: 'pro', seats: 12, agree: true } });
      expect(status).toBe(201);
      expect(body.metadata).toEqual({ invoice: 'INV-7', plan: 'pro', seats: 12, agree: true });
      expect(body.priority).toBe('high');
      expect(body.tags).toEqual([{ id: billingTag, name: 'billing', color: '#0055ff' }]);
    });

    it("refuses a template's fields that are missing, mistyped or unknown, naming each", async () => {
      const { status, body } = await open(ana, { templateId, fields: { plan: 'enterprise', seats: 'twelve', contact: 'not-an-email', color: 'red' } });
      expect(status).toBe(400);
      const error = expectErrorShape(body);
      expect(error.code).toBe('validation_failed');
      expect(error.issues!.map((i) => i.path).sort()).toEqual(['fields.agree', 'fields.color', 'fields.contact', 'fields.invoice', 'fields.plan', 'fields.seats']);
    });

    it('refuses an unknown template', async () => {
      const { status, body } = await open(ana, { templateId: randomUUID(), fields: {} });
      expect(status).toBe(400);
      expect(expectErrorShape(body).issues).toEqual([{ path: 'templateId', message: 'unknown template' }]);
    });

    it.each([
      ['customerId', () => ({ customerId: ben.id })],
      ['assigneeId', () => ({ assigneeId: agent.id })],
      ['tagIds', () => ({ tagIds: [billingTag] })],
      ['metadata', () => ({ metadata: { vip: true } })],
    ])('refuses a customer setting %s (team only)', async (_, extra) => {
      const { status, body } = await open(ana, extra());
      expect(status).toBe(403);
      expect(expectErrorShape(body).code).toBe('forbidden');
    });

    it('as an agent: on behalf of a customer, assigned and tagged', async () => {
      const { status, body } = await open(agent, { customerId: ben.id, assigneeId: agent.id, tagIds: [billingTag], metadata: { source: 'phone' } });
      expect(status).toBe(201);
      expect(body).toMatchObject({ customer: { id: ben.id }, assignee: { id: agent.id, name: 'Aga' }, metadata: { source: 'phone' }, internalNoteCount: 0 });
      expect(body.tags.map((t: { id: string }) => t.id)).toEqual([billingTag]);
    });

    it('refuses assigning to someone who is not on the team', async () => {
      const { status, body } = await open(agent, { customerId: ben.id, assigneeId: ana.id });
      expect(status).toBe(400);
      expect(expectErrorShape(body).code).toBe('validation_failed');
    });

    it('refuses empty and oversized titles, and unknown fields', async () => {
      for (const body of [{ title: '   ' }, { title: 'x'.repeat(201) }, { priority: 'whenever' }, { isVip: true }]) {
        const response = await open(ana, body);
        expect(response.status).toBe(400);
        expect(expectErrorShape(response.body).code).toBe('validation_failed');
      }
    });

    it('needs a token', async () => {
      const { status, body } = await server.call('POST', '/api/v1/tickets', { body: { title: 't', description: 'd' } });
      expect(status).toBe(401);
      expect(expectErrorShape(body).code).toBe('unauthorized');
    });
  });

  describe('reading a ticket', () => {
    it("shows a customer their own ticket and hides another customer's as not found", async () => {
      const { body: ticket } = await open(ana);
      expect((await server.call('GET', `/api/v1/tickets/${ticket.id}`, { token: ana.token })).status).toBe(200);
      const asBen = await server.call('GET', `/api/v1/tickets/${ticket.id}`, { token: ben.token });
      expect(asBen.status).toBe(404);
      expect(expectErrorShape(asBen.body).code).toBe('not_found');
    });

    it('shows the team every ticket, with its internal note count', async () => {
      const { body: ticket } = await open(ana);
      await server.call('POST', `/api/v1/tickets/${ticket.id}/messages`, { token: agent.token, body: { message: 'Known bug', isInternal: true } });
      for (const member of [agent, admin]) {
        const { status, body } = await server.call('GET', `/api/v1/tickets/${ticket.id}`, { token: member.token });
        expect(status).toBe(200);
        expect(body.internalNoteCount).toBe(1);
        expect(body.messageCount).toBe(1);
      }
      const { body: asCustomer } = await server.call('GET', `/api/v1/tickets/${ticket.id}`, { token: ana.token });
      expect(asCustomer.messageCount).toBe(1);
      expect(asCustomer).not.toHaveProperty('internalNoteCount');
      expect(asCustomer.lastMessage.preview).toBe('The CSV export spins forever.');
    });

    it('answers 400 for an id that is not a UUID and 404 for one that does not exist', async () => {
      expect((await server.call('GET', '/api/v1/tickets/not-a-uuid', { token: ana.token })).status).toBe(400);
      expect((await server.call('GET', `/api/v1/tickets/${randomUUID()}`, { token: agent.token })).status).toBe(404);
    });
  });

  describe('changing a ticket', () => {
    it('lets the team change status, priority, assignee, due date and title', async () => {
      const { body: ticket } = await open(ana);
      const due = '2031-01-02T03:04:05.000Z';
      const { status, body } = await server.call('PATCH', `/api/v1/tickets/${ticket.id}`, {
        token: agent.token,
        body: { status: 'in_progress', priority: 'low', assigneeId: agent.id, dueDate: due, title: 'CSV export hangs' },
      });
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'in_progress', priority: 'low', assignee: { id: agent.id }, dueDate: due, title: 'CSV export hangs' });
      const unassigned = await server.call('PATCH', `/api/v1/tickets/${ticket.id}`, { token: admin.token, body: { assigneeId: null, dueDate: null } });
      expect(unassigned.body).toMatchObject({ assignee: null, dueDate: null });
    });

    it('stamps resolvedAt when resolved and clears it when reopened', async () => {
      const { body: ticket } = await open(ana);
      const resolved = await server.call('PATCH', `/api/v1/tickets/${ticket.id}`, { token: agent.token, body: { status: 'resolved' } });
      expect(resolved.body.resolvedAt).not.toBeNull();
      const reopened = await server.call('PATCH', `/api/v1/tickets/${ticket.id}`, { token: agent.token, body: { status: 'open' } });
      expect(reopened.body.resolvedAt).toBeNull();
    });

    it('lets a customer close their own ticket, and nothing else', async () => {
      const { body: ticket } = await open(ana);
      const other = await server.call('PATCH', `/api/v1/tickets/${ticket.id}`, { token: ana.token, body: { priority: 'urgent' } });
      expect(other.status).toBe(403);
      const closeAndMore = await server.call('PATCH', `/api/v1/tickets/${ticket.id}`, { token: ana.token, body: { status: 'closed', title: 'mine now' } });
      expect(closeAndMore.status).toBe(403);
      const byBen = await server.call('PATCH', `/api/v1/tickets/${ticket.id}`, { token: ben.token, body: { status: 'closed' } });
      expect(byBen.status).toBe(404);
      const closed = await server.call('PATCH', `/api/v1/tickets/${ticket.id}`, { token: ana.token, body: { status: 'closed' } });
      expect(closed.status).toBe(200);
      expect(closed.body.status).toBe('closed');
    });

    it('refuses a change based on a stale version (If-Match) with 409', async () => {
      const { body: ticket } = await open(ana);
      const first = await server.call('PATCH', `/api/v1/tickets/${ticket.id}`, { token: agent.token, body: { priority: 'high' }, headers: { 'if-match': `"${ticket.updatedAt}"` } });
      expect(first.status).toBe(200);
      const stale = await server.call('PATCH', `/api/v1/tickets/${ticket.id}`, { token: admin.token, body: { priority: 'low' }, headers: { 'if-match': `"${ticket.updatedAt}"` } });
      expect(stale.status).toBe(409);
      expect(expectErrorShape(stale.body).code).toBe('conflict');
      const current = await server.call('GET', `/api/v1/tickets/${ticket.id}`, { token: agent.token });
      expect(current.body.priority).toBe('high');
    });

    it('refuses an empty change and unknown statuses', async () => {
      const { body: ticket } = await open(ana);
      expect((await server.call('PATCH', `/api/v1/tickets/${ticket.id}`, { token: agent.token, body: {} })).status).toBe(400);
      expect((await server.call('PATCH', `/api/v1/tickets/${ticket.id}`, { token: agent.token, body: { status: 'done' } })).status).toBe(400);
    });
  });
});
