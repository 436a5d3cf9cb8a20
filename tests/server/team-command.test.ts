/**
 * `npm run team` as a site owner runs it: a child process against DATA_DIR's embedded database
 * (or DATABASE_URL), its effect checked by signing in through the real app afterwards.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle, type Engine } from '../../db/client.ts';
import { queryRows } from '../../db/query-rows.ts';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/http/logger.ts';
import { createServerDeps } from '../../server/server-deps.ts';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../support/test-database.ts';
import { testJwtSecret } from '../support/test-server.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

type App = ReturnType<typeof createApp>;

describe.each(enginesUnderTest)('npm run team on %s', (engine: Engine) => {
  let dataDir: string;
  let testDb: TestDatabase | undefined;

  // What the steps hand each other.
  const ada = { email: 'ada@example.com', password: 'ada-first-password-1' };
  const bo = { email: 'bo@example.com', password: '', id: '' };
  const boAgain = { password: 'bo-fresh-start-password-5' };
  const cy = { email: 'cy@example.com', id: randomUUID(), password: 'cy-chosen-password-3' };
  const adaNewPassword = 'ada-second-password-4';
  let ticketId = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'team-command-'));
    if (engine === 'postgres') testDb = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await testDb?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  function team(args: string[], env: Record<string, string> = {}): Promise<Run> {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...env };
    delete childEnv.DATABASE_URL;
    if (!('TEAM_PASSWORD' in env)) delete childEnv.TEAM_PASSWORD;
    if (testDb?.databaseUrl) childEnv.DATABASE_URL = testDb.databaseUrl;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['server/commands/team.ts', ...args], { cwd: repoRoot, env: childEnv });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  /** The real app on the database the command wrote; PGlite's directory is opened only meanwhile. */
  async function withApp<T>(work: (app: App, handle: DatabaseHandle) => Promise<T>): Promise<T> {
    const handle = testDb ? testDb.handle : await openDatabase({ pgliteDir: join(dataDir, 'pglite') });
    try {
      const config = loadConfig({ AUTH_JWT_SECRET: testJwtSecret, LOG_LEVEL: 'silent', DEMO_MODE: 'false' });
      return await work(createApp(await createServerDeps(config, handle, createLogger('silent'))), handle);
    } finally {
      if (!testDb) await handle.close();
    }
  }

  async function call(app: App, method: string, path: string, options: { token?: string; body?: unknown } = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await app.request(path, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  const signIn = (app: App, email: string, password: string) => call(app, 'POST', '/api/v1/sessions/agent', { body: { email, password } });

  it('refuses bad input with exit code 2 and a clear message, before touching the database', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [[], {}, /Name a command/],
      [['promote', '--email', ada.email], {}, /Unknown command "promote"/],
      [['add', '--name', 'Ada'], {}, /--email is required/],
      [['add', '--email', 'not-an-email', '--name', 'Ada'], {}, /--email is not an email address/],
      [['add', '--email', ada.email, '--name', 'Ada', '--role', 'owner'], {}, /--role must be agent or admin/],
      [['add', '--email', ada.email, '--name', 'Ada', '--password', 'short'], {}, /--password must be at least 12 characters/],
      [['set-password', '--email', ada.email], { TEAM_PASSWORD: 'short' }, /TEAM_PASSWORD must be at least 12 characters/],
      [['add', '--email', ada.email, '--colour', 'red'], {}, /colour/],
      [['remove', '--email', ada.email, '--name', 'Ada'], {}, /remove takes no --name/],
      [['list', 'everyone'], {}, /Unexpected argument "everyone"/],
      [['add', '--email', ada.email, '--new-user', '--user-id', randomUUID()], {}, /--new-user or --user-id, not both/],
      [['remove', '--email', ada.email, '--user-id', 'nine'], {}, /--user-id is not a UUID/],
    ];
    const runs = await Promise.all(cases.map(([args, env]) => team(args, env)));
    runs.forEach((run, index) => {
      expect(run.status, `team ${cases[index]![0].join(' ')}`).toBe(2);
      expect(run.stderr).toMatch(cases[index]![2]);
      expect(run.stdout).toBe('');
    });
    if (engine === 'pglite') expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
  }, 120_000);

  it('adds an admin with a given password (not echoed) and an agent with a generated one (shown once)', async () => {
    const added = await team(['add', '--email', ada.email, '--name', 'Ada Lovelace', '--role', 'admin', '--password', ada.password]);
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    expect(added.stdout).toContain(`Added ${ada.email} to the team as admin (Ada Lovelace)`);
    expect(added.stdout).not.toContain(ada.password);

    const generated = await team(['add', '--email', bo.email, '--name', 'Bo']);
    expect(generated.status).toBe(0);
    expect(generated.stdout).toContain(`Added ${bo.email} to the team as agent (Bo)`);
    const match = /shown once.*: (\S+)$/m.exec(generated.stdout);
    expect(match, generated.stdout).not.toBeNull();
    bo.password = match![1]!;
    expect(bo.password.length).toBeGreaterThanOrEqual(20);

    const listed = await team(['list']);
    expect(listed.status).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^EMAIL\s+NAME\s+ROLE\s+PASSWORD\s+ID$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/).slice(0, 4))).toEqual([
      [ada.email, 'Ada Lovelace', 'admin', 'yes'],
      [bo.email, 'Bo', 'agent', 'yes'],
    ]);
  }, 120_000);

  it('lets them sign in with those passwords, with their roles, and see each other on GET /team', async () => {
    await withApp(async (app) => {
      const adaSession = await signIn(app, ada.email, ada.password);
      expect(adaSession.status).toBe(201);
      expect(adaSession.body.user).toMatchObject({ email: ada.email, name: 'Ada Lovelace', teamRole: 'admin' });
      const boSession = await signIn(app, bo.email, bo.password);
      expect(boSession.status).toBe(201);
      expect(boSession.body.user).toMatchObject({ email: bo.email, teamRole: 'agent' });
      bo.id = boSession.body.user.id;
      expect((await signIn(app, bo.email, ada.password)).status).toBe(401);

      const members = await call(app, 'GET', '/api/v1/team', { token: adaSession.body.token });
      expect(members.status).toBe(200);
      expect(members.body.items.map((m: { email: string; role: string; displayName: string }) => [m.email, m.role, m.displayName])).toEqual([
        [ada.email, 'admin', 'Ada Lovelace'],
        [bo.email, 'agent', 'Bo'],
      ]);

      // Cy is a customer first: their site's token creates their user; they open a ticket, assigned to Bo.
      const cyToken = await new SignJWT({ sub: cy.id, email: cy.email, name: 'Cy' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(testJwtSecret));
      const ticket = await call(app, 'POST', '/api/v1/tickets', { token: cyToken, body: { title: 'Help', description: 'Please.' } });
      expect(ticket.status).toBe(201);
      ticketId = ticket.body.id;
      const assigned = await call(app, 'PATCH', `/api/v1/tickets/${ticketId}`, { token: adaSession.body.token, body: { assigneeId: boSession.body.user.id } });
      expect(assigned.body.assignee).toMatchObject({ id: boSession.body.user.id });
    });
  }, 120_000);

  it('puts an existing user on the team, changes passwords and roles, and removes members', async () => {
    const promoted = await team(['add', '--email', cy.email, '--role', 'agent'], { TEAM_PASSWORD: cy.password });
    expect(promoted.status).toBe(0);
    expect(promoted.stdout).toContain(`using the existing user ${cy.id}`);
    expect(promoted.stdout).not.toContain(cy.password);

    const reset = await team(['set-password', '--email', ada.email], { TEAM_PASSWORD: adaNewPassword });
    expect(reset.status).toBe(0);
    expect(reset.stdout).toContain(`Password set for ${ada.email}`);
    expect(reset.stdout).not.toContain(adaNewPassword);

    const demoted = await team(['add', '--email', ada.email, '--role', 'agent']);
    expect(demoted.status).toBe(0);
    expect(demoted.stdout).toContain(`Updated team member ${ada.email}: Ada Lovelace, agent.`);
    expect(demoted.stdout).not.toMatch(/shown once/);

    const removed = await team(['remove', '--email', 'BO@example.com']);
    expect(removed.status).toBe(0);
    expect(removed.stdout).toContain(`Removed ${bo.email} (Bo) from the team; 1 ticket(s) unassigned.`);
  }, 120_000);

  it('fails with exit code 1 for members that are not there', async () => {
    // One at a time: an embedded database has one process at a time.
    const runs: Run[] = [];
    runs.push(await team(['remove', '--email', bo.email]));
    runs.push(await team(['remove', '--email', 'stranger@example.com']));
    runs.push(await team(['set-password', '--email', 'stranger@example.com', '--password', 'long-enough-password']));
    for (const run of runs) {
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/No team member has the email/);
    }
  }, 120_000);

  it('starts someone over as a fresh user with --new-user, leaving the old identity off the team', async () => {
    const fresh = await team(['add', '--email', bo.email, '--name', 'Bo Again', '--new-user'], { TEAM_PASSWORD: boAgain.password });
    expect(fresh.status).toBe(0);
    expect(fresh.stdout).toContain(`Added ${bo.email} to the team as agent (Bo Again).`);
    expect(fresh.stdout).not.toContain('existing user');
  }, 120_000);

  it('leaves the database as the commands said', async () => {
    await withApp(async (app, handle) => {
      const cySession = await signIn(app, cy.email, cy.password);
      expect(cySession.status).toBe(201);
      expect(cySession.body.user).toMatchObject({ id: cy.id, teamRole: 'agent' });

      expect((await signIn(app, ada.email, ada.password)).status).toBe(401);
      const adaSession = await signIn(app, ada.email, adaNewPassword);
      expect(adaSession.status).toBe(201);
      expect(adaSession.body.user.teamRole).toBe('agent');

      expect((await signIn(app, bo.email, bo.password)).status).toBe(401);
      const boFresh = await signIn(app, bo.email, boAgain.password);
      expect(boFresh.status).toBe(201);
      expect(boFresh.body.user.id).not.toBe(bo.id);
      const ticket = await call(app, 'GET', `/api/v1/tickets/${ticketId}`, { token: adaSession.body.token });
      expect(ticket.body.assignee).toBeNull();

      const members = await call(app, 'GET', '/api/v1/team', { token: cySession.body.token });
      expect(members.body.items.map((m: { id: string; email: string; role: string }) => [m.email, m.role, m.id])).toEqual([
        [ada.email, 'agent', adaSession.body.user.id],
        [bo.email, 'agent', boFresh.body.user.id],
        [cy.email, 'agent', cy.id],
      ]);
      // The old Bo stays a user (their messages and history point at them), off the team, without a password.
      const rows = await queryRows<{ member: boolean; credentials: number }>(
        handle.systemDb,
        sql`select exists (select 1 from public.team_members where id = ${bo.id}::uuid) as member,
                   (select count(*)::int from private.agent_credentials where user_id = ${bo.id}::uuid) as credentials
            from auth.users where id = ${bo.id}::uuid`,
      );
      expect(rows).toEqual([{ member: false, credentials: 0 }]);
    });
  }, 120_000);
});
