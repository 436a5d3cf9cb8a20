/**
 * The load generator of `npm run bench:api`, run as its own process (`node
 * tests/bench/api-autocannon-runner.ts <spec.json>`) so it shares an event loop with neither the
 * server nor the bench: autocannon's programmatic API, one pre-built request list per connection
 * (setRequests in setupClient, so nothing is rebuilt per request), a warm-up run that is
 * discarded, then the measured run.
 *
 * Every response's latency is recorded here as a float (autocannon's own histogram keeps whole
 * milliseconds and drops non-2xx responses), with the status of each. Some requests carry a
 * body check (declared in the spec, applied in onResponse): a fast answer with the wrong rows
 * would be worthless. It prints `PHASE measure-start` / `PHASE measure-end` on stdout around the
 * measured run (the bench samples CPU time then) and writes its result as JSON to spec.resultPath.
 *
 * A spec with an offered rate is not run by autocannon: its `overallRate` lets each connection
 * send its share of a second back to back when the second starts, so every second opens with a
 * burst of the whole rate and the latency measured is the burst's drain time. The paced run
 * (runPaced) spaces the requests evenly instead and times each from when it was due.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { latencyDistribution, type LatencyDistribution } from './support/stats.ts';

/** What a response to a checked request must look like. */
export type BodyCheck =
  | { kind: 'ticket-list'; customerId: string; items: number }
  | { kind: 'thread'; ticketId: string; items: number }
  | { kind: 'posted'; ticketId: string; senderId: string }
  | { kind: 'ok' };

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  check?: BodyCheck;
}

export interface LoadSpec {
  title: string;
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** The status every response should have (200 or 201). */
  expectStatus: number;
  /** One request list per connection; each connection loops over its own list. */
  perConnection: LoadRequest[][];
  /**
   * Offered load in requests per second over all connections, sent evenly spaced (runPaced), or
   * unset for a closed loop (each connection sends its next request as soon as its answer came).
   */
  overallRate?: number;
  resultPath: string;
  /** Where to write every measured latency (ms) as raw little-endian float64s, for merging runs. */
  latenciesPath: string;
}

export interface LoadResult {
  title: string;
  connections: number;
  seconds: number;
  responses: number;
  /** Responses with spec.expectStatus, per second of the measured run. */
  requestsPerSecond: number;
  expected: number;
  non2xx: number;
  unexpectedStatus: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  checked: number;
  badBodies: number;
  badBodyExamples: string[];
  /** Latency in ms over every response of the measured run. */
  latency: LatencyDistribution;
  loadGeneratorCpuSeconds: number;
  warmup: { responses: number; non2xx: number; errors: number };
}

interface AutocannonClient {
  setRequests(requests: unknown[]): void;
}
interface AutocannonInstance {
  on(event: 'response', listener: (client: AutocannonClient, statusCode: number, resBytes: number, responseTime: number) => void): void;
  on(event: 'done', listener: (result: AutocannonResult) => void): void;
  stop(): void;
}
interface AutocannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  start: Date | string;
  finish: Date | string;
}
type Autocannon = (opts: Record<string, unknown>, callback: (error: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

// autocannon ships no type declarations; the few members used are typed above.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function checkBody(check: BodyCheck, body: string): string | null {
  if (check.kind === 'ok') return null;
  let parsed: any;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `${check.kind}: not JSON: ${body.slice(0, 120)}`;
  }
  if (check.kind === 'ticket-list') {
    const items = parsed?.items;
    if (!Array.isArray(items)) return 'ticket-list: no items array';
    if (items.length !== check.items) return `ticket-list: ${items.length} items, expected ${check.items}`;
    if (items.some((item: any) => item?.customer?.id !== check.customerId)) return 'ticket-list: a ticket of another customer';
    return null;
  }
  if (check.kind === 'thread') {
    const items = parsed?.items;
    if (!Array.isArray(items)) return 'thread: no items array';
    if (items.length !== check.items) return `thread: ${items.length} messages, expected ${check.items}`;
    if (items.some((item: any) => item?.isInternal !== false || item?.ticketId !== check.ticketId)) return 'thread: an internal note or another ticket’s message';
    return null;
  }
  if (parsed?.ticketId !== check.ticketId || parsed?.sender?.id !== check.senderId || parsed?.isInternal !== false) {
    return `posted: unexpected message ${body.slice(0, 160)}`;
  }
  return null;
}

interface RunTally {
  latencies: Float64Array;
  count: number;
  statusCounts: Map<number, number>;
  checked: number;
  badBodies: number;
  badBodyExamples: string[];
}

function newTally(capacity: number): RunTally {
  return { latencies: new Float64Array(capacity), count: 0, statusCounts: new Map(), checked: 0, badBodies: 0, badBodyExamples: [] };
}

function record(tally: RunTally, statusCode: number, ms: number) {
  if (tally.count === tally.latencies.length) {
    const grown = new Float64Array(tally.latencies.length * 2);
    grown.set(tally.latencies);
    tally.latencies = grown;
  }
  tally.latencies[tally.count++] = ms;
  tally.statusCounts.set(statusCode, (tally.statusCounts.get(statusCode) ?? 0) + 1);
}

/** Checks a response's body against its request's check, into the run's tally. */
function checkInto(tally: RunTally, spec: LoadSpec, request: LoadRequest, status: number, body: string) {
  if (!request.check || status !== spec.expectStatus) return;
  tally.checked++;
  const problem = checkBody(request.check, body);
  if (problem) {
    tally.badBodies++;
    if (tally.badBodyExamples.length < 5) tally.badBodyExamples.push(problem);
  }
}

interface PacedOutcome {
  errors: number;
  timeouts: number;
}

/**
 * An open loop at spec.overallRate: request k is due at start + k / rate and goes to connection
 * k mod connections (one keep-alive socket each, one request in flight each). A request whose
 * connection is still busy when it is due waits for it, and every latency is counted from when
 * the request was due, not from when it was sent, so a slow answer also counts against the
 * requests it held up (no coordinated omission). Requests due after the run's end are not sent;
 * the run ends when the last sent one is answered.
 */
function runPaced(spec: LoadSpec, seconds: number, tally: RunTally): Promise<PacedOutcome> {
  const rate = spec.overallRate!;
  const target = new URL(spec.url);
  const outcome: PacedOutcome = { errors: 0, timeouts: 0 };
  const connections = Array.from({ length: spec.connections }, (_, n) => ({
    agent: new Agent({ keepAlive: true, maxSockets: 1 }),
    requests: spec.perConnection[n]!,
    next: 0,
    busy: false,
    waiting: [] as number[],
  }));
  type Connection = (typeof connections)[number];
  const start = performance.now();
  const end = start + seconds * 1000;
  let due = 0;
  let inFlight = 0;
  let stopped = false;
  return new Promise((resolve) => {
    // A queued request only waits behind one in flight on its connection, so none in flight means none queued.
    const finishIfDone = () => {
      if (stopped && inFlight === 0) {
        for (const c of connections) c.agent.destroy();
        resolve(outcome);
      }
    };
    const send = (connection: Connection, dueAt: number) => {
      connection.busy = true;
      inFlight++;
      const request = connection.requests[connection.next++ % connection.requests.length]!;
      let settled = false;
      // Once per request: a timeout destroys the request, and a response already under way then fails too.
      const done = (status: number | null, body: string) => {
        if (settled) return;
        settled = true;
        if (status === null) outcome.errors++;
        else {
          record(tally, status, performance.now() - dueAt);
          checkInto(tally, spec, request, status, body);
        }
        inFlight--;
        connection.busy = false;
        const queued = connection.waiting.shift();
        if (queued !== undefined) send(connection, queued);
        else finishIfDone();
      };
      const outgoing = httpRequest(
        { host: target.hostname, port: target.port, path: request.path, method: request.method, headers: request.headers, agent: connection.agent, timeout: 10_000 },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(response.statusCode ?? 0, request.check ? Buffer.concat(chunks).toString('utf8') : ''));
          response.on('error', () => done(null, ''));
        },
      );
      outgoing.on('timeout', () => {
        outcome.timeouts++;
        outgoing.destroy(new Error('timeout'));
      });
      outgoing.on('error', () => done(null, ''));
      outgoing.end(request.body);
    };
    const tick = () => {
      const now = performance.now();
      // Everything due by now goes out (or joins its connection's queue), then sleep until the next is due.
      for (;;) {
        const dueAt = start + (due * 1000) / rate;
        if (dueAt > now || dueAt >= end) break;
        const connection = connections[due % connections.length]!;
        due++;
        if (connection.busy) connection.waiting.push(dueAt);
        else send(connection, dueAt);
      }
      if (start + (due * 1000) / rate >= end) {
        stopped = true;
        finishIfDone();
        return;
      }
      setTimeout(tick, Math.max(0, start + (due * 1000) / rate - performance.now()));
    };
    tick();
  });
}

/** One autocannon run over the spec's per-connection request lists. */
function runOnce(spec: LoadSpec, seconds: number, tally: RunTally): Promise<AutocannonResult> {
  // The tally the body checks write to is the one of the run they belong to.
  const perConnection = spec.perConnection.map((list) =>
    list.map((request) => ({
      method: request.method,
      path: request.path,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(request.check ? { onResponse: (status: number, body: string) => checkInto(tally, spec, request, status, body) } : {}),
    })),
  );
  let next = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: seconds,
        pipelining: 1,
        timeout: 10,
        // The requests of connection n: each client gets the next list when it is created.
        requests: perConnection[0],
        setupClient: (client: AutocannonClient) => {
          client.setRequests(perConnection[next++ % perConnection.length]!);
        },
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => record(tally, statusCode, responseTime));
    const stop = () => instance.stop();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

async function main() {
  const specPath = process.argv[2];
  if (!specPath) throw new Error('usage: node tests/bench/api-autocannon-runner.ts <spec.json>');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as LoadSpec;
  if (spec.perConnection.length < spec.connections) throw new Error(`${spec.title}: ${spec.perConnection.length} request lists for ${spec.connections} connections`);

  const run = (seconds: number, tally: RunTally): Promise<PacedOutcome> => (spec.overallRate ? runPaced(spec, seconds, tally) : runOnce(spec, seconds, tally));
  const warm = newTally(1 << 14);
  const warmResult = spec.warmupSeconds > 0 ? await run(spec.warmupSeconds, warm) : undefined;

  const tally = newTally(1 << 17);
  console.log('PHASE measure-start');
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await run(spec.durationSeconds, tally);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  console.log('PHASE measure-end');

  const sorted = tally.latencies.slice(0, tally.count).sort();
  const statusCounts = Object.fromEntries([...tally.statusCounts].sort(([a], [b]) => a - b).map(([code, n]) => [String(code), n]));
  const expected = tally.statusCounts.get(spec.expectStatus) ?? 0;
  const non2xx = [...tally.statusCounts].filter(([code]) => code < 200 || code > 299).reduce((n, [, count]) => n + count, 0);
  const warmNon2xx = [...warm.statusCounts].filter(([code]) => code < 200 || code > 299).reduce((n, [, count]) => n + count, 0);
  const output: LoadResult = {
    title: spec.title,
    connections: spec.connections,
    seconds,
    responses: tally.count,
    requestsPerSecond: expected / seconds,
    expected,
    non2xx,
    unexpectedStatus: tally.count - expected,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    checked: tally.checked,
    badBodies: tally.badBodies,
    badBodyExamples: tally.badBodyExamples,
    latency: latencyDistribution(sorted),
    loadGeneratorCpuSeconds: (cpu.user + cpu.system) / 1e6,
    warmup: { responses: warm.count, non2xx: warmNon2xx, errors: warmResult?.errors ?? 0 },
  };
  writeFileSync(spec.latenciesPath, new Uint8Array(sorted.buffer, sorted.byteOffset, sorted.byteLength));
  writeFileSync(spec.resultPath, JSON.stringify(output));
}

try {
  await main();
} catch (error) {
  console.error('api-autocannon-runner failed:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
}
