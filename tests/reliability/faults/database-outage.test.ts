/**
 * The database goes away under a running server (`node server/main.ts`) while clients are
 * connected and replies are in flight — once stopped cleanly, once killed outright — and comes
 * back. The server stays up, answers 503 `unavailable` in the error shape meanwhile (readiness
 * too), recovers without a restart, and its live listener re-subscribes: every event committed
 * around the outage reaches each live subscriber exactly once, in order, and every reply the
 * writers sent is stored exactly once.
 */
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerTally, call, eventually, newAgent, newCustomer, postReplyUntilStored } from '../support/fault-client.ts';
import { startLiveSubscriber } from '../support/live-subscriber.ts';
import type { ServerChild } from '../support/server-child.ts';
import { startFaultRig } from '../support/fault-rig.ts';
import { clusterUnavailableReason, type ThrowawayCluster } from '../support/throwaway-cluster.ts';

const unavailable = clusterUnavailableReason();
if (unavailable) console.log(`faults/database-outage: skipped: ${unavailable}`);

describe.skipIf(unavailable)('the database goes away and comes back', () => {
  let cluster: ThrowawayCluster;
  let server: ServerChild;
  let admin: postgres.Sql;
  let closeRig: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    // The fallback poll is a minute away: only the doorbell (the listener, re-subscribed) or the server's own writes can deliver in time.
    ({ cluster, server, admin, close: closeRig } = await startFaultRig('outage', { LIVE_POLL_MS: '60000', DATABASE_POOL_SIZE: '4' }));
  }, 180_000);
  afterAll(() => closeRig?.());

  for (const fault of ['stopped', 'killed'] as const) {
    it(`answers 503 while the database is ${fault}, recovers without a restart, and every event reaches every subscriber exactly once`, async () => {
      const tally = new AnswerTally();
      const customer = await newCustomer('Ana');
      const agent = await newAgent(admin);
      const opened = await call(server.baseUrl, 'POST', '/api/v1/tickets', { token: customer.token, body: { title: `Outage (${fault})`, description: 'Before.' } });
      expect(opened.status).toBe(201);
      const ticketId = opened.body.id as string;
      const subscribers = { customer: await startLiveSubscriber(server.baseUrl, customer.token), agent: await startLiveSubscriber(server.baseUrl, agent.token) };
      // Both see everything after the older of their starting points (the stream from "now").
      const startedAfter = Math.min(subscribers.customer.readyPositions[0]!, subscribers.agent.readyPositions[0]!);

      // Four writers, each posting replies one after another, the way outboxes would.
      let writing = true;
      const sent: string[][] = [[], [], [], []];
      let stored = 0;
      let retriedAfterOutage = 0;
      const writers = sent.map(async (mine, writer) => {
        for (let n = 0; writing || n < 8; n++) {
          const message = `writer ${writer} reply ${n}`;
          mine.push(message);
          const { attempts } = await postReplyUntilStored(server.baseUrl, customer.token, ticketId, message, tally);
          if (attempts > 1) retriedAfterOutage += 1;
          stored += 1;
        }
      });
      // A failing writer fails the test where it is awaited, not as an unhandled rejection meanwhile.
      const writing$ = Promise.allSettled(writers);
      await eventually(() => stored >= 12, '12 replies stored before the fault');

      // The fault, with requests in flight.
      const pid = server.child.pid;
      if (fault === 'stopped') await cluster.stop();
      else await cluster.kill();
      const storedBefore = stored;
      const readyDuring = await call(server.baseUrl, 'GET', '/readyz');
      tally.record('GET /readyz during the outage', readyDuring);
      expect(readyDuring.status).toBe(503);
      const listDuring = await call(server.baseUrl, 'GET', '/api/v1/tickets', { token: customer.token });
      tally.record('GET /tickets during the outage', listDuring);
      expect(listDuring.status).toBe(503);
      expect(listDuring.body.error.code).toBe('unavailable');
      expect((await call(server.baseUrl, 'GET', '/healthz')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const downForMs = 1000;

      await cluster.start();
      const readyPolls = await eventually(async () => (await call(server.baseUrl, 'GET', '/readyz')).status === 200, '/readyz to answer 200 again');
      await eventually(() => stored >= storedBefore + 12, '12 more replies stored after the database came back');
      writing = false;
      for (const outcome of await writing$) if (outcome.status === 'rejected') throw outcome.reason;

      // A change no request of this server made: only the re-subscribed listener can hear its doorbell.
      await admin`insert into public.ticket_messages (ticket_id, sender_id, message) values (${ticketId}, ${agent.id}, 'written past the server')`;
      await admin`select pg_notify('ticket_events', '')`;

      const committed = await admin<{ position: string; customer_id: string; is_internal: boolean }[]>`
        select position, customer_id, is_internal from public.ticket_events where position > ${startedAfter} order by position`;
      const expectedFor = {
        customer: committed.filter((row) => row.customer_id === customer.id && !row.is_internal && Number(row.position) > subscribers.customer.readyPositions[0]!).map((row) => Number(row.position)),
        agent: committed.filter((row) => Number(row.position) > subscribers.agent.readyPositions[0]!).map((row) => Number(row.position)),
      };
      for (const [who, subscriber] of Object.entries(subscribers)) {
        const expected = expectedFor[who as keyof typeof expectedFor];
        await subscriber.until(() => subscriber.shown.length >= expected.length, `${who} to get all ${expected.length} events`, 10_000);
        expect(subscriber.shown.map((event) => event.id), `${who} saw every event once, in order`).toEqual(expected);
        expect(new Set(subscriber.received).size, `${who} was sent no event twice`).toBe(subscriber.received.length);
        subscriber.stop();
      }

      const rows = await admin<{ message: string; copies: string }[]>`
        select message, count(*) as copies from public.ticket_messages where ticket_id = ${ticketId} group by message`;
      const copies = new Map(rows.map((row) => [row.message, Number(row.copies)]));
      const allSent = sent.flat();
      expect(allSent.filter((message) => copies.get(message) !== 1), 'replies not stored exactly once').toEqual([]);
      for (const mine of sent) {
        const order = await admin<{ message: string }[]>`
          select message from public.ticket_messages where ticket_id = ${ticketId} and message = any(${mine}) order by created_at, id`;
        expect(order.map((row) => row.message)).toEqual(mine);
      }

      expect(tally.contractBreaks).toEqual([]);
      expect(tally.count(503)).toBeGreaterThan(0);
      expect(server.child.exitCode).toBe(null);
      expect(server.child.pid).toBe(pid);
      console.log(
        `faults/database-outage (${fault}): injected: database ${fault} ~${downForMs} ms with 4 writers in flight and 2 live subscribers connected; ` +
          `${tally.total} requests (${tally.summary()}), ${retriedAfterOutage} replies needed a retry with the same key; /readyz 200 again after ${readyPolls} polls; ` +
          `verified: ${allSent.length} replies sent, ${allSent.length} stored exactly once in order; ${expectedFor.customer.length}+${expectedFor.agent.length} events expected, ${subscribers.customer.shown.length}+${subscribers.agent.shown.length} delivered once each (customer+agent); server pid unchanged`,
      );
    }, 90_000);
  }
});
