/**
 * The real app on a fresh database of its own, for server tests: requests go through
 * `app.request` (no socket), identities are HS256 tokens signed with the test secret, and the
 * team is seeded past RLS the way `npm run team` does it.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { Engine } from '../../db/client.ts';
import { teamMembers, users, type TeamRole } from '../../db/schema/index.ts';
import { createApp } from '../../server/app.ts';
import type { AppDeps } from '../../server/app-env.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/http/logger.ts';
import { createServerDeps } from '../../server/server-deps.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export const testJwtSecret = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

export interface TestServer {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  testDb: TestDatabase;
  /** A customer with a fresh id, a user row (as if seen before) and a valid token. */
  customer(name?: string): Promise<TestUser>;
  /** A team member (agent or admin) with a valid token. */
  teamMember(role?: TeamRole, name?: string): Promise<TestUser>;
  /** Signs a token with the configured secret (or another key), for identity tests. */
  sign(claims: JWTPayload & { sub?: string }, options?: { expiresIn?: string | number | null; secret?: string }): Promise<string>;
  /** `app.request` with JSON in and the parsed body out. */
  call(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestServer(engine: Engine, env: Record<string, string> = {}): Promise<TestServer> {
  const testDb = await createTestDatabase(engine);
  const config = loadConfig({ AUTH_JWT_SECRET: testJwtSecret, LOG_LEVEL: 'silent', DEMO_MODE: 'false', ...env });
  const deps = await createServerDeps(config, testDb.handle, createLogger('silent'));
  const app = createApp(deps);

  const sign: TestServer['sign'] = async (claims, options = {}) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt();
    if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? '10m');
    return jwt.sign(new TextEncoder().encode(options.secret ?? testJwtSecret));
  };
  const customer: TestServer['customer'] = async (name = 'Customer') => {
    const id = randomUUID();
    const email = `${id.slice(0, 8)}@customer.test`;
    // As if they had signed in before, so the team can refer to them.
    await testDb.handle.systemDb.insert(users).values({ id, email, name });
    return { id, email, token: await sign({ sub: id, email, name }) };
  };
  const teamMember: TestServer['teamMember'] = async (role = 'agent', name = role === 'admin' ? 'Admin' : 'Agent') => {
    const id = randomUUID();
    const email = `${id.slice(0, 8)}@team.test`;
    await testDb.handle.systemDb.insert(users).values({ id, email, name });
    await testDb.handle.systemDb.insert(teamMembers).values({ id, displayName: name, role });
    return { id, email, token: await sign({ sub: id, email, name }) };
  };
  const call: TestServer['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return { app, deps, testDb, customer, teamMember, sign, call, close: () => testDb.drop() };
}

/** Asserts the API's error shape and returns the body's error for further checks. */
export function expectErrorShape(body: unknown): { code: string; message: string; issues?: { path: string; message: string }[] } {
  const error = (body as { error?: unknown })?.error as { code?: unknown; message?: unknown; issues?: unknown } | undefined;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') {
    throw new Error(`Not the API's error shape: ${JSON.stringify(body)}`);
  }
  if (error.issues !== undefined && !Array.isArray(error.issues)) throw new Error('error.issues must be an array');
  return error as { code: string; message: string; issues?: { path: string; message: string }[] };
}
