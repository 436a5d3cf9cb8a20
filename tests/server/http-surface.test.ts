/**
 * What a browser sees of the API besides the data: CORS against ALLOWED_ORIGINS, security
 * headers, request ids, ETag/304, rate limits, health and readiness, the OpenAPI document and
 * its docs page.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/test-database.ts';
import { expectErrorShape, startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

const shop = 'https://shop.example';
const listOf = (header: string | null) => (header ?? '').split(',').map((value) => value.trim().toLowerCase()).filter(Boolean);

describe.each(enginesUnderTest)('the HTTP surface on %s', (engine) => {
  let server: TestServer;
  let ana: TestUser;

  beforeAll(async () => {
    server = await startTestServer(engine, { ALLOWED_ORIGINS: shop, RATE_LIMIT_MESSAGES_PER_MINUTE: '3', RATE_LIMIT_TICKETS_PER_HOUR: '4' });
    ana = await server.customer('Ana');
  });
  afterAll(() => server?.close());

  const preflight = (origin: string, path = '/api/v1/tickets', app = server.app) =>
    app.request(path, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' },
    });

  describe('CORS with ALLOWED_ORIGINS=https://shop.example', () => {
    it('answers a preflight from that origin with the origin, the headers the widget sends, and Vary: Origin', async () => {
      for (const path of ['/api/v1/tickets', `/api/v1/tickets/00000000-0000-4000-8000-000000000000/messages`, '/api/v1/sessions/guest']) {
        const response = await preflight(shop, path);
        expect(response.status, path).toBe(204);
        expect(response.headers.get('access-control-allow-origin')).toBe(shop);
        expect(listOf(response.headers.get('access-control-allow-headers'))).toEqual(expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']));
        expect(listOf(response.headers.get('access-control-allow-methods'))).toEqual(expect.arrayContaining(['get', 'post', 'patch', 'put', 'delete']));
        expect(listOf(response.headers.get('vary'))).toContain('origin');
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      }
    });

    it('lets that origin read responses, errors included, and the headers it needs', async () => {
      const ok = await server.call('GET', '/api/v1/me', { token: ana.token, headers: { origin: shop } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(shop);
      expect(listOf(ok.headers.get('vary'))).toEqual(expect.arrayContaining(['origin', 'authorization']));
      expect(listOf(ok.headers.get('access-control-expose-headers'))).toEqual(expect.arrayContaining(['etag', 'retry-after', 'x-request-id', 'location']));
      expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
      const denied = await server.call('GET', '/api/v1/me', { headers: { origin: shop } });
      expect(denied.status).toBe(401);
      expect(denied.headers.get('access-control-allow-origin')).toBe(shop);
    });

    it('keeps the CORS headers on a 304, so the page can read its cached answer', async () => {
      const first = await server.call('GET', '/api/v1/me', { token: ana.token, headers: { origin: shop } });
      const etag = first.headers.get('etag');
      // A strong validator: the SHA-1 of the bytes sent (c.json writes JSON.stringify of the body).
      expect(etag).toBe(`"${createHash('sha1').update(JSON.stringify(first.body)).digest('hex')}"`);
      const again = await server.call('GET', '/api/v1/me', { token: ana.token, headers: { origin: shop, 'if-none-match': etag! } });
      expect(again.status).toBe(304);
      expect(again.headers.get('access-control-allow-origin')).toBe(shop);
    });

    it('gives a foreign origin no Access-Control-Allow-Origin', async () => {
      for (const origin of ['https://evil.example', 'https://shop.example.evil.example', 'http://shop.example', 'https://shop.example:8443', 'null']) {
        const response = await preflight(origin);
        expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
        const actual = await server.call('GET', '/api/v1/me', { token: ana.token, headers: { origin } });
        expect(actual.headers.get('access-control-allow-origin'), origin).toBeNull();
        expect(listOf(actual.headers.get('vary'))).toContain('origin');
      }
    });

    it("lets the server's own origin (PUBLIC_URL's, where the console and demo pages are served) read responses too", async () => {
      const own = new URL(server.deps.config.publicUrl).origin;
      const response = await server.call('GET', '/api/v1/me', { token: ana.token, headers: { origin: own } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(own);
      const noOrigin = await server.call('GET', '/api/v1/me', { token: ana.token });
      expect(noOrigin.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('answers `*` (never the reflected origin, never with credentials) when ALLOWED_ORIGINS=*', async () => {
      const open = await startTestServer(engine, { ALLOWED_ORIGINS: '*' });
      try {
        for (const origin of ['https://anyone.example', shop]) {
          const response = await preflight(origin, '/api/v1/tickets', open.app);
          expect(response.status).toBe(204);
          expect(response.headers.get('access-control-allow-origin')).toBe('*');
          expect(response.headers.get('access-control-allow-credentials')).toBeNull();
          expect(listOf(response.headers.get('access-control-allow-headers'))).toEqual(expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']));
          const actual = await open.call('GET', '/api/v1/me', { token: (await open.customer()).token, headers: { origin } });
          expect(actual.status).toBe(200);
          expect(actual.headers.get('access-control-allow-origin')).toBe('*');
          expect(actual.headers.get('access-control-allow-credentials')).toBeNull();
        }
      } finally {
        await open.close();
      }
    });
  });

  describe('security headers', () => {
    it('are on API responses, successes and errors alike', async () => {
      const responses = [
        await server.call('GET', '/api/v1/me', { token: ana.token }),
        await server.call('GET', '/api/v1/me'),
        await server.call('GET', '/api/v1/nope', { token: ana.token }),
        await server.call('GET', '/api/v1/tickets/not-a-uuid', { token: ana.token }),
        await server.call('GET', '/api/v1/openapi.json'),
      ];
      for (const { status, headers } of responses) {
        expect(headers.get('x-content-type-options'), String(status)).toBe('nosniff');
        const csp = headers.get('content-security-policy') ?? '';
        expect(csp).toContain("default-src 'none'");
        expect(headers.get('referrer-policy')).toBe('no-referrer');
        expect(headers.get('x-frame-options') !== null || /frame-ancestors 'none'/.test(csp)).toBe(true);
        expect(headers.get('x-powered-by')).toBeNull();
      }
    });
  });

  describe('X-Request-Id', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

    it('is generated when absent, a fresh one per request, on errors too', async () => {
      const first = await server.call('GET', '/healthz');
      const second = await server.call('GET', '/api/v1/nope');
      expect(first.headers.get('x-request-id')).toMatch(uuid);
      expect(second.headers.get('x-request-id')).toMatch(uuid);
      expect(first.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
    });

    it('is echoed when a sane one is sent', async () => {
      for (const id of ['req-0123456789', 'a1b2c3d4e5f6.trace:7', crypto.randomUUID()]) {
        const response = await server.call('GET', '/api/v1/me', { token: ana.token, headers: { 'x-request-id': id } });
        expect(response.headers.get('x-request-id')).toBe(id);
      }
    });

    it('is replaced when the one sent is too long, too short or has odd characters', async () => {
      for (const id of ['x'.repeat(129), 'x'.repeat(5000), 'short', 'has spaces in it', '<script>alert(1)</script>', 'id;drop table', 'ünïcödé-request-id', '%0d%0aSet-Cookie:a=b']) {
        const response = await server.call('GET', '/healthz', { headers: { 'x-request-id': id } });
        expect(response.headers.get('x-request-id'), id).toMatch(uuid);
      }
    });

    it('is replaced when the one sent has a line break (as a proxy might pass on)', async () => {
      // fetch's Headers refuse line breaks, so hand the app a request whose headers say one anyway.
      for (const evil of ['abcdefgh\r\nSet-Cookie: session=evil', 'abcdefgh\nX-Injected: 1', 'abcdefgh\u0000zz']) {
        class LyingHeaders extends Headers {
          override get(name: string) {
            return name.toLowerCase() === 'x-request-id' ? evil : super.get(name);
          }
        }
        const request = new Request('http://localhost/healthz');
        Object.defineProperty(request, 'headers', { value: new LyingHeaders(request.headers) });
        const response = await server.app.fetch(request);
        expect(response.status).toBe(200);
        expect(response.headers.get('x-request-id')).toMatch(uuid);
        expect(response.headers.get('set-cookie')).toBeNull();
      }
    });
  });

  describe('conditional GET', () => {
    it('answers If-None-Match with the current ETag with 304, and a changed ticket with 200 and a new ETag', async () => {
      const created = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'ETag', description: 'cache me' } });
      expect(created.status).toBe(201);
      const path = `/api/v1/tickets/${created.body.id}`;
      const first = await server.call('GET', path, { token: ana.token });
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
      expect(first.headers.get('cache-control')).toBe('private, no-cache');

      const again = await server.app.request(path, { headers: { authorization: `Bearer ${ana.token}`, 'if-none-match': etag! } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expect(listOf(again.headers.get('vary'))).toContain('authorization');

      const other = await server.app.request(path, { headers: { authorization: `Bearer ${ana.token}`, 'if-none-match': '"something-else"' } });
      expect(other.status).toBe(200);

      const agent = await server.teamMember('agent');
      expect((await server.call('POST', `${path}/messages`, { token: agent.token, body: { message: 'A reply changes the ticket.' } })).status).toBe(201);
      const changed = await server.app.request(path, { headers: { authorization: `Bearer ${ana.token}`, 'if-none-match': etag! } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
    });

    it('tags a JSON read with the SHA-1 of the bytes it sends, and leaves a failed read and a write untagged', async () => {
      const list = await server.app.request('/api/v1/tickets?limit=5', { headers: { authorization: `Bearer ${ana.token}` } });
      expect(list.status).toBe(200);
      const bytes = new Uint8Array(await list.arrayBuffer());
      expect(list.headers.get('etag')).toBe(`"${createHash('sha1').update(bytes).digest('hex')}"`);
      expect(list.headers.get('content-type')).toMatch(/^application\/json/);

      const missing = await server.call('GET', `/api/v1/tickets/${randomUUID()}`, { token: ana.token });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('etag')).toBeNull();
      const created = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'No tag', description: 'a write' } });
      expect(created.status).toBe(201);
      expect(created.headers.get('etag')).toBeNull();
    });
  });

  describe('rate limits', () => {
    it('RATE_LIMIT_MESSAGES_PER_MINUTE=3: the 4th message within a minute is 429 with Retry-After', async () => {
      const ben = await server.customer('Ben');
      const ticket = await server.call('POST', '/api/v1/tickets', { token: ben.token, body: { title: 'Chatty', description: 'first' } });
      expect(ticket.status).toBe(201);
      for (let i = 1; i <= 3; i++) {
        expect((await server.call('POST', `/api/v1/tickets/${ticket.body.id}/messages`, { token: ben.token, body: { message: `message ${i}` } })).status).toBe(201);
      }
      const fourth = await server.call('POST', `/api/v1/tickets/${ticket.body.id}/messages`, { token: ben.token, body: { message: 'message 4' } });
      expect(fourth.status).toBe(429);
      expect(expectErrorShape(fourth.body).code).toBe('rate_limited');
      const retryAfter = Number(fourth.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // The browser may read Retry-After cross-origin.
      expect(listOf(fourth.headers.get('access-control-expose-headers') ?? 'retry-after')).toContain('retry-after');
      // Per user: someone else may still write.
      const cara = await server.customer('Cara');
      const hers = await server.call('POST', '/api/v1/tickets', { token: cara.token, body: { title: 'Quiet', description: 'first' } });
      expect((await server.call('POST', `/api/v1/tickets/${hers.body.id}/messages`, { token: cara.token, body: { message: 'hello' } })).status).toBe(201);
    });

    it('RATE_LIMIT_TICKETS_PER_HOUR=4: the 5th ticket within an hour is 429 with Retry-After', async () => {
      const dan = await server.customer('Dan');
      for (let i = 1; i <= 4; i++) {
        expect((await server.call('POST', '/api/v1/tickets', { token: dan.token, body: { title: `Ticket ${i}`, description: 'x' } })).status).toBe(201);
      }
      const fifth = await server.call('POST', '/api/v1/tickets', { token: dan.token, body: { title: 'Ticket 5', description: 'x' } });
      expect(fifth.status).toBe(429);
      expect(expectErrorShape(fifth.body).code).toBe('rate_limited');
      expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(fifth.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    });
  });

  describe('health, readiness and the API description', () => {
    it('/healthz is 200', async () => {
      const { status, body } = await server.call('GET', '/healthz');
      expect(status).toBe(200);
      expect(body).toEqual({ status: 'ok' });
    });

    it('/readyz is 200 and names the database engine', async () => {
      const { status, body } = await server.call('GET', '/readyz');
      expect(status).toBe(200);
      expect(body).toEqual({ status: 'ready', database: engine });
    });

    it('/api/v1/openapi.json is 200, valid JSON with the paths, public', async () => {
      const response = await server.app.request('/api/v1/openapi.json');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const document = JSON.parse(await response.text());
      expect(document.openapi).toMatch(/^3\.1\./);
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/me', '/tickets', '/tickets/{id}', '/tickets/{id}/messages', '/sessions/guest', '/sessions/agent']));
      expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(document.components.schemas.Error).toBeDefined();
      // The same document every time, so a client can revalidate it.
      const again = await server.app.request('/api/v1/openapi.json', { headers: { 'if-none-match': response.headers.get('etag')! } });
      expect(again.status).toBe(304);
    });

    it("/api/v1/docs is 200 text/html under a CSP without 'unsafe-inline' whose nonce is the page's", async () => {
      const response = await server.app.request('/api/v1/docs');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).not.toBe('');
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("default-src 'none'");
      const html = await response.text();
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).not.toMatch(/<script/i);
      const nonce = /<style nonce="([^"]+)"/.exec(html)?.[1];
      expect(nonce).toBeDefined();
      // The page's own stylesheet is allowed by the header actually sent, and no other.
      expect(csp).toContain(`style-src 'nonce-${nonce}'`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      // A fresh nonce per response.
      const second = await server.app.request('/api/v1/docs');
      expect(second.headers.get('content-security-policy')).not.toBe(csp);
    });
  });
});
