/**
 * Demo mode: the demo pages and the demo token endpoint exist only when it is on; tokens from the
 * endpoint are accepted by the API as the identities they name; bad requests get the error shape;
 * the seed writes a lived-in dataset once and never twice; `demo:reset` starts over (and refuses
 * a DATABASE_URL database unless told) so the next start seeds again.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/query-rows.ts';
import { withDemoSecret } from '../../demo/demo-secret.ts';
import { demoPassword, demoTeam } from '../../demo/identities.ts';
import { resetDemo, ResetRefused } from '../../demo/reset.ts';
import { seedDemoIfEmpty } from '../../demo/seed.ts';
import { seedTickets } from '../../demo/seed-data.ts';
import { createApp } from '../../server/app.ts';
import type { AppDeps } from '../../server/app-env.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/http/logger.ts';
import { createServerDeps } from '../../server/server-deps.ts';
import { startServer } from '../../server/start-server.ts';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../support/test-database.ts';
import { expectErrorShape, startTestServer } from '../support/test-server.ts';

type App = ReturnType<typeof createApp>;

async function post(app: App, path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await app.request(path, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
}

async function get(app: App, path: string, token?: string) {
  const response = await app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, headers: response.headers, response };
}

async function tokenFor(app: App, user: string): Promise<string> {
  const { status, body } = await post(app, '/demo/token', { user });
  expect(status).toBe(200);
  return body.token;
}

describe('demo mode off', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(() => server?.close());

  it('has no demo pages and no demo token endpoint', async () => {
    for (const path of ['/', '/demo/', '/demo/console', '/demo/assets/product-page.ts', '/demo/identities']) {
      const { status } = await get(server.app, path);
      expect(status, path).toBe(404);
    }
    const { status, body } = await post(server.app, '/demo/token', { user: 'customer-1' });
    expect(status).toBe(404);
    expect(expectErrorShape(body).code).toBe('not_found');
  });

  it('is the default with DATABASE_URL and without it is on', () => {
    expect(loadConfig({}).demoMode).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://db.example.com/app' }).demoMode).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://db.example.com/app', DEMO_MODE: 'true' }).demoMode).toBe(true);
    expect(loadConfig({ DEMO_MODE: 'false' }).demoMode).toBe(false);
  });
});

describe.each(enginesUnderTest)('demo mode on %s', (engine) => {
  let testDb: TestDatabase;
  let deps: AppDeps;
  let app: App;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    // Zero configuration: no AUTH_JWT_SECRET, so demo mode makes one.
    const config = await withDemoSecret(loadConfig({ LOG_LEVEL: 'silent', DEMO_MODE: 'true', PUBLIC_URL: 'http://localhost:8787' }), testDb.handle.systemDb);
    deps = await createServerDeps(config, testDb.handle, createLogger('silent'));
    app = createApp(deps);
  });
  afterAll(() => testDb?.drop());

  it('makes one demo secret and keeps it', async () => {
    expect(deps.config.AUTH_JWT_SECRET?.length).toBeGreaterThanOrEqual(32);
    const again = await withDemoSecret(loadConfig({ DEMO_MODE: 'true' }), testDb.handle.systemDb);
    expect(again.AUTH_JWT_SECRET).toBe(deps.config.AUTH_JWT_SECRET);
    const configured = 'a-secret-the-site-owner-chose-that-is-long-enough';
    expect((await withDemoSecret(loadConfig({ DEMO_MODE: 'true', AUTH_JWT_SECRET: configured }), testDb.handle.systemDb)).AUTH_JWT_SECRET).toBe(configured);
    expect((await withDemoSecret(loadConfig({ DEMO_MODE: 'false' }), testDb.handle.systemDb)).AUTH_JWT_SECRET).toBeUndefined();
  });

  it('never seeds a database that already has data', async () => {
    const db = testDb.handle.systemDb;
    const [ada] = await queryRows<{ id: string }>(db, sql`insert into auth.users (email, name) values ('ada@example.com', 'Ada') returning id`);
    await db.execute(sql`insert into public.team_members (id, display_name, role) values (${ada!.id}::uuid, 'Ada', 'admin')`);
    expect(await seedDemoIfEmpty(deps)).toBe('not-empty');
    const [tickets] = await queryRows<{ count: number }>(db, sql`select count(*)::int as count from public.tickets`);
    expect(tickets!.count).toBe(0);
    // Emptied again, it is a database the seed may fill (next test).
    await db.execute(sql`delete from public.team_members`);
    await db.execute(sql`delete from auth.users`);
  });

  it('seeds an empty database once: the team, tags, templates and a ticket in every status', async () => {
    expect(await seedDemoIfEmpty(deps)).toBe('seeded');
    const db = testDb.handle.systemDb;
    const [counts] = await queryRows<{ tickets: number; team: number; tags: number; templates: number; notes: number; attachments: number; statuses: string[] }>(
      db,
      sql`select (select count(*)::int from public.tickets) as tickets, (select count(*)::int from public.team_members) as team,
                 (select count(*)::int from public.ticket_tags) as tags, (select count(*)::int from public.ticket_templates) as templates,
                 (select count(*)::int from public.ticket_messages where is_internal) as notes,
                 (select count(*)::int from public.ticket_attachments) as attachments,
                 (select array_agg(distinct status::text order by status::text) from public.tickets) as statuses`,
    );
    expect(counts).toEqual({ tickets: seedTickets.length, team: 3, tags: 6, templates: 2, notes: 2, attachments: 1, statuses: ['closed', 'in_progress', 'open', 'resolved', 'waiting_on_customer'] });
    // The story happened in the past, in order: no ticket was created "just now".
    const [oldest] = await queryRows<{ hours: number }>(db, sql`select extract(epoch from now() - min(created_at)) / 3600 as hours from public.tickets`);
    expect(Number(oldest!.hours)).toBeGreaterThan(200);

    expect(await seedDemoIfEmpty(deps)).toBe('kept');
    const [after] = await queryRows<{ tickets: number }>(db, sql`select count(*)::int as tickets from public.tickets`);
    expect(after!.tickets).toBe(seedTickets.length);
  });

  it('mints tokens the API takes as the demo identities; customers see their own tickets and no notes', async () => {
    const maya = await tokenFor(app, 'customer-1');
    const me = await app.request('/api/v1/me', { headers: { authorization: `Bearer ${maya}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ name: 'Maya Lindqvist', email: 'maya@northwind-retail.test', teamRole: null });

    const list = (await (await app.request('/api/v1/tickets', { headers: { authorization: `Bearer ${maya}` } })).json()) as { items: { id: string; title: string; lastMessage: { createdAt: string } | null }[] };
    expect(list.items.map((ticket) => ticket.title).sort()).toEqual(seedTickets.filter((ticket) => ticket.customer === 'customer-1').map((ticket) => ticket.title).sort());
    // Previews carry the moved times too: the last word on the shared-dashboard question is four days old.
    const shared = list.items.find((ticket) => ticket.title === 'How do I share a dashboard with a client?')!;
    expect(Date.now() - Date.parse(shared.lastMessage!.createdAt)).toBeGreaterThan(90 * 3600_000);
    const revenue = list.items.find((ticket) => ticket.title === 'Revenue chart stops at March 14')!;
    const thread = (await (await app.request(`/api/v1/tickets/${revenue.id}/messages`, { headers: { authorization: `Bearer ${maya}` } })).json()) as { items: { isInternal: boolean; attachments: { id: string; type: string }[] }[] };
    expect(thread.items.some((message) => message.isInternal)).toBe(false);
    const screenshot = thread.items[0]!.attachments[0]!;
    expect(screenshot.type).toBe('image/png');
    const file = await get(app, `/api/v1/attachments/${screenshot.id}`, maya);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.response.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');

    const agent = await tokenFor(app, 'agent-1');
    expect(await (await app.request('/api/v1/me', { headers: { authorization: `Bearer ${agent}` } })).json()).toMatchObject({ name: 'Priya Raman', teamRole: 'agent' });
    const admin = await tokenFor(app, 'admin');
    expect(await (await app.request('/api/v1/me', { headers: { authorization: `Bearer ${admin}` } })).json()).toMatchObject({ teamRole: 'admin' });
  });

  it('lets the demo team sign in to the console with the demo password', async () => {
    for (const member of demoTeam) {
      const { status, body } = await post(app, '/api/v1/sessions/agent', { email: member.email, password: demoPassword });
      expect(status, member.email).toBe(201);
      expect(body.user.teamRole).toBe(member.role);
    }
  });

  it('answers a bad token request with the error shape', async () => {
    const unknown = await post(app, '/demo/token', { user: 'customer-9' });
    expect(unknown.status).toBe(400);
    expect(expectErrorShape(unknown.body)).toMatchObject({ code: 'validation_failed', issues: [{ path: 'user' }] });
    const missing = await post(app, '/demo/token', {});
    expect(missing.status).toBe(400);
    expect(expectErrorShape(missing.body).issues?.[0]?.path).toBe('user');
    const extra = await post(app, '/demo/token', { user: 'customer-1', role: 'admin' });
    expect(extra.status).toBe(400);
    const notJson = await post(app, '/demo/token', '{"user":', { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
    expect(expectErrorShape(notJson.body).code).toBe('validation_failed');
    const huge = await post(app, '/demo/token', JSON.stringify({ user: 'x'.repeat(5000) }));
    expect(huge.status).toBe(413);
    expect(expectErrorShape(huge.body).code).toBe('payload_too_large');
  });

  it('serves both pages under a strict Content-Security-Policy, and their scripts compiled', async () => {
    for (const path of ['/demo/', '/demo/console']) {
      const response = await app.request(`http://localhost:8787${path}`);
      expect(response.status, path).toBe(200);
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("require-trusted-types-for 'script'");
      expect(policy).toContain('connect-src \'self\' ws://localhost:8787');
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
    }
    const page = await (await app.request('http://localhost:8787/demo/')).text();
    // The exact snippet a site owner pastes, in the page and shown on it.
    expect(page).toContain('<script type="module" src="http://localhost:8787/widget.js"></script>');
    expect(page).toContain('<ticket-widget server="http://localhost:8787"></ticket-widget>');
    expect(page).toContain('&lt;script type="module" src="http://localhost:8787/widget.js"&gt;&lt;/script&gt;');

    const script = await app.request('http://localhost:8787/demo/assets/product-page.ts');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).not.toMatch(/import type|: HTMLSelectElement\)/);
    for (const path of ['/demo/assets/..%2Fseed.ts', '/demo/assets/nothing.ts', '/demo/assets/routes.ts.bak']) expect((await app.request(`http://localhost:8787${path}`)).status, path).toBe(404);
  });

  it.runIf(engine === 'postgres')('resets a DATABASE_URL database when told to, and it seeds again', async () => {
    const config = loadConfig({ DATABASE_URL: testDb.databaseUrl!, DEMO_MODE: 'true', LOG_LEVEL: 'silent' });
    expect((await resetDemo(config, { wipeDatabaseUrl: true })).join('\n')).toMatch(/Deleted every row of \d+ tables/);
    const db = testDb.handle.systemDb;
    const [left] = await queryRows<{ tickets: number; users: number; secret: boolean }>(
      db,
      sql`select (select count(*)::int from public.tickets) as tickets, (select count(*)::int from auth.users) as users,
                 exists (select 1 from private.server_secrets where name = 'session_signing_key') as secret`,
    );
    expect(left).toEqual({ tickets: 0, users: 0, secret: true });
    // The next start (fresh dependencies: nothing remembered of the users that are gone) seeds again.
    const next = await createServerDeps(await withDemoSecret(config, db), testDb.handle, createLogger('silent'));
    expect(await seedDemoIfEmpty(next)).toBe('seeded');
  });

  it('sends a page opened at another host name to the public URL (the widget must be same-origin)', async () => {
    const response = await app.request('http://127.0.0.1:8787/demo/console?as=agent-2');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://localhost:8787/demo/console?as=agent-2');
  });

});

describe('demo:reset', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ticket-widget-reset-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a DATABASE_URL database unless told, and anything outside demo mode', async () => {
    await expect(resetDemo(loadConfig({ DATABASE_URL: 'postgres://db.example.com/app', DEMO_MODE: 'true' }))).rejects.toThrow(/--wipe-database-url/);
    await expect(resetDemo(loadConfig({ DATABASE_URL: 'postgres://db.example.com/app' }), { wipeDatabaseUrl: true })).rejects.toBeInstanceOf(ResetRefused);
    await expect(resetDemo(loadConfig({ DATA_DIR: dataDir, DEMO_MODE: 'false' }))).rejects.toBeInstanceOf(ResetRefused);
  });

  it('deletes the embedded database, and the next start seeds again', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
    const logger = createLogger('silent');
    const first = await startServer(config, logger);
    expect(first.demoSeed).toBe('seeded');
    // Something of the visitor's, which the reset must take away.
    await first.deps.database.systemDb.execute(sql`update public.tickets set title = 'Renamed by a visitor' where title = 'Slack alerts arrive twice'`);
    await first.stop();

    const done = await resetDemo(config);
    expect(done.join('\n')).toContain(join(dataDir, 'pglite'));
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
    expect(existsSync(join(dataDir, 'attachments'))).toBe(false);
    const second = await startServer(config, logger);
    try {
      expect(second.demoSeed).toBe('seeded');
      const titles = await queryRows<{ title: string }>(second.deps.database.systemDb, sql`select title from public.tickets order by title`);
      expect(titles.map((row) => row.title)).toEqual(seedTickets.map((ticket) => ticket.title).sort());
    } finally {
      await second.stop();
    }
  }, 180_000);
});
