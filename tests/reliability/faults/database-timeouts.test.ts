/**
 * DATABASE_STATEMENT_TIMEOUT_MS and DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS bound runaway work:
 * the server (started the way `npm start` starts it, on a throwaway cluster) gives its
 * connections both settings; a reply stuck behind a lock answers 503 `unavailable` once the
 * statement timeout passes, a runaway query is cancelled, and a transaction left idle is ended
 * by PostgreSQL with its locks released. The server keeps serving after each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/query-rows.ts';
import { withClaims } from '../../../db/rls.ts';
import { loadConfig } from '../../../server/config.ts';
import { toApiError } from '../../../server/errors.ts';
import { createLogger } from '../../../server/http/logger.ts';
import { startServer, type StartedServer } from '../../../server/start-server.ts';
import { call, newCustomer } from '../support/fault-client.ts';
import { faultTestSecret } from '../support/server-child.ts';
import { clusterUnavailableReason, startThrowawayCluster, type ThrowawayCluster } from '../support/throwaway-cluster.ts';

const unavailable = clusterUnavailableReason();
if (unavailable) console.log(`faults/database-timeouts: skipped: ${unavailable}`);

const statementTimeoutMs = 600;
const idleTimeoutMs = 600;

describe.skipIf(unavailable)('statement and idle-in-transaction timeouts', () => {
  let cluster: ThrowawayCluster;
  let server: StartedServer;
  let base: string;
  let admin: postgres.Sql;
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-faults-timeouts-'));

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    const databaseUrl = await cluster.createDatabase('timeouts');
    const config = loadConfig({
      DATABASE_URL: databaseUrl,
      PORT: '0',
      DATA_DIR: dataDir,
      AUTH_JWT_SECRET: faultTestSecret,
      LOG_LEVEL: 'silent',
      DEMO_MODE: 'false',
      DATABASE_STATEMENT_TIMEOUT_MS: String(statementTimeoutMs),
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: String(idleTimeoutMs),
    });
    server = await startServer(config, createLogger('silent'));
    base = `http://127.0.0.1:${server.running.port}`;
    admin = cluster.admin('timeouts');
  }, 120_000);
  afterAll(async () => {
    await admin?.end({ timeout: 1 });
    await server?.stop();
    await cluster?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives every connection both timeouts from the configuration', async () => {
    const settings = await withClaims(server.deps.database.systemDb, null, (tx) => queryRows(tx, sql`select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle`));
    expect(settings[0]).toEqual({ statement: `${statementTimeoutMs}ms`, idle: `${idleTimeoutMs}ms` });
  });

  it('answers 503 for a reply stuck behind a lock once the statement timeout passes, and stores nothing', async () => {
    const customer = await newCustomer();
    const opened = await call(base, 'POST', '/api/v1/tickets', { token: customer.token, body: { title: 'Locked', description: 'Opening.' } });
    expect(opened.status).toBe(201);
    const blockerPool = cluster.admin('timeouts');
    const blocker = await blockerPool.reserve();
    await blocker`begin`;
    await blocker`select id from public.tickets where id = ${opened.body.id} for update`;
    const startedAt = Date.now();
    const answer = await call(base, 'POST', `/api/v1/tickets/${opened.body.id}/messages`, { token: customer.token, body: { message: 'Stuck behind a lock' } });
    const tookMs = Date.now() - startedAt;
    const stillWaiting = await admin`select 1 from pg_stat_activity where application_name = 'ticket-widget' and wait_event_type = 'Lock'`;
    await blocker`rollback`;
    blocker.release();
    await blockerPool.end();

    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('unavailable');
    expect(answer.headers.get('retry-after')).toBeTruthy();
    expect(stillWaiting).toHaveLength(0);
    expect(await admin`select 1 from public.ticket_messages where message = 'Stuck behind a lock'`).toHaveLength(0);
    expect((await call(base, 'POST', `/api/v1/tickets/${opened.body.id}/messages`, { token: customer.token, body: { message: 'Now it goes' } })).status).toBe(201);
    console.log(`faults/database-timeouts (statement): injected: a row lock held for the whole request; verified: 503 unavailable after ${tookMs} ms (statement_timeout ${statementTimeoutMs} ms), nothing stored, nothing left waiting, the next reply stored`);
  });

  it('cancels a runaway query as 503 unavailable', async () => {
    const startedAt = Date.now();
    const failure = await withClaims(server.deps.database.systemDb, null, (tx) => tx.execute(sql`select pg_sleep(30)`)).catch((error: unknown) => error);
    const tookMs = Date.now() - startedAt;
    expect(toApiError(failure).code).toBe('unavailable');
    expect(tookMs).toBeLessThan(20_000);
    console.log(`faults/database-timeouts (runaway): injected: pg_sleep(30) in a request's transaction; verified: cancelled after ${tookMs} ms, mapped to 503 unavailable`);
  });

  it('ends a transaction left idle, releasing its locks, and the pool keeps serving', async () => {
    const customer = await newCustomer();
    const opened = await call(base, 'POST', '/api/v1/tickets', { token: customer.token, body: { title: 'Idle', description: 'Opening.' } });
    const ticketId = opened.body.id as string;
    const startedAt = Date.now();
    const failure = await withClaims(server.deps.database.systemDb, null, async (tx) => {
      await tx.execute(sql`select id from public.tickets where id = ${ticketId} for update`);
      await new Promise((resolve) => setTimeout(resolve, idleTimeoutMs * 3)); // stuck elsewhere, holding the row
      await tx.execute(sql`select 1`);
    }).catch((error: unknown) => error);
    const tookMs = Date.now() - startedAt;
    expect(failure).toBeInstanceOf(Error);
    expect(toApiError(failure).code).toBe('unavailable');
    // The row is free again: nobody holds it.
    const [free] = await admin<{ id: string }[]>`select id from public.tickets where id = ${ticketId} for update nowait`;
    expect(free?.id).toBe(ticketId);
    const after = await call(base, 'GET', `/api/v1/tickets/${ticketId}/messages`, { token: customer.token });
    expect(after.status).toBe(200);
    console.log(`faults/database-timeouts (idle): injected: a transaction holding a row lock left idle ${idleTimeoutMs * 3} ms; verified: ended by idle_in_transaction_session_timeout (${idleTimeoutMs} ms), failed as 503 unavailable after ${tookMs} ms, the lock released, the next request served`);
  });
});
