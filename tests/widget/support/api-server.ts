/**
 * The real server for the browser suites: the app from server/app.ts on a fresh database of its
 * own (embedded PGlite, or a database of its own on DATABASE_URL's server when set), with live
 * updates on, attachments under a temporary DATA_DIR, and ALLOWED_ORIGINS set to the test
 * runner's origin. It can be stopped and started again on the same port, the database kept, for
 * the "server is down" tests.
 *
 * Test-only things live here, outside the app: a few host pages under /__test/ (same origin as
 * the server, for the strict-CSP page), and the commands the browser tests call through
 * `executeServerCommand` (tokens, calls as an agent, stop/start).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { Hono } from 'hono';
import { eq, sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { teamMembers, ticketMessages, tickets, users } from '../../../db/schema/index.ts';
import { hashPassword } from '../../../server/auth/passwords.ts';
import { createApp } from '../../../server/app.ts';
import type { AppDeps } from '../../../server/app-env.ts';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/http/logger.ts';
import { listen, type RunningServer } from '../../../server/http/listen.ts';
import { createServerDeps } from '../../../server/server-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

export const widgetTestSecret = 'widget-test-secret-that-is-long-enough-for-hs256';

const hostPagesDir = fileURLToPath(new URL('../host-pages/', import.meta.url));

export interface WidgetTestServer {
  readonly url: string;
  readonly port: number;
  readonly running: boolean;
  deps: AppDeps;
  /** Runs a server command from the browser tests; undefined for commands that are not ours. */
  command(name: string, payload: any): Promise<unknown>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A port nobody is using now, so the server's own URL is known before it starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startWidgetTestServer(options: { allowedOrigin: string }): Promise<WidgetTestServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'ticket-widget-wtr-'));
  const testDb: TestDatabase = await createTestDatabase(process.env.DATABASE_URL ? 'postgres' : 'pglite');
  const config = loadConfig({
    AUTH_JWT_SECRET: widgetTestSecret,
    ALLOWED_ORIGINS: options.allowedOrigin,
    // Its own pages (the strict-CSP host) are same-origin: the live socket checks Origin against this.
    PORT: String(port),
    PUBLIC_URL: url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DEMO_MODE: 'false',
    GUEST_MODE: 'true',
    LIVE_POLL_MS: '200',
    RATE_LIMIT_TICKETS_PER_HOUR: '10000',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '10000',
    RATE_LIMIT_GUEST_SESSIONS_PER_HOUR: '10000',
  });
  const deps = await createServerDeps(config, testDb.handle, createLogger('silent'));
  const app = createApp(deps);
  await deps.live.start();

  const sign = (claims: Record<string, unknown>, expiresIn: string | number = '1h') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime(expiresIn).sign(new TextEncoder().encode(widgetTestSecret));

  // Host pages on the server's own origin (the strict-CSP page must load everything from 'self').
  const hostPages = new Hono()
    // csp-host.html (the widget) and console-csp-host.html (the console).
    .get('/__test/:page{[a-z-]*csp-host\\.html}', (c) => {
      c.header('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'; require-trusted-types-for 'script'");
      return c.html(readFileSync(join(hostPagesDir, c.req.param('page')), 'utf8'));
    })
    .get('/__test/:name{[a-z-]+\\.ts}', async (c) => {
      const source = readFileSync(join(hostPagesDir, c.req.param('name')), 'utf8');
      const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'es2022' });
      c.header('Content-Type', 'text/javascript; charset=utf-8');
      return c.body(code);
    })
    .get('/__test/token', async (c) => c.json({ token: await sign({ sub: c.req.query('sub') ?? randomUUID(), name: c.req.query('name') ?? 'Customer' }) }));
  // The "lost answer" fault (outbox.test.ts): a reply is handled (committed) but its connection is
  // cut before the answer goes out, as when a network drops it. Every reply's key and status is kept.
  // The "late answer" fault (ticket-thread.test.ts): a reply is committed, and so sent live, but its
  // answer waits until the test releases it.
  let answersToLose = 0;
  let answersToHold = 0;
  const heldAnswers: (() => void)[] = [];
  const replies: { key: string | null; status: number; answered: boolean }[] = [];
  const serveApp = async (request: Request, env: never): Promise<Response> => {
    if (request.method !== 'POST' || !/\/messages$/.test(new URL(request.url).pathname)) return app.fetch(request, env);
    const response = await app.fetch(request, env);
    if (answersToHold > 0 && response.status < 300) {
      answersToHold -= 1;
      await new Promise<void>((release) => heldAnswers.push(release));
    }
    const lose = answersToLose > 0 && response.status < 300;
    replies.push({ key: request.headers.get('idempotency-key'), status: response.status, answered: !lose });
    if (!lose) return response;
    answersToLose -= 1;
    await response.arrayBuffer();
    (env as unknown as { incoming: { socket: { destroy(): void } } }).incoming.socket.destroy();
    return new Response(null, { status: 204 });
  };
  const fetch = (request: Request, env: never) => (new URL(request.url).pathname.startsWith('/__test/') ? hostPages.fetch(request) : serveApp(request, env));

  let server: RunningServer | undefined = await listen(fetch, { port, hostname: '127.0.0.1' });

  async function call(method: string, path: string, token: string | undefined, body?: unknown) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await app.request(`/api/v1${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed };
  }

  async function teamMember(role: 'agent' | 'admin', name: string) {
    const id = randomUUID();
    const email = `${id.slice(0, 8)}@team.test`;
    await testDb.handle.systemDb.insert(users).values({ id, email, name });
    await testDb.handle.systemDb.insert(teamMembers).values({ id, displayName: name, role });
    return { id, email, token: await sign({ sub: id, email, name }) };
  }

  const commands: Record<string, (payload: any) => Promise<unknown>> = {
    'api:info': async () => ({ url, running: server !== undefined }),
    /** A new customer: a token for a fresh id (the server creates the user on first sight). */
    'api:customer': async (payload: { id?: string; name?: string; expiresIn?: number } = {}) => {
      const id = payload.id ?? randomUUID();
      const email = `${id.slice(0, 8)}@customer.test`;
      return { id, email, token: await sign({ sub: id, email, name: payload.name ?? 'Customer' }, payload.expiresIn ? `${payload.expiresIn}s` : '1h') };
    },
    'api:agent': async (payload: { name?: string; role?: 'agent' | 'admin' } = {}) => teamMember(payload.role ?? 'agent', payload.name ?? 'Agent Smith'),
    /** A team member who signs in with email and password (stored as `npm run team` stores it). */
    'api:agent-with-password': async (payload: { name?: string; role?: 'agent' | 'admin'; password: string }) => {
      const member = await teamMember(payload.role ?? 'agent', payload.name ?? 'Agent Smith');
      await testDb.handle.systemDb.execute(sql`insert into private.agent_credentials (user_id, password_hash) values (${member.id}::uuid, ${await hashPassword(payload.password)})`);
      return member;
    },
    /** Takes a member off the team, as `npm run team -- remove` does (their token now speaks for a customer). */
    'api:leave-team': async (payload: { id: string }) => {
      const db = testDb.handle.systemDb;
      await db.update(tickets).set({ assignedTo: null }).where(eq(tickets.assignedTo, payload.id));
      await db.delete(teamMembers).where(eq(teamMembers.id, payload.id));
      deps.users.forget(payload.id);
      return true;
    },
    /** `count` messages from `senderId` in one statement, a second apart from now on (a long thread without 200 requests). */
    'api:messages': async (payload: { ticketId: string; senderId: string; count: number; prefix: string }) => {
      const start = Date.now() + 1000;
      await testDb.handle.systemDb.insert(ticketMessages).values(
        Array.from({ length: payload.count }, (_, i) => ({ ticketId: payload.ticketId, senderId: payload.senderId, message: `${payload.prefix} ${i + 1}`, createdAt: new Date(start + i * 1000) })),
      );
      return true;
    },
    'api:call': async (payload: { method: string; path: string; token?: string; body?: unknown }) => call(payload.method, payload.path, payload.token, payload.body),
    /** A raw request to the app (any path), for headers a cross-origin page cannot read. */
    'api:fetch': async (payload: { path: string; method?: string; headers?: Record<string, string> }) => {
      const response = await app.request(payload.path, { method: payload.method ?? 'GET', headers: payload.headers ?? {} });
      const body = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, headers: Object.fromEntries(response.headers), bytes: body.length, text: response.headers.get('content-encoding') ? '' : new TextDecoder().decode(body) };
    },
    /** Cut the connection of the next `count` successful replies after the server has handled them. */
    'api:lose-answers': async (payload: { count: number }) => {
      answersToLose = payload.count;
      return true;
    },
    /** Hold the answers of the next `count` successful replies (already committed) until api:release-answers. */
    'api:hold-answers': async (payload: { count: number }) => {
      answersToHold = payload.count;
      return true;
    },
    'api:release-answers': async () => {
      answersToHold = 0;
      for (const release of heldAnswers.splice(0)) release();
      return true;
    },
    /** Every reply POST so far: its Idempotency-Key, status, and whether the answer reached the client. */
    'api:replies': async () => replies,
    'api:stop': async () => {
      await server?.close();
      server = undefined;
      return true;
    },
    'api:start': async () => {
      server ??= await listen(fetch, { port, hostname: '127.0.0.1' });
      return true;
    },
  };

  return {
    url,
    port,
    deps,
    get running() {
      return server !== undefined;
    },
    async command(name, payload) {
      const run = commands[name];
      return run ? run(payload) : undefined;
    },
    stop: () => commands['api:stop']!(undefined).then(() => undefined),
    start: () => commands['api:start']!(undefined).then(() => undefined),
    async close() {
      await server?.close();
      server = undefined;
      await deps.live.stop();
      await testDb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
