/**
 * The API's error contract on real routes: every mistake a client can make is a 4xx in the
 * one error shape with the documented code, never a 500; another customer's ticket is 404.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/test-database.ts';
import { expectErrorShape, startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

const maxBody = 4096;

describe.each(enginesUnderTest)('errors on %s', (engine) => {
  let server: TestServer;
  let ana: TestUser;
  let ben: TestUser;
  let agent: TestUser;
  let anasTicket: string;

  beforeAll(async () => {
    server = await startTestServer(engine, { MAX_JSON_BODY_BYTES: String(maxBody) });
    ana = await server.customer('Ana');
    ben = await server.customer('Ben');
    agent = await server.teamMember('agent');
    for (const title of ['First', 'Second', 'Third']) {
      const created = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title, description: `About ${title}` } });
      expect(created.status).toBe(201);
      anasTicket = created.body.id;
    }
  });
  afterAll(() => server?.close());

  /** Asserts status and code in the error shape; returns the error. */
  function expectError(response: { status: number; body: unknown }, status: number, code: string) {
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    const error = expectErrorShape(response.body);
    expect(error.code).toBe(code);
    return error;
  }

  /** A raw request, for bodies and headers `call` would not send. */
  async function raw(method: string, path: string, init: { token?: string; body?: BodyInit; headers?: Record<string, string> } = {}) {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    const response = await server.app.request(path, { method, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text: expectErrorShape will say it is not the shape
    }
    return { status: response.status, body, headers: response.headers };
  }

  describe('bodies', () => {
    it('malformed JSON is 400 validation_failed', async () => {
      for (const [method, path] of [
        ['POST', '/api/v1/tickets'],
        ['POST', `/api/v1/tickets/${anasTicket}/messages`],
        ['PATCH', `/api/v1/tickets/${anasTicket}`],
        ['POST', '/api/v1/sessions/agent'],
      ] as const) {
        for (const body of ['{"title": ', '{title: "x"}', "{'a': 1}", '{"a":1}}', 'undefined']) {
          const response = await server.call(method, path, { token: ana.token, body });
          expectError(response, 400, 'validation_failed');
        }
      }
    });

    it('an empty JSON body is 400', async () => {
      expectError(await server.call('POST', '/api/v1/tickets', { token: ana.token, body: '', headers: { 'content-type': 'application/json' } }), 400, 'validation_failed');
    });

    it('wrong types are 400 with issues naming each field', async () => {
      const created = expectError(await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 42, description: ['x'], priority: 'meh' } }), 400, 'validation_failed');
      expect(created.issues!.map((issue) => issue.path).sort()).toEqual(['description', 'priority', 'title']);
      for (const issue of created.issues!) expect(issue.message.length).toBeGreaterThan(0);

      const patched = expectError(await server.call('PATCH', `/api/v1/tickets/${anasTicket}`, { token: agent.token, body: { dueDate: 'tomorrow', assigneeId: 'bob' } }), 400, 'validation_failed');
      expect(patched.issues!.map((issue) => issue.path).sort()).toEqual(['assigneeId', 'dueDate']);

      const nested = expectError(await server.call('POST', '/api/v1/tickets', { token: agent.token, body: { title: 'x', description: 'y', tagIds: ['a-tag'] } }), 400, 'validation_failed');
      expect(nested.issues!.map((issue) => issue.path)).toEqual(['tagIds.0']);

      const message = expectError(await server.call('POST', `/api/v1/tickets/${anasTicket}/messages`, { token: ana.token, body: { message: '   ' } }), 400, 'validation_failed');
      expect(message.issues!.map((issue) => issue.path)).toEqual(['message']);
    });

    it('a body that is not an object is 400 about the body', async () => {
      for (const body of ['null', '[]', '"text"', '42']) {
        const error = expectError(await server.call('POST', '/api/v1/tickets', { token: ana.token, body }), 400, 'validation_failed');
        expect(error.issues!.map((issue) => issue.path)).toEqual(['(body)']);
      }
    });

    it('unknown fields are 400, named', async () => {
      const error = expectError(await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'x', description: 'y', status: 'closed', customer_id: randomUUID() } }), 400, 'validation_failed');
      expect(error.issues!.map((issue) => issue.path).sort()).toEqual(['customer_id', 'status']);
      expectError(await server.call('POST', `/api/v1/tickets/${anasTicket}/messages`, { token: ana.token, body: { message: 'hi', senderId: ben.id } }), 400, 'validation_failed');
      expectError(await server.call('PATCH', `/api/v1/tickets/${anasTicket}`, { token: agent.token, body: { status: 'open', customerId: ben.id } }), 400, 'validation_failed');
      // JSON.parse makes __proto__ an own key: it is just another unknown field.
      const proto = expectError(await server.call('POST', '/api/v1/tickets', { token: ana.token, body: '{"title":"x","description":"y","__proto__":{"customerId":"' + ben.id + '"}}' }), 400, 'validation_failed');
      expect(proto.issues!.map((issue) => issue.path)).toEqual(['__proto__']);
    });

    it('text PostgreSQL cannot store (NUL) is 400, not 500', async () => {
      expectError(await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'a\u0000b', description: 'y' } }), 400, 'validation_failed');
      expectError(await server.call('POST', `/api/v1/tickets/${anasTicket}/messages`, { token: ana.token, body: { message: 'hi\u0000' } }), 400, 'validation_failed');
    });

    it('no Content-Type, or text/plain, on a JSON route is 415 unsupported_media_type', async () => {
      const json = JSON.stringify({ title: 'x', description: 'y' });
      expectError(await raw('POST', '/api/v1/tickets', { token: ana.token, body: new TextEncoder().encode(json) }), 415, 'unsupported_media_type');
      expectError(await raw('POST', '/api/v1/tickets', { token: ana.token, body: json, headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
      expectError(await raw('POST', '/api/v1/tickets', { token: ana.token, body: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
      expectError(await raw('POST', `/api/v1/tickets/${anasTicket}/messages`, { token: ana.token, body: JSON.stringify({ message: 'hi' }), headers: { 'content-type': 'text/plain;charset=UTF-8' } }), 415, 'unsupported_media_type');
      expectError(await raw('POST', '/api/v1/sessions/agent', { body: '{}', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
      // application/json with parameters, and +json, are JSON.
      const withCharset = await raw('POST', '/api/v1/tickets', { token: ana.token, body: json, headers: { 'content-type': 'application/json; charset=utf-8' } });
      expect(withCharset.status).toBe(201);
    });

    it(`a body over MAX_JSON_BODY_BYTES (${maxBody}) is 413 payload_too_large`, async () => {
      const big = { title: 'Big', description: 'x'.repeat(maxBody + 10) };
      expectError(await server.call('POST', '/api/v1/tickets', { token: ana.token, body: big }), 413, 'payload_too_large');
      const body = JSON.stringify(big);
      expectError(
        await raw('POST', '/api/v1/tickets', { token: ana.token, body, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }),
        413,
        'payload_too_large',
      );
      // Streamed without a length.
      const stream = new Blob([body]).stream();
      const streamed = await server.app.request('/api/v1/tickets', {
        method: 'POST',
        headers: { authorization: `Bearer ${ana.token}`, 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(expectErrorShape(await streamed.json()).code).toBe('payload_too_large');
      // On public routes too, and before any token is looked at.
      expectError(await server.call('POST', '/api/v1/sessions/agent', { body: { email: 'a@b.test', password: 'x'.repeat(maxBody) } }), 413, 'payload_too_large');
      // Just under the limit is fine.
      const fits = await server.call('POST', `/api/v1/tickets/${anasTicket}/messages`, { token: ana.token, body: { message: 'y'.repeat(maxBody - 100) } });
      expect(fits.status).toBe(201);
    });
  });

  describe('paths and queries', () => {
    it('a bad UUID in the path is 400 naming id', async () => {
      for (const path of ['/api/v1/tickets/not-a-uuid', '/api/v1/tickets/123', `/api/v1/tickets/${anasTicket}x`, '/api/v1/tickets/not-a-uuid/messages', "/api/v1/tickets/'%20or%201=1--"]) {
        const error = expectError(await server.call('GET', path, { token: ana.token }), 400, 'validation_failed');
        expect(error.issues!.map((issue) => issue.path)).toEqual(['id']);
      }
      expectError(await server.call('PATCH', '/api/v1/tickets/nope', { token: agent.token, body: { status: 'open' } }), 400, 'validation_failed');
    });

    it('bad query parameters are 400 naming them', async () => {
      for (const [query, name] of [
        ['limit=0', 'limit'],
        ['limit=abc', 'limit'],
        ['limit=1000', 'limit'],
        ['limit=1&limit=2', 'limit'],
        ['status=bogus', 'status'],
        ['sort=title', 'sort'],
        ['order=sideways', 'order'],
        ['assignee=someone', 'assignee'],
        ['unknown=1', 'unknown'],
      ] as const) {
        const error = expectError(await server.call('GET', `/api/v1/tickets?${query}`, { token: ana.token }), 400, 'validation_failed');
        expect(error.issues!.some((issue) => issue.path === name || issue.path.startsWith(`${name}.`)), `${query}: ${JSON.stringify(error.issues)}`).toBe(true);
      }
    });

    it('search and tag text PostgreSQL cannot take (NUL) is 400, not 500', async () => {
      expectError(await server.call('GET', '/api/v1/tickets?q=a%00b', { token: ana.token }), 400, 'validation_failed');
      expectError(await server.call('GET', '/api/v1/tickets?tag=a%00b', { token: ana.token }), 400, 'validation_failed');
    });

    describe('cursors', () => {
      let cursor: string;
      beforeAll(async () => {
        const page = await server.call('GET', '/api/v1/tickets?limit=1', { token: ana.token });
        expect(page.status).toBe(200);
        cursor = page.body.nextCursor;
        expect(typeof cursor).toBe('string');
        // The real cursor works.
        expect((await server.call('GET', `/api/v1/tickets?limit=1&cursor=${cursor}`, { token: ana.token })).status).toBe(200);
      });
      const list = (query: string) => server.call('GET', `/api/v1/tickets?${query}`, { token: ana.token });
      const reencode = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

      it('garbage is 400 naming cursor', async () => {
        for (const garbage of ['garbage', '!!!', '%00', 'e30', reencode({}), reencode([1, 2, 3, 4]), 'x'.repeat(600)]) {
          const error = expectError(await list(`cursor=${garbage}`), 400, 'validation_failed');
          expect(error.issues!.map((issue) => issue.path), garbage).toEqual(['cursor']);
        }
      });

      it('a tampered cursor is 400', async () => {
        const [sort, order, , id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as string[];
        // Broken base64 / JSON.
        expectError(await list(`cursor=${cursor.slice(0, -3)}`), 400, 'validation_failed');
        expectError(await list(`cursor=${cursor.slice(3)}`), 400, 'validation_failed');
        // Well-formed, but a value the sort key cannot be.
        for (const value of ['not a timestamp', "2026-01-01'); drop table tickets; --", 'a\u0000b', '']) {
          expectError(await list(`cursor=${reencode([sort, order, value, id])}`), 400, 'validation_failed');
        }
        expectError(await list(`cursor=${reencode([sort, order, '2026-01-01T00:00:00Z', 'not-a-uuid'])}`), 400, 'validation_failed');
      });

      it('a cursor from another sort or order is 400', async () => {
        expectError(await list(`sort=created_at&cursor=${cursor}`), 400, 'validation_failed');
        expectError(await list(`order=asc&cursor=${cursor}`), 400, 'validation_failed');
        const byPriority = await list('limit=1&sort=priority');
        expect(byPriority.status).toBe(200);
        expectError(await list(`cursor=${byPriority.body.nextCursor}`), 400, 'validation_failed');
        // A ticket-list cursor is not a thread cursor, and the other way round.
        expectError(await server.call('GET', `/api/v1/tickets/${anasTicket}/messages?after=${cursor}`, { token: ana.token }), 400, 'validation_failed');
        const thread = await server.call('GET', `/api/v1/tickets/${anasTicket}/messages?limit=1`, { token: ana.token });
        expect(thread.status).toBe(200);
        expectError(await list(`cursor=${thread.body.nextCursor}`), 400, 'validation_failed');
        expectError(await server.call('GET', `/api/v1/tickets/${anasTicket}/messages?after=garbage`, { token: ana.token }), 400, 'validation_failed');
      });
    });
  });

  describe('routes and methods', () => {
    it('an unknown route is 404 not_found', async () => {
      for (const path of ['/api/v1/nope', '/api/v1/tickets/x/y/z', '/api/v2/tickets', '/nope']) {
        expectError(await server.call('GET', path, { token: ana.token }), 404, 'not_found');
      }
    });

    it('an unknown method on a route is a 4xx in the error shape', async () => {
      for (const [method, path] of [
        ['DELETE', `/api/v1/tickets/${anasTicket}`],
        ['PUT', '/api/v1/me'],
        ['POST', '/api/v1/me'],
        ['DELETE', '/api/v1/tickets'],
        ['PURGE', '/api/v1/tickets'],
        ['GET', '/api/v1/sessions/guest'],
      ] as const) {
        const response = await server.call(method, path, { token: ana.token });
        expect(response.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${method} ${path}`).toBeLessThan(500);
        expectErrorShape(response.body);
      }
    });

    it("another customer's ticket is 404 not_found, exactly like one that does not exist", async () => {
      const missing = randomUUID();
      for (const [method, suffix, body] of [
        ['GET', '', undefined],
        ['PATCH', '', { status: 'closed' }],
        ['GET', '/messages', undefined],
        ['POST', '/messages', { message: 'let me in' }],
      ] as const) {
        const theirs = expectError(await server.call(method, `/api/v1/tickets/${anasTicket}${suffix}`, { token: ben.token, body }), 404, 'not_found');
        const nobodys = expectError(await server.call(method, `/api/v1/tickets/${missing}${suffix}`, { token: ben.token, body }), 404, 'not_found');
        expect(theirs.message).toBe(nobodys.message);
      }
      // And nothing happened to it.
      const still = await server.call('GET', `/api/v1/tickets/${anasTicket}`, { token: ana.token });
      expect(still.body).toMatchObject({ status: 'open', messageCount: expect.any(Number) });
      const thread = await server.call('GET', `/api/v1/tickets/${anasTicket}/messages`, { token: ana.token });
      expect(thread.body.items.map((m: { message: string }) => m.message)).not.toContain('let me in');
    });

    it('error responses are JSON and say nothing about the code behind them', async () => {
      const response = await server.call('GET', '/api/v1/tickets/not-a-uuid', { token: ana.token });
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts|select |postgres|pglite|stack/i);
    });
  });
});
