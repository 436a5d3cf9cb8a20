import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/test-database.ts';
import { expectErrorShape, startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

describe.each(enginesUnderTest)('ticket metadata on %s', (engine) => {
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
    const a = await server.call('POST', '/api/v1/tickets', { token: customerA.token, body: { title: 'A: refund', description: 'Order 1.' } });
    const b = await server.call('POST', '/api/v1/tickets', { token: customerB.token, body: { title: 'B: invoice', description: 'Order 2.' } });
    expect([a.status, b.status]).toEqual([201, 201]);
    ticketA = a.body.id;
    ticketB = b.body.id;
  });
  afterAll(() => server?.close());

  const metadataPath = (ticket: string, key?: string) => `/api/v1/tickets/${ticket}/metadata${key === undefined ? '' : `/${key}`}`;

  function expectError(response: { status: number; body: unknown }, status: number, code: string) {
    expect(response.status).toBe(status);
    const error = expectErrorShape(response.body);
    expect(error.code).toBe(code);
    return error;
  }

  function expectIssueAt(error: { issues?: { path: string }[] }, field: string) {
    expect(error.issues?.map((issue) => issue.path)).toContainEqual(expect.stringMatching(new RegExp(`(^|\\.)${field}$`)));
  }

  describe('PUT /tickets/:id/metadata/:key', () => {
    it('lets an agent create a key (201) and replace its value (200), any JSON value', async () => {
      const created = await server.call('PUT', metadataPath(ticketA, 'order.id-2'), { token: agent.token, body: { value: { number: 1042, items: ['a', 'b'] } } });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ key: 'order.id-2', value: { number: 1042, items: ['a', 'b'] }, createdAt: expect.any(String), updatedAt: expect.any(String) });
      expect(created.headers.get('location')).toBe(metadataPath(ticketA, 'order.id-2'));

      const replaced = await server.call('PUT', metadataPath(ticketA, 'order.id-2'), { token: admin.token, body: { value: 'ORD-1042' } });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ key: 'order.id-2', value: 'ORD-1042', createdAt: created.body.createdAt });
      expect(Date.parse(replaced.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));

      for (const [key, value] of [['plan', 'pro'], ['seats', 12], ['trial', false], ['notes', null], ['flags', [1, 'two', { three: 3 }]]] as const) {
        const put = await server.call('PUT', metadataPath(ticketA, key), { token: agent.token, body: { value } });
        expect(put.status).toBe(201);
        expect(put.body.value).toEqual(value);
      }
    });

    it('refuses customers with 403, on their own ticket and on anyone else’s, and writes nothing', async () => {
      expectError(await server.call('PUT', metadataPath(ticketA, 'self_service'), { token: customerA.token, body: { value: 1 } }), 403, 'forbidden');
      expectError(await server.call('PUT', metadataPath(ticketA, 'self_service'), { token: customerB.token, body: { value: 1 } }), 403, 'forbidden');
      expectError(await server.call('PUT', metadataPath(ticketB, 'self_service'), { token: customerA.token, body: { value: 1 } }), 403, 'forbidden');
      const list = await server.call('GET', metadataPath(ticketA), { token: agent.token });
      expect(list.body.items.map((entry: { key: string }) => entry.key)).not.toContain('self_service');
    });

    it('answers 401 without a token', async () => {
      expectError(await server.call('PUT', metadataPath(ticketA, 'anon'), { body: { value: 1 } }), 401, 'unauthorized');
    });

    it('answers 404 for a ticket that does not exist', async () => {
      expectError(await server.call('PUT', metadataPath(randomUUID(), 'ghost'), { token: agent.token, body: { value: 1 } }), 404, 'not_found');
    });

    it.each([
      ['a key with a space', 'bad%20key', { value: 1 }, 'key'],
      ['a key with a slash-like character', 'a%2Fb', { value: 1 }, 'key'],
      ['a key over 64 characters', 'k'.repeat(65), { value: 1 }, 'key'],
      ['a body without value', 'fine', {}, 'value'],
      ['an unknown body field', 'fine', { value: 1, key: 'other' }, 'key'],
      ['a value over 16 KiB as JSON', 'fine', { value: 'x'.repeat(17_000) }, 'value'],
    ])('refuses %s with 400 validation_failed', async (_, key, body, field) => {
      const error = expectError(await server.call('PUT', metadataPath(ticketA, key), { token: agent.token, body }), 400, 'validation_failed');
      expectIssueAt(error, field);
    });

    it('refuses a bad ticket id with 400', async () => {
      expectIssueAt(expectError(await server.call('PUT', metadataPath('123', 'fine'), { token: agent.token, body: { value: 1 } }), 400, 'validation_failed'), 'id');
    });
  });

  describe('GET /tickets/:id/metadata', () => {
    it("shows a customer their own ticket's metadata, sorted by key, and the same on the ticket", async () => {
      await server.call('PUT', metadataPath(ticketB, 'zone'), { token: agent.token, body: { value: 'eu' } });
      await server.call('PUT', metadataPath(ticketB, 'account'), { token: agent.token, body: { value: 77 } });
      const list = await server.call('GET', metadataPath(ticketB), { token: customerB.token });
      expect(list.status).toBe(200);
      expect(list.body.items.map(({ key, value }: { key: string; value: unknown }) => [key, value])).toEqual([
        ['account', 77],
        ['zone', 'eu'],
      ]);
      const ticket = await server.call('GET', `/api/v1/tickets/${ticketB}`, { token: customerB.token });
      expect(ticket.body.metadata).toEqual({ account: 77, zone: 'eu' });
    });

    it("answers 404, never 403, for another customer's ticket", async () => {
      const error = expectError(await server.call('GET', metadataPath(ticketB), { token: customerA.token }), 404, 'not_found');
      expect(JSON.stringify(error)).not.toContain('eu');
      expectError(await server.call('GET', metadataPath(ticketA), { token: customerB.token }), 404, 'not_found');
    });

    it('shows the team every ticket’s metadata', async () => {
      for (const member of [agent, admin]) {
        const a = await server.call('GET', metadataPath(ticketA), { token: member.token });
        expect(a.status).toBe(200);
        expect(a.body.items.find((entry: { key: string }) => entry.key === 'order.id-2')?.value).toBe('ORD-1042');
        const b = await server.call('GET', metadataPath(ticketB), { token: member.token });
        expect(b.body.items.map((entry: { key: string }) => entry.key)).toEqual(['account', 'zone']);
      }
    });

    it('answers an empty list for a ticket with no metadata', async () => {
      const fresh = await server.call('POST', '/api/v1/tickets', { token: customerA.token, body: { title: 'Empty', description: 'Nothing here.' } });
      const list = await server.call('GET', metadataPath(fresh.body.id), { token: customerA.token });
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ items: [] });
    });

    it('answers 401 without a token, 404 for an unknown ticket, 400 for a bad id', async () => {
      expectError(await server.call('GET', metadataPath(ticketA)), 401, 'unauthorized');
      expectError(await server.call('GET', metadataPath(randomUUID()), { token: agent.token }), 404, 'not_found');
      expectError(await server.call('GET', metadataPath(randomUUID()), { token: customerA.token }), 404, 'not_found');
      expectIssueAt(expectError(await server.call('GET', metadataPath('not-a-uuid'), { token: agent.token }), 400, 'validation_failed'), 'id');
    });
  });

  describe('DELETE /tickets/:id/metadata/:key', () => {
    it('lets an agent remove a key (204, no body); a key that is gone is 404', async () => {
      await server.call('PUT', metadataPath(ticketA, 'temporary'), { token: agent.token, body: { value: true } });
      const removed = await server.call('DELETE', metadataPath(ticketA, 'temporary'), { token: agent.token });
      expect(removed.status).toBe(204);
      expect(removed.body).toBeUndefined();
      const list = await server.call('GET', metadataPath(ticketA), { token: customerA.token });
      expect(list.body.items.map((entry: { key: string }) => entry.key)).not.toContain('temporary');
      expectError(await server.call('DELETE', metadataPath(ticketA, 'temporary'), { token: admin.token }), 404, 'not_found');
    });

    it('refuses customers with 403 and keeps the value', async () => {
      expectError(await server.call('DELETE', metadataPath(ticketB, 'zone'), { token: customerB.token }), 403, 'forbidden');
      expectError(await server.call('DELETE', metadataPath(ticketB, 'zone'), { token: customerA.token }), 403, 'forbidden');
      const list = await server.call('GET', metadataPath(ticketB), { token: customerB.token });
      expect(list.body.items.map((entry: { key: string }) => entry.key)).toContain('zone');
    });

    it('answers 401 without a token, 404 for an unknown ticket, 400 for bad ids and keys', async () => {
      expectError(await server.call('DELETE', metadataPath(ticketB, 'zone')), 401, 'unauthorized');
      expectError(await server.call('DELETE', metadataPath(randomUUID(), 'zone'), { token: agent.token }), 404, 'not_found');
      expectIssueAt(expectError(await server.call('DELETE', metadataPath('nope', 'zone'), { token: agent.token }), 400, 'validation_failed'), 'id');
      expectIssueAt(expectError(await server.call('DELETE', metadataPath(ticketB, 'no%20pe'), { token: agent.token }), 400, 'validation_failed'), 'key');
    });
  });
});
