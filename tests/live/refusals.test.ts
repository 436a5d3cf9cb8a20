/** Who may not connect, or stay connected: bad and expired tokens, silence, foreign origins, junk frames. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../server/live/close-codes.ts';
import { listen, type RunningServer } from '../../server/http/listen.ts';
import { connectLive, isType } from '../support/live-test-client.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe.each(enginesUnderTest)('live refusals on %s', (engine) => {
  let server: TestServer;
  let running: RunningServer;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer(engine, { ALLOWED_ORIGINS: 'https://shop.example', LIVE_AUTH_TIMEOUT_MS: '300' });
    await server.deps.live.start();
    running = await listen(server.app.fetch, { port: 0, hostname: '127.0.0.1' });
    url = `ws://127.0.0.1:${running.port}/api/v1/live`;
  });
  afterAll(async () => {
    await running?.close();
    await server?.deps.live.stop();
    await server?.close();
  });

  it('closes with 4401 on a forged token, saying why first', async () => {
    const client = await connectLive(url);
    const forged = await server.sign({ sub: '6b1f5f3e-5c1a-4f8e-9a51-3f3f1f0e9d11' }, { secret: 'another-secret-that-is-long-enough-000000000' });
    client.send({ type: 'auth', token: forged });
    expect(await client.closed).toMatchObject({ code: CloseCode.Unauthorized });
    expect(client.frames.find(isType('error'))).toMatchObject({ code: '4401' });
  });

  it('closes with 4401 when the token expires while connected', async () => {
    const customer = await server.customer();
    const shortLived = await server.sign({ sub: customer.id }, { expiresIn: Math.floor(Date.now() / 1000) + 2 });
    const client = await connectLive(url);
    client.send({ type: 'auth', token: shortLived });
    await client.next(isType('authenticated'));
    client.send({ type: 'subscribe' });
    await client.next(isType('ready'));
    const closed = await client.closed;
    expect(closed.code).toBe(CloseCode.Unauthorized);
    expect(closed.reason).toMatch(/expired/);
  });

  it('closes with 4408 when no auth frame comes in time', async () => {
    const client = await connectLive(url);
    expect(await client.closed).toMatchObject({ code: CloseCode.Timeout });
  });

  it('closes with 4403 for a page on a foreign origin, and accepts the allowed one and clients without Origin', async () => {
    const foreign = await connectLive(url, { origin: 'https://evil.example' });
    expect(await foreign.closed).toMatchObject({ code: CloseCode.Forbidden });
    const customer = await server.customer();
    for (const origin of ['https://shop.example', undefined]) {
      const client = await connectLive(url, origin ? { origin } : {});
      client.send({ type: 'auth', token: customer.token });
      await client.next(isType('authenticated'));
      client.close();
    }
  });

  it('closes with 4400 on frames outside the protocol, and on subscribing before authenticating', async () => {
    for (const junk of ['not json', { type: 'subscribe', after: -1 }, { type: 'shout' }, { type: 'auth', token: 'x', extra: 1 }]) {
      const client = await connectLive(url);
      client.send(junk);
      expect((await client.closed).code, JSON.stringify(junk)).toBe(CloseCode.BadRequest);
    }
    const early = await connectLive(url);
    early.send({ type: 'subscribe' });
    expect((await early.closed).code).toBe(CloseCode.BadRequest);
  });

  it('answers pings', async () => {
    const customer = await server.customer();
    const client = await connectLive(url);
    client.send({ type: 'auth', token: customer.token });
    await client.next(isType('authenticated'));
    client.send({ type: 'ping' });
    await client.next(isType('pong'));
    client.close();
  });
});
