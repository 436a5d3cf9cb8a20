/**
 * Live delivery: each change reaches the sockets allowed to see it and no other; what a socket
 * receives is exactly what its user reads from the event log under row-level security; a
 * reconnect resumes with every missed event once, in order.
 */
import { asc, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClaims } from '../../db/rls.ts';
import { ticketEvents } from '../../db/schema/index.ts';
import { listen, type RunningServer } from '../../server/http/listen.ts';
import { connectLive, isType, type LiveTestClient } from '../support/live-test-client.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

describe.each(enginesUnderTest)('live delivery on %s', (engine) => {
  let server: TestServer;
  let running: RunningServer;
  let url: string;
  let ana: TestUser;
  let ben: TestUser;
  let agent: TestUser;
  const open: LiveTestClient[] = [];

  async function subscribed(user: TestUser, after?: number): Promise<LiveTestClient> {
    const client = await connectLive(url);
    open.push(client);
    client.send({ type: 'auth', token: user.token });
    await client.next(isType('authenticated'));
    client.send(after === undefined ? { type: 'subscribe' } : { type: 'subscribe', after });
    await client.next(isType('ready'));
    return client;
  }
  const api = (user: TestUser, method: string, path: string, body?: unknown) => server.call(method, `/api/v1${path}`, { token: user.token, body });

  beforeAll(async () => {
    server = await startTestServer(engine, { RATE_LIMIT_MESSAGES_PER_MINUTE: '1000', LIVE_POLL_MS: '200' });
    await server.deps.live.start();
    running = await listen(server.app.fetch, { port: 0, hostname: '127.0.0.1' });
    url = `ws://127.0.0.1:${running.port}/api/v1/live`;
    [ana, ben, agent] = [await server.customer('Ana'), await server.customer('Ben'), await server.teamMember('agent', 'Aga')];
  });
  afterAll(async () => {
    for (const client of open) client.close();
    await running?.close();
    await server?.deps.live.stop();
    await server?.close();
  });

  it('sends each change to the customer it belongs to and to the team, never to another customer or an internal note to a customer', async () => {
    const [anaSocket, benSocket, agentSocket] = [await subscribed(ana), await subscribed(ben), await subscribed(agent)];
    const { body: ticket } = await api(ana, 'POST', '/tickets', { title: 'Export fails', description: 'It spins.' });
    await api(agent, 'POST', `/tickets/${ticket.id}/messages`, { message: 'Legacy plan', isInternal: true });
    await api(agent, 'POST', `/tickets/${ticket.id}/messages`, { message: 'On it!' });

    const agentEvents = await agentSocket.waitForEvents(5);
    expect(agentEvents.map((e) => [e.kind, (e.data.message as { isInternal?: boolean } | undefined)?.isInternal])).toEqual([
      ['ticket.created', undefined],
      ['message.created', false],
      ['message.created', true],
      ['message.created', false],
      ['ticket.updated', undefined], // the first response was stamped
    ]);
    const anaEvents = await anaSocket.waitForEvents(4);
    expect(anaEvents.map((e) => [e.kind, (e.data.message as { message?: string } | undefined)?.message])).toEqual([
      ['ticket.created', undefined],
      ['message.created', 'It spins.'],
      ['message.created', 'On it!'],
      ['ticket.updated', undefined],
    ]);
    expect(anaEvents.every((e) => e.ticketId === ticket.id)).toBe(true);
    // Give any stray delivery time to arrive before asserting absence.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(benSocket.events()).toEqual([]);
    expect(anaSocket.events().some((e) => (e.data.message as { isInternal?: boolean } | undefined)?.isInternal)).toBe(false);
    const ids = anaSocket.events().map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('delivers exactly what each user reads from the event log under row-level security', async () => {
    const start = server.deps.live.position;
    const sockets = { ana: await subscribed(ana), ben: await subscribed(ben), agent: await subscribed(agent) };
    const { body: a } = await api(ana, 'POST', '/tickets', { title: 'A', description: 'a' });
    const { body: b } = await api(ben, 'POST', '/tickets', { title: 'B', description: 'b' });
    await api(agent, 'POST', `/tickets/${a.id}/messages`, { message: 'note on A', isInternal: true });
    await api(agent, 'PATCH', `/tickets/${b.id}`, { status: 'in_progress', assigneeId: agent.id });
    await api(ben, 'POST', `/tickets/${b.id}/messages`, { message: 'thanks' });
    await api(agent, 'POST', `/tickets/${a.id}/messages`, { message: 'reply on A' });
    await server.deps.live.pump();
    for (const [name, user] of [['ana', ana], ['ben', ben], ['agent', agent]] as const) {
      const readable = await withClaims(server.testDb.handle.systemDb, { sub: user.id }, (tx) =>
        tx.select({ position: ticketEvents.position }).from(ticketEvents).where(gt(ticketEvents.position, start)).orderBy(asc(ticketEvents.position)),
      );
      const expected = readable.map((r) => r.position);
      expect(expected.length).toBeGreaterThan(0);
      const received = await sockets[name].waitForEvents(expected.length);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sockets[name].events().map((e) => e.id), name).toEqual(expected);
      expect(received.length).toBe(expected.length);
    }
  });

  it('replays every missed event once, in order, after a reconnect, then goes on live', async () => {
    const first = await subscribed(ana);
    const { body: ticket } = await api(ana, 'POST', '/tickets', { title: 'Replay', description: 'r0' });
    const seen = await first.waitForEvents(2);
    const lastId = seen.at(-1)!.id;
    first.close();
    await first.closed;
    for (let i = 1; i <= 5; i++) await api(i % 2 ? agent : ana, 'POST', `/tickets/${ticket.id}/messages`, { message: `r${i}` });
    await api(agent, 'POST', `/tickets/${ticket.id}/messages`, { message: 'hidden', isInternal: true });
    await server.deps.live.pump();

    const again = await subscribed(ana, lastId);
    const replayed = again.events();
    const texts = replayed.filter((e) => e.kind === 'message.created').map((e) => (e.data.message as { message: string }).message);
    expect(texts).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(replayed.every((e) => e.id > lastId)).toBe(true);
    expect(new Set(replayed.map((e) => e.id)).size).toBe(replayed.length);
    await api(agent, 'POST', `/tickets/${ticket.id}/messages`, { message: 'live again' });
    const after = await again.waitForEvents(replayed.length + 1);
    expect((after.at(-1)!.data.message as { message: string }).message).toBe('live again');
  });
});
