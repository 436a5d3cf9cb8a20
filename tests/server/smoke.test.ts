import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/test-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe.each(enginesUnderTest)('a ticket round trip on %s', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server?.close());

  it('opens a ticket, lists it, replies and reads the thread', async () => {
    const ana = await server.customer('Ana');
    const created = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'Export fails', description: 'The CSV export spins forever.' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Export fails', status: 'open', customer: { id: ana.id, name: 'Ana' }, messageCount: 1 });
    const list = await server.call('GET', '/api/v1/tickets', { token: ana.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { id: string }) => t.id)).toEqual([created.body.id]);
    const agent = await server.teamMember('agent', 'Aga');
    const reply = await server.call('POST', `/api/v1/tickets/${created.body.id}/messages`, { token: agent.token, body: { message: 'Looking into it.' } });
    expect(reply.status).toBe(201);
    expect(reply.body.sender).toEqual({ id: agent.id, name: 'Aga', fromTeam: true });
    const thread = await server.call('GET', `/api/v1/tickets/${created.body.id}/messages`, { token: ana.token });
    expect(thread.body.items.map((m: { message: string }) => m.message)).toEqual(['The CSV export spins forever.', 'Looking into it.']);
  });
});
