/**
 * The load process of `npm run bench:live` (forked by tests/bench/live.bench.ts with an IPC
 * channel; not meant to be run by hand): the live sockets (customers and agents, the `ws`
 * package) and the writers (POST /api/v1/tickets/:id/messages over keep-alive HTTP), in one
 * process of their own so neither shares the server's event loop. Commands arrive over IPC
 * (LoadCommand), answers go back the same way (LoadReply).
 *
 * Each post's 201 body carries the message id; each socket's `message.created` event carries it
 * in data.message.id. Both are stamped with this process's performance.now(), so a delivery's
 * latency is (event received) − (201 received): the change had committed before the answer
 * left the server. Nothing is clamped: an event that arrives before its answer counts as such.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { LatencySet, LoadCommand, LoadReply, LoadSpec, PostRunResult, SocketReceipts } from './live-shared.ts';
import { mulberry32 } from './support/random.ts';

const specPath = process.argv[2];
if (!specPath || !process.send) {
  console.error('live-load.ts is the load process of tests/bench/live.bench.ts (npm run bench:live); it is forked with a spec file and an IPC channel.');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as LoadSpec;
const base = new URL(spec.baseUrl);
const random = mulberry32(spec.seed);
const now = () => performance.now();
const reply = (message: LoadReply) => process.send!(message);

// ---------------------------------------------------------------------------------------------
// Sockets

interface LiveSocket {
  index: number;
  ws: WebSocket;
  userId: string;
  role: 'customer' | 'agent';
  readyPosition: number;
  lastPosition: number;
  positions: number[];
  closedByUs: boolean;
}

interface Arrival {
  /** Customer sockets that got the event (normally one: the ticket's customer). */
  customers: { userId: string; at: number }[];
  /** Agent sockets that got it: socket index → first arrival. */
  agents: Map<number, number>;
}

let sockets: LiveSocket[] = [];
const arrivals = new Map<string, Arrival>();
let recording = false;
const unexpectedFrames: string[] = [];
const noteUnexpected = (text: string) => {
  if (unexpectedFrames.length < 50) unexpectedFrames.push(text);
};

interface EventFields {
  id: number;
  kind: string;
  messageId: string | undefined;
}

const eventPrefix = '{"type":"event","id":';
const messageIdMarker = '"data":{"message":{"id":"';

/**
 * The three fields the accounting needs, read from the frame's first bytes without parsing the
 * whole frame: this process shares the server's two cores, and the JSON.parse of every frame at
 * every socket (eleven per post) is work a browser does on its own machine, not the server's.
 * The server writes `{"type":"event","id":…,"kind":"…",…,"data":{"message":{"id":"…"` (the
 * order of toLiveEvent, and jsonb puts the short key `id` first); anything else — other frames,
 * or an event laid out differently — is parsed in full.
 */
function peekEvent(data: WebSocket.RawData): EventFields | undefined {
  if (!Buffer.isBuffer(data)) return undefined;
  const head = data.toString('latin1', 0, Math.min(data.length, 512));
  if (!head.startsWith(eventPrefix)) return undefined;
  const idEnd = head.indexOf(',', eventPrefix.length);
  const kindStart = head.indexOf('"kind":"', idEnd) + 8;
  const kindEnd = head.indexOf('"', kindStart);
  if (idEnd < 0 || kindStart < 8 || kindEnd < 0) return undefined;
  const id = Number(head.slice(eventPrefix.length, idEnd));
  const kind = head.slice(kindStart, kindEnd);
  if (!Number.isSafeInteger(id)) return undefined;
  if (kind !== 'message.created') return { id, kind, messageId: undefined };
  const at = head.indexOf(messageIdMarker, kindEnd);
  if (at < 0 || at + messageIdMarker.length + 36 > head.length) return undefined;
  return { id, kind, messageId: head.slice(at + messageIdMarker.length, at + messageIdMarker.length + 36) };
}

function parseEvent(socket: LiveSocket, data: WebSocket.RawData): EventFields | undefined {
  const peeked = peekEvent(data);
  if (peeked) return peeked;
  const frame = JSON.parse(String(data)) as { type: string; id?: number; kind?: string; data?: { message?: { id?: string } }; message?: string; code?: string };
  if (frame.type !== 'event') {
    if (frame.type === 'error') noteUnexpected(`${socket.role} ${socket.userId}: error frame ${frame.code} ${frame.message}`);
    return undefined;
  }
  return { id: frame.id!, kind: frame.kind!, messageId: frame.data?.message?.id };
}

function onFrame(socket: LiveSocket, data: WebSocket.RawData) {
  const at = now();
  const frame = parseEvent(socket, data);
  if (!frame) return;
  const position = frame.id;
  socket.positions.push(position);
  if (position > socket.lastPosition) socket.lastPosition = position;
  if (!recording || frame.kind !== 'message.created') return;
  const messageId = frame.messageId;
  if (!messageId) return;
  let arrival = arrivals.get(messageId);
  if (!arrival) {
    arrival = { customers: [], agents: new Map() };
    arrivals.set(messageId, arrival);
  }
  if (socket.role === 'customer') arrival.customers.push({ userId: socket.userId, at });
  else if (!arrival.agents.has(socket.index)) arrival.agents.set(socket.index, at);
}

function openSocket(index: number, userId: string, role: 'customer' | 'agent', token: string): Promise<LiveSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(spec.liveUrl, { perMessageDeflate: false });
    const socket: LiveSocket = { index, ws, userId, role, readyPosition: -1, lastPosition: -1, positions: [], closedByUs: false };
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${role} ${userId}: not ready within 60 s`));
    }, 60_000);
    let stage: 'auth' | 'subscribe' | 'live' = 'auth';
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
    ws.on('message', (data) => {
      if (stage === 'live') return onFrame(socket, data);
      const frame = JSON.parse(String(data)) as { type: string; position?: number; message?: string };
      if (stage === 'auth' && frame.type === 'authenticated') {
        stage = 'subscribe';
        ws.send(JSON.stringify({ type: 'subscribe' }));
      } else if (stage === 'subscribe' && frame.type === 'ready') {
        stage = 'live';
        socket.readyPosition = frame.position!;
        socket.lastPosition = frame.position!;
        clearTimeout(timer);
        resolve(socket);
      } else if (frame.type === 'event' && stage === 'subscribe') {
        // Subscribed "from now": no event can come before ready.
        noteUnexpected(`${role} ${userId}: event before ready`);
      } else if (frame.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`${role} ${userId}: ${frame.message}`));
      }
    });
    ws.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      if (!socket.closedByUs) {
        noteUnexpected(`${role} ${userId}: closed by the server (${code} ${String(reason)})`);
        reject(new Error(`${role} ${userId}: closed (${code} ${String(reason)})`));
      }
    });
  });
}

async function connectAll(concurrency: number): Promise<LoadReply> {
  const started = now();
  const plan: { userId: string; role: 'customer' | 'agent'; token: string }[] = [
    ...spec.customers.map((c) => ({ userId: c.id, role: 'customer' as const, token: c.token })),
    ...spec.agents.map((a) => ({ userId: a.id, role: 'agent' as const, token: a.token })),
  ];
  const opened: LiveSocket[] = new Array(plan.length);
  const failures: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < plan.length) {
        const i = next++;
        const p = plan[i]!;
        try {
          opened[i] = await openSocket(i, p.userId, p.role, p.token);
        } catch (error) {
          failures.push(String(error instanceof Error ? error.message : error));
        }
      }
    }),
  );
  sockets = opened.filter(Boolean);
  unexpectedFrames.length = 0;
  const ready = sockets.map((s) => s.readyPosition);
  return {
    type: 'connected',
    sockets: sockets.length,
    customers: sockets.filter((s) => s.role === 'customer').length,
    agents: sockets.filter((s) => s.role === 'agent').length,
    ms: now() - started,
    readyPositions: { min: Math.min(...ready), max: Math.max(...ready) },
    failures: failures.slice(0, 10),
  };
}

async function disconnectAll(): Promise<LoadReply> {
  const closing = sockets.map(
    (s) =>
      new Promise<void>((resolve) => {
        s.closedByUs = true;
        if (s.ws.readyState === WebSocket.CLOSED) return resolve();
        const timer = setTimeout(() => {
          s.ws.terminate();
          resolve();
        }, 5000);
        s.ws.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        s.ws.close(1000, 'bench phase over');
      }),
  );
  await Promise.all(closing);
  const closed = sockets.length;
  sockets = [];
  return { type: 'disconnected', closed };
}

async function collect(untilPosition: number, timeoutMs: number, settleMs: number): Promise<LoadReply> {
  const started = now();
  const agents = sockets.filter((s) => s.role === 'agent');
  let reachedAll = false;
  while (now() - started < timeoutMs) {
    if (agents.every((s) => s.lastPosition >= untilPosition)) {
      reachedAll = true;
      break;
    }
    await sleep(5);
  }
  const waitedMs = now() - started;
  await sleep(settleMs);
  const receipts: SocketReceipts[] = sockets.map((s) => ({ userId: s.userId, role: s.role, readyPosition: s.readyPosition, positions: s.positions }));
  for (const s of sockets) {
    s.positions = [];
    s.readyPosition = untilPosition;
  }
  const frames = [...unexpectedFrames];
  unexpectedFrames.length = 0;
  return { type: 'collected', sockets: receipts, reachedAll, waitedMs, unexpectedFrames: frames };
}

// ---------------------------------------------------------------------------------------------
// Writers

interface Post {
  customerId: string;
  sentAt: number;
  respondedAt: number;
  status: number;
  messageId: string | undefined;
  measured: boolean;
}

let postCounter = 0;

function choosePost(): { ticketId: string; customerId: string; token: string } {
  const customer = spec.customers[Math.floor(random() * spec.customers.length)]!;
  const ticketId = customer.tickets[Math.floor(random() * customer.tickets.length)]!;
  if (random() < spec.agentPostShare) {
    const agent = spec.agents[Math.floor(random() * spec.agents.length)]!;
    return { ticketId, customerId: customer.id, token: agent.token };
  }
  return { ticketId, customerId: customer.id, token: customer.token };
}

function post(agent: http.Agent, errors: { count: number; examples: string[] }): Promise<Post> {
  const { ticketId, customerId, token } = choosePost();
  const n = ++postCounter;
  const body = JSON.stringify({ message: `Any news on this? Still seeing it here (bench reply ${n}).` });
  const record: Post = { customerId, sentAt: now(), respondedAt: Number.NaN, status: 0, messageId: undefined, measured: false };
  return new Promise((resolve) => {
    const request = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path: `/api/v1/tickets/${ticketId}/messages`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          record.respondedAt = now();
          record.status = response.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (record.status === 201) {
            try {
              record.messageId = (JSON.parse(text) as { id?: string }).id;
            } catch {
              // counted below as an error
            }
            if (!record.messageId) {
              errors.count++;
              if (errors.examples.length < 5) errors.examples.push(`201 without a message id: ${text.slice(0, 200)}`);
            }
          } else if (errors.examples.length < 5) {
            errors.examples.push(`${record.status}: ${text.slice(0, 200)}`);
          }
          resolve(record);
        });
        response.on('error', (error) => {
          errors.count++;
          if (errors.examples.length < 5) errors.examples.push(String(error));
          record.respondedAt = now();
          resolve(record);
        });
      },
    );
    request.on('error', (error) => {
      errors.count++;
      if (errors.examples.length < 5) errors.examples.push(String(error));
      record.respondedAt = now();
      resolve(record);
    });
    request.end(body);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until every 201'd post's event reached its customer socket and every agent socket (or the timeout). */
async function drain(posts: Post[], timeoutMs: number): Promise<number> {
  const lastAnswer = Math.max(...posts.map((p) => p.respondedAt).filter(Number.isFinite));
  const customerSockets = new Set(sockets.filter((s) => s.role === 'customer').map((s) => s.userId));
  const agentCount = sockets.filter((s) => s.role === 'agent').length;
  let pending = posts.filter((p) => p.status === 201 && p.messageId);
  const started = now();
  while (pending.length > 0 && now() - started < timeoutMs) {
    pending = pending.filter((p) => {
      const arrival = arrivals.get(p.messageId!);
      if (!arrival) return true;
      const customerDone = !customerSockets.has(p.customerId) || arrival.customers.some((c) => c.userId === p.customerId);
      return !(customerDone && arrival.agents.size >= agentCount);
    });
    if (pending.length > 0) await sleep(2);
  }
  return Math.max(0, now() - lastAnswer);
}

function summarizeRun(posts: Post[], seconds: number, errors: { count: number; examples: string[] }, extra: Pick<PostRunResult, 'lateSends' | 'maxSendLagMs' | 'skippedSends' | 'drainMs' | 'loopDelay'>): PostRunResult {
  const statusCounts: Record<string, number> = {};
  for (const p of posts) statusCounts[String(p.status)] = (statusCounts[String(p.status)] ?? 0) + 1;
  const measured = posts.filter((p) => p.measured && p.status === 201 && p.messageId);
  const customer: LatencySet = { fromResponse: [], fromRequest: [] };
  const agent: LatencySet = { fromResponse: [], fromRequest: [] };
  let customerBeforeResponse = 0;
  let agentBeforeResponse = 0;
  let customerNotReceived = 0;
  let agentNotReceived = 0;
  const customerSockets = new Set(sockets.filter((s) => s.role === 'customer').map((s) => s.userId));
  const agentCount = sockets.filter((s) => s.role === 'agent').length;
  if (sockets.length > 0) {
    for (const p of measured) {
      const arrival = arrivals.get(p.messageId!);
      const mine = arrival?.customers.find((c) => c.userId === p.customerId);
      if (customerSockets.has(p.customerId)) {
        if (mine) {
          customer.fromResponse.push(mine.at - p.respondedAt);
          customer.fromRequest.push(mine.at - p.sentAt);
          if (mine.at < p.respondedAt) customerBeforeResponse++;
        } else customerNotReceived++;
      }
      const agentArrivals = arrival ? [...arrival.agents.values()] : [];
      agentNotReceived += agentCount - agentArrivals.length;
      for (const at of agentArrivals) {
        agent.fromResponse.push(at - p.respondedAt);
        agent.fromRequest.push(at - p.sentAt);
        if (at < p.respondedAt) agentBeforeResponse++;
      }
    }
  }
  const created = measured.length;
  return {
    seconds,
    statusCounts,
    errors: errors.count,
    errorExamples: errors.examples,
    created,
    createdTotal: posts.filter((p) => p.status === 201).length,
    requestLatency: measured.map((p) => p.respondedAt - p.sentAt),
    customer,
    agent,
    customerBeforeResponse,
    agentBeforeResponse,
    customerNotReceived,
    agentNotReceived,
    messageIds: posts.filter((p) => p.messageId).map((p) => p.messageId!),
    ...extra,
  };
}

function loopMonitor() {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  return () => {
    histogram.disable();
    return { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
  };
}

async function paced(command: Extract<LoadCommand, { type: 'paced' }>): Promise<LoadReply> {
  arrivals.clear();
  recording = true;
  const agent = new http.Agent({ keepAlive: true, maxSockets: command.maxInFlight });
  const errors = { count: 0, examples: [] as string[] };
  const posts: Promise<Post>[] = [];
  const interval = 1000 / command.rate;
  const total = Math.round(command.rate * (command.warmupSeconds + command.seconds));
  const warmupCount = Math.round(command.rate * command.warmupSeconds);
  let inFlight = 0;
  let lateSends = 0;
  let maxSendLagMs = 0;
  let skippedSends = 0;
  const stopLoop = loopMonitor();
  const t0 = now();
  let measureStart = Number.NaN;
  let i = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const t = now();
      while (i < total && t0 + i * interval <= t) {
        const lag = t - (t0 + i * interval);
        if (i === warmupCount) measureStart = t0 + i * interval;
        if (lag > 10) lateSends++;
        if (lag > maxSendLagMs) maxSendLagMs = lag;
        const measured = i >= warmupCount;
        i++;
        if (inFlight >= command.maxInFlight) {
          skippedSends++;
          continue;
        }
        inFlight++;
        posts.push(
          post(agent, errors).then((p) => {
            inFlight--;
            p.measured = measured;
            return p;
          }),
        );
      }
      if (i >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(2, t0 + i * interval - now())));
    };
    tick();
  });
  const measureEnd = t0 + total * interval;
  const done = await Promise.all(posts);
  const drainMs = await drain(done, command.drainTimeoutMs);
  recording = false;
  const loopDelay = stopLoop();
  agent.destroy();
  return { type: 'posted', result: summarizeRun(done, (measureEnd - measureStart) / 1000, errors, { lateSends, maxSendLagMs, skippedSends, drainMs, loopDelay }) };
}

async function closedLoop(command: Extract<LoadCommand, { type: 'closed-loop' }>): Promise<LoadReply> {
  arrivals.clear();
  recording = sockets.length > 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: command.concurrency });
  const errors = { count: 0, examples: [] as string[] };
  const done: Post[] = [];
  const stopLoop = loopMonitor();
  const t0 = now();
  const measureStart = t0 + command.warmupSeconds * 1000;
  const measureEnd = measureStart + command.seconds * 1000;
  await Promise.all(
    Array.from({ length: command.concurrency }, async () => {
      while (now() < measureEnd) {
        const p = await post(agent, errors);
        // Counted when its answer arrived inside the measured window (and it was sent after the warm-up began to end).
        p.measured = p.respondedAt >= measureStart && p.respondedAt <= measureEnd;
        done.push(p);
      }
    }),
  );
  const drainMs = sockets.length > 0 ? await drain(done, command.drainTimeoutMs) : 0;
  recording = false;
  const loopDelay = stopLoop();
  agent.destroy();
  return { type: 'posted', result: summarizeRun(done, command.seconds, errors, { lateSends: 0, maxSendLagMs: 0, skippedSends: 0, drainMs, loopDelay }) };
}

// ---------------------------------------------------------------------------------------------

process.on('message', (message: LoadCommand) => {
  void (async () => {
    try {
      switch (message.type) {
        case 'connect':
          return reply(await connectAll(message.concurrency));
        case 'disconnect':
          return reply(await disconnectAll());
        case 'paced':
          return reply(await paced(message));
        case 'closed-loop':
          return reply(await closedLoop(message));
        case 'collect':
          return reply(await collect(message.untilPosition, message.timeoutMs, message.settleMs));
        case 'exit':
          await disconnectAll();
          process.disconnect?.();
          process.exit(0);
      }
    } catch (error) {
      reply({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'hello' });
