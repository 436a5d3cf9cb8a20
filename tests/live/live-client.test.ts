/**
 * The browser live client (widget/live/live-client.ts) against the real server: it resumes
 * after the server goes away and comes back, with every event once and in order, backs off with
 * a cap, and reconnects at once when the page comes back online.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../server/http/listen.ts';
import type { LiveEvent } from '../../server/live/protocol.ts';
import { LiveClient, type LiveState } from '../../widget/live/live-client.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

const until = async (check: () => boolean, timeoutMs = 8000) => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('the browser live client', () => {
  let server: TestServer;
  let running: RunningServer | undefined;
  let port: number;
  let ana: TestUser;
  let agent: TestUser;
  const environment = new EventTarget() as EventTarget & { navigator: { onLine: boolean } };
  environment.navigator = { onLine: true };

  beforeAll(async () => {
    server = await startTestServer('pglite', { RATE_LIMIT_MESSAGES_PER_MINUTE: '1000', LIVE_POLL_MS: '100' });
    await server.deps.live.start();
    running = await listen(server.app.fetch, { port: 0, hostname: '127.0.0.1' });
    port = running.port;
    [ana, agent] = [await server.customer('Ana'), await server.teamMember('agent')];
  });
  afterAll(async () => {
    await running?.close();
    await server?.deps.live.stop();
    await server?.close();
  });

  it('resumes after the server restarts with nothing missed and nothing twice', async () => {
    const received: LiveEvent[] = [];
    const states: LiveState[] = [];
    const client = new LiveClient({
      url: `http://127.0.0.1:${port}/api/v1/live`,
      token: () => ana.token,
      onEvent: (event) => received.push(event),
      onState: (state) => states.push(state),
      minBackoffMs: 50,
      maxBackoffMs: 200,
      environment: environment as never,
    });
    client.start();
    await until(() => client.state === 'live');
    const { body: ticket } = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'Restart', description: 'm0' } });
    await until(() => received.length === 2);

    await running!.close();
    running = undefined;
    await until(() => client.state === 'reconnecting');
    // Written while the client cannot connect: it must get these after it is back.
    for (let i = 1; i <= 4; i++) await server.call('POST', `/api/v1/tickets/${ticket.id}/messages`, { token: i % 2 ? agent.token : ana.token, body: { message: `m${i}` } });
    running = await listen(server.app.fetch, { port, hostname: '127.0.0.1' });
    await until(() => received.filter((e) => e.kind === 'message.created').length === 5);
    await server.call('POST', `/api/v1/tickets/${ticket.id}/messages`, { token: agent.token, body: { message: 'm5' } });
    await until(() => received.filter((e) => e.kind === 'message.created').length === 6);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const messages = received.filter((e) => e.kind === 'message.created').map((e) => (e.data.message as { message: string }).message);
    expect(messages).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    const ids = received.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(states).toContain('reconnecting');
    client.stop();
  });

  it('starts over from the server\'s position when its last id is past the end of the log (a reset database)', async () => {
    const received: LiveEvent[] = [];
    const client = new LiveClient({
      url: `http://127.0.0.1:${port}/api/v1/live`,
      token: () => ana.token,
      onEvent: (event) => received.push(event),
      after: 1_000_000_000,
      minBackoffMs: 50,
      maxBackoffMs: 200,
      environment: environment as never,
    });
    client.start();
    await until(() => client.state === 'live');
    expect(client.lastEventId).toBeLessThan(1_000_000_000);
    const { body: ticket } = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'After a reset', description: 'Seen.' } });
    await until(() => received.some((event) => event.ticketId === ticket.id));
    client.stop();
  });

  it('backs off with a growing, capped delay, and reconnects at once when the page is back online', async () => {
    const retries: number[] = [];
    const client = new LiveClient({
      url: 'ws://127.0.0.1:9/api/v1/live', // nothing listens on the discard port
      token: () => ana.token,
      onEvent: () => {},
      onState: (state, detail) => {
        if (state === 'reconnecting' && detail?.retryInMs !== undefined) retries.push(detail.retryInMs);
      },
      minBackoffMs: 20,
      maxBackoffMs: 160,
      random: () => 1, // the top of each jitter range
      environment: environment as never,
    });
    client.start();
    await until(() => retries.length >= 6);
    expect(retries.slice(0, 6)).toEqual([20, 40, 80, 160, 160, 160]);
    const before = retries.length;
    environment.dispatchEvent(new Event('online'));
    // The online event resets the backoff: the next wait starts from the minimum again.
    await until(() => retries.length > before);
    expect(retries[before]).toBe(20);
    client.stop();
  });

  it('stops for good on a refusal that retrying cannot fix', async () => {
    const strict = await startTestServer('pglite', { ALLOWED_ORIGINS: 'https://shop.example' });
    const strictRunning = await listen(strict.app.fetch, { port: 0, hostname: '127.0.0.1' });
    const states: { state: LiveState; code?: number }[] = [];
    // A WebSocket that presents a foreign Origin, as a page on another site would.
    class ForeignPageWebSocket extends WebSocket {
      constructor(url: string | URL) {
        super(url, { headers: { origin: 'https://evil.example' } } as never);
      }
    }
    const client = new LiveClient({
      url: `ws://127.0.0.1:${strictRunning.port}/api/v1/live`,
      token: () => ana.token,
      onEvent: () => {},
      onState: (state, detail) => states.push({ state, ...(detail?.code !== undefined ? { code: detail.code } : {}) }),
      environment: environment as never,
      WebSocketImpl: ForeignPageWebSocket,
    });
    client.start();
    await until(() => states.some((s) => s.code === 4403));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(states.at(-1)).toEqual({ state: 'stopped', code: 4403 });
    client.stop();
    await strictRunning.close();
    await strict.close();
  });
});
