/** /api/v1/tickets/{id}/messages: the thread, replies, internal notes and the status rules they drive. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { idempotencyKeys, users } from '../../db/schema/index.ts';
import { sweepIdempotencyKeys } from '../../server/maintenance.ts';
import { createTestDatabase, enginesUnderTest } from '../support/test-database.ts';
import { expectErrorShape, startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

describe.each(enginesUnderTest)('threads on %s', (engine) => {
  let server: TestServer;
  let ana: TestUser;
  let ben: TestUser;
  let agent: TestUser;

  const openTicket = async (user: TestUser = ana) =>
    (await server.call('POST', '/api/v1/tickets', { token: user.token, body: { title: 'Export fails', description: 'It spins.' } })).body as { id: string };
  const post = (user: TestUser, ticketId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    server.call('POST', `/api/v1/tickets/${ticketId}/messages`, { token: user.token, body, headers });
  const thread = async (user: TestUser, ticketId: string, query = '') => server.call('GET', `/api/v1/tickets/${ticketId}/messages${query}`, { token: user.token });
  const ticket = async (ticketId: string) => (await server.call('GET', `/api/v1/tickets/${ticketId}`, { token: agent.token })).body;
  const setStatus = (ticketId: string, status: string) => server.call('PATCH', `/api/v1/tickets/${ticketId}`, { token: agent.token, body: { status } });

  beforeAll(async () => {
    server = await startTestServer(engine, { RATE_LIMIT_MESSAGES_PER_MINUTE: '1000' });
    [ana, ben, agent] = [await server.customer('Ana'), await server.customer('Ben'), await server.teamMember('agent', 'Aga')];
  });
  afterAll(() => server?.close());

  it('shows the customer replies and team replies, never internal notes', async () => {
    const { id } = await openTicket();
    await post(agent, id, { message: 'Customer is on the legacy plan', isInternal: true });
    await post(agent, id, { message: 'We are on it.' });
    await post(ana, id, { message: 'Thanks!' });
    const asAna = await thread(ana, id);
    expect(asAna.status).toBe(200);
    expect(asAna.body.items.map((m: { message: string }) => m.message)).toEqual(['It spins.', 'We are on it.', 'Thanks!']);
    expect(asAna.body.items.every((m: { isInternal: boolean }) => !m.isInternal)).toBe(true);
    expect(asAna.body.items[1].sender).toEqual({ id: agent.id, name: 'Aga', fromTeam: true });
    const asAgent = await thread(agent, id);
    expect(asAgent.body.items.map((m: { isInternal: boolean }) => m.isInternal)).toEqual([false, true, false, false]);
  });

  it("hides another customer's thread as not found, and refuses replying to it", async () => {
    const { id } = await openTicket();
    expect((await thread(ben, id)).status).toBe(404);
    const reply = await post(ben, id, { message: 'Hi' });
    expect(reply.status).toBe(404);
    expect(expectErrorShape(reply.body).code).toBe('not_found');
    expect((await thread(agent, id)).body.items).toHaveLength(1);
  });

  it('refuses internal notes from customers', async () => {
    const { id } = await openTicket();
    const { status, body } = await post(ana, id, { message: 'secret', isInternal: true });
    expect(status).toBe(403);
    expect(expectErrorShape(body).code).toBe('forbidden');
  });

  it('pages through a long thread oldest first with no gap and no duplicate', async () => {
    const { id } = await openTicket();
    for (let i = 1; i <= 11; i++) await post(i % 2 ? ana : agent, id, { message: `m${i}` });
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const { body } = await thread(ana, id, `?limit=4${after ? `&after=${after}` : ''}`);
      seen.push(...body.items.map((m: { message: string }) => m.message));
      after = body.nextCursor;
      if (!body.hasMore) break;
    }
    expect(seen).toEqual(['It spins.', ...Array.from({ length: 11 }, (_, i) => `m${i + 1}`)]);
    // At the end: an empty page that keeps the cursor, not a 404.
    const atEnd = await thread(ana, id, `?after=${after}`);
    expect(atEnd.status).toBe(200);
    expect(atEnd.body).toEqual({ items: [], nextCursor: after, hasMore: false });
    // Resuming from the end finds only what is new.
    await post(agent, id, { message: 'm12' });
    const { body } = await thread(ana, id, `?after=${after}`);
    expect(body.items.map((m: { message: string }) => m.message)).toEqual(['m12']);
  });

  it('refuses empty, oversized and unknown-field messages, and bad cursors', async () => {
    const { id } = await openTicket();
    for (const body of [{ message: '' }, { message: '   ' }, { message: 'x'.repeat(20_001) }, { message: 'hi', sender: ben.id }, {}]) {
      const response = await post(ana, id, body);
      expect(response.status).toBe(400);
      expect(expectErrorShape(response.body).code).toBe('validation_failed');
    }
    expect((await thread(ana, id, '?after=nope')).status).toBe(400);
    expect((await thread(ana, id, '?limit=500')).status).toBe(400);
  });

  describe('a message id chosen by the client', () => {
    it('is the new message\'s id, with an Idempotency-Key or without', async () => {
      const { id } = await openTicket();
      const [alone, keyed] = [randomUUID(), randomUUID()];
      const first = await post(ana, id, { id: alone, message: 'mine' });
      const second = await post(ana, id, { id: keyed, message: 'mine too' }, { 'idempotency-key': keyed });
      expect([first.status, first.body.id]).toEqual([201, alone]);
      expect([second.status, second.body.id]).toEqual([201, keyed]);
      const ids = (await thread(ana, id)).body.items.map((m: { id: string }) => m.id);
      expect(ids).toEqual(expect.arrayContaining([alone, keyed]));
    });

    it('is refused with 409 when it is taken, in any ticket, and nothing is written', async () => {
      const { id } = await openTicket();
      const other = await openTicket(ben);
      const taken = randomUUID();
      expect((await post(ben, other.id, { id: taken, message: 'first' })).status).toBe(201);
      for (const headers of [{}, { 'idempotency-key': randomUUID() }] as Record<string, string>[]) {
        const again = await post(ana, id, { id: taken, message: 'second' }, headers);
        expect(again.status).toBe(409);
        expect(expectErrorShape(again.body)).toMatchObject({ code: 'conflict', message: 'A message with that id already exists.' });
      }
      expect((await thread(ana, id)).body.items.map((m: { message: string }) => m.message)).toEqual(['It spins.']);
    });

    it('must be a UUID', async () => {
      const { id } = await openTicket();
      for (const bad of ['nope', 42, null, '']) {
        const response = await post(ana, id, { id: bad, message: 'hi' });
        expect(response.status).toBe(400);
        expect(expectErrorShape(response.body).code).toBe('validation_failed');
      }
      expect((await thread(ana, id)).body.items).toHaveLength(1);
    });

    it('replays with the same key and id, and a different id under the same key is a different body (409)', async () => {
      const { id } = await openTicket();
      const key = randomUUID();
      const first = await post(ana, id, { id: key, message: 'once' }, { 'idempotency-key': key });
      const replay = await post(ana, id, { id: key, message: 'once' }, { 'idempotency-key': key });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect((await post(ana, id, { id: randomUUID(), message: 'once' }, { 'idempotency-key': key })).status).toBe(409);
    });

    it('an id equal to the key is the same request as no id: a reply sent before a widget upgrade replays when retried after it', async () => {
      const { id } = await openTicket();
      const key = randomUUID();
      const first = await post(ana, id, { message: 'queued before the upgrade' }, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      const retried = await post(ana, id, { id: key, message: 'queued before the upgrade' }, { 'idempotency-key': key });
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBe('true');
      expect(retried.body).toEqual(first.body);
      // And the other way round; an id other than the key, or another text, is still another body.
      const keyed = randomUUID();
      const named = await post(ana, id, { id: keyed, message: 'named by its key' }, { 'idempotency-key': keyed });
      expect((await post(ana, id, { message: 'named by its key' }, { 'idempotency-key': keyed })).body).toEqual(named.body);
      expect((await post(ana, id, { id: randomUUID(), message: 'queued before the upgrade' }, { 'idempotency-key': key })).status).toBe(409);
      expect((await post(ana, id, { id: key, message: 'edited' }, { 'idempotency-key': key })).status).toBe(409);
      const messages = (await thread(ana, id)).body.items.map((m: { message: string }) => m.message);
      expect(messages).toEqual(['It spins.', 'queued before the upgrade', 'named by its key']);
    });
  });

  describe('status rules', () => {
    it('the first public team reply sets firstResponseAt; an internal note does not', async () => {
      const { id } = await openTicket();
      await post(agent, id, { message: 'note', isInternal: true });
      expect((await ticket(id)).firstResponseAt).toBeNull();
      const reply = await post(agent, id, { message: 'Hello!' });
      expect((await ticket(id)).firstResponseAt).toBe(reply.body.createdAt);
    });

    it.each(['waiting_on_customer', 'resolved'])('a customer reply moves a %s ticket back to open', async (status) => {
      const { id } = await openTicket();
      await setStatus(id, status);
      await post(ana, id, { message: 'Still broken' });
      expect((await ticket(id)).status).toBe('open');
    });

    it('a customer cannot reply to a closed ticket; the team still can', async () => {
      const { id } = await openTicket();
      await setStatus(id, 'closed');
      const { status, body } = await post(ana, id, { message: 'reopen please' });
      expect(status).toBe(409);
      expect(expectErrorShape(body).code).toBe('conflict');
      expect((await post(agent, id, { message: 'FYI' })).status).toBe(201);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first response for the same key and body, storing one message', async () => {
      const { id } = await openTicket();
      const key = randomUUID();
      const first = await post(ana, id, { message: 'only once' }, { 'idempotency-key': key });
      const again = await post(ana, id, { message: 'only once' }, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      const messages = (await thread(ana, id)).body.items.filter((m: { message: string }) => m.message === 'only once');
      expect(messages).toHaveLength(1);
    });

    it('refuses the same key with a different body with 409', async () => {
      const { id } = await openTicket();
      const key = randomUUID();
      await post(ana, id, { message: 'first' }, { 'idempotency-key': key });
      const other = await post(ana, id, { message: 'second' }, { 'idempotency-key': key });
      expect(other.status).toBe(409);
      expect(expectErrorShape(other.body).code).toBe('conflict');
    });

    it('keeps keys per user: the same key from two users is two requests', async () => {
      const { id } = await openTicket();
      const key = randomUUID();
      expect((await post(ana, id, { message: 'from ana' }, { 'idempotency-key': key })).status).toBe(201);
      const fromAgent = await post(agent, id, { message: 'from ana' }, { 'idempotency-key': key });
      expect(fromAgent.status).toBe(201);
      expect(fromAgent.headers.get('idempotent-replayed')).toBeNull();
    });

    it('stores one row when the same request arrives many times at once', async () => {
      const { id } = await openTicket();
      const key = randomUUID();
      const responses = await Promise.all(Array.from({ length: 8 }, () => post(ana, id, { message: 'concurrent' }, { 'idempotency-key': key })));
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      const stored = (await thread(agent, id)).body.items.filter((m: { message: string }) => m.message === 'concurrent');
      expect(stored).toHaveLength(1);
    });

    it('makes ticket creation idempotent too', async () => {
      const key = randomUUID();
      const body = { title: 'Once', description: 'only one ticket' };
      const [a, b] = await Promise.all([
        server.call('POST', '/api/v1/tickets', { token: ben.token, body, headers: { 'idempotency-key': key } }),
        server.call('POST', '/api/v1/tickets', { token: ben.token, body, headers: { 'idempotency-key': key } }),
      ]);
      expect(a.body.id).toBe(b.body.id);
      const list = await server.call('GET', '/api/v1/tickets?q=Once', { token: ben.token });
      expect(list.body.items).toHaveLength(1);
    });

    it('refuses a malformed key', async () => {
      const { id } = await openTicket();
      const response = await post(ana, id, { message: 'x' }, { 'idempotency-key': 'x'.repeat(300) });
      expect(response.status).toBe(400);
    });
  });
});

describe.each(enginesUnderTest)('forgetting Idempotency-Keys on %s', (engine) => {
  it('sweeps keys older than a day and keeps newer ones', async () => {
    const testDb = await createTestDatabase(engine);
    try {
      const db = testDb.handle.systemDb;
      const userId = randomUUID();
      await db.insert(users).values({ id: userId });
      await db.insert(idempotencyKeys).values([
        { userId, key: 'old', requestHash: 'h', createdAt: sql`now() - interval '25 hours'` as unknown as Date },
        { userId, key: 'new', requestHash: 'h', createdAt: sql`now() - interval '23 hours'` as unknown as Date },
      ]);
      await sweepIdempotencyKeys(db);
      expect((await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys)).map((k) => k.key)).toEqual(['new']);
    } finally {
      await testDb.drop();
    }
  });
});
