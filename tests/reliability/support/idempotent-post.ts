/**
 * A POST that carries an `Idempotency-Key` and behaves like a client that cannot be sure its
 * request arrived: it retries 429, 503 and dropped connections with the same key, and — on
 * purpose, for the load test — repeats itself in the three ways real clients do: the same
 * request twice at once (a double click), again after the answer came (a response lost on the
 * way back), and again after giving up on the first one mid-flight (a timeout or a closed tab).
 */
import { randomUUID } from 'node:crypto';

export const retryKinds = ['twice-at-once', 'again-after-answer', 'again-after-abort'] as const;
export type RetryKind = (typeof retryKinds)[number];

export interface PostTally {
  /** HTTP requests sent, each attempt and each duplicate counted. */
  requests: number;
  /** Duplicates injected on purpose, by kind. */
  injected: Record<RetryKind, number>;
  /** Retries after a 429, a 503 or a dropped connection. */
  automaticRetries: number;
  /** Why they were retried: '429', '503', or the connection error's code. */
  retryReasons: Record<string, number>;
  /** Answers that said they replayed a stored response (`Idempotent-Replayed: true`). */
  replayed: number;
  /** Requests this client aborted on purpose. */
  aborted: number;
  /** Why the last dropped connection dropped (for the report). */
  lastDrop?: string;
  lastDropCode?: string;
}

export function emptyTally(): PostTally {
  return { requests: 0, injected: { 'twice-at-once': 0, 'again-after-answer': 0, 'again-after-abort': 0 }, automaticRetries: 0, retryReasons: {}, replayed: 0, aborted: 0 };
}

export function addTallies(into: PostTally, from: PostTally): void {
  into.requests += from.requests;
  into.automaticRetries += from.automaticRetries;
  into.replayed += from.replayed;
  into.aborted += from.aborted;
  for (const [reason, count] of Object.entries(from.retryReasons)) into.retryReasons[reason] = (into.retryReasons[reason] ?? 0) + count;
  for (const kind of retryKinds) into.injected[kind] += from.injected[kind];
}

export interface PostOptions {
  /** Where each attempt goes: a function picks again per attempt (a load balancer without stickiness). */
  url: string | (() => string);
  token: string;
  body: unknown;
  tally: PostTally;
  /** The duplicate to inject, if any. */
  retry?: RetryKind | undefined;
  /** How long the aborted attempt of `again-after-abort` may run before it is given up (ms). */
  abortAfterMs?: number;
}

interface Answer {
  status: number;
  body: { id: string } & Record<string, unknown>;
}

const maxAttempts = 8;

/** One attempt: the response, or 'dropped' when the connection failed (not when we aborted). */
async function attempt(options: PostOptions, key: string, signal?: AbortSignal): Promise<Answer | 'dropped' | 'aborted'> {
  options.tally.requests += 1;
  const url = typeof options.url === 'string' ? options.url : options.url();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(options.body),
      ...(signal ? { signal } : {}),
    });
    const body = (await response.json()) as Answer['body'];
    if (response.headers.get('idempotent-replayed') === 'true') options.tally.replayed += 1;
    return { status: response.status, body };
  } catch (error) {
    if (signal?.aborted) return 'aborted';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    options.tally.lastDrop = `${url}: ${cause?.code ?? ''} ${cause?.message ?? String(error)}`;
    options.tally.lastDropCode = cause?.code ?? 'dropped';
    return 'dropped';
  }
}

/** Sends until an answer that is neither 429 nor 503 comes back (the same key every time). */
async function untilAnswered(options: PostOptions, key: string): Promise<Answer> {
  for (let tries = 1; ; tries++) {
    const answer = await attempt(options, key);
    const transient = answer === 'dropped' || answer === 'aborted' || answer.status === 429 || answer.status === 503;
    if (!transient) return answer as Answer;
    if (tries >= maxAttempts) throw new Error(`POST still failing after ${tries} attempts: ${JSON.stringify(answer)}${answer === 'dropped' ? ` (${options.tally.lastDrop})` : ''}`);
    options.tally.automaticRetries += 1;
    const reason = answer === 'dropped' || answer === 'aborted' ? (options.tally.lastDropCode ?? answer) : String(answer.status);
    options.tally.retryReasons[reason] = (options.tally.retryReasons[reason] ?? 0) + 1;
    await new Promise((resolve) => setTimeout(resolve, 50 * tries));
  }
}

/**
 * Posts `body` once as far as the server may tell, whatever duplicates are injected; resolves
 * with the answer every attempt agreed on (they must: the same key means the same result).
 */
export async function idempotentPost(options: PostOptions): Promise<Answer & { key: string }> {
  const key = randomUUID();
  const { retry, tally } = options;
  if (retry) tally.injected[retry] += 1;
  let answers: Answer[];
  if (retry === 'twice-at-once') {
    answers = await Promise.all([untilAnswered(options, key), untilAnswered(options, key)]);
  } else if (retry === 'again-after-answer') {
    const first = await untilAnswered(options, key);
    answers = [first, await untilAnswered(options, key)];
  } else if (retry === 'again-after-abort') {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.abortAfterMs ?? 0);
    const first = await attempt(options, key, controller.signal);
    clearTimeout(timer);
    if (first === 'aborted') tally.aborted += 1;
    answers = [await untilAnswered(options, key)];
    // It may have answered before the abort: then it must agree too.
    if (first !== 'aborted' && first !== 'dropped' && first.status !== 429 && first.status !== 503) answers.push(first);
  } else {
    answers = [await untilAnswered(options, key)];
  }
  const [answer] = answers;
  for (const other of answers) {
    if (other.status !== answer!.status || other.body.id !== answer!.body.id) {
      throw new Error(`Idempotency-Key ${key} got different answers: ${JSON.stringify(answers)}`);
    }
  }
  return { ...answer!, key };
}
