/**
 * Hostile input over the live endpoint (`/api/v1/live`), property-based (fast-check): scripts of
 * frames (see support/live-frames.ts) sent to a real listener. For every script: the server
 * answers only frames of its protocol, closes only with its own close codes (never 1011, "our
 * fault"), says "authenticated" only to a valid token and sends no event to a socket that is not
 * subscribed under one; nothing in the database changes; and afterwards the server still
 * answers /healthz, a well-behaved client still gets through, and no subscription is left
 * behind in the hub.
 *
 * FUZZ_SEED reproduces a run (the seed is printed), FUZZ_RUNS sets the number of scripts
 * (×2 here); SOAK=1 runs many more.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../server/http/listen.ts';
import { CloseCode } from '../../server/live/close-codes.ts';
import type { ServerFrame } from '../../server/live/protocol.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { frameScripts, isValidAuth, type FrameStep } from './support/live-frames.ts';
import { recordLive } from './support/live-recorder.ts';
import { createStateReader, snapshotDifferences, type StateReader } from './support/state-snapshot.ts';

/** Fixed, so every `npm test` tries the same scripts; a soak draws new ones. Printed either way. */
const seed = Number(process.env.FUZZ_SEED ?? (process.env.SOAK === '1' ? Date.now() % 1_000_000_000 : 20261124));
const scripts = 2 * Number(process.env.FUZZ_RUNS ?? (process.env.SOAK === '1' ? 300 : 40));

/** Close codes the server may end a fuzzed socket with: its protocol's, "going away", and ws's "too big". */
const acceptableCloses = new Set<number>([1000, 1005, 1009, CloseCode.BadRequest, CloseCode.Unauthorized, CloseCode.Forbidden, CloseCode.Timeout]);
const serverFrameTypes = new Set(['authenticated', 'ready', 'event', 'heartbeat', 'pong', 'error']);

interface ScriptOutcome {
  frames: ServerFrame[];
  closed?: { code: number; reason: string };
}

async function play(url: string, steps: FrameStep[]): Promise<ScriptOutcome> {
  const socket = new WebSocket(url);
  const outcome: ScriptOutcome = { frames: [] };
  const closed = new Promise<void>((resolve) =>
    socket.on('close', (code, reason) => {
      outcome.closed = { code, reason: String(reason) };
      resolve();
    }),
  );
  socket.on('message', (data, isBinary) => outcome.frames.push(isBinary ? ({ type: 'binary' } as never) : (JSON.parse(String(data)) as ServerFrame)));
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  for (const step of steps) {
    if (outcome.closed || socket.readyState !== WebSocket.OPEN) break;
    if (step.kind === 'pause') await new Promise((resolve) => setTimeout(resolve, step.ms));
    else socket.send(step.kind === 'text' ? step.text : step.bytes, { binary: step.kind === 'binary' });
  }
  // Let the server finish answering (authentication reads the database), then hang up.
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 150))]);
  if (!outcome.closed) {
    socket.close();
    await closed;
  }
  return outcome;
}

describe.each(enginesUnderTest)('fuzzing the live endpoint on %s', (engine) => {
  let server: TestServer;
  let running: RunningServer;
  let url: string;
  let state: StateReader;
  let tokens: { valid: string[]; invalid: string[] };
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-fuzz-ws-'));

  beforeAll(async () => {
    server = await startTestServer(engine, { DATA_DIR: dataDir, LIVE_AUTH_TIMEOUT_MS: '2000' });
    await server.deps.live.start();
    running = await listen(server.app.fetch, { port: 0, hostname: '127.0.0.1' });
    url = `ws://127.0.0.1:${running.port}/api/v1/live`;
    state = await createStateReader(server.testDb.handle.systemDb, join(dataDir, 'attachments'));
    const [customer, agent] = [await server.customer(), await server.teamMember('agent')];
    // Something to replay, so subscriptions with an `after` have events to send.
    const opened = await server.call('POST', '/api/v1/tickets', { token: customer.token, body: { title: 'Live', description: 'events to replay' } });
    expect(opened.status).toBe(201);
    tokens = {
      valid: [customer.token, agent.token],
      invalid: [
        await server.sign({ sub: customer.id }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
        await server.sign({ sub: agent.id }, { secret: 'a-different-secret-that-is-long-enough-0000000' }),
        'a.b.c',
      ],
    };
  }, 120_000);
  afterAll(async () => {
    await running?.close(1_000);
    await server?.deps.live.stop();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps to its protocol whatever frames arrive, changes nothing, and leaves nothing behind', async () => {
    const before = await state.read();
    const framesSent = { total: 0, binary: 0, text: 0 };
    const closes = new Map<number | 'open', number>();
    let cases = 0;
    const startedAt = Date.now();

    const property = fc.asyncProperty(frameScripts(tokens), async (steps) => {
      cases += 1;
      for (const step of steps) {
        if (step.kind !== 'pause') {
          framesSent.total += 1;
          framesSent[step.kind] += 1;
        }
      }
      const outcome = await play(url, steps);
      const code = outcome.closed?.code ?? 'open';
      closes.set(code, (closes.get(code) ?? 0) + 1);
      const script = steps.map((s) => s.label).join(' → ');
      if (outcome.closed && !acceptableCloses.has(outcome.closed.code)) throw new Error(`${script}: closed with ${outcome.closed.code} ${outcome.closed.reason}`);
      for (const frame of outcome.frames) {
        if (!serverFrameTypes.has(frame.type)) throw new Error(`${script}: a frame outside the protocol: ${JSON.stringify(frame).slice(0, 200)}`);
        if (frame.type === 'error' && (typeof frame.code !== 'string' || typeof frame.message !== 'string')) throw new Error(`${script}: an error frame without code and message`);
      }
      // Only a valid token, sent before anything but pings, is ever answered "authenticated".
      const authenticated = outcome.frames.filter((f) => f.type === 'authenticated');
      if (authenticated.length > 1) throw new Error(`${script}: authenticated ${authenticated.length} times`);
      const firstFrame = steps.find((s) => s.kind !== 'pause' && s.label !== 'ping');
      if (authenticated.length && !(firstFrame && isValidAuth(firstFrame, tokens.valid))) throw new Error(`${script}: authenticated without a valid auth frame first`);
      if (outcome.frames.some((f) => f.type === 'event' || f.type === 'ready') && !authenticated.length) throw new Error(`${script}: events or ready without authentication`);
    });
    const details = await fc.check(property, { numRuns: scripts, seed, endOnFailure: true });
    const failure = details.failed ? `${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)} (FUZZ_SEED=${seed} path ${details.counterexamplePath})` : undefined;

    // Nobody left subscribed, nothing changed, and the server still serves.
    const deadline = Date.now() + 2_000;
    while (server.deps.live.subscriberCount > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const leftBehind = server.deps.live.subscriberCount;
    const health = await fetch(`http://127.0.0.1:${running.port}/healthz`);
    const wellBehaved = await recordLive(url, tokens.valid[0]!, 'a well-behaved client after the fuzz');
    wellBehaved.close();
    const changed = snapshotDifferences(before, await state.read());

    console.log(
      [
        `live fuzz on ${engine}: seed ${seed} (FUZZ_SEED=${seed} repeats it), ${cases} scripts, ${framesSent.total} frames (${framesSent.text} text, ${framesSent.binary} binary) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
        `  sockets ended with: ${[...closes].map(([c, n]) => `${c}×${n}`).join(' ')}`,
        `  subscriptions left in the hub: ${leftBehind}; /healthz ${health.status}; tables changed: ${changed.length}`,
        ...(failure ? [`  ✗ ${failure}`] : []),
      ].join('\n'),
    );
    expect(failure).toBeUndefined();
    expect(health.status).toBe(200);
    expect(changed).toEqual([]);
    expect(leftBehind).toBe(0);
  }, process.env.SOAK === '1' ? 1_800_000 : 120_000);
});
