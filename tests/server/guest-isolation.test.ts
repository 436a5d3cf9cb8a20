/** Guests typed an email nobody verified: their identity can never carry team rights. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamMembers, users } from '../../db/schema/index.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe.each(enginesUnderTest)('guest isolation on %s', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, { GUEST_MODE: 'true' });
  });
  afterAll(() => server?.close());

  it('marks guest users as guests, and a guest token gets no team role even if its user were put on the team', async () => {
    const { status, body } = await server.call('POST', '/api/v1/sessions/guest', { body: { email: 'newhire@company.test' } });
    expect(status).toBe(201);
    const [row] = await server.testDb.handle.systemDb.select().from(users).where(eq(users.id, body.user.id));
    expect(row!.externalId).toBe('guest');
    // Even were the row flag lost and the user put on the team, the guest token stays a guest's.
    await server.testDb.handle.systemDb.update(users).set({ externalId: null }).where(eq(users.id, body.user.id));
    await server.testDb.handle.systemDb.insert(teamMembers).values({ id: body.user.id, displayName: 'Mistake', role: 'admin' });
    const me = await server.call('GET', '/api/v1/me', { token: body.token });
    expect(me.body.teamRole).toBeNull();
    expect((await server.call('GET', '/api/v1/team', { token: body.token })).status).toBe(403);
  });
});

describe.each(enginesUnderTest)('the database refuses guests on the team on %s', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, { GUEST_MODE: 'true' });
  });
  afterAll(() => server?.close());

  it('refuses to make a guest user a team member, even through the server’s own connection', async () => {
    const { body } = await server.call('POST', '/api/v1/sessions/guest', { body: { email: 'someone@company.test' } });
    await expect(server.testDb.handle.systemDb.insert(teamMembers).values({ id: body.user.id, displayName: 'Nope' })).rejects.toThrow();
  });
});
