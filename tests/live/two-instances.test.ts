/**
 * Two server processes on one PostgreSQL: a write through one reaches a socket on the other,
 * woken by the doorbell (LISTEN/NOTIFY carrying no data) and read from the shared event log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../db/schema/index.ts';
import { connectLive, isType } from '../support/live-test-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const secret = 'two-instances-secret-long-enough-for-hs256-000000';

async function startInstance(databaseUrl: string, dataDir: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['server/main.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', AUTH_JWT_SECRET: secret, LOG_LEVEL: 'warn', DATA_DIR: dataDir, DEMO_MODE: 'false', LIVE_POLL_MS: '60000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`instance did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /API:\s+(http:\/\/\S+)\/api\/v1/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}:\n${output}`)));
  });
  return { child, base };
}

describe.runIf(process.env.DATABASE_URL)('two instances on one PostgreSQL', () => {
  let testDb: TestDatabase;
  const instances: { child: ChildProcess; base: string }[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-two-'));

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    instances.push(await startInstance(testDb.databaseUrl!, dataDir), await startInstance(testDb.databaseUrl!, dataDir));
  }, 90_000);
  afterAll(async () => {
    for (const { child } of instances) child.kill('SIGTERM');
    await Promise.all(instances.map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    await testDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers a write made through instance B to a socket on instance A, promptly', async () => {
    const [a, b] = [instances[0]!, instances[1]!];
    const customerId = crypto.randomUUID();
    await testDb.handle.systemDb.insert(users).values({ id: customerId, name: 'Ana' });
    const token = await new SignJWT({ name: 'Ana' }).setProtectedHeader({ alg: 'HS256' }).setSubject(customerId).setExpirationTime('10m').sign(new TextEncoder().encode(secret));

    const socket = await connectLive(`${a.base.replace('http', 'ws')}/api/v1/live`);
    socket.send({ type: 'auth', token });
    await socket.next(isType('authenticated'));
    socket.send({ type: 'subscribe' });
    await socket.next(isType('ready'));

    const startedAt = Date.now();
    const response = await fetch(`${b.base}/api/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Through B', description: 'seen on A?' }),
    });
    expect(response.status).toBe(201);
    const ticket = (await response.json()) as { id: string };
    const events = await socket.waitForEvents(2, 5_000);
    // The fallback poll is set to a minute here, so only the doorbell can have been this quick.
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(events.map((e) => [e.kind, e.ticketId])).toEqual([
      ['ticket.created', ticket.id],
      ['message.created', ticket.id],
    ]);
    socket.close();
  });
});
