/**
 * `npm run bench:api`: the HTTP API under load, on PostgreSQL, with the load from another process.
 *
 * Creates its own database on the DATABASE_URL server (tw_bench_api_<random>; DATABASE_URL's own
 * database is never written), migrates and seeds it through the bypass connection, starts the
 * real server as a child process (tests/bench/api-bench-server.ts: the app exactly as
 * server/main.ts builds it, plus the ceiling routes), and drives it from a third process
 * (tests/bench/api-autocannon-runner.ts, autocannon) at 50 connections:
 *
 *   ceiling        GET /bench/ceiling: JWT verified, `select 1` through withClaims (the ceiling)
 *   ceiling-plain  GET /bench/ceiling-plain: JWT verified, `select 1` with no transaction
 *   ceiling-read   GET /bench/ceiling-read: JWT verified, `select 1` through readWithClaims({ statements: 1 }),
 *                  the transaction the list, detail and thread reads use (one write, one round trip)
 *   list           GET /api/v1/tickets?limit=25 as a customer
 *   thread         GET /api/v1/tickets/:id/messages?limit=50 as the ticket's customer
 *   post           POST /api/v1/tickets/:id/messages as the ticket's customer (201)
 *   list-warm      diagnostic, not judged: the list with one customer per connection (user cache warm)
 *   post-paced     post again at a fixed offered rate (BENCH_API_POST_RATE req/s, evenly spaced over the 50
 *                  connections, each timed from when it was due): latency when the server is not saturated
 *
 * Prints req/s, p50/p99, non-2xx and body-check failures per scenario, the ratio to the
 * ceiling, PASS/MISS against the issue's targets, where the CPU went, and a profile of each
 * route's parts measured in-process without load. Everything printed is measured in this run.
 * The database is dropped at the end, also on failure or Ctrl-C.
 *
 * Environment:
 *   DATABASE_URL                 PostgreSQL server to create the bench database on (required).
 *   BENCH_API_CONNECTIONS        concurrent connections (default 50).
 *   BENCH_API_DURATION           measured seconds per scenario, over all rounds (default 15).
 *   BENCH_API_WARMUP             warm-up seconds before each measured run, discarded (default 2).
 *   BENCH_API_POOL_SIZE          the server's DATABASE_POOL_SIZE (default 20).
 *   BENCH_API_CUSTOMERS          customers (default 1000), BENCH_API_TICKETS tickets each (default 20).
 *   BENCH_API_ONLY               comma-separated scenario keys to run (default: all).
 *   BENCH_API_ROUNDS             rounds the measured seconds are split into, scenarios interleaved (default 3).
 *   BENCH_API_QUIET_WAIT         seconds the whole bench may spend waiting for other load to stop (default 180).
 *   BENCH_API_EXPLAIN=1          also print the EXPLAIN (ANALYZE, BUFFERS) plans of the list and thread queries.
 *   BENCH_API_CPU_PROF=<dir>     run the server with --cpu-prof, writing its profile to <dir>.
 *   BENCH_API_NODE_FLAGS         the server's Node flags instead of `npm start`'s (package.json), e.g. "" for none.
 *   DATABASE_PREPARED_STATEMENTS=false  A/B: the server without named statements (passed through to it).
 *   BENCH_API_POST_RATE          offered req/s of post-paced (default 300; 0 leaves the scenario out).
 *   BENCH_API_KEEP_DB=1          keep the bench database at the end (its name is printed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import { connectPostgres } from '../../db/postgres-connection.ts';
import { openDatabase, type Database, type DatabaseHandle } from '../../db/client.ts';
import { migrateDatabase } from '../../db/migrate.ts';
import { readWithClaims, withClaims, type Tx } from '../../db/rls.ts';
import * as schema from '../../db/schema/index.ts';
import { createUserDirectory, type AuthUser } from '../../server/auth/user-directory.ts';
import { listMessagesQuery } from '../../server/schemas/messages.ts';
import { listTicketsQuery } from '../../server/schemas/tickets.ts';
import { readThreadPage } from '../../server/tickets/thread-queries.ts';
import { listTickets } from '../../server/tickets/ticket-queries.ts';
import type { BodyCheck, LoadRequest, LoadResult, LoadSpec } from './api-autocannon-runner.ts';
import { benchDatabaseName, createBenchDatabase, type BenchDatabase } from './support/bench-database.ts';
import { cleanUpOnExit } from './support/cleanup.ts';
import { cpuBetween, cpuSnapshot, waitForQuiet, type Cpu } from './support/cpu-usage.ts';
import type { GcSummary } from './support/gc-pauses.ts';
import { intFromEnv } from './support/env.ts';
import { machineSummary } from './support/machine.ts';
import { mulberry32 } from './support/random.ts';
import { messageTextCount, messageTextsSql, ticketTitleCount, ticketTitlesSql } from './support/seed-texts.ts';
import { benchServerEnv, freePort, logServerStderr, npmStartNodeFlags, startServerOnPort, type ServerProcess } from './support/server-process.ts';
import { postgresSummary } from './support/postgres-summary.ts';
import { query } from './support/sql-rows.ts';
import { latencyDistribution, sampleLatencies, summarize, type LatencyDistribution } from './support/stats.ts';
import { table } from './support/text-table.ts';
import { signUserToken } from './support/tokens.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = join(here, '..', '..');
const serverEntry = join(here, 'api-bench-server.ts');
const runnerEntry = join(here, 'api-autocannon-runner.ts');

const targetRatio = 0.5;
const targetPostP99Ms = 20;
const listLimit = 25;
const threadLimit = 50;

const log = (line = '') => console.log(line);

const fixed = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

const random = mulberry32(0x7ab1e);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
function shuffled<T>(list: readonly T[]): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// The bench database: seed.

interface SeedScale {
  customers: number;
  ticketsPerCustomer: number;
  agents: number;
}

/** Set-based seed on the bypass connection (one connection: temporary tables). */
async function seed(db: Database, scale: SeedScale): Promise<void> {
  const { customers: C, ticketsPerCustomer: T, agents: A } = scale;
  const run = (text: string) => db.execute(sql.raw(text));
  await run(`select setseed(0.2024)`);
  await run(`create temp table seed_customer as select g as n, gen_random_uuid() as id from generate_series(1, ${C}) g`);
  await run(`create temp table seed_agent as select g as n, gen_random_uuid() as id from generate_series(0, ${A}) g`);
  await run(`insert into auth.users (id, email, name, created_at)
             select id, 'customer' || n || '@bench.example', 'Customer ' || n, now() - interval '400 days' from seed_customer`);
  await run(`insert into auth.users (id, email, name, created_at)
             select id, case when n = 0 then 'admin@support.example' else 'agent' || n || '@support.example' end,
                    case when n = 0 then 'Admin' else 'Agent ' || n end, now() - interval '500 days' from seed_agent`);
  await run(`insert into public.team_members (id, display_name, role, created_at)
             select id, case when n = 0 then 'Admin' else 'Agent ' || n end, case when n = 0 then 'admin' else 'agent' end::public.team_role,
                    now() - interval '500 days' from seed_agent`);
  await run(`insert into public.ticket_tags (name, color)
             values ('billing', '#1f77b4'), ('bug', '#d62728'), ('login', '#2ca02c'), ('export', '#9467bd'),
                    ('mobile', '#8c564b'), ('urgent-customer', '#e377c2'), ('feature', '#7f7f7f'), ('docs', '#17becf')`);
  // Ticket k of a customer: k = T is the newest. The newest are active, the oldest closed;
  // 6..14 messages each, one every two hours from the ticket's creation.
  await run(`create temp table seed_ticket as
             select gen_random_uuid() as id, c.id as customer_id, c.n as customer_n, k,
                    now() - interval '1 day' * ((${T} - k) * 18 + 1) - interval '1 minute' * floor(random() * 600) as created_at,
                    case when k > ${T} - 4 then 'open' when k > ${T} - 6 then 'in_progress' when k > ${T} - 8 then 'waiting_on_customer'
                         when k > ${T} - 10 then 'resolved' else 'closed' end as status,
                    (array['low', 'medium', 'medium', 'high', 'urgent'])[1 + floor(random() * 5)::int] as priority,
                    6 + floor(random() * 9)::int as m,
                    1 + floor(random() * ${A})::int as agent_n
             from seed_customer c cross join generate_series(1, ${T}) k`);
  // In batches of customers, each statement its own transaction: the event-log triggers
  // (migration 0006) record one event per row and allow at most 65,535 per transaction.
  const batch = 100;
  for (let lo = 1; lo <= C; lo += batch) {
    const hi = Math.min(C, lo + batch - 1);
    const inBatch = `t.customer_n between ${lo} and ${hi}`;
    await run(`insert into public.tickets (id, title, description, status, priority, customer_id, assigned_to, created_at, updated_at, resolved_at, first_response_at, due_date)
               select t.id,
                      (${ticketTitlesSql})[1 + (t.k % ${ticketTitleCount})]
                        || ' (' || t.k || ')',
                      'Steps to reproduce: open the page, click the button, wait. Expected the usual result; got an error instead. Reference ' || md5(t.id::text) || '.',
                      t.status::public.ticket_status, t.priority::public.ticket_priority, t.customer_id,
                      case when t.status = 'open' and t.k % 2 = 0 then null else a.id end,
                      t.created_at,
                      t.created_at + interval '2 hours' * (t.m - 1),
                      case when t.status in ('resolved', 'closed') then t.created_at + interval '2 hours' * t.m end,
                      t.created_at + interval '2 hours',
                      t.created_at + interval '3 days'
               from seed_ticket t join seed_agent a on a.n = t.agent_n
               where ${inBatch}
               order by t.created_at`);
    // The status-rules trigger would update the ticket once per message; the ticket rows above
    // already carry what it would leave (first_response_at, updated_at). Re-enabled right after.
    await run(`alter table public.ticket_messages disable trigger ticket_messages_status_rules`);
    try {
      await run(`insert into public.ticket_messages (ticket_id, sender_id, message, is_internal, created_at)
                 select t.id,
                        case when s.internal or s.j % 2 = 0 then a.id else t.customer_id end,
                        case when s.internal then 'Internal note: ' else '' end
                          || (${messageTextsSql})[1 + (t.k + s.j) % ${messageTextCount}]
                          || ' ' || repeat(md5(t.id::text || s.j), 1 + (s.j * 7 + t.k) % 4),
                        s.internal,
                        t.created_at + interval '2 hours' * (s.j - 1)
                 from seed_ticket t
                 join seed_agent a on a.n = t.agent_n
                 cross join lateral (select j, (j >= 3 and random() < 0.12) as internal from generate_series(1, t.m) j) s
                 where ${inBatch}
                 order by 5`);
    } finally {
      await run(`alter table public.ticket_messages enable trigger ticket_messages_status_rules`);
    }
    await run(`insert into public.ticket_tag_relations (ticket_id, tag_id, created_at)
               select t.id, g.id, t.created_at from seed_ticket t cross join public.ticket_tags g where ${inBatch} and random() < 0.15`);
  }
  await run(`drop table seed_ticket, seed_customer, seed_agent`);
  // The messages went in with the status-rules trigger off, which keeps each ticket's summary
  // (message count, newest public message; migration 0013): count them once from the threads.
  await run(`select private.refresh_all_ticket_summaries()`);
  const [trigger] = await query<{ enabled: string }>(
    db,
    sql`select tgenabled as enabled from pg_trigger where tgname = 'ticket_messages_status_rules' and tgrelid = 'public.ticket_messages'::regclass`,
  );
  if (trigger?.enabled !== 'O') throw new Error(`ticket_messages_status_rules is not enabled again after the seed (tgenabled=${trigger?.enabled})`);
  await run(`vacuum (analyze)`);
}

// ---------------------------------------------------------------------------------------------
// Fixtures: who the load acts as, and what each answer must contain.

interface FixtureTicket {
  id: string;
  status: string;
  publicMessages: number;
}
interface FixtureCustomer {
  id: string;
  email: string;
  name: string;
  token: string;
  tickets: FixtureTicket[];
}

async function loadFixtures(db: Database, secret: string): Promise<FixtureCustomer[]> {
  const found = await query<{ customer_id: string; email: string; name: string; ticket_id: string; status: string; public_messages: number }>(
    db,
    sql`select u.id as customer_id, u.email, u.name, t.id as ticket_id, t.status::text as status,
               (select count(*)::int from public.ticket_messages m where m.ticket_id = t.id and not m.is_internal) as public_messages
        from auth.users u join public.tickets t on t.customer_id = u.id
        where not exists (select 1 from public.team_members tm where tm.id = u.id)
        order by u.email, t.created_at desc`,
  );
  const byId = new Map<string, FixtureCustomer>();
  for (const row of found) {
    let customer = byId.get(row.customer_id);
    if (!customer) {
      customer = { id: row.customer_id, email: row.email, name: row.name, token: '', tickets: [] };
      byId.set(row.customer_id, customer);
    }
    customer.tickets.push({ id: row.ticket_id, status: row.status, publicMessages: row.public_messages });
  }
  const customers = [...byId.values()];
  for (const customer of customers) customer.token = await signUserToken(secret, customer);
  return customers;
}

// ---------------------------------------------------------------------------------------------
// Child processes: the server, the load generator.

/** The server's Node flags: `npm start`'s (package.json) unless BENCH_API_NODE_FLAGS says otherwise ("" for none). */
const serverNodeFlags = (): string[] => {
  const flagsText = process.env.BENCH_API_NODE_FLAGS;
  return flagsText === undefined ? npmStartNodeFlags(projectRoot) : flagsText.split(/\s+/).filter(Boolean);
};

/** BENCH_API_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops (open it in Chrome DevTools). */
async function startServer(port: number, env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const profileDir = process.env.BENCH_API_CPU_PROF?.trim();
  return startServerOnPort({
    entry: serverEntry,
    nodeFlags: [...serverNodeFlags(), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    cwd: projectRoot,
    env,
    port,
    readyWithinMs: 180_000,
    killAfterMs: 10_000,
  });
}

let runningLoad: ChildProcess | undefined;

interface RunOutcome {
  result: LoadResult;
  latencies: Float64Array;
  cpu: Cpu;
  /** The server's event-loop delay (monitorEventLoopDelay, 1 ms resolution) and GC pauses over the measured run. */
  loopDelay: { p99Ms: number; maxMs: number; gc: GcSummary } | undefined;
}

async function runLoad(spec: LoadSpec, workDir: string, serverPid: number, database: string, serverUrl: string): Promise<RunOutcome> {
  const specPath = join(workDir, `${spec.title}.spec.json`);
  writeFileSync(specPath, JSON.stringify(spec));
  const child = spawn(process.execPath, [runnerEntry, specPath], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  runningLoad = child;
  let before: Cpu | undefined;
  let after: Cpu | undefined;
  let loopDelay: Promise<RunOutcome['loopDelay']> | undefined;
  const output: string[] = [];
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'PHASE measure-start') {
        before = cpuSnapshot(serverPid, child.pid!, database);
        void fetch(`${serverUrl}/bench/loop-delay`, { method: 'POST' }).catch(() => undefined);
      } else if (line === 'PHASE measure-end') {
        after = cpuSnapshot(serverPid, child.pid!, database);
        loopDelay = fetch(`${serverUrl}/bench/loop-delay`)
          .then((response) => response.json() as Promise<NonNullable<RunOutcome['loopDelay']>>)
          .catch(() => undefined);
      } else if (line) output.push(line);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk.trimEnd()));
  const code = await new Promise<number>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1))));
  runningLoad = undefined;
  if (code !== 0) throw new Error(`The load generator failed on ${spec.title} (exit ${code}):\n${output.join('\n')}`);
  if (!before || !after) throw new Error(`The load generator did not report its measured phase on ${spec.title}`);
  const result = JSON.parse(readFileSync(spec.resultPath, 'utf8')) as LoadResult;
  const bytes = readFileSync(spec.latenciesPath);
  const latencies = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { result, latencies, cpu: cpuBetween(before, after), loopDelay: await loopDelay };
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

interface Scenario {
  key: string;
  label: string;
  expectStatus: number;
  perConnection: LoadRequest[][];
  /** Not one of the issue's scenarios: run to explain a figure, never judged. */
  diagnostic?: boolean;
  /** Offered req/s over all connections (open loop); unset: closed loop. */
  overallRate?: number;
}

const auth = (customer: FixtureCustomer) => ({ authorization: `Bearer ${customer.token}` });
const requestsPerConnection = 200;
/** One response in `checkEvery` has its body checked by the load generator. */
const checkEvery = 10;

/** Connection n acts for the customers whose index is n modulo the connection count: no customer is on two connections. */
function customersOf(customers: FixtureCustomer[], connections: number, n: number): FixtureCustomer[] {
  const mine = customers.filter((_, i) => i % connections === n);
  if (mine.length === 0) throw new Error(`Connection ${n} has no customer: seed at least ${connections} customers`);
  return mine;
}

function buildScenarios(customers: FixtureCustomer[], connections: number, postRate: number): Scenario[] {
  const connectionsList = Array.from({ length: connections }, (_, n) => n);
  const checked = (i: number, check: BodyCheck) => (i % checkEvery === 0 ? { check } : {});
  const ceiling = (path: string) =>
    connectionsList.map((n) => {
      const mine = customersOf(customers, connections, n);
      return Array.from({ length: requestsPerConnection }, (_, i): LoadRequest => ({ method: 'GET', path, headers: auth(pick(mine)), ...checked(i, { kind: 'ok' }) }));
    });
  const list = connectionsList.map((n) => {
    const mine = customersOf(customers, connections, n);
    const order: FixtureCustomer[] = [];
    while (order.length < requestsPerConnection) order.push(...shuffled(mine));
    return order.slice(0, requestsPerConnection).map(
      (customer, i): LoadRequest => ({
        method: 'GET',
        path: `/api/v1/tickets?limit=${listLimit}`,
        headers: auth(customer),
        ...checked(i, { kind: 'ticket-list', customerId: customer.id, items: Math.min(listLimit, customer.tickets.length) }),
      }),
    );
  });
  const thread = connectionsList.map((n) => {
    const mine = customersOf(customers, connections, n).filter((c) => c.tickets.some((t) => t.status === 'closed'));
    if (mine.length === 0) throw new Error(`Connection ${n} has no customer with a closed ticket`);
    return Array.from({ length: requestsPerConnection }, (_, i): LoadRequest => {
      const customer = pick(mine);
      // Closed: nobody posts to it meanwhile, so the expected message count holds in every round.
      const ticket = pick(customer.tickets.filter((t) => t.status === 'closed'));
      return {
        method: 'GET',
        path: `/api/v1/tickets/${ticket.id}/messages?limit=${threadLimit}`,
        headers: auth(customer),
        ...checked(i, { kind: 'thread', ticketId: ticket.id, items: Math.min(threadLimit, ticket.publicMessages) }),
      };
    });
  });
  const post = connectionsList.map((n) => {
    const mine = customersOf(customers, connections, n).filter((c) => c.tickets.some((t) => t.status !== 'closed'));
    if (mine.length === 0) throw new Error(`Connection ${n} has no customer with a ticket that is not closed`);
    return Array.from({ length: requestsPerConnection }, (_, i): LoadRequest => {
      const customer = pick(mine);
      const ticket = pick(customer.tickets.filter((t) => t.status !== 'closed'));
      return {
        method: 'POST',
        path: `/api/v1/tickets/${ticket.id}/messages`,
        headers: { ...auth(customer), 'content-type': 'application/json' },
        body: JSON.stringify({ message: `Any news on this? Still seeing it on our side (connection ${n}, request ${i}).` }),
        ...checked(i, { kind: 'posted', ticketId: ticket.id, senderId: customer.id }),
      };
    });
  });
  // Diagnostic: the same list with one customer per connection, so the user directory's
  // 5-second cache stays warm (50 users instead of 1,000): what a user-directory miss costs.
  const listWarm = connectionsList.map((n) => {
    const customer = customersOf(customers, connections, n)[0]!;
    return Array.from({ length: requestsPerConnection }, (_, i): LoadRequest => ({
      method: 'GET',
      path: `/api/v1/tickets?limit=${listLimit}`,
      headers: auth(customer),
      ...checked(i, { kind: 'ticket-list', customerId: customer.id, items: Math.min(listLimit, customer.tickets.length) }),
    }));
  });
  return [
    { key: 'ceiling', label: 'ceiling: JWT + withClaims(select 1)', expectStatus: 200, perConnection: ceiling('/bench/ceiling') },
    { key: 'ceiling-plain', label: 'ceiling-plain: JWT + select 1, no tx', expectStatus: 200, perConnection: ceiling('/bench/ceiling-plain') },
    { key: 'ceiling-read', label: 'ceiling-read: JWT + readWithClaims(select 1)', expectStatus: 200, perConnection: ceiling('/bench/ceiling-read') },
    { key: 'list', label: 'list: GET /tickets?limit=25', expectStatus: 200, perConnection: list },
    { key: 'thread', label: 'thread: GET /tickets/:id/messages?limit=50', expectStatus: 200, perConnection: thread },
    { key: 'post', label: 'post: POST /tickets/:id/messages', expectStatus: 201, perConnection: post },
    { key: 'list-warm', label: '(diag) list, 1 customer per connection', expectStatus: 200, perConnection: listWarm, diagnostic: true },
    ...(postRate > 0
      ? [{ key: 'post-paced', label: `post at ${postRate} req/s offered (open loop)`, expectStatus: 201, perConnection: post, overallRate: postRate }]
      : []),
  ];
}

// ---------------------------------------------------------------------------------------------
// Sanity: one request of each kind through fetch before any load, answers checked.

async function sanityCheck(baseUrl: string, customers: FixtureCustomer[]): Promise<string[]> {
  const notes: string[] = [];
  const customer = customers[0]!;
  const other = customers[1]!;
  const get = async (path: string, token = customer.token) => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as any };
  };
  const list = await get(`/api/v1/tickets?limit=${listLimit}`);
  if (list.status !== 200 || list.body.items.length !== Math.min(listLimit, customer.tickets.length)) throw new Error(`sanity: list answered ${list.status} ${JSON.stringify(list.body).slice(0, 300)}`);
  notes.push(`list: ${list.body.items.length} tickets, all the customer's own: ${list.body.items.every((t: any) => t.customer.id === customer.id)}`);
  const ticket = customer.tickets[0]!;
  const thread = await get(`/api/v1/tickets/${ticket.id}/messages?limit=${threadLimit}`);
  if (thread.status !== 200 || thread.body.items.length !== Math.min(threadLimit, ticket.publicMessages) || thread.body.items.some((m: any) => m.isInternal)) {
    throw new Error(`sanity: thread answered ${thread.status} ${JSON.stringify(thread.body).slice(0, 300)}`);
  }
  notes.push(`thread: ${thread.body.items.length} public messages, no internal note`);
  const foreign = await get(`/api/v1/tickets/${ticket.id}/messages?limit=${threadLimit}`, other.token);
  if (foreign.status !== 404) throw new Error(`sanity: another customer reading the thread got ${foreign.status}, expected 404`);
  notes.push("another customer's thread: 404");
  for (const path of ['/bench/ceiling', '/bench/ceiling-plain', '/bench/ceiling-read']) {
    const ceiling = await get(path);
    if (ceiling.status !== 200) throw new Error(`sanity: ${path} answered ${ceiling.status} ${JSON.stringify(ceiling.body)}`);
    const refused = await get(path, `${customer.token.slice(0, -4)}AAAA`);
    if (refused.status !== 401) throw new Error(`sanity: ${path} with a forged signature answered ${refused.status}, expected 401`);
  }
  notes.push('ceilings: 200 with the token, 401 with a forged signature');
  // The post itself is checked by the load run (status 201 and body checks); posting here would
  // change the thread the thread scenario checks.
  return notes;
}

// ---------------------------------------------------------------------------------------------
// Profile: each route's parts, in-process and without load, on a connection of its own.

interface ProfileRow {
  part: string;
  p50: number;
  p99: number;
  note: string;
}

async function timeIt(n: number, work: (i: number) => Promise<unknown> | unknown): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < Math.min(50, n); i++) await work(i);
  return summarize(await sampleLatencies(n, work));
}

interface CapturedQuery {
  sql: string;
  params: unknown[];
}

/** The same requests the load sends, one at a time from this process: each route's latency with no queueing. */
async function unloadedHttp(baseUrl: string, scenarios: Scenario[], n: number): Promise<ProfileRow[]> {
  const out: ProfileRow[] = [];
  for (const scenario of scenarios) {
    const requests = scenario.perConnection[0]!;
    let bad = 0;
    let bytes = 0;
    const times = await timeIt(n, async (i) => {
      const request = requests[i % requests.length]!;
      const response = await fetch(`${baseUrl}${request.path}`, { method: request.method, headers: request.headers, ...(request.body !== undefined ? { body: request.body } : {}) });
      const text = await response.text();
      bytes = text.length;
      if (response.status !== scenario.expectStatus) bad++;
    });
    out.push({ part: `HTTP ${scenario.key}, one request at a time`, ...times, note: `${bytes} bytes${bad ? `; ${bad} unexpected statuses` : ''}` });
  }
  return out;
}

async function profile(url: string, customers: FixtureCustomer[], explain: boolean): Promise<{ rows: ProfileRow[]; plans: string[] }> {
  const captured: CapturedQuery[] = [];
  let capture = false;
  const client = connectPostgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'ticket-widget-bench-api-profile' } });
  const db = drizzle({
    client,
    schema,
    logger: { logQuery: (query: string, params: unknown[]) => void (capture && captured.push({ sql: query, params })) },
  }) as unknown as Database;
  const user = (c: FixtureCustomer): AuthUser => ({ id: c.id, email: c.email, name: c.name, teamRole: null, displayName: null, tokenExpiresAt: Math.floor(Date.now() / 1000) + 3600 });
  // The claims asUser (server/routes/openapi-app.ts) sets.
  const claims = (c: FixtureCustomer) => ({ sub: c.id, role: 'authenticated', email: c.email });
  const listQuery = listTicketsQuery.parse({ limit: String(listLimit) });
  const threadQuery = listMessagesQuery.parse({ limit: String(threadLimit) });
  const n = 400;
  const sample = (i: number) => customers[(i * 7919) % customers.length]!;
  const ticketOf = (i: number) => sample(i).tickets[i % sample(i).tickets.length]!;
  // What the thread route does inside readAsUser: the ticket and its page in one statement.
  const threadWork = async (tx: Tx, i: number) => (await readThreadPage(tx, ticketOf(i).id, { limit: threadQuery.limit, after: undefined }))!;
  const out: ProfileRow[] = [];
  const plans: string[] = [];
  try {
    out.push({ part: 'select 1, no transaction', ...(await timeIt(n, () => db.execute(sql`select 1`))), note: '1 round trip (no parameters)' });
    out.push({ part: 'withClaims, empty (begin, set_config, commit)', ...(await timeIt(n, (i) => withClaims(db, claims(sample(i)), async () => undefined))), note: 'begin, set_config (2 round trips: a parameter), commit' });
    out.push({ part: 'withClaims(select 1): the ceiling route', ...(await timeIt(n, (i) => withClaims(db, claims(sample(i)), (tx) => tx.execute(sql`select 1`)))), note: 'the same + select 1: 5 round trips' });

    const listPage = await withClaims(db, claims(sample(0)), (tx) => listTickets(tx, user(sample(0)), listQuery));
    out.push({ part: 'readWithClaims(select 1)', ...(await timeIt(n, (i) => readWithClaims(db, claims(sample(i)), (tx) => tx.execute(sql`select 1`)))), note: 'begin read only, set_config, select 1 pipelined: 1 round trip' });
    out.push({ part: 'readWithClaims(listTickets): the list route', ...(await timeIt(n, (i) => readWithClaims(db, claims(sample(i)), (tx) => listTickets(tx, user(sample(i)), listQuery), { statements: 1 }))), note: `${listPage.items.length} tickets` });
    out.push({ part: '  the same through withClaims', ...(await timeIt(n, (i) => withClaims(db, claims(sample(i)), (tx) => listTickets(tx, user(sample(i)), listQuery)))), note: 'begin; set_config + query; commit' });
    const listJson = JSON.stringify(listPage);
    out.push({ part: 'JSON.stringify(list page)', ...(await timeIt(n, () => JSON.stringify(listPage))), note: `${listJson.length} bytes` });

    const threadPage = await withClaims(db, claims(sample(0)), (tx) => threadWork(tx, 0));
    out.push({ part: 'readWithClaims(readThreadPage): the thread route', ...(await timeIt(n, (i) => readWithClaims(db, claims(sample(i)), (tx) => threadWork(tx, i), { statements: 1 }))), note: `${threadPage.items.length} messages` });
    out.push({ part: 'JSON.stringify(thread page)', ...(await timeIt(n, () => JSON.stringify(threadPage))), note: `${JSON.stringify(threadPage).length} bytes` });

    // Each statement as Drizzle sends it, EXPLAIN ANALYZE'd 25 times under the same role and claims: median times.
    const explainStatements = async (label: string, work: (tx: Tx, i: number) => Promise<unknown>) => {
      const i = 3;
      const c = sample(i);
      captured.length = 0;
      capture = true;
      await withClaims(db, claims(c), (tx) => work(tx, i));
      capture = false;
      const statements = captured.filter((q) => !q.sql.startsWith('select set_config') && !/^(begin|commit|rollback)/i.test(q.sql));
      const asUserTx = <T>(body: (tx: postgres.TransactionSql) => Promise<T>) =>
        client.begin(async (tx) => {
          await tx.unsafe(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims(c))]);
          return body(tx);
        }) as Promise<T>;
      for (const [k, statement] of statements.entries()) {
        const planning: number[] = [];
        const execution: number[] = [];
        for (let r = 0; r < 25; r++) {
          const explained = await asUserTx((tx) => tx.unsafe(`explain (analyze, format json) ${statement.sql}`, statement.params as never[]));
          const plan = (explained[0] as Record<string, any>)['QUERY PLAN'][0];
          planning.push(plan['Planning Time']);
          execution.push(plan['Execution Time']);
        }
        const p = summarize(planning).p50;
        const e = summarize(execution).p50;
        out.push({ part: `  ${label} statement ${k + 1}: planning + execution (EXPLAIN ANALYZE, median of 25)`, p50: p + e, p99: Number.NaN, note: `planning ${fixed(p, 3)} + execution ${fixed(e, 3)} ms` });
        if (explain) {
          const text = await asUserTx((tx) => tx.unsafe(`explain (analyze, buffers) ${statement.sql}`, statement.params as never[]));
          plans.push(`[${label} statement ${k + 1}] ${statement.sql}\n  params ${JSON.stringify(statement.params)}\n${text.map((r: Record<string, any>) => `    ${r['QUERY PLAN']}`).join('\n')}`);
        }
      }
    };
    await explainStatements('list', (tx, i) => listTickets(tx, user(sample(i)), listQuery));
    await explainStatements('thread', threadWork);

    // Drizzle sends every query unnamed (postgres.js prepare: false): a query with parameters
    // costs two round trips (Parse+Describe, then Bind+Execute) and a fresh parse and plan. The
    // same transaction with named statements (prepare: true) shows what that costs.
    {
      const c = sample(5);
      captured.length = 0;
      capture = true;
      await withClaims(db, claims(c), (tx) => listTickets(tx, user(c), listQuery));
      capture = false;
      const [setClaims, listStatement] = captured.filter((q) => !/^(begin|commit|rollback)/i.test(q.sql));
      if (setClaims && listStatement) {
        const asPrepared = (prepare: boolean) =>
          client.begin(async (tx) => {
            await tx.unsafe(setClaims.sql, setClaims.params as never[], { prepare });
            return tx.unsafe(listStatement.sql, listStatement.params as never[], { prepare });
          });
        out.push({ part: 'list transaction, postgres.js, unnamed statements (as Drizzle sends)', ...(await timeIt(n, () => asPrepared(false))), note: 'begin, set_config, list, commit' });
        out.push({ part: 'list transaction, postgres.js, named statements (prepare: true)', ...(await timeIt(n, () => asPrepared(true))), note: 'the same SQL and parameters' });
      }
    }

    // The user directory (server/auth/user-directory.ts) on a cache miss, which with 1,000
    // customers and its 5 s TTL is nearly every request of the list, thread and post runs.
    {
      const directory = createUserDirectory(db, { ttlMs: 0 });
      const identity = (c: FixtureCustomer) => ({ userId: c.id, email: c.email, name: c.name, expiresAt: Math.floor(Date.now() / 1000) + 3600 });
      captured.length = 0;
      capture = true;
      await directory.resolve(identity(sample(6)));
      capture = false;
      const statements = [...captured];
      out.push({ part: 'user directory miss (createUserDirectory, TTL 0)', ...(await timeIt(n, (i) => directory.resolve(identity(sample(i))))), note: `${statements.length} statements, each autocommit` });
      out.push({
        part: '  for comparison: one read-only select of the user and team role',
        ...(await timeIt(n, (i) =>
          db.execute(sql`select u.email, u.name, m.role from auth.users u left join public.team_members m on m.id = u.id where u.id = ${sample(i).id}`),
        )),
        note: 'what a hit-or-read path could cost',
      });
      const upsert = statements.find((q) => /^insert/i.test(q.sql));
      if (upsert) {
        const wrote = await client.begin(async (tx) => {
          await tx.unsafe(upsert.sql, upsert.params as never[]);
          const [row] = await tx.unsafe(`select pg_current_xact_id_if_assigned() is not null as wrote`);
          throw Object.assign(new Error('rollback'), { wrote: (row as unknown as { wrote: boolean }).wrote });
        }).catch((e: { wrote?: boolean }) => e.wrote);
        out.push({
          part: '  its insert … on conflict do update where <nothing changed>',
          p50: Number.NaN,
          p99: Number.NaN,
          note: wrote ? 'takes a transaction id (locks the row): its commit waits for a WAL flush' : 'takes no transaction id: a read-only commit',
        });
      }
    }
  } finally {
    await client.end({ timeout: 5 });
  }
  return { rows: out, plans };
}

// ---------------------------------------------------------------------------------------------

const serverSummary = (db: Database) => postgresSummary(db, ['max_connections', 'shared_buffers', 'synchronous_commit', 'fsync', 'jit']);

interface Aggregate {
  scenario: Scenario;
  runs: RunOutcome[];
  requestsPerSecond: number;
  latency: LatencyDistribution;
  responses: number;
  non2xx: number;
  unexpectedStatus: number;
  errors: number;
  checked: number;
  badBodies: number;
  badBodyExamples: string[];
  statusCounts: Record<string, number>;
  cpu: Cpu;
}

function aggregate(scenario: Scenario, runs: RunOutcome[]): Aggregate {
  const all = new Float64Array(runs.reduce((n, r) => n + r.latencies.length, 0));
  let offset = 0;
  for (const r of runs) {
    all.set(r.latencies, offset);
    offset += r.latencies.length;
  }
  all.sort();
  const statusCounts: Record<string, number> = {};
  for (const r of runs) for (const [code, n] of Object.entries(r.result.statusCounts)) statusCounts[code] = (statusCounts[code] ?? 0) + n;
  const total = <K extends keyof LoadResult>(key: K) => runs.reduce((n, r) => n + (r.result[key] as number), 0);
  const cpu: Cpu = { wall: 0, server: 0, postgres: 0, load: 0, machine: 0 };
  for (const r of runs) for (const k of Object.keys(cpu) as (keyof Cpu)[]) cpu[k] += r.cpu[k];
  return {
    scenario,
    runs,
    requestsPerSecond: total('expected') / total('seconds'),
    latency: latencyDistribution(all),
    responses: total('responses'),
    non2xx: total('non2xx'),
    unexpectedStatus: total('unexpectedStatus'),
    errors: total('errors'),
    checked: total('checked'),
    badBodies: total('badBodies'),
    badBodyExamples: runs.flatMap((r) => r.result.badBodyExamples).slice(0, 5),
    statusCounts,
    cpu,
  };
}

async function main(): Promise<number> {
  const adminUrl = process.env.DATABASE_URL?.trim();
  if (!adminUrl) {
    console.error(
      'bench:api needs a PostgreSQL server: set DATABASE_URL (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:api).\n' +
        'It creates its own database there (tw_bench_api_<random>), seeds it, runs the server on it and drops it at the end;\n' +
        "DATABASE_URL's own database is never written.",
    );
    return 2;
  }
  const connections = intFromEnv('BENCH_API_CONNECTIONS', 50);
  const durationSeconds = intFromEnv('BENCH_API_DURATION', 15);
  const rounds = intFromEnv('BENCH_API_ROUNDS', 3);
  const warmupSeconds = intFromEnv('BENCH_API_WARMUP', 2);
  const quietWaitSeconds = intFromEnv('BENCH_API_QUIET_WAIT', 180);
  const poolSize = intFromEnv('BENCH_API_POOL_SIZE', 20);
  const scale: SeedScale = { customers: intFromEnv('BENCH_API_CUSTOMERS', 1000), ticketsPerCustomer: intFromEnv('BENCH_API_TICKETS', 20), agents: 8 };
  const only = process.env.BENCH_API_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  const keep = process.env.BENCH_API_KEEP_DB === '1';
  const explain = process.env.BENCH_API_EXPLAIN === '1';
  const postRate = process.env.BENCH_API_POST_RATE?.trim() === '0' ? 0 : intFromEnv('BENCH_API_POST_RATE', 300);
  const secondsPerRun = durationSeconds / rounds;

  log(`bench:api on ${machineSummary()}`);
  log(`  The server (one Node process), the load generator (another process) and PostgreSQL all share these ${cpus().length} cores.`);

  let bench: BenchDatabase | undefined;
  let server: ServerProcess | undefined;
  let stats: postgres.Sql | undefined;
  let workDir: string | undefined;
  const cleanUp = cleanUpOnExit(async () => {
    runningLoad?.kill('SIGTERM');
    await stats?.end({ timeout: 5 }).catch(() => {});
    await server?.stop().catch(() => {});
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    await bench?.dispose();
  });

  try {
    bench = await createBenchDatabase({
      adminUrl,
      name: benchDatabaseName('tw_bench_api_'),
      applicationName: 'ticket-widget-bench-api',
      log,
      keep: keep && (({ name }) => `BENCH_API_KEEP_DB=1: kept ${name}; drop it with: drop database ${name} with (force);`),
    });
    workDir = mkdtempSync(join(tmpdir(), 'tw-bench-api-'));

    const handle: DatabaseHandle = await openDatabase({ databaseUrl: bench.url, maxConnections: 1 });
    let customers: FixtureCustomer[];
    const secret = randomBytes(36).toString('base64url');
    try {
      await migrateDatabase(handle);
      const started = performance.now();
      await seed(handle.systemDb, scale);
      const [counts] = await query<{ customers: number; team: number; tickets: number; messages: number; internal: number; tags: number }>(
        handle.systemDb,
        sql`select (select count(*)::int from auth.users u where not exists (select 1 from public.team_members m where m.id = u.id)) as customers,
                   (select count(*)::int from public.team_members) as team, (select count(*)::int from public.tickets) as tickets,
                   (select count(*)::int from public.ticket_messages) as messages,
                   (select count(*)::int from public.ticket_messages where is_internal) as internal,
                   (select count(*)::int from public.ticket_tag_relations) as tags`,
      );
      log(
        `Seeded in ${((performance.now() - started) / 1000).toFixed(1)} s: ${counts!.customers} customers, ${counts!.team} team members, ` +
          `${counts!.tickets} tickets, ${counts!.messages} messages (${counts!.internal} internal), ${counts!.tags} ticket tags`,
      );
      log(`PostgreSQL: ${await serverSummary(handle.systemDb)}`);
      customers = await loadFixtures(handle.systemDb, secret);
    } finally {
      await handle.close();
    }

    const port = await freePort();
    server = await startServer(port, benchServerEnv({ databaseUrl: bench.url, port, secret, poolSize }));
    const serverPid = server.child.pid!;
    log(`Server: node ${[...serverNodeFlags(), ""].join(" ")}tests/bench/api-bench-server.ts (pid ${serverPid}) on ${server.baseUrl}, DATABASE_POOL_SIZE=${poolSize}, LOG_LEVEL=warn, rate limits off`);
    for (const note of await sanityCheck(server.baseUrl, customers)) log(`  sanity: ${note}`);

    stats = connectPostgres(bench.url, { max: 1, onnotice: () => {}, connection: { application_name: 'ticket-widget-bench-api-stats' } });
    const messagesBefore = await countMessages(stats);
    let scenarios = buildScenarios(customers, connections, postRate);
    if (only?.length) scenarios = scenarios.filter((s) => only.includes(s.key) || (s.key === 'ceiling' && only.some((k) => k === 'list' || k === 'thread')));
    log(
      `Load: autocannon in its own process, ${connections} connections; per scenario ${rounds} round(s) of ${fixed(secondsPerRun, 1)} s measured ` +
        `(= ${durationSeconds} s), each after ${warmupSeconds} s of discarded warm-up; scenarios interleaved within each round.`,
    );
    log(
      `  Connection n acts for the ${Math.ceil(customers.length / connections)} customers whose index is n mod ${connections} (a random one per request, ` +
        `so no customer is on two connections); 1 response in ${checkEvery} has its body checked by the load generator.`,
    );
    log('  thread reads closed tickets (their threads do not change while post runs); post writes to tickets that are not closed.');
    const outcomes = new Map<string, RunOutcome[]>(scenarios.map((s) => [s.key, []]));
    const noisyRuns: string[] = [];
    // Before each run the bench waits (30 s at most) for the machine to be nearly idle, within this budget for the whole bench.
    let quietBudget = quietWaitSeconds;
    for (let round = 1; round <= rounds; round++) {
      for (const scenario of scenarios) {
        const quiet = await waitForQuiet(Math.min(30, Math.max(1, quietBudget)));
        quietBudget -= quiet.waited;
        if (quiet.waited > 1.5) {
          log(`  (waited ${fixed(quiet.waited, 0)} s for other load to stop before round ${round} of ${scenario.key}; ${fixed(quiet.busy)} cores were busy at the end of the wait)`);
        }
        const spec: LoadSpec = {
          title: `${scenario.key}-${round}`,
          url: server.baseUrl,
          connections,
          warmupSeconds,
          durationSeconds: secondsPerRun,
          expectStatus: scenario.expectStatus,
          perConnection: scenario.perConnection,
          ...(scenario.overallRate ? { overallRate: scenario.overallRate } : {}),
          resultPath: join(workDir, `${scenario.key}-${round}.result.json`),
          latenciesPath: join(workDir, `${scenario.key}-${round}.latencies.f64`),
        };
        const outcome = await runLoad(spec, workDir, serverPid, bench.name, server.baseUrl);
        outcomes.get(scenario.key)!.push(outcome);
        const { result, cpu } = outcome;
        const other = (cpu.machine - cpu.server - cpu.postgres - cpu.load) / cpu.wall;
        if (other > 0.25) noisyRuns.push(`${scenario.key} round ${round} (${fixed(other)} cores)`);
        log(
          `  round ${round} ${scenario.key.padEnd(13)} ${fixed(result.requestsPerSecond, 0).padStart(5)} req/s, p50 ${fixed(result.latency.p50).padStart(6)} p99 ${fixed(result.latency.p99).padStart(7)} ms, ` +
            `status ${JSON.stringify(result.statusCounts)}, errors ${result.errors}, bodies ${result.checked - result.badBodies}/${result.checked} ok, other load ${fixed(other)} cores` +
            (outcome.loopDelay
              ? `, server event-loop delay p99 ${fixed(outcome.loopDelay.p99Ms)} max ${fixed(outcome.loopDelay.maxMs)} ms, GC ${outcome.loopDelay.gc.count} pauses (longest ${fixed(outcome.loopDelay.gc.maxMs)} ms, ${fixed(outcome.loopDelay.gc.totalMs, 0)} ms in all)`
              : '') +
            (result.warmup.non2xx || result.warmup.errors ? `; warm-up non-2xx ${result.warmup.non2xx}, errors ${result.warmup.errors}` : ''),
        );
      }
    }
    const results = scenarios.map((s) => aggregate(s, outcomes.get(s.key)!));
    const posting = results.filter((r) => r.scenario.key === 'post' || r.scenario.key === 'post-paced');
    if (posting.length) {
      const inserted = (await countMessages(stats)) - messagesBefore;
      const postRuns = posting.flatMap((r) => r.runs);
      const answered = postRuns.reduce((n, r) => n + r.result.expected + r.result.warmup.responses - r.result.warmup.non2xx, 0);
      // A run that ends stops its connections with a request still in flight on each: the server
      // may have inserted those messages, but nobody counted the answer.
      const inFlight = 2 * connections * postRuns.length;
      // A request that timed out or failed on the client's side may have been inserted all the same.
      const unanswered = postRuns.reduce((n, r) => n + r.result.errors + r.result.warmup.errors, 0);
      const consistent = inserted >= answered && inserted - answered <= inFlight + unanswered;
      log(
        `  post: ${inserted} messages inserted, ${answered} 201 answers counted (warm-up included); the difference, ${inserted - answered}, ` +
          `${consistent ? `is within the ${inFlight} requests in flight when runs stopped and the ${unanswered} that timed out or failed client-side` : 'is NOT explained by requests in flight, timed out or failed'}`,
      );
      if (!consistent) throw new Error('post: the database and the answers disagree');
    }

    printResults(results, connections, noisyRuns);

    log();
    log('Profile, no load (ms): the same requests one at a time over HTTP, then each route\'s work in-process on one connection');
    const unloaded = await unloadedHttp(server.baseUrl, scenarios.filter((s) => s.key !== 'list-warm'), 300);
    await server.stop();
    logServerStderr(server, log);
    const { rows: profileRows, plans } = await profile(bench.url, customers, explain);
    log(table(['part', 'p50', 'p99', ''], [...unloaded, ...profileRows].map((r) => [r.part, fixed(r.p50, 3), fixed(r.p99, 3), r.note]), [0, 3]));
    for (const plan of plans) log(`\n${plan}`);
    return results.some((r) => r.non2xx > 0 || r.errors > 0 || r.badBodies > 0 || r.unexpectedStatus > 0) ? 1 : 0;
  } catch (error) {
    console.error('\nbench:api FAILED:', error instanceof Error ? (error.stack ?? error.message) : error);
    if (error instanceof Error && error.cause) console.error('cause:', error.cause);
    return 1;
  } finally {
    await cleanUp();
  }
}

async function countMessages(client: postgres.Sql): Promise<number> {
  const [row] = await client`select count(*)::int as n from public.ticket_messages`;
  return row!.n as number;
}

const cpuOfThree = (r: Aggregate) => r.cpu.server + r.cpu.postgres + r.cpu.load;

function printResults(results: Aggregate[], connections: number, noisyRuns: string[]) {
  const ceiling = results.find((r) => r.scenario.key === 'ceiling');
  const ceilingRps = ceiling?.requestsPerSecond ?? Number.NaN;
  const perRequest = (cpuSeconds: number, r: Aggregate) => fixed((1000 * cpuSeconds) / (r.requestsPerSecond * r.cpu.wall), 2);
  log();
  log(`Results at ${connections} connections (latency in ms over every response of every measured round; req/s counts the expected status only)`);
  log(
    table(
      ['scenario', 'req/s', 'p50', 'p99', 'non-2xx', 'errors', 'bad bodies', '× ceiling'],
      results.map((r) => [r.scenario.label, fixed(r.requestsPerSecond, 0), fixed(r.latency.p50), fixed(r.latency.p99), String(r.non2xx), String(r.errors), `${r.badBodies}/${r.checked}`, fixed(r.requestsPerSecond / ceilingRps)]),
    ),
  );
  log('  × ceiling = req/s ÷ req/s of the "ceiling" row: JWT verification + withClaims(select 1), i.e. the auth, transaction and');
  log('  driver cost of a real route without its queries, the /api/* middleware or the user directory. The targets use it.');
  log('  Every route, the ceiling\'s too, verifies a token once and then recalls it (AUTH_TOKEN_CACHE_SIZE, set 0 to verify each in full).');
  log('  ceiling-plain is the same without the transaction (one round trip instead of four), shown for what the wrapper costs.');
  log('  ceiling-read is the same in the read transaction the list, detail and thread routes use (begin read only, identity, select 1 and');
  log('  commit in one write): cheaper than "ceiling", so against it the reads\' ratios are lower; shown beside it, not used by the targets.');

  log();
  log(`Details: req/s per round, latency spread, CPU in cores during the measured runs (the machine has ${cpus().length}), work per request`);
  log(
    table(
      ['scenario', 'req/s by round', 'mean', 'p90', 'p99.9', 'max', 'server', 'postgres', 'load gen', 'other', 'server CPU ms/req', 'pg CPU ms/req', 'all 3 ms/req', '× ceiling by CPU'],
      results.map((r) => [
        r.scenario.key,
        r.runs.map((x) => fixed(x.result.requestsPerSecond, 0)).join(' / '),
        fixed(r.latency.mean),
        fixed(r.latency.p90),
        fixed(r.latency.p999),
        fixed(r.latency.max, 1),
        fixed(r.cpu.server / r.cpu.wall),
        fixed(r.cpu.postgres / r.cpu.wall),
        fixed(r.cpu.load / r.cpu.wall),
        fixed(Math.max(0, r.cpu.machine - r.cpu.server - r.cpu.postgres - r.cpu.load) / r.cpu.wall),
        perRequest(r.cpu.server, r),
        perRequest(r.cpu.postgres, r),
        perRequest(cpuOfThree(r), r),
        fixed(ceiling ? cpuOfThree(ceiling) / (ceiling.requestsPerSecond * ceiling.cpu.wall) / (cpuOfThree(r) / (r.requestsPerSecond * r.cpu.wall)) : Number.NaN),
      ]),
    ),
  );
  log('  server/postgres/load gen/other: cores busy. postgres = the backends connected to the bench database; other = the rest of the');
  log('  machine (this process, PostgreSQL background processes, anything else running). CPU ms/req = CPU time ÷ expected responses.');
  log('  × ceiling by CPU = (server + postgres + load gen CPU per ceiling request) ÷ (the same per request of the row): the ratio the');
  log('  req/s would have if the three had the cores to themselves and stayed CPU-bound; less sensitive to other load than req/s.');
  if (noisyRuns.length) log(`  NOTE: other load above 0.25 cores during: ${noisyRuns.join(', ')}; those rounds competed for the CPU.`);

  log();
  log('Targets (from the issue):');
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const targetRows: string[][] = [];
  for (const key of ['list', 'thread']) {
    const r = results.find((x) => x.scenario.key === key);
    if (!r || !ceiling) continue;
    const ratio = r.requestsPerSecond / ceilingRps;
    targetRows.push([`${key} req/s >= ${targetRatio} × ceiling req/s`, `${fixed(r.requestsPerSecond, 0)} / ${fixed(ceilingRps, 0)} = ${fixed(ratio)}`, verdict(ratio >= targetRatio && r.non2xx === 0 && r.errors === 0)]);
  }
  const post = results.find((x) => x.scenario.key === 'post');
  if (post) targetRows.push([`post p99 <= ${targetPostP99Ms} ms (closed loop, ${connections} connections)`, `${fixed(post.latency.p99)} ms`, verdict(post.latency.p99 <= targetPostP99Ms && post.non2xx === 0 && post.errors === 0)]);
  const paced = results.find((x) => x.scenario.key === 'post-paced');
  if (paced) {
    targetRows.push([
      `(added) post p99 <= ${targetPostP99Ms} ms at ${paced.scenario.overallRate} req/s offered`,
      `${fixed(paced.latency.p99)} ms at ${fixed(paced.requestsPerSecond, 0)} req/s served`,
      verdict(paced.latency.p99 <= targetPostP99Ms && paced.non2xx === 0 && paced.errors === 0),
    ]);
  }
  log(table(['target', 'measured', 'result'], targetRows, [0, 1]));
  if (post) {
    log(
      `  The load is closed-loop (each connection sends its next request when its answer arrives), so mean latency ≈ connections ÷ req/s:` +
        ` ${connections} ÷ ${fixed(post.requestsPerSecond, 0)} = ${fixed((connections / post.requestsPerSecond) * 1000)} ms for post (measured mean ${fixed(post.latency.mean)} ms);` +
        ` a p99 of ${targetPostP99Ms} ms at ${connections} connections needs well over ${fixed((connections / targetPostP99Ms) * 1000, 0)} req/s.`,
    );
  }
  if (paced) {
    log(
      `  post-paced offers ${paced.scenario.overallRate} req/s evenly spaced over the same ${connections} connections (request k due at k ÷ rate, on` +
        ` connection k mod ${connections}), each timed from when it was due, so a request held up behind a slow one counts its wait too.` +
        ` Below saturation requests rarely queue, so its latency is the route's own under that load, not the queue's.`,
    );
  }
  const bad = results.filter((r) => r.non2xx > 0 || r.errors > 0 || r.badBodies > 0 || r.unexpectedStatus > 0);
  log(bad.length === 0 ? '  Every response had the expected status and every checked body was right.' : `  ERRORS in: ${bad.map((r) => r.scenario.key).join(', ')}; those figures are not valid.`);
  for (const r of bad) {
    log(`    ${r.scenario.key}: statuses ${JSON.stringify(r.statusCounts)}, errors ${r.errors}`);
    for (const example of r.badBodyExamples) log(`    ${r.scenario.key}: ${example}`);
  }
}

process.exitCode = await main();
