/**
 * The live endpoint while a token is still being checked (found by fuzz-ws.test.ts): a second
 * auth frame right behind the first is refused rather than authenticating the socket twice; a
 * subscribe sent right behind the auth frame (without waiting for "authenticated") waits for it
 * rather than being refused; and a socket that hangs up mid-check leaves nothing subscribed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../server/http/listen.ts';
import { CloseCode } from '../../server/live/close-codes.ts';
import { connectLive, isType } from '../support/live-test-client.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe.each(enginesUnderTest)('live authentication races on %s', (engine) => {
  let server: TestServer;
  let running: RunningServer;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer(engine);
    await server.deps.live.start();
    running = await listen(server.app.fetch, { port: 0, hostname: '127.0.0.1' });
    url = `ws://127.0.0.1:${running.port}/api/v1/live`;
  });
  afterAll(async () => {
    await running?.close(1_000);
    await server?.deps.live.stop();
    await server?.close();
  });

  it('refuses a second auth frame sent before the first was answered, and never authenticates twice', async () => {
    const customer = await server.customer();
    const client = await connectLive(url);
    client.send({ type: 'auth', token: customer.token });
    client.send({ type: 'auth', token: customer.token });
    expect((await client.closed).code).toBe(CloseCode.BadRequest);
    expect(client.frames.filter((f) => f.type === 'authenticated').length).toBeLessThanOrEqual(1);
  });

  it('accepts subscribe sent right behind auth, without waiting for "authenticated"', async () => {
    const customer = await server.customer();
    const { status, body } = await server.call('POST', '/api/v1/tickets', { token: customer.token, body: { title: 'Piped', description: 'auth then subscribe at once' } });
    expect(status).toBe(201);
    const client = await connectLive(url);
    client.send({ type: 'auth', token: customer.token });
    client.send({ type: 'subscribe', after: 0 });
    try {
      await client.next(isType('ready'));
      // Replayed before `ready`, or streamed just after it when the hub had not yet passed it.
      const events = await client.waitForEvents(1);
      expect(events.map((e) => e.ticketId)).toContain(body.id);
    } finally {
      client.close();
    }
  });

  it('still refuses subscribe when no auth frame came first', async () => {
    const client = await connectLive(url);
    client.send({ type: 'subscribe' });
    expect((await client.closed).code).toBe(CloseCode.BadRequest);
  });

  it('leaves no subscription behind when the client hangs up while its token is checked', async () => {
    const customer = await server.customer();
    for (let i = 0; i < 20; i++) {
      const client = await connectLive(url);
      client.send({ type: 'auth', token: customer.token });
      client.send({ type: 'subscribe' });
      client.close();
      await client.closed;
    }
    const deadline = Date.now() + 2_000;
    while (server.deps.live.subscriberCount > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.deps.live.subscriberCount).toBe(0);
  });
});
