/**
 * Readers in the storm: backends caught inside a transaction terminated (`pg_terminate_backend`),
 * one every 50–150 ms (tests/reliability/support/backend-storm.ts), while customers list their
 * tickets, open one and read its thread through a running server (`node server/main.ts`), reads
 * that go through readWithClaims' pipelined read-only transaction on a reserved connection. Every
 * request answers within a bound — 200, or 503 `unavailable` in the error shape — none hangs, and
 * the pool serves reads again afterwards.
 */
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerTally, call, eventually, newCustomer, type Answer, type FaultUser } from '../support/fault-client.ts';
import type { ServerChild } from '../support/server-child.ts';
import { startBackendStorm } from '../support/backend-storm.ts';
import { startFaultRig } from '../support/fault-rig.ts';
import { clusterUnavailableReason, type ThrowawayCluster } from '../support/throwaway-cluster.ts';
import { idleInTransaction } from '../support/write-audit.ts';

const unavailable = clusterUnavailableReason();
if (unavailable) console.log(`faults/terminated-readers: skipped: ${unavailable}`);

/** A read that has not answered by then is counted as hung (a healthy one takes milliseconds; a reconnect about a second). */
const answerBoundMs = 8_000;
/** Each reader reads at least this often, and on (up to maxReadsPerReader) until the storm has made minKills kills. */
const readsPerReader = 45;
const maxReadsPerReader = 1_000;
const minKills = 25;
const maxKills = 60;

describe.skipIf(unavailable)('backends terminated under readers', () => {
  let cluster: ThrowawayCluster;
  let server: ServerChild;
  let admin: postgres.Sql;
  let closeRig: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ cluster, server, admin, close: closeRig } = await startFaultRig('readers', { DATABASE_POOL_SIZE: '4' }));
  }, 180_000);
  afterAll(() => closeRig?.());

  /** Sets up a customer's ticket with a short thread before the storm. */
  async function customerWithThread(n: number): Promise<{ customer: FaultUser; ticketId: string }> {
    const customer = await newCustomer(`Reader ${n}`);
    const opened = await call(server.baseUrl, 'POST', '/api/v1/tickets', { token: customer.token, body: { title: `Read storm ${n}`, description: 'Opening.' }, headers: { 'idempotency-key': randomUUID() } });
    expect(opened.status).toBe(201);
    const ticketId = opened.body.id as string;
    for (const message of ['First follow-up', 'Second follow-up']) {
      const posted = await call(server.baseUrl, 'POST', `/api/v1/tickets/${ticketId}/messages`, { token: customer.token, body: { message }, headers: { 'idempotency-key': randomUUID() } });
      expect(posted.status).toBe(201);
    }
    return { customer, ticketId };
  }

  /** The answer, or 'hung' when none came within the bound. */
  async function boundedCall(path: string, token: string): Promise<Answer | 'hung'> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), answerBoundMs)));
    try {
      return await Promise.race([call(server.baseUrl, 'GET', path, { token }), bound]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('answers every list, ticket and thread read with 200 or 503 while reading backends are terminated', async () => {
    const readers = await Promise.all([0, 1, 2].map(customerWithThread));
    const tally = new AnswerTally();
    const hung: string[] = [];
    const wrongReads: string[] = [];
    let reads = 0;
    const storm = startBackendStorm(admin, { maxKills, restMs: [50, 150] });
    const started = Date.now();
    const loops = readers.map(async ({ customer, ticketId }, n) => {
      const paths = ['/api/v1/tickets', `/api/v1/tickets/${ticketId}`, `/api/v1/tickets/${ticketId}/messages`];
      for (let read = 0; read < maxReadsPerReader && (read < readsPerReader || storm.kills < minKills); read++) {
        reads += 1;
        const path = paths[read % paths.length]!;
        const answer = await boundedCall(path, customer.token);
        if (answer === 'hung') {
          hung.push(`reader ${n} read ${read}: GET ${path}`);
          continue;
        }
        tally.record(`reader ${n}: GET ${path}`, answer);
        if (answer.status !== 200 && answer.status !== 503) wrongReads.push(`reader ${n}: GET ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
        if (answer.status === 200 && path.endsWith('/messages') && JSON.stringify(answer.body).includes('Second follow-up') === false) wrongReads.push(`reader ${n}: thread without its messages`);
      }
    });
    await Promise.all(loops);
    await storm.stop();
    const kills = storm.kills;
    const stormSeconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `faults/terminated-readers: injected: ${kills} backends terminated inside transactions in ${stormSeconds} s while 3 readers read on a pool of 4; ` +
        `${tally.total + hung.length} reads (${tally.summary()}${hung.length ? `, ${hung.length} hung` : ''}); each answered within ${answerBoundMs / 1000} s or counted hung, 200 or 503 in the error shape expected`,
    );

    expect(hung, 'reads that never answered').toEqual([]);
    expect(wrongReads).toEqual([]);
    expect(tally.contractBreaks).toEqual([]);
    expect(kills).toBeGreaterThan(0);
    expect(tally.total).toBe(reads);
    // The pool heals: every reader reads again, and no connection is left inside a transaction.
    for (const { customer, ticketId } of readers) {
      await eventually(async () => (await call(server.baseUrl, 'GET', `/api/v1/tickets/${ticketId}/messages`, { token: customer.token })).status === 200, 'a read to succeed after the storm', 10_000);
    }
    await eventually(async () => (await idleInTransaction(admin)) === 0, 'no server connection left inside a transaction', 5_000);
    expect(server.child.exitCode).toBe(null);
  }, 120_000);
});
