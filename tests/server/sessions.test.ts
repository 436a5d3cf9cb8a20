/**
 * POST /api/v1/sessions/guest and /api/v1/sessions/agent: tokens the server signs itself.
 * Guests get a fresh identity each time (an email opens nobody's tickets); agents sign in with
 * email and password; both are rate limited.
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/passwords.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { expectErrorShape, startTestServer, type TestServer } from '../support/test-server.ts';

let addressCounter = 0;
/** A client address of its own, so rate limits of one test do not spill into another. */
const freshAddress = () => `198.51.100.${++addressCounter}`;

describe.each(enginesUnderTest)('sessions on %s', (engine) => {
  describe('with GUEST_MODE off (the default)', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(engine);
    });
    afterAll(() => server?.close());

    it('refuses guest sessions with 403 forbidden', async () => {
      const response = await server.call('POST', '/api/v1/sessions/guest', { body: { email: 'guest@shop.test' } });
      expect(response.status).toBe(403);
      expect(expectErrorShape(response.body).code).toBe('forbidden');
    });
  });

  describe('guest sessions with GUEST_MODE on', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(engine, { GUEST_MODE: 'true', RATE_LIMIT_GUEST_SESSIONS_PER_HOUR: '2', TRUST_PROXY: 'true' });
    });
    afterAll(() => server?.close());

    const startGuest = (body: unknown, address = freshAddress()) =>
      server.call('POST', '/api/v1/sessions/guest', { body, headers: { 'x-forwarded-for': address } });

    it('issues a token that works on /me, with no team role', async () => {
      const { status, body } = await startGuest({ email: 'guest@shop.test', name: 'Gus' });
      expect(status).toBe(201);
      expect(body).toMatchObject({ token: expect.any(String), user: { email: 'guest@shop.test', name: 'Gus', teamRole: null } });
      expect(body.expiresAt).toBeGreaterThan(Date.now() / 1000 + 3600);
      const me = await server.call('GET', '/api/v1/me', { token: body.token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: body.user.id, email: 'guest@shop.test', name: 'Gus', teamRole: null });
    });

    it('gives two sessions with the same email two different users, who cannot see each other', async () => {
      const address = freshAddress();
      const first = await startGuest({ email: 'same@shop.test' }, address);
      const second = await startGuest({ email: 'same@shop.test' }, address);
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body.user.id).not.toBe(first.body.user.id);

      const ticket = await server.call('POST', '/api/v1/tickets', { token: first.body.token, body: { title: 'My order', description: 'Where is order 1234?' } });
      expect(ticket.status).toBe(201);
      const peek = await server.call('GET', `/api/v1/tickets/${ticket.body.id}`, { token: second.body.token });
      expect(peek.status).toBe(404);
      expect(expectErrorShape(peek.body).code).toBe('not_found');
      const thread = await server.call('GET', `/api/v1/tickets/${ticket.body.id}/messages`, { token: second.body.token });
      expect(thread.status).toBe(404);
      const reply = await server.call('POST', `/api/v1/tickets/${ticket.body.id}/messages`, { token: second.body.token, body: { message: 'me too' } });
      expect(reply.status).toBe(404);
      const list = await server.call('GET', '/api/v1/tickets', { token: second.body.token });
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([]);
      // The owner still sees it.
      expect((await server.call('GET', `/api/v1/tickets/${ticket.body.id}`, { token: first.body.token })).status).toBe(200);
    });

    it("does not make a guest a team member by using an agent's email", async () => {
      const agent = await server.teamMember('admin');
      const guest = await startGuest({ email: agent.email });
      expect(guest.status).toBe(201);
      expect(guest.body.user.id).not.toBe(agent.id);
      expect(guest.body.user.teamRole).toBeNull();
      expect((await server.call('GET', '/api/v1/me', { token: guest.body.token })).body.teamRole).toBeNull();
    });

    it('refuses a bad email with 400 validation_failed naming the field', async () => {
      for (const body of [{ email: 'not-an-email' }, { email: '' }, {}, { email: `${'a'.repeat(320)}@shop.test` }, { email: 42 }]) {
        const response = await startGuest(body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        const error = expectErrorShape(response.body);
        expect(error.code).toBe('validation_failed');
        expect(error.issues?.map((issue) => issue.path)).toContain('email');
      }
    });

    it('refuses unknown fields (no role or id may be smuggled in)', async () => {
      const response = await startGuest({ email: 'x@shop.test', teamRole: 'admin' });
      expect(response.status).toBe(400);
      expect(expectErrorShape(response.body).code).toBe('validation_failed');
    });

    it('rate limits guest sessions per address: past the limit, 429 with Retry-After', async () => {
      const address = freshAddress();
      expect((await startGuest({ email: 'a@shop.test' }, address)).status).toBe(201);
      expect((await startGuest({ email: 'b@shop.test' }, address)).status).toBe(201);
      const limited = await startGuest({ email: 'c@shop.test' }, address);
      expect(limited.status).toBe(429);
      expect(expectErrorShape(limited.body).code).toBe('rate_limited');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      // Another address is not affected.
      expect((await startGuest({ email: 'd@shop.test' })).status).toBe(201);
    });

    it('cannot be dodged by varying the client-supplied part of X-Forwarded-For', async () => {
      const proxySaw = freshAddress();
      // A trusted proxy appends the address it saw; whatever the client put before it is not evidence.
      for (let i = 0; i < 2; i++) expect((await startGuest({ email: `s${i}@shop.test` }, `10.9.9.${i}, ${proxySaw}`)).status).toBe(201);
      const limited = await startGuest({ email: 's9@shop.test' }, `10.9.9.99, ${proxySaw}`);
      expect(limited.status).toBe(429);
      expect(expectErrorShape(limited.body).code).toBe('rate_limited');
    });
  });

  describe('guest rate limits over a real socket, without TRUST_PROXY', () => {
    let server: TestServer;
    let http: ServerType;
    let port: number;
    beforeAll(async () => {
      server = await startTestServer(engine, { GUEST_MODE: 'true', RATE_LIMIT_GUEST_SESSIONS_PER_HOUR: '2' });
      await new Promise<void>((listening) => {
        http = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' }, () => listening());
      });
      port = (http.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise((closed) => http?.close(closed));
      await server?.close();
    });

    /** POST /sessions/guest from a given local address (all of 127.0.0.0/8 is loopback). */
    const startGuestFrom = (localAddress: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; retryAfter: string | undefined }>((done, fail) => {
        const body = JSON.stringify({ email: 'sock@shop.test' });
        const req = httpRequest({ host: '127.0.0.1', port, localAddress, method: 'POST', path: '/api/v1/sessions/guest', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
          res.resume();
          res.on('end', () => done({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined }));
        });
        req.on('error', fail);
        req.end(body);
      });

    it('keys the limit by the socket address and ignores X-Forwarded-For', async () => {
      expect((await startGuestFrom('127.0.0.1', { 'x-forwarded-for': '203.0.113.1' })).status).toBe(201);
      expect((await startGuestFrom('127.0.0.1', { 'x-forwarded-for': '203.0.113.2' })).status).toBe(201);
      const limited = await startGuestFrom('127.0.0.1', { 'x-forwarded-for': '203.0.113.3' });
      expect(limited.status).toBe(429);
      expect(Number(limited.retryAfter)).toBeGreaterThan(0);
      // Another client address has its own allowance.
      expect((await startGuestFrom('127.0.0.2')).status).toBe(201);
    });
  });

  describe('agent sign-in', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(engine);
    });
    afterAll(() => server?.close());

    /** A user with a password; a team member unless `role` is null. */
    async function userWithPassword(password: string, role: 'agent' | 'admin' | null = 'agent') {
      const id = randomUUID();
      const email = `${id.slice(0, 8)}@team.test`;
      const db = server.testDb.handle.systemDb;
      await db.execute(sql`insert into auth.users (id, email, name) values (${id}::uuid, ${email}, ${'User ' + id.slice(0, 4)})`);
      if (role) await db.execute(sql`insert into public.team_members (id, display_name, role) values (${id}::uuid, ${'Agent ' + id.slice(0, 4)}, ${role}::public.team_role)`);
      await db.execute(sql`insert into private.agent_credentials (user_id, password_hash) values (${id}::uuid, ${await hashPassword(password)})`);
      return { id, email };
    }
    const signIn = (body: unknown, address = '192.0.2.1') => server.call('POST', '/api/v1/sessions/agent', { body, headers: { 'x-forwarded-for': address } });

    it('gives a team member with the right password a token whose /me has the team role', async () => {
      const agent = await userWithPassword('correct horse battery staple', 'admin');
      const { status, body } = await signIn({ email: agent.email, password: 'correct horse battery staple' });
      expect(status).toBe(201);
      expect(body.user).toMatchObject({ id: agent.id, email: agent.email, teamRole: 'admin' });
      const me = await server.call('GET', '/api/v1/me', { token: body.token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: agent.id, teamRole: 'admin' });
      // The email is matched case-insensitively.
      expect((await signIn({ email: agent.email.toUpperCase(), password: 'correct horse battery staple' })).status).toBe(201);
    });

    it('refuses a wrong password and an unknown email alike: 401, same message', async () => {
      const agent = await userWithPassword('right password');
      const wrong = await signIn({ email: agent.email, password: 'wrong password' });
      expect(wrong.status).toBe(401);
      expect(expectErrorShape(wrong.body).code).toBe('unauthorized');
      const unknown = await signIn({ email: 'nobody@team.test', password: 'wrong password' });
      expect(unknown.status).toBe(401);
      expect(expectErrorShape(unknown.body).code).toBe('unauthorized');
      expect(unknown.body.error.message).toBe(wrong.body.error.message);
      expect(wrong.body).not.toHaveProperty('token');
    });

    it('refuses a customer who has credentials but is not on the team', async () => {
      const customer = await userWithPassword('customer password', null);
      const response = await signIn({ email: customer.email, password: 'customer password' });
      expect(response.status).toBe(401);
      expect(expectErrorShape(response.body).code).toBe('unauthorized');
    });

    it('refuses a bad body with 400', async () => {
      for (const body of [{ email: 'x@team.test' }, { email: 'x@team.test', password: '' }, { email: 'nope', password: 'x' }, { email: 'x@team.test', password: 'x', role: 'admin' }]) {
        const response = await signIn(body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(expectErrorShape(response.body).code).toBe('validation_failed');
      }
    });

    it('answers the 11th attempt within 15 minutes with 429 and Retry-After, even with the right password', async () => {
      const agent = await userWithPassword('the password');
      const address = '192.0.2.77';
      for (let attempt = 1; attempt <= 10; attempt++) {
        const response = await signIn({ email: agent.email, password: `guess ${attempt}` }, address);
        expect(response.status, `attempt ${attempt}`).toBe(401);
      }
      const eleventh = await signIn({ email: agent.email, password: 'the password' }, address);
      expect(eleventh.status).toBe(429);
      expect(expectErrorShape(eleventh.body).code).toBe('rate_limited');
      const retryAfter = Number(eleventh.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    });
  });
});
