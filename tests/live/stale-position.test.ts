/**
 * A client whose last event id is past the end of the log (it came from a database that was since
 * restored or reset) is not left waiting for ids that will never come: the server starts it from
 * now, says so with a `ready` position below the client's, and new events reach it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../server/http/listen.ts';
import { connectLive, isType, type LiveTestClient } from '../support/live-test-client.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

describe.each(enginesUnderTest)('a stale live position on %s', (engine) => {
  let server: TestServer;
  let running: RunningServer;
  let url: string;
  let ana: TestUser;
  const open: LiveTestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer(engine, { LIVE_POLL_MS: '200' });
    await server.deps.live.start();
    running = await listen(server.app.fetch, { port: 0, hostname: '127.0.0.1' });
    url = `ws://127.0.0.1:${running.port}/api/v1/live`;
    ana = await server.customer('Ana');
  });
  afterAll(async () => {
    for (const client of open) client.close();
    await running?.close();
    await server?.deps.live.stop();
    await server?.close();
  });

  async function subscribe(after: number): Promise<{ client: LiveTestClient; ready: { position: number } }> {
    const client = await connectLive(url);
    open.push(client);
    client.send({ type: 'auth', token: ana.token });
    await client.next(isType('authenticated'));
    client.send({ type: 'subscribe', after });
    const ready = (await client.next(isType('ready'))) as unknown as { position: number };
    return { client, ready };
  }

  it('starts a position past the end of the log from now, and delivers what comes next', async () => {
    const { body: first } = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'Before', description: 'An event in the log.' } });
    expect(first.id).toBeTruthy();
    const stale = 1_000_000_000;
    const { client, ready } = await subscribe(stale);
    expect(ready.position).toBeLessThan(stale);

    const { body: ticket } = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'After', description: 'Must arrive.' } });
    let events = await client.waitForEvents(1);
    for (let count = 2; !events.some((event) => event.ticketId === ticket.id); count++) events = await client.waitForEvents(count);
    expect(events.find((event) => event.ticketId === ticket.id)!.kind).toBe('ticket.created');
    // Everything it got is past the position it was told, once each.
    expect(events.every((event) => event.id > ready.position)).toBe(true);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  });

  it('keeps a position inside the log as it is: a resume replays only what came after it', async () => {
    const { body: ticket } = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'Resume', description: 'One.' } });
    const { client: watcher } = await subscribe(0);
    let ticketCreated: Awaited<ReturnType<LiveTestClient['waitForEvents']>>[number] | undefined;
    for (let count = 1; !ticketCreated; count++) ticketCreated = (await watcher.waitForEvents(count)).find((event) => event.ticketId === ticket.id);
    const { client, ready } = await subscribe(ticketCreated.id - 1);
    expect(ready.position).toBeGreaterThanOrEqual(ticketCreated.id - 1);
    const [replayed] = await client.waitForEvents(1);
    expect(replayed!.id).toBe(ticketCreated.id);
  });
});
