import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClaims } from '../../db/rls.ts';
import { ticketTags } from '../../db/schema/index.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { expectErrorShape, startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

describe.each(enginesUnderTest)('tags on %s', (engine) => {
  let server: TestServer;
  let customerA: TestUser;
  let customerB: TestUser;
  let agent: TestUser;
  let admin: TestUser;
  let ticketA: string;
  let ticketB: string;

  beforeAll(async () => {
    server = await startTestServer(engine);
    customerA = await server.customer('Ana');
    customerB = await server.customer('Ben');
    agent = await server.teamMember('agent', 'Aga');
    admin = await server.teamMember('admin', 'Adi');
    const a = await server.call('POST', '/api/v1/tickets', { token: customerA.token, body: { title: 'A: export fails', description: 'It spins.' } });
    const b = await server.call('POST', '/api/v1/tickets', { token: customerB.token, body: { title: 'B: login loops', description: 'Again and again.' } });
    expect([a.status, b.status]).toEqual([201, 201]);
    ticketA = a.body.id;
    ticketB = b.body.id;
  });
  afterAll(() => server?.close());

  /** Creates a tag as the agent and returns its id. */
  async function tag(name: string, color?: string): Promise<string> {
    const created = await server.call('POST', '/api/v1/tags', { token: agent.token, body: color ? { name, color } : { name } });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  function expectError(response: { status: number; body: unknown }, status: number, code: string) {
    expect(response.status).toBe(status);
    const error = expectErrorShape(response.body);
    expect(error.code).toBe(code);
    return error;
  }

  /** Issue paths name the field; a source prefix (`body.`, `param.`) may or may not lead them. */
  function expectIssueAt(error: { issues?: { path: string }[] }, field: string) {
    expect(error.issues?.map((issue) => issue.path)).toContainEqual(expect.stringMatching(new RegExp(`(^|\\.)${field.replace('.', '\\.')}$`)));
  }

  describe('POST /tags', () => {
    it('lets an agent add a tag, with the default color, trimmed name, and a Location', async () => {
      const created = await server.call('POST', '/api/v1/tags', { token: agent.token, body: { name: '  billing  ', description: 'Money things' } });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(String), name: 'billing', description: 'Money things', color: '#6b7280', createdAt: expect.any(String) });
      expect(created.headers.get('location')).toBe(`/api/v1/tags/${created.body.id}`);
    });

    it('lets an admin add a tag, storing the color lowercase', async () => {
      const created = await server.call('POST', '/api/v1/tags', { token: admin.token, body: { name: 'urgent-ish', color: '#FF0000' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'urgent-ish', color: '#ff0000', description: null });
    });

    it('refuses customers with 403, whoever they are, and writes nothing', async () => {
      for (const customer of [customerA, customerB]) {
        expectError(await server.call('POST', '/api/v1/tags', { token: customer.token, body: { name: `from-${customer.id}` } }), 403, 'forbidden');
      }
      const list = await server.call('GET', '/api/v1/tags', { token: agent.token });
      expect(list.body.items.map((t: { name: string }) => t.name)).not.toContain(`from-${customerA.id}`);
    });

    it('and the database refuses a customer too, past the API', async () => {
      await expect(
        withClaims(server.deps.database.systemDb, { sub: customerA.id, role: 'authenticated' }, (tx) => tx.insert(ticketTags).values({ name: 'sneaky' })),
      ).rejects.toThrow();
    });

    it('answers 401 without a token', async () => {
      expectError(await server.call('POST', '/api/v1/tags', { body: { name: 'anon' } }), 401, 'unauthorized');
    });

    it('answers 409 for a name that is taken', async () => {
      await tag('duplicate-me');
      const error = expectError(await server.call('POST', '/api/v1/tags', { token: admin.token, body: { name: ' duplicate-me ' } }), 409, 'conflict');
      expect(error.message).toContain('duplicate-me');
    });

    it.each([
      ['an empty name', { name: '   ' }, 'name'],
      ['a name over 50 characters', { name: 'x'.repeat(51) }, 'name'],
      ['a color that is not #rrggbb', { name: 'red', color: 'red' }, 'color'],
      ['a short color', { name: 'red', color: '#fff' }, 'color'],
      ['a description over 500 characters', { name: 'long', description: 'd'.repeat(501) }, 'description'],
      ['an unknown field', { name: 'extra', priority: 'high' }, 'priority'],
      ['no name', { color: '#123456' }, 'name'],
    ])('refuses %s with 400 validation_failed', async (_, body, path) => {
      const error = expectError(await server.call('POST', '/api/v1/tags', { token: agent.token, body }), 400, 'validation_failed');
      expectIssueAt(error, path);
    });

    it('refuses a body that is not JSON with 400', async () => {
      expectError(await server.call('POST', '/api/v1/tags', { token: agent.token, body: '{"name":', headers: { 'content-type': 'application/json' } }), 400, 'validation_failed');
    });
  });

  describe('GET /tags', () => {
    it('lists every tag sorted by name, for customers and the team alike', async () => {
      await tag('zeta');
      await tag('alpha', '#00ff00');
      for (const user of [customerA, customerB, agent, admin]) {
        const list = await server.call('GET', '/api/v1/tags', { token: user.token });
        expect(list.status).toBe(200);
        const names = list.body.items.map((t: { name: string }) => t.name);
        expect(names).toEqual([...names].sort());
        expect(names).toEqual(expect.arrayContaining(['alpha', 'zeta', 'billing']));
        expect(list.body.items.find((t: { name: string }) => t.name === 'alpha')).toEqual({
          id: expect.any(String),
          name: 'alpha',
          description: null,
          color: '#00ff00',
          createdAt: expect.any(String),
        });
      }
    });

    it('answers 401 without a token', async () => {
      expectError(await server.call('GET', '/api/v1/tags'), 401, 'unauthorized');
    });
  });

  describe('PATCH /tags/:id', () => {
    it('lets an agent rename, recolor and describe a tag, and clear the description', async () => {
      const id = await tag('to-rename');
      const changed = await server.call('PATCH', `/api/v1/tags/${id}`, { token: agent.token, body: { name: 'renamed', color: '#ABCDEF', description: 'Now with words' } });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ id, name: 'renamed', color: '#abcdef', description: 'Now with words' });
      const cleared = await server.call('PATCH', `/api/v1/tags/${id}`, { token: admin.token, body: { description: null } });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ id, name: 'renamed', color: '#abcdef', description: null });
    });

    it('keeps the name when renaming a tag to its own name', async () => {
      const id = await tag('same-name');
      const same = await server.call('PATCH', `/api/v1/tags/${id}`, { token: agent.token, body: { name: 'same-name' } });
      expect(same.status).toBe(200);
    });

    it('refuses customers with 403 and leaves the tag alone', async () => {
      const id = await tag('customer-proof');
      for (const customer of [customerA, customerB]) {
        expectError(await server.call('PATCH', `/api/v1/tags/${id}`, { token: customer.token, body: { name: 'hijacked' } }), 403, 'forbidden');
      }
      const list = await server.call('GET', '/api/v1/tags', { token: agent.token });
      expect(list.body.items.map((t: { name: string }) => t.name)).toContain('customer-proof');
    });

    it('answers 401 without a token', async () => {
      const id = await tag('patch-anon');
      expectError(await server.call('PATCH', `/api/v1/tags/${id}`, { body: { name: 'x' } }), 401, 'unauthorized');
    });

    it('answers 404 for a tag that does not exist, 400 for a bad id', async () => {
      expectError(await server.call('PATCH', `/api/v1/tags/${randomUUID()}`, { token: agent.token, body: { name: 'ghost' } }), 404, 'not_found');
      const error = expectError(await server.call('PATCH', '/api/v1/tags/not-a-uuid', { token: agent.token, body: { name: 'ghost' } }), 400, 'validation_failed');
      expectIssueAt(error, 'id');
    });

    it('answers 409 when renaming onto another tag', async () => {
      await tag('taken-name');
      const id = await tag('wants-taken-name');
      expectError(await server.call('PATCH', `/api/v1/tags/${id}`, { token: agent.token, body: { name: 'taken-name' } }), 409, 'conflict');
    });

    it('refuses an empty change, unknown fields and bad colors with 400', async () => {
      const id = await tag('strict-patch');
      expectError(await server.call('PATCH', `/api/v1/tags/${id}`, { token: agent.token, body: {} }), 400, 'validation_failed');
      expectError(await server.call('PATCH', `/api/v1/tags/${id}`, { token: agent.token, body: { createdAt: '2020-01-01T00:00:00Z' } }), 400, 'validation_failed');
      expectError(await server.call('PATCH', `/api/v1/tags/${id}`, { token: agent.token, body: { color: '#12345g' } }), 400, 'validation_failed');
    });
  });

  describe('PUT /tickets/:id/tags/:tagId', () => {
    it("lets an agent tag any ticket and answers with the ticket's tags, sorted by name; tagging twice is fine", async () => {
      const bug = await tag('bug', '#ff0000');
      const api = await tag('api', '#0000ff');
      const first = await server.call('PUT', `/api/v1/tickets/${ticketA}/tags/${bug}`, { token: agent.token });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ items: [{ id: bug, name: 'bug', color: '#ff0000' }] });
      const second = await server.call('PUT', `/api/v1/tickets/${ticketA}/tags/${api}`, { token: admin.token });
      expect(second.body).toEqual({ items: [{ id: api, name: 'api', color: '#0000ff' }, { id: bug, name: 'bug', color: '#ff0000' }] });
      const again = await server.call('PUT', `/api/v1/tickets/${ticketA}/tags/${bug}`, { token: agent.token });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(second.body);
      // The customer sees the tags on their own ticket.
      const seen = await server.call('GET', `/api/v1/tickets/${ticketA}`, { token: customerA.token });
      expect(seen.body.tags.map((t: { name: string }) => t.name)).toEqual(['api', 'bug']);
    });

    it('refuses customers with 403, on their own ticket and on anyone else’s', async () => {
      const id = await tag('customer-tagging');
      expectError(await server.call('PUT', `/api/v1/tickets/${ticketA}/tags/${id}`, { token: customerA.token }), 403, 'forbidden');
      expectError(await server.call('PUT', `/api/v1/tickets/${ticketA}/tags/${id}`, { token: customerB.token }), 403, 'forbidden');
      const seen = await server.call('GET', `/api/v1/tickets/${ticketA}`, { token: agent.token });
      expect(seen.body.tags.map((t: { name: string }) => t.name)).not.toContain('customer-tagging');
    });

    it('answers 401 without a token', async () => {
      const id = await tag('anon-tagging');
      expectError(await server.call('PUT', `/api/v1/tickets/${ticketA}/tags/${id}`), 401, 'unauthorized');
    });

    it('answers 404 for an unknown ticket or tag, 400 for bad ids', async () => {
      const id = await tag('for-404');
      expect(expectError(await server.call('PUT', `/api/v1/tickets/${randomUUID()}/tags/${id}`, { token: agent.token }), 404, 'not_found').message).toMatch(/ticket/);
      expect(expectError(await server.call('PUT', `/api/v1/tickets/${ticketA}/tags/${randomUUID()}`, { token: agent.token }), 404, 'not_found').message).toMatch(/tag/);
      expectIssueAt(expectError(await server.call('PUT', `/api/v1/tickets/nope/tags/${id}`, { token: agent.token }), 400, 'validation_failed'), 'id');
      expectIssueAt(expectError(await server.call('PUT', `/api/v1/tickets/${ticketA}/tags/nope`, { token: agent.token }), 400, 'validation_failed'), 'tagId');
    });
  });

  describe('DELETE /tickets/:id/tags/:tagId', () => {
    it('lets an agent untag a ticket (204, no body); untagging again is fine', async () => {
      const id = await tag('to-untag');
      await server.call('PUT', `/api/v1/tickets/${ticketB}/tags/${id}`, { token: agent.token });
      const removed = await server.call('DELETE', `/api/v1/tickets/${ticketB}/tags/${id}`, { token: agent.token });
      expect(removed.status).toBe(204);
      expect(removed.body).toBeUndefined();
      const seen = await server.call('GET', `/api/v1/tickets/${ticketB}`, { token: customerB.token });
      expect(seen.body.tags.map((t: { id: string }) => t.id)).not.toContain(id);
      expect((await server.call('DELETE', `/api/v1/tickets/${ticketB}/tags/${id}`, { token: admin.token })).status).toBe(204);
    });

    it('refuses customers with 403 and keeps the tag on the ticket', async () => {
      const id = await tag('stays-on');
      await server.call('PUT', `/api/v1/tickets/${ticketB}/tags/${id}`, { token: agent.token });
      expectError(await server.call('DELETE', `/api/v1/tickets/${ticketB}/tags/${id}`, { token: customerB.token }), 403, 'forbidden');
      expectError(await server.call('DELETE', `/api/v1/tickets/${ticketB}/tags/${id}`, { token: customerA.token }), 403, 'forbidden');
      const seen = await server.call('GET', `/api/v1/tickets/${ticketB}`, { token: customerB.token });
      expect(seen.body.tags.map((t: { id: string }) => t.id)).toContain(id);
    });

    it('answers 401 without a token, 404 for unknown ticket or tag, 400 for bad ids', async () => {
      const id = await tag('untag-errors');
      expectError(await server.call('DELETE', `/api/v1/tickets/${ticketB}/tags/${id}`), 401, 'unauthorized');
      expectError(await server.call('DELETE', `/api/v1/tickets/${randomUUID()}/tags/${id}`, { token: agent.token }), 404, 'not_found');
      expectError(await server.call('DELETE', `/api/v1/tickets/${ticketB}/tags/${randomUUID()}`, { token: agent.token }), 404, 'not_found');
      expectError(await server.call('DELETE', `/api/v1/tickets/${ticketB}/tags/12`, { token: agent.token }), 400, 'validation_failed');
    });
  });

  describe('DELETE /tags/:id', () => {
    it('deletes a tag that is still on tickets, untagging them in the same go (204, no body)', async () => {
      const id = await tag('doomed');
      await server.call('PUT', `/api/v1/tickets/${ticketA}/tags/${id}`, { token: agent.token });
      await server.call('PUT', `/api/v1/tickets/${ticketB}/tags/${id}`, { token: agent.token });
      const deleted = await server.call('DELETE', `/api/v1/tags/${id}`, { token: agent.token });
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      const list = await server.call('GET', '/api/v1/tags', { token: customerA.token });
      expect(list.body.items.map((t: { id: string }) => t.id)).not.toContain(id);
      for (const [ticket, customer] of [[ticketA, customerA], [ticketB, customerB]] as const) {
        const seen = await server.call('GET', `/api/v1/tickets/${ticket}`, { token: customer.token });
        expect(seen.body.tags.map((t: { id: string }) => t.id)).not.toContain(id);
      }
      expectError(await server.call('DELETE', `/api/v1/tags/${id}`, { token: admin.token }), 404, 'not_found');
    });

    it('lets an admin delete an unused tag', async () => {
      const id = await tag('unused');
      expect((await server.call('DELETE', `/api/v1/tags/${id}`, { token: admin.token })).status).toBe(204);
    });

    it('refuses customers with 403 and keeps the tag and its tickets', async () => {
      const id = await tag('survivor');
      await server.call('PUT', `/api/v1/tickets/${ticketA}/tags/${id}`, { token: agent.token });
      for (const customer of [customerA, customerB]) {
        expectError(await server.call('DELETE', `/api/v1/tags/${id}`, { token: customer.token }), 403, 'forbidden');
      }
      const seen = await server.call('GET', `/api/v1/tickets/${ticketA}`, { token: customerA.token });
      expect(seen.body.tags.map((t: { id: string }) => t.id)).toContain(id);
    });

    it('answers 401 without a token, 404 for an unknown tag, 400 for a bad id', async () => {
      const id = await tag('delete-errors');
      expectError(await server.call('DELETE', `/api/v1/tags/${id}`), 401, 'unauthorized');
      expectError(await server.call('DELETE', `/api/v1/tags/${randomUUID()}`, { token: agent.token }), 404, 'not_found');
      expectError(await server.call('DELETE', '/api/v1/tags/xyz', { token: agent.token }), 400, 'validation_failed');
    });
  });
});
