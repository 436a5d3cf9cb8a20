/**
 * SIGTERM to `node server/main.ts` in the middle of a slow upload, with a live client connected:
 * the server stops accepting connections at once, lets the upload finish (201, the file stored),
 * closes the live socket with 1001 "going away" (the client reconnects elsewhere and resumes),
 * and exits 0.
 */
import { request } from 'node:http';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../../server/live/close-codes.ts';
import { call, newCustomer } from '../support/fault-client.ts';
import { startLiveSubscriber } from '../support/live-subscriber.ts';
import type { ServerChild } from '../support/server-child.ts';
import { startFaultRig } from '../support/fault-rig.ts';
import { clusterUnavailableReason, type ThrowawayCluster } from '../support/throwaway-cluster.ts';

const unavailable = clusterUnavailableReason();
if (unavailable) console.log(`faults/graceful-shutdown: skipped: ${unavailable}`);

/** A multipart reply whose file arrives in `chunks` pieces, `gapMs` apart; resolves with the answer. */
function slowUpload(baseUrl: string, token: string, ticketId: string, options: { chunks: number; gapMs: number; onStarted: () => void }): Promise<{ status: number; body: any }> {
  const boundary = `----faults${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\nLog attached while the server shut down\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="slow.txt"\r\nContent-Type: text/plain\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const piece = Buffer.from(`${'line of a slow log file\n'.repeat(400)}`);
  return new Promise((resolve, reject) => {
    const upload = request(`${baseUrl}/api/v1/tickets/${ticketId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + piece.length * options.chunks + tail.length },
    });
    upload.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    upload.on('error', reject);
    let sent = 0;
    const next = () => {
      upload.write(piece);
      sent += 1;
      // The server has the request by now: it is in flight.
      if (sent === 2) options.onStarted();
      if (sent < options.chunks) setTimeout(next, options.gapMs);
      else upload.end(tail);
    };
    upload.on('socket', (socket) =>
      socket.once('connect', () => {
        upload.write(head);
        next();
      }),
    );
  });
}

describe.skipIf(unavailable)('graceful shutdown on SIGTERM', () => {
  let cluster: ThrowawayCluster;
  let server: ServerChild;
  let admin: postgres.Sql;
  let closeRig: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ cluster, server, admin, close: closeRig } = await startFaultRig('sigterm'));
  }, 180_000);
  afterAll(() => closeRig?.());

  it('stops accepting, finishes the upload in flight, closes live sockets with 1001, and exits 0', async () => {
    const customer = await newCustomer();
    const opened = await call(server.baseUrl, 'POST', '/api/v1/tickets', { token: customer.token, body: { title: 'Shutting down', description: 'Opening.' } });
    expect(opened.status).toBe(201);
    const live = await startLiveSubscriber(server.baseUrl, customer.token);

    let started!: () => void;
    const uploadStarted = new Promise<void>((resolve) => (started = resolve));
    const upload = slowUpload(server.baseUrl, customer.token, opened.body.id, { chunks: 12, gapMs: 150, onStarted: started });
    await uploadStarted;
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await live.until(() => live.closeCodes.length > 0, 'the live socket to be closed');
    // Not accepting any more (the upload's connection is still open).
    let refused = false;
    for (let attempt = 0; attempt < 40 && !refused; attempt++) {
      refused = (await call(server.baseUrl, 'GET', '/healthz')).status === 0;
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const answer = await upload;
    const finishedAfterMs = Date.now() - signalledAt;
    const { code, signal } = await server.exited;
    live.stop();

    expect(live.closeCodes[0]).toBe(CloseCode.GoingAway);
    expect(refused).toBe(true);
    expect(answer.status).toBe(201);
    expect(answer.body.attachments.map((file: { name: string }) => file.name)).toEqual(['slow.txt']);
    expect(await admin`select 1 from public.ticket_messages where message = 'Log attached while the server shut down'`).toHaveLength(1);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    console.log(
      `faults/graceful-shutdown: injected: SIGTERM during a 12-chunk upload with a live client connected; verified: new connections refused, live socket closed with ${live.closeCodes[0]}, ` +
        `the upload finished ${finishedAfterMs} ms after the signal (201, file stored), exit code ${code}`,
    );
  }, 60_000);
});
