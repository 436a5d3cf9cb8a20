import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClaims } from '../../db/rls.ts';
import { teamMembers, users } from '../../db/schema/index.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { expectErrorShape, startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

describe.each(enginesUnderTest)('GET /team on %s', (engine) => {
  let server: TestServer;
  let customerA: TestUser;
  let customerB: TestUser;
  let agent: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    server = await startTestServer(engine);
    customerA = await server.customer('Ana');
    customerB = await server.customer('Ben');
    agent = await server.teamMember('agent', 'Zoe Agent');
    admin = await server.teamMember('admin', 'Adele Admin');
    // A customer who has signed in exists in auth.users but is not on the team.
    expect((await server.call('GET', '/api/v1/me', { token: customerA.token })).status).toBe(200);
  });
  afterAll(() => server?.close());

  function expectError(response: { status: number; body: unknown }, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(expectErrorShape(response.body).code).toBe(code);
  }

  it('shows agents and admins the team, by display name, with emails and roles', async () => {
    for (const member of [agent, admin]) {
      const team = await server.call('GET', '/api/v1/team', { token: member.token });
      expect(team.status).toBe(200);
      expect(team.body).toEqual({
        items: [
          { id: admin.id, displayName: 'Adele Admin', role: 'admin', email: admin.email },
          { id: agent.id, displayName: 'Zoe Agent', role: 'agent', email: agent.email },
        ],
      });
    }
  });

  it('refuses customers with 403', async () => {
    for (const customer of [customerA, customerB]) {
      expectError(await server.call('GET', '/api/v1/team', { token: customer.token }), 403, 'forbidden');
    }
  });

  it('answers 401 without a token or with a token signed by someone else', async () => {
    expectError(await server.call('GET', '/api/v1/team'), 401, 'unauthorized');
    const forged = await server.sign({ sub: agent.id, email: agent.email }, { secret: 'another-secret-that-is-long-enough-for-hs256-0000' });
    expectError(await server.call('GET', '/api/v1/team', { token: forged }), 401, 'unauthorized');
  });

  it('gets the emails through row-level security: a customer reading past the API sees names, never team emails', async () => {
    const rows = await withClaims(server.deps.database.systemDb, { sub: customerA.id, role: 'authenticated' }, (tx) =>
      tx.select({ id: teamMembers.id, email: users.email }).from(teamMembers).leftJoin(users, eq(users.id, teamMembers.id)),
    );
    expect(rows.map((row) => row.id).sort()).toEqual([admin.id, agent.id].sort());
    expect(rows.map((row) => row.email)).toEqual([null, null]);
  });

  it('reflects a new team member at once', async () => {
    const newcomer = await server.teamMember('agent', 'Mo Newcomer');
    const team = await server.call('GET', '/api/v1/team', { token: newcomer.token });
    expect(team.status).toBe(200);
    expect(team.body.items.map((member: { displayName: string }) => member.displayName)).toEqual(['Adele Admin', 'Mo Newcomer', 'Zoe Agent']);
  });
});
