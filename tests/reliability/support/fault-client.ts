/**
 * The HTTP side of a fault test: calls that never throw (a refused connection is status 0), a
 * tally of every answer, a check of the error shape, and a writer that posts a reply the way
 * the widget's outbox does — one Idempotency-Key per reply, retried until the server has it.
 */
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { signUserToken } from '../../bench/support/tokens.ts';
import { faultTestSecret } from './server-child.ts';

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** Every answer a test got, by status (0 = no answer: connection refused or reset). */
export class AnswerTally {
  readonly byStatus = new Map<number, number>();
  /** Answers that broke the contract (a 500, a 5xx not in the error shape, ...), for the failure message. */
  readonly contractBreaks: string[] = [];
  total = 0;

  record(what: string, answer: Answer): void {
    this.total += 1;
    this.byStatus.set(answer.status, (this.byStatus.get(answer.status) ?? 0) + 1);
    if (answer.status >= 500 && answer.status !== 503) this.contractBreaks.push(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
    if (answer.status === 503) {
      const error = answer.body?.error;
      if (error?.code !== 'unavailable' || typeof error.message !== 'string') this.contractBreaks.push(`${what}: 503 not in the error shape: ${JSON.stringify(answer.body)}`);
      else if (!answer.headers.get('retry-after')) this.contractBreaks.push(`${what}: 503 without Retry-After`);
    }
  }

  count(status: number): number {
    return this.byStatus.get(status) ?? 0;
  }

  summary(): string {
    return [...this.byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${n}×${status === 0 ? 'no answer' : status}`).join(', ');
  }
}

export async function call(baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: response.status, body, headers: response.headers };
  } catch (error) {
    return { status: 0, body: String((error as Error).cause ?? error), headers: new Headers() };
  }
}

export interface FaultUser {
  id: string;
  email: string;
  name: string;
  token: string;
}

/** A customer the server has not seen yet (it creates the user on first sight). */
export async function newCustomer(name = 'Customer'): Promise<FaultUser> {
  const id = randomUUID();
  const user = { id, email: `${id.slice(0, 8)}@customer.test`, name };
  return { ...user, token: await signUserToken(faultTestSecret, user) };
}

/** A team member, written past RLS the way `npm run team` does. */
export async function newAgent(admin: postgres.Sql, name = 'Agent'): Promise<FaultUser> {
  const id = randomUUID();
  const user = { id, email: `${id.slice(0, 8)}@team.test`, name };
  await admin`insert into auth.users (id, email, name) values (${id}, ${user.email}, ${name})`;
  await admin`insert into public.team_members (id, display_name, role) values (${id}, ${name}, 'agent')`;
  return { ...user, token: await signUserToken(faultTestSecret, user) };
}

/**
 * Posts one reply with its own Idempotency-Key and, like the outbox, sends the same request
 * again after no answer or a 503 until it is stored (or `deadline` passes: then it throws).
 */
export async function postReplyUntilStored(baseUrl: string, token: string, ticketId: string, message: string, tally: AnswerTally, deadline = Date.now() + 30_000): Promise<{ attempts: number; replayed: boolean }> {
  const key = randomUUID();
  for (let attempts = 1; ; attempts++) {
    const answer = await call(baseUrl, 'POST', `/api/v1/tickets/${ticketId}/messages`, { token, body: { message }, headers: { 'idempotency-key': key } });
    tally.record(`POST reply "${message}"`, answer);
    if (answer.status === 201) return { attempts, replayed: answer.headers.get('idempotent-replayed') === 'true' };
    if (answer.status !== 0 && answer.status !== 503) throw new Error(`Reply "${message}" refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    if (Date.now() > deadline) throw new Error(`Reply "${message}" still not stored after ${attempts} attempts`);
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
  }
}

/** Polls until `check` resolves true; returns how many polls it took. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000, everyMs = 50): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (let polls = 1; ; polls++) {
    if (await check()) return polls;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
