/**
 * What `npm run bench:live` (tests/bench/live.bench.ts) and its load process
 * (tests/bench/live-load.ts) say to each other over the fork IPC channel. Times are
 * `performance.now()` milliseconds of the load process, so a response and an event it measures
 * come from one clock.
 */

export interface LoadCustomer {
  id: string;
  token: string;
  /** Tickets of this customer that writers post to. */
  tickets: string[];
}

export interface LoadAgent {
  id: string;
  token: string;
}

export interface LoadSpec {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** ws://127.0.0.1:PORT/api/v1/live */
  liveUrl: string;
  customers: LoadCustomer[];
  agents: LoadAgent[];
  /** Share of the posts written by a (random) agent instead of the ticket's customer. */
  agentPostShare: number;
  seed: number;
}

export type LoadCommand =
  | { type: 'connect'; concurrency: number }
  | { type: 'disconnect' }
  /** Open loop: post at `rate` per second for warmup + measured seconds, then wait for the events. */
  | { type: 'paced'; rate: number; warmupSeconds: number; seconds: number; maxInFlight: number; drainTimeoutMs: number }
  /** Closed loop: `concurrency` writers, each posting its next message when the last answered. */
  | { type: 'closed-loop'; concurrency: number; warmupSeconds: number; seconds: number; drainTimeoutMs: number }
  /** Waits until every agent socket has seen `untilPosition` (or the timeout), then `settleMs` more, and hands over what each socket received since the last collect. */
  | { type: 'collect'; untilPosition: number; timeoutMs: number; settleMs: number }
  | { type: 'exit' };

export interface SocketReceipts {
  userId: string;
  role: 'customer' | 'agent';
  /** The `ready` frame's position: the socket is owed every event after it. */
  readyPosition: number;
  /** Every event id (position) received since the last collect, in arrival order. */
  positions: number[];
}

/** Latency samples of one group, milliseconds. */
export interface LatencySet {
  /** From the writer receiving the 201 to the socket receiving the matching event. */
  fromResponse: number[];
  /** From the writer sending the request to the socket receiving the event. */
  fromRequest: number[];
}

export interface PostRunResult {
  /** Measured window (after warm-up), seconds of wall time. */
  seconds: number;
  /** Every post of the run, warm-up included: status counts. */
  statusCounts: Record<string, number>;
  errors: number;
  errorExamples: string[];
  /** 201s in the measured window. */
  created: number;
  /** 201s in the whole run (warm-up included). */
  createdTotal: number;
  /** Request latency (send → 201) of the measured window, ms. */
  requestLatency: number[];
  /** For paced runs: requests sent more than 10 ms after their slot, and the largest lag. */
  lateSends: number;
  maxSendLagMs: number;
  /** Sends skipped because maxInFlight requests were already open. */
  skippedSends: number;
  /** Per message created in the measured window: delivery latency to its customer's socket and to every agent socket. */
  customer: LatencySet;
  agent: LatencySet;
  /** Events that arrived before the writer had its 201 (negative latency from response), per group. */
  customerBeforeResponse: number;
  agentBeforeResponse: number;
  /** Messages (measured window) whose event had not reached the socket when the drain wait ended. */
  customerNotReceived: number;
  agentNotReceived: number;
  /** How long after the last answer the last awaited event arrived, ms. */
  drainMs: number;
  /** The load process's event-loop delay during the run, ms. */
  loopDelay: { p50: number; p99: number; max: number };
  /** First and last message ids written (for the database cross-check). */
  messageIds: string[];
}

export type LoadReply =
  | { type: 'hello' }
  | { type: 'connected'; sockets: number; customers: number; agents: number; ms: number; readyPositions: { min: number; max: number }; failures: string[] }
  | { type: 'disconnected'; closed: number }
  | { type: 'posted'; result: PostRunResult }
  | { type: 'collected'; sockets: SocketReceipts[]; reachedAll: boolean; waitedMs: number; unexpectedFrames: string[] }
  | { type: 'failed'; error: string };
