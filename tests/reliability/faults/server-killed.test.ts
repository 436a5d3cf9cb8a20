/**
 * The server process killed outright (SIGKILL) and started again on the same port while live
 * clients are connected and replies keep arriving through a second instance: each client (the
 * widget's own live client) reconnects, resumes from its last event id, and ends up having shown
 * exactly the events it may see — none missed, none twice, in order — and the server sent it no
 * event twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerTally, call, newAgent, newCustomer, postReplyUntilStored } from '../support/fault-client.ts';
import { startLiveSubscriber, type LiveSubscriber } from '../support/live-subscriber.ts';
import { startServerChild, type ServerChild } from '../support/server-child.ts';
import { clusterUnavailableReason, startThrowawayCluster, type ThrowawayCluster } from '../support/throwaway-cluster.ts';

const unavailable = clusterUnavailableReason();
if (unavailable) console.log(`faults/server-killed: skipped: ${unavailable}`);

describe.skipIf(unavailable)('the server process killed and restarted', () => {
  let cluster: ThrowawayCluster;
  let databaseUrl: string;
  let watched: ServerChild;
  let writer: ServerChild;
  let admin: postgres.Sql;
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-faults-sigkill-'));

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    databaseUrl = await cluster.createDatabase('sigkill');
    watched = await startServerChild({ databaseUrl, dataDir });
    writer = await startServerChild({ databaseUrl, dataDir });
    admin = cluster.admin('sigkill');
  }, 180_000);
  afterAll(async () => {
    await admin?.end({ timeout: 1 });
    await Promise.all([watched?.stop(), writer?.stop()]);
    await cluster?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets every live client resume with nothing missed and nothing shown twice', async () => {
    const tally = new AnswerTally();
    const customers = await Promise.all([0, 1, 2].map((n) => newCustomer(`Watcher ${n}`)));
    const agent = await newAgent(admin);
    const tickets: string[] = [];
    for (const customer of customers) {
      const opened = await call(writer.baseUrl, 'POST', '/api/v1/tickets', { token: customer.token, body: { title: 'Watching', description: 'Opening.' } });
      expect(opened.status).toBe(201);
      tickets.push(opened.body.id);
    }
    const subscribers: { who: string; userId: string | null; subscriber: LiveSubscriber }[] = [
      ...(await Promise.all(customers.map(async (customer, n) => ({ who: `customer ${n}`, userId: customer.id as string | null, subscriber: await startLiveSubscriber(watched.baseUrl, customer.token, { maxBackoffMs: 500 }) })))),
      { who: 'agent', userId: null, subscriber: await startLiveSubscriber(watched.baseUrl, agent.token, { maxBackoffMs: 500 }) },
    ];

    let posted = 0;
    const writers = customers.map(async (customer, n) => {
      for (let reply = 0; reply < 12; reply++) {
        await postReplyUntilStored(writer.baseUrl, customer.token, tickets[n]!, `reply ${reply} from watcher ${n}`, tally);
        posted += 1;
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
    });
    const writing = Promise.allSettled(writers);
    while (posted < 10) await new Promise((resolve) => setTimeout(resolve, 20));

    const killedPid = watched.child.pid;
    watched.child.kill('SIGKILL');
    const death = await watched.exited;
    expect(death.signal).toBe('SIGKILL');
    const postedWhileDown = posted;
    await new Promise((resolve) => setTimeout(resolve, 500));
    watched = await startServerChild({ databaseUrl, dataDir, port: watched.port });
    for (const outcome of await writing) if (outcome.status === 'rejected') throw outcome.reason;

    const committed = await admin<{ position: string; customer_id: string; is_internal: boolean }[]>`select position, customer_id, is_internal from public.ticket_events order by position`;
    let expectedTotal = 0;
    for (const { who, userId, subscriber } of subscribers) {
      const from = subscriber.readyPositions[0]!;
      const expected = committed.filter((row) => Number(row.position) > from && (userId === null || (row.customer_id === userId && !row.is_internal))).map((row) => Number(row.position));
      expectedTotal += expected.length;
      await subscriber.until(() => subscriber.shown.length >= expected.length, `${who} to catch up`, 20_000);
      expect(subscriber.shown.map((event) => event.id), `${who}: every event once, in order`).toEqual(expected);
      expect(new Set(subscriber.received).size, `${who}: no event sent twice`).toBe(subscriber.received.length);
      expect(subscriber.connections()).toBeGreaterThanOrEqual(2);
      subscriber.stop();
    }
    expect(tally.contractBreaks).toEqual([]);
    const reconnects = subscribers.reduce((sum, { subscriber }) => sum + subscriber.connections() - 1, 0);
    console.log(
      `faults/server-killed: injected: SIGKILL to pid ${killedPid} with ${subscribers.length} live clients connected after ${postedWhileDown} of 36 replies (through a second instance), restarted on the same port; ` +
        `${tally.total} requests (${tally.summary()}); verified: ${reconnects} reconnects, ${expectedTotal} events expected, ${subscribers.reduce((sum, { subscriber }) => sum + subscriber.shown.length, 0)} shown — none missed, none twice, none sent twice`,
    );
  }, 120_000);
});
