/**
 * The load itself: customers who each open their own ticket(s) and post a sequence of messages,
 * and agents who answer and write internal notes on those tickets meanwhile, every request to
 * an instance picked at random (no stickiness) and some of them repeated on purpose with the
 * same Idempotency-Key. Every customer and agent also watches live on a socket of a random
 * instance. Returns what was sent and accepted, for load-verification.ts to check against what
 * was stored and delivered.
 */
import { randomUUID } from 'node:crypto';
import { teamMembers, users } from '../../../db/schema/index.ts';
import { mulberry32 } from '../../bench/support/random.ts';
import { signUserToken } from '../../bench/support/tokens.ts';
import { addTallies, emptyTally, idempotentPost, retryKinds, type PostTally, type RetryKind } from './idempotent-post.ts';
import { recordLive, type LiveRecorder } from './live-recorder.ts';
import type { LoadServers } from './load-servers.ts';

export interface LoadPlan {
  customers: number;
  messagesPerCustomer: number;
  /** Customers open one ticket, or two (messages then go to either). */
  maxTicketsPerCustomer: number;
  agents: number;
  /** Replies and internal notes the agents post between them, half of each. */
  agentPosts: number;
  /** The share of requests repeated on purpose with the same key. */
  duplicateShare: number;
  seed: number;
}

export interface SentMessage {
  ticketId: string;
  text: string;
  /** The id the API answered with (every duplicate answered the same). */
  messageId: string;
  internal: boolean;
  senderId: string;
  /** The sequence it was sent in (one sender, one at a time): its order on a ticket must hold. */
  stream: string;
}

export interface CustomerRun {
  id: string;
  ticketIds: string[];
  /** Opening messages (descriptions) and replies, in the order this customer sent them. */
  sent: SentMessage[];
  recorder: LiveRecorder;
}

export interface AgentRun {
  id: string;
  sent: SentMessage[];
  recorder: LiveRecorder;
}

export interface LoadRun {
  customers: CustomerRun[];
  agents: AgentRun[];
  tally: PostTally;
  elapsedMs: number;
}

/** Opens sockets a batch at a time, so a few hundred handshakes do not land at once. */
async function openRecorders<T>(items: T[], open: (item: T) => Promise<LiveRecorder>): Promise<LiveRecorder[]> {
  const recorders: LiveRecorder[] = [];
  for (let i = 0; i < items.length; i += 50) recorders.push(...(await Promise.all(items.slice(i, i + 50).map(open))));
  return recorders;
}

export async function runLoad(servers: LoadServers, plan: LoadPlan): Promise<LoadRun> {
  const random = mulberry32(plan.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const instance = () => pick(servers.baseUrls);
  const liveUrl = (base: string) => `${base.replace(/^http/, 'ws')}/api/v1/live`;
  const duplicate = (): RetryKind | undefined => (random() < plan.duplicateShare ? pick(retryKinds) : undefined);

  // Everyone exists before the load, as if they had signed in before.
  const people = (count: number, kind: string) =>
    Array.from({ length: count }, (_, i) => ({ id: randomUUID(), name: `${kind} ${i}`, email: `${kind}-${i}-${randomUUID().slice(0, 6)}@load.test` }));
  const customerRows = people(plan.customers, 'customer');
  const agentRows = people(plan.agents, 'agent');
  for (let i = 0; i < customerRows.length; i += 500) await servers.systemDb.insert(users).values(customerRows.slice(i, i + 500));
  await servers.systemDb.insert(users).values(agentRows);
  await servers.systemDb.insert(teamMembers).values(agentRows.map((agent) => ({ id: agent.id, displayName: agent.name, role: 'agent' as const })));
  const tokens = new Map<string, string>();
  for (const person of [...customerRows, ...agentRows]) tokens.set(person.id, await signUserToken(servers.secret, person, '1h'));

  const customerRecorders = await openRecorders(customerRows, (c) => recordLive(liveUrl(instance()), tokens.get(c.id)!, c.name));
  // Agents spread over the instances, so each instance fans everything out to someone.
  const agentRecorders = await openRecorders(agentRows, (a) => recordLive(liveUrl(servers.baseUrls[agentRows.indexOf(a) % servers.baseUrls.length]!), tokens.get(a.id)!, a.name));
  const customers: CustomerRun[] = customerRows.map((c, i) => ({ id: c.id, ticketIds: [], sent: [], recorder: customerRecorders[i]! }));
  const agents: AgentRun[] = agentRows.map((a, i) => ({ id: a.id, sent: [], recorder: agentRecorders[i]! }));
  const openTickets: string[] = [];
  const tallies: PostTally[] = [];

  // Each customer: their ticket(s), then their messages one after another (order is theirs to keep).
  const customerWork = async (customer: CustomerRun, index: number) => {
    const tally = emptyTally();
    tallies.push(tally);
    const token = tokens.get(customer.id)!;
    const ticketCount = 1 + Math.floor(random() * plan.maxTicketsPerCustomer);
    for (let t = 0; t < ticketCount; t++) {
      const description = `opening ${index}.${t} ${randomUUID()}`;
      const answer = await idempotentPost({ url: () => `${instance()}/api/v1/tickets`, token, body: { title: `Load ${index}.${t}`, description }, tally, retry: duplicate(), abortAfterMs: random() * 20 });
      if (answer.status !== 201) throw new Error(`${customer.id}: opening a ticket answered ${answer.status} ${JSON.stringify(answer.body)}`);
      customer.ticketIds.push(answer.body.id);
      openTickets.push(answer.body.id);
      customer.sent.push({ ticketId: answer.body.id, text: description, messageId: '', internal: false, senderId: customer.id, stream: customer.id });
    }
    for (let m = 0; m < plan.messagesPerCustomer; m++) {
      const ticketId = pick(customer.ticketIds);
      const text = `customer ${index} #${m} ${randomUUID()}`;
      const answer = await idempotentPost({ url: () => `${instance()}/api/v1/tickets/${ticketId}/messages`, token, body: { message: text }, tally, retry: duplicate(), abortAfterMs: random() * 20 });
      if (answer.status !== 201) throw new Error(`${customer.id}: message ${m} answered ${answer.status} ${JSON.stringify(answer.body)}`);
      customer.sent.push({ ticketId, text, messageId: answer.body.id, internal: false, senderId: customer.id, stream: customer.id });
    }
  };

  // Agents answer and note on whatever tickets exist, meanwhile.
  let agentPostsLeft = plan.agentPosts;
  let customersDone = false;
  const agentWork = async (agent: AgentRun, tab: number) => {
    const tally = emptyTally();
    tallies.push(tally);
    const token = tokens.get(agent.id)!;
    while (agentPostsLeft > 0) {
      if (openTickets.length === 0) {
        if (customersDone) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      agentPostsLeft -= 1;
      const ticketId = pick(openTickets);
      const internal = random() < 0.5;
      const text = `${internal ? 'note' : 'reply'} from ${agent.id.slice(0, 8)} ${randomUUID()}`;
      const answer = await idempotentPost({
        url: () => `${instance()}/api/v1/tickets/${ticketId}/messages`,
        token,
        body: internal ? { message: text, isInternal: true } : { message: text },
        tally,
        retry: duplicate(),
        abortAfterMs: random() * 20,
      });
      if (answer.status !== 201) throw new Error(`${agent.id}: a post answered ${answer.status} ${JSON.stringify(answer.body)}`);
      agent.sent.push({ ticketId, text, messageId: answer.body.id, internal, senderId: agent.id, stream: `${agent.id}#${tab}` });
    }
  };
  /** An agent works several tickets at once (console tabs), so their share keeps pace with the customers'. */
  const agentTabs = 4;

  const startedAt = Date.now();
  if (process.env.LOAD_PROGRESS) {
    const progress = setInterval(() => console.log(`  … ${((Date.now() - startedAt) / 1000).toFixed(0)} s: ${tallies.reduce((n, t) => n + t.requests, 0)} requests`), 2000);
    progress.unref();
  }
  const agentsRunning = Promise.allSettled(agents.flatMap((agent) => Array.from({ length: agentTabs }, (_, tab) => agentWork(agent, tab))));
  const customerResults = await Promise.allSettled(customers.map(customerWork));
  customersDone = true;
  const failed = [...customerResults, ...(await agentsRunning)].find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const elapsedMs = Date.now() - startedAt;

  const tally = emptyTally();
  for (const part of tallies) addTallies(tally, part);
  return { customers, agents, tally, elapsedMs };
}
