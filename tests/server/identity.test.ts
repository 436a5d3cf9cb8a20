/**
 * Identity: which JWTs the API accepts (HS256 secret, or RS256/ES256 from a JWKS), which it
 * refuses (expired, no exp, forged, alg none, other algorithms, other audience or issuer,
 * malformed headers), how a subject becomes a user, and that the team role comes from the
 * database alone.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/query-rows.ts';
import { uuidV5 } from '../../server/auth/stable-user-id.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { expectErrorShape, startTestServer, testJwtSecret, type TestServer } from '../support/test-server.ts';

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const inTenMinutes = () => Math.floor(Date.now() / 1000) + 600;

/** A 401 in the API's error shape, with code `unauthorized`. */
function expectUnauthorized(response: { status: number; body: unknown }) {
  expect(response.status, JSON.stringify(response.body)).toBe(401);
  expect(expectErrorShape(response.body).code).toBe('unauthorized');
}

async function signWith(key: CryptoKey | Uint8Array, alg: string, claims: JWTPayload, header: Record<string, unknown> = {}) {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT', ...header }).setIssuedAt().setExpirationTime('10m').sign(key);
}

describe.each(enginesUnderTest)('identity on %s', (engine) => {
  describe('HS256 with AUTH_JWT_SECRET', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(engine);
    });
    afterAll(() => server?.close());

    const me = (token: string) => server.call('GET', '/api/v1/me', { token });

    it('accepts a valid token', async () => {
      const sub = randomUUID();
      const { status, body } = await me(await server.sign({ sub, email: 'ana@shop.test', name: 'Ana' }));
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: sub, email: 'ana@shop.test', name: 'Ana', teamRole: null });
      expect(typeof body.tokenExpiresAt).toBe('number');
    });

    it('accepts the Bearer scheme in any case (RFC 7235)', async () => {
      const token = await server.sign({ sub: randomUUID() });
      const { status } = await server.call('GET', '/api/v1/me', { headers: { authorization: `bearer ${token}` } });
      expect(status).toBe(200);
    });

    it('refuses an expired token', async () => {
      expectUnauthorized(await me(await server.sign({ sub: randomUUID(), exp: Math.floor(Date.now() / 1000) - 3600 }, { expiresIn: null })));
    });

    it('refuses a token without exp', async () => {
      const response = await me(await server.sign({ sub: randomUUID() }, { expiresIn: null }));
      expectUnauthorized(response);
      expect(response.body.error.message).toMatch(/exp/);
    });

    it('refuses a token whose exp is not a number', async () => {
      expectUnauthorized(await me(await server.sign({ sub: randomUUID(), exp: 'tomorrow' as unknown as number }, { expiresIn: null })));
    });

    it('refuses a token that is not valid yet (nbf in the future)', async () => {
      expectUnauthorized(await me(await server.sign({ sub: randomUUID(), nbf: Math.floor(Date.now() / 1000) + 3600 })));
    });

    it('refuses a token without sub', async () => {
      expectUnauthorized(await me(await server.sign({ email: 'nobody@shop.test' })));
    });

    it('refuses a token signed with another secret', async () => {
      expectUnauthorized(await me(await server.sign({ sub: randomUUID() }, { secret: 'another-secret-that-is-long-enough-for-hs256-xx' })));
    });

    it('refuses a valid token whose payload was changed', async () => {
      const [header, , signature] = (await server.sign({ sub: randomUUID() })).split('.');
      const forged = `${header}.${b64url({ sub: randomUUID(), exp: inTenMinutes() })}.${signature}`;
      expectUnauthorized(await me(forged));
    });

    it('refuses alg none', async () => {
      const payload = { sub: randomUUID(), exp: inTenMinutes() };
      expectUnauthorized(await me(`${b64url({ alg: 'none' })}.${b64url(payload)}.`));
      expectUnauthorized(await me(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`));
      expectUnauthorized(await me(`${b64url({ alg: 'None' })}.${b64url(payload)}.`));
    });

    it('refuses HS512, even with the right secret', async () => {
      expectUnauthorized(await me(await signWith(new TextEncoder().encode(testJwtSecret), 'HS512', { sub: randomUUID() })));
    });

    it('refuses RS256 and ES256 when only HS256 is configured', async () => {
      const rsa = await generateKeyPair('RS256');
      const ec = await generateKeyPair('ES256');
      expectUnauthorized(await me(await signWith(rsa.privateKey, 'RS256', { sub: randomUUID() })));
      expectUnauthorized(await me(await signWith(ec.privateKey, 'ES256', { sub: randomUUID() })));
    });

    it("refuses an outside token that claims the server's own session issuer", async () => {
      expectUnauthorized(await me(await server.sign({ sub: randomUUID(), iss: 'urn:ticket-widget:session', aud: 'urn:ticket-widget:api', kind: 'agent' })));
    });

    it('refuses malformed Authorization headers', async () => {
      const token = await server.sign({ sub: randomUUID() });
      const headers = [
        token,
        `Basic ${Buffer.from('ana:secret').toString('base64')}`,
        'Bearer',
        'Bearer ',
        'Bearer garbage',
        'Bearer not.a.jwt',
        `Bearer ${token} ${token}`,
        `Bearer ${token}, Bearer ${token}`,
        `Bearer ${token}.extra`,
        `Token ${token}`,
        `Bearer${token}`,
      ];
      for (const authorization of headers) {
        const response = await server.call('GET', '/api/v1/me', { headers: { authorization } });
        expect(response.status, authorization).toBe(401);
        expect(expectErrorShape(response.body).code).toBe('unauthorized');
      }
    });

    it('refuses two Authorization headers', async () => {
      const token = await server.sign({ sub: randomUUID() });
      const headers = new Headers();
      headers.append('authorization', `Bearer ${token}`);
      headers.append('authorization', `Bearer ${token}`);
      const response = await server.app.request('/api/v1/me', { headers });
      expect(response.status).toBe(401);
      expect(expectErrorShape(await response.json()).code).toBe('unauthorized');
    });

    it('asks for a token when there is none', async () => {
      const response = await server.call('GET', '/api/v1/me');
      expectUnauthorized(response);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('refuses claims the database cannot store (NUL in sub, email or name) as unauthorized, not 500', async () => {
      expectUnauthorized(await me(await server.sign({ sub: 'user\u0000one' })));
      const withEmail = await me(await server.sign({ sub: randomUUID(), email: 'a\u0000@shop.test' }));
      expectUnauthorized(withEmail);
      const withName = await me(await server.sign({ sub: randomUUID(), name: 'A\u0000na' }));
      expectUnauthorized(withName);
    });

    it('maps a sub that is not a UUID to a stable UUID v5 of issuer and sub, keeping the sub as external_id', async () => {
      const sub = `shop-user-${randomUUID().slice(0, 8)}`;
      const first = await me(await server.sign({ sub, iss: 'https://shop.example', name: 'Ext' }));
      expect(first.status).toBe(200);
      expect(first.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(first.body.id).toBe(uuidV5(`https://shop.example|${sub}`));
      const again = await me(await server.sign({ sub, iss: 'https://shop.example' }));
      expect(again.body.id).toBe(first.body.id);
      // The same sub from another issuer is another person.
      const otherIssuer = await me(await server.sign({ sub, iss: 'https://other.example' }));
      expect(otherIssuer.status).toBe(200);
      expect(otherIssuer.body.id).not.toBe(first.body.id);
      const rows = await queryRows<{ id: string; external_id: string | null; name: string | null }>(
        server.testDb.handle.systemDb,
        sql`select id, external_id, name from auth.users where external_id = ${sub} order by id`,
      );
      expect(rows.map((row) => row.id).sort()).toEqual([first.body.id, otherIssuer.body.id].sort());
      expect(rows.find((row) => row.id === first.body.id)).toMatchObject({ external_id: sub, name: 'Ext' });
    });

    it('uses a UUID sub as the id, lower-cased', async () => {
      const sub = randomUUID();
      const { status, body } = await me(await server.sign({ sub: sub.toUpperCase() }));
      expect(status).toBe(200);
      expect(body.id).toBe(sub);
    });

    it('creates the user row on first sight, and only once', async () => {
      const sub = randomUUID();
      const count = async () =>
        (await queryRows<{ n: number }>(server.testDb.handle.systemDb, sql`select count(*)::int as n from auth.users where id = ${sub}::uuid`))[0]!.n;
      expect(await count()).toBe(0);
      const token = await server.sign({ sub, email: 'first@shop.test', name: 'First' });
      expect((await me(token)).status).toBe(200);
      expect((await me(token)).status).toBe(200);
      expect(await count()).toBe(1);
      const [row] = await queryRows<{ email: string; name: string; external_id: string | null }>(
        server.testDb.handle.systemDb,
        sql`select email, name, external_id from auth.users where id = ${sub}::uuid`,
      );
      expect(row).toEqual({ email: 'first@shop.test', name: 'First', external_id: null });
    });

    it('takes the team role from team_members, never from claims', async () => {
      const claims = { role: 'admin', teamRole: 'admin', team_role: 'admin', app_metadata: { role: 'admin' }, user_metadata: { teamRole: 'admin' } };
      const customerId = randomUUID();
      const token = await server.sign({ sub: customerId, email: 'sneaky@shop.test', ...claims });
      const { status, body } = await me(token);
      expect(status).toBe(200);
      expect(body.teamRole).toBeNull();

      // Refused where only the team may act.
      const team = await server.call('GET', '/api/v1/team', { token });
      expect(team.status).toBe(403);
      expect(expectErrorShape(team.body).code).toBe('forbidden');
      const ticket = await server.call('POST', '/api/v1/tickets', { token, body: { title: 'Mine', description: 'Help' } });
      expect(ticket.status).toBe(201);
      const note = await server.call('POST', `/api/v1/tickets/${ticket.body.id}/messages`, { token, body: { message: 'internal?', isInternal: true } });
      expect(note.status).toBe(403);
      expect(expectErrorShape(note.body).code).toBe('forbidden');
      const priority = await server.call('PATCH', `/api/v1/tickets/${ticket.body.id}`, { token, body: { priority: 'urgent' } });
      expect(priority.status).toBe(403);
      expect(expectErrorShape(priority.body).code).toBe('forbidden');
      const forOthers = await server.call('POST', '/api/v1/tickets', { token, body: { title: 'x', description: 'y', customerId: randomUUID() } });
      expect(forOthers.status).toBe(403);

      // A real team member's token says nothing about roles, and still gets theirs.
      const agent = await server.teamMember('admin');
      expect((await me(agent.token)).body.teamRole).toBe('admin');
      expect((await server.call('GET', '/api/v1/team', { token: agent.token })).status).toBe(200);
      // Claiming less than one is changes nothing either.
      expect((await me(await server.sign({ sub: agent.id, role: 'customer', teamRole: null })))).toMatchObject({ status: 200, body: { teamRole: 'admin' } });
    });
  });

  describe('audience and issuer, when configured', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(engine, { AUTH_JWT_AUDIENCE: 'ticket-widget', AUTH_JWT_ISSUER: 'https://shop.example' });
    });
    afterAll(() => server?.close());
    const me = (token: string) => server.call('GET', '/api/v1/me', { token });

    it('accepts the right audience and issuer', async () => {
      expect((await me(await server.sign({ sub: randomUUID(), aud: 'ticket-widget', iss: 'https://shop.example' }))).status).toBe(200);
      expect((await me(await server.sign({ sub: randomUUID(), aud: ['other', 'ticket-widget'], iss: 'https://shop.example' }))).status).toBe(200);
    });

    it('refuses another audience, or none', async () => {
      expectUnauthorized(await me(await server.sign({ sub: randomUUID(), aud: 'someone-else', iss: 'https://shop.example' })));
      expectUnauthorized(await me(await server.sign({ sub: randomUUID(), iss: 'https://shop.example' })));
    });

    it('refuses another issuer, or none', async () => {
      expectUnauthorized(await me(await server.sign({ sub: randomUUID(), aud: 'ticket-widget', iss: 'https://evil.example' })));
      expectUnauthorized(await me(await server.sign({ sub: randomUUID(), aud: 'ticket-widget' })));
    });
  });

  describe('RS256 and ES256 from AUTH_JWKS_URL', () => {
    let server: TestServer;
    let jwks: Server;
    let rsa: CryptoKeyPair;
    let ec: CryptoKeyPair;
    let jwksRequests = 0;

    beforeAll(async () => {
      rsa = await generateKeyPair('RS256');
      ec = await generateKeyPair('ES256');
      const keys: JWK[] = [
        { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
        { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
      ];
      jwks = createServer((request, response) => {
        jwksRequests += 1;
        if (request.url !== '/.well-known/jwks.json') {
          response.writeHead(404).end();
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
      });
      await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
      const { port } = jwks.address() as AddressInfo;
      server = await startTestServer(engine, { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json` });
    });
    afterAll(async () => {
      await server?.close();
      await new Promise((resolve) => jwks?.close(resolve));
    });
    const me = (token: string) => server.call('GET', '/api/v1/me', { token });

    it('accepts RS256 and ES256 tokens signed by the published keys', async () => {
      const rsSub = randomUUID();
      const rs = await me(await signWith(rsa.privateKey, 'RS256', { sub: rsSub, email: 'rs@shop.test' }, { kid: 'rsa-1' }));
      expect(rs.status).toBe(200);
      expect(rs.body).toMatchObject({ id: rsSub, email: 'rs@shop.test', teamRole: null });
      const esSub = randomUUID();
      const es = await me(await signWith(ec.privateKey, 'ES256', { sub: esSub }, { kid: 'ec-1' }));
      expect(es.status).toBe(200);
      expect(es.body.id).toBe(esSub);
      expect(jwksRequests).toBeGreaterThanOrEqual(1);
    });

    it('refuses an HS256 token, whatever secret signed it', async () => {
      expectUnauthorized(await me(await server.sign({ sub: randomUUID() })));
      expectUnauthorized(await me(await server.sign({ sub: randomUUID() }, { secret: 'rsa-1' })));
    });

    it('refuses a token signed by a key the JWKS does not publish', async () => {
      const stranger = await generateKeyPair('RS256');
      expectUnauthorized(await me(await signWith(stranger.privateKey, 'RS256', { sub: randomUUID() }, { kid: 'unknown-key' })));
      // Borrowing a published kid does not help.
      expectUnauthorized(await me(await signWith(stranger.privateKey, 'RS256', { sub: randomUUID() }, { kid: 'rsa-1' })));
      const strangerEc = await generateKeyPair('ES256');
      expectUnauthorized(await me(await signWith(strangerEc.privateKey, 'ES256', { sub: randomUUID() }, { kid: 'ec-1' })));
    });

    it('refuses an RS256 token without exp, and alg none', async () => {
      const noExp = await new SignJWT({ sub: randomUUID() }).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).sign(rsa.privateKey);
      expectUnauthorized(await me(noExp));
      expectUnauthorized(await me(`${b64url({ alg: 'none', kid: 'rsa-1' })}.${b64url({ sub: randomUUID(), exp: inTenMinutes() })}.`));
    });

    it("still accepts the server's own guest and agent sessions", async () => {
      const session = await server.deps.tokens.signSession({ userId: randomUUID(), kind: 'guest', email: 'g@shop.test', ttlSeconds: 600 });
      const response = await me(session.token);
      expect(response.status).toBe(200);
      expect(response.body.teamRole).toBeNull();
    });
  });

  describe('when the JWKS cannot be reached', () => {
    let server: TestServer;
    beforeAll(async () => {
      // A port that was just free: nothing listens there.
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const { port } = probe.address() as AddressInfo;
      await new Promise((resolve) => probe.close(resolve));
      server = await startTestServer(engine, { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks.json` });
    });
    afterAll(() => server?.close());

    it('answers 503 unavailable with Retry-After, not 401 (the token may be fine) and not 500', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const response = await server.call('GET', '/api/v1/me', { token: await signWith(privateKey, 'RS256', { sub: randomUUID() }, { kid: 'k' }) });
      expect(response.status).toBe(503);
      expect(expectErrorShape(response.body).code).toBe('unavailable');
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    });
  });
});
