/**
 * Connections killed with `pg_terminate_backend` inside open transactions of a running server
 * (`node server/main.ts`): the request answers 503 `unavailable`, its transaction leaves nothing
 * behind, no statement of it runs later outside its transaction or without its claims (a
 * trigger on the throwaway database witnesses the role and claims of every message written),
 * the pool heals, and a retry with the same Idempotency-Key stores the reply exactly once.
 */
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerTally, call, eventually, newCustomer, postReplyUntilStored, type FaultUser } from '../support/fault-client.ts';
import type { ServerChild } from '../support/server-child.ts';
import { startBackendStorm } from '../support/backend-storm.ts';
import { startFaultRig } from '../support/fault-rig.ts';
import { clusterUnavailableReason, type ThrowawayCluster } from '../support/throwaway-cluster.ts';
import { idleInTransaction, installWriteAudit, witnessedWrites, writesOutsideTheirClaims } from '../support/write-audit.ts';

const unavailable = clusterUnavailableReason();
if (unavailable) console.log(`faults/terminated-backends: skipped: ${unavailable}`);

describe.skipIf(unavailable)('backends terminated inside open transactions', () => {
  let cluster: ThrowawayCluster;
  let server: ServerChild;
  let admin: postgres.Sql;
  let closeRig: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ cluster, server, admin, close: closeRig } = await startFaultRig('terminated', { DATABASE_POOL_SIZE: '4' }));
    await installWriteAudit(admin);
  }, 180_000);
  afterAll(() => closeRig?.());

  /** Opens a ticket as a client would: once more after a 503 (the first query on a reconnected connection may fail, see the closing note of lost-transaction.test.ts). */
  async function openTicket(customer: FaultUser, title: string): Promise<string> {
    const key = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const opened = await call(server.baseUrl, 'POST', '/api/v1/tickets', { token: customer.token, body: { title, description: 'Opening.' }, headers: { 'idempotency-key': key } });
      if (opened.status === 503 && attempt < 3) continue;
      expect(opened.status).toBe(201);
      return opened.body.id as string;
    }
  }

  it('answers 503 for a reply whose backend is terminated mid-transaction, keeps nothing of it, and stores it once on retry', async () => {
    const customer = await newCustomer('Bo');
    const ticketId = await openTicket(customer, 'Killed mid-write');
    const key = randomUUID();
    const message = 'I was in flight when my backend died';

    // Hold the ticket's row so the reply's transaction (identity set, key claimed) waits inside.
    const blockerPool = cluster.admin('terminated');
    const blocker = await blockerPool.reserve();
    await blocker`begin`;
    await blocker`select id from public.tickets where id = ${ticketId} for update`;
    const reply = call(server.baseUrl, 'POST', `/api/v1/tickets/${ticketId}/messages`, { token: customer.token, body: { message }, headers: { 'idempotency-key': key } });
    let waiting: { pid: number; query: string }[] = [];
    await eventually(async () => {
      waiting = await admin<{ pid: number; query: string }[]>`
        select pid, query from pg_stat_activity where application_name = 'ticket-widget' and wait_event_type = 'Lock' and xact_start is not null`;
      return waiting.length === 1;
    }, 'the reply to wait on the lock inside its transaction');
    const [terminated] = await admin<{ done: boolean }[]>`select pg_terminate_backend(${waiting[0]!.pid}) as done`;
    expect(terminated!.done).toBe(true);
    const answer = await reply;
    await blocker`rollback`;
    blocker.release();
    await blockerPool.end();

    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('unavailable');
    expect(answer.headers.get('retry-after')).toBeTruthy();
    // Nothing of it: no message, no claimed key, no witness; and no connection left inside a transaction.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await admin`select 1 from public.ticket_messages where message = ${message}`).toHaveLength(0);
    expect(await admin`select 1 from public.idempotency_keys where key = ${key}`).toHaveLength(0);
    expect(await idleInTransaction(admin)).toBe(0);

    const retried = await call(server.baseUrl, 'POST', `/api/v1/tickets/${ticketId}/messages`, { token: customer.token, body: { message }, headers: { 'idempotency-key': key } });
    expect(retried.status).toBe(201);
    const stored = await admin<{ id: string }[]>`select id from public.ticket_messages where message = ${message}`;
    expect(stored).toHaveLength(1);
    const witnessed = (await witnessedWrites(admin)).filter((write) => write.messageId === stored[0]!.id);
    expect(witnessed).toEqual([expect.objectContaining({ actingRole: 'authenticated', claimsSub: customer.id, senderId: customer.id })]);
    console.log(
      `faults/terminated-backends (one): injected: pg_terminate_backend(${waiting[0]!.pid}) while it waited inside the reply's transaction ("${waiting[0]!.query.slice(0, 60)}…"); ` +
        `verified: 503 unavailable with Retry-After, no row, no key, no open transaction left; the retry with the same key stored it once, as the customer`,
    );
  }, 60_000);

  it('keeps every reply exactly once, each written as its sender, while backends are terminated at random', async () => {
    const tally = new AnswerTally();
    const customers = await Promise.all([0, 1, 2, 3, 4, 5].map((n) => newCustomer(`Writer ${n}`)));
    const tickets = await Promise.all(customers.map((customer, n) => openTicket(customer, `Storm ${n}`)));
    // A bounded storm: at most 30 kills, a few per second, so the writers can still finish.
    const storm = startBackendStorm(admin, { maxKills: 30, restMs: [40, 120] });
    const sent: string[] = [];
    const writers = customers.map(async (customer, n) => {
      for (let reply = 0; reply < 10; reply++) {
        const message = `storm writer ${n} reply ${reply}`;
        sent.push(message);
        await postReplyUntilStored(server.baseUrl, customer.token, tickets[n]!, message, tally, Date.now() + 60_000);
      }
    });
    const outcomes = await Promise.allSettled(writers);
    await storm.stop();
    const kills = storm.kills;
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;

    const rows = await admin<{ message: string; copies: string }[]>`
      select message, count(*) as copies from public.ticket_messages where message like 'storm writer %' group by message`;
    const copies = new Map(rows.map((row) => [row.message, Number(row.copies)]));
    expect(sent.filter((message) => copies.get(message) !== 1), 'replies not stored exactly once').toEqual([]);
    expect(rows).toHaveLength(sent.length);
    const writes = await witnessedWrites(admin);
    expect(writesOutsideTheirClaims(writes), 'messages written outside their transaction or claims').toEqual([]);
    await eventually(async () => (await idleInTransaction(admin)) === 0, 'no server connection left inside a transaction', 5_000);
    expect(tally.contractBreaks).toEqual([]);
    expect(kills).toBeGreaterThan(0);
    expect(server.child.exitCode).toBe(null);
    const ready = await call(server.baseUrl, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    console.log(
      `faults/terminated-backends (storm): injected: ${kills} backends terminated inside transactions while 6 writers posted; ${tally.total} requests (${tally.summary()}); ` +
        `verified: ${sent.length} replies sent, ${sent.length} stored exactly once; ${writes.length} writes witnessed, all as their sender under their own claims; no connection left in a transaction; server up, ready`,
    );
  }, 120_000);
});
