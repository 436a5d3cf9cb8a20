/**
 * `npm run bench:live`: live updates under load, on PostgreSQL, in one run:
 *
 *  1. Delivery. 1,000 customer sockets and 10 agent sockets on one server instance (the real
 *     `node server/main.ts`, a child process) while writers post replies at a paced rate
 *     (open loop). For every message: the time from the writer receiving its 201 (the change
 *     had committed) to the ticket's customer socket, and to each agent socket, receiving the
 *     matching `message.created` event; also from the request being sent. Every expected
 *     delivery (each event of the window to its customer's socket and to every agent socket,
 *     read back from ticket_events) is checked against what each socket received: missing,
 *     duplicate, unexpected and out-of-order are counted, never hidden.
 *  2. Cost on writers. Message-posting throughput at 32 concurrent writers (closed loop) with the
 *     live machinery on (sockets connected, the hub running, event triggers enabled) and off
 *     (sockets disconnected, the event-recording triggers disabled on the bench database), in
 *     an ABBA order, medians reported; and a control: the same with a NOTIFY inside every
 *     writing transaction (a temporary trigger), the design the doorbell avoids.
 *
 * The sockets and the writers run in a separate process (tests/bench/live-load.ts), so they do
 * not share the server's event loop. Its own database (tw_bench_live_<random>) is created on the
 * DATABASE_URL server, migrated, seeded through the bypass connection and dropped at the end,
 * also on failure or Ctrl-C. Everything printed is measured in this run.
 *
 * Environment:
 *   DATABASE_URL               PostgreSQL server to create the bench database on (required).
 *   BENCH_LIVE_CUSTOMERS       customer sockets (default 1000); BENCH_LIVE_AGENTS agent sockets (default 10).
 *   BENCH_LIVE_TICKETS         tickets per customer (default 2).
 *   BENCH_LIVE_RATE            paced posts per second in the delivery run (default 310).
 *   BENCH_LIVE_SECONDS         measured seconds of the delivery run (default 15), after BENCH_LIVE_WARMUP (default 2).
 *   BENCH_LIVE_WRITERS         concurrent writers in the throughput phases (default 32).
 *   BENCH_LIVE_PHASE_SECONDS   measured seconds per throughput phase (default 10), after BENCH_LIVE_WARMUP.
 *   BENCH_LIVE_POOL_SIZE       the server's DATABASE_POOL_SIZE (default 20).
 *   BENCH_LIVE_AGENT_SHARE     share of posts written by an agent instead of the customer (default 0.1).
 *   BENCH_LIVE_CONTROL=0       skip the NOTIFY-in-transaction control.
 *   BENCH_LIVE_EXPERIMENTAL_SQL  all, or a comma list of tests/bench/live-experimental-schema.ts's names: EXPERIMENTAL
 *                              schema changes (not in db/migrations) measured in an extra "exp" phase (live on, the SQL
 *                              applied; put back after each phase). Default: none.
 *   BENCH_LIVE_ORDER           the throughput phases, e.g. on,off,off,on (default control,on,off,off,on,on,off,off,on,control;
 *                              with experiments on,exp,off,off,exp,on,on,exp,off,off,exp,on between the controls; - for none).
 *   BENCH_LIVE_QUIET_WAIT      seconds, in all, the bench may wait for other work on the machine to stop before its runs (15 s at most each time; default 240 in all).
 *   BENCH_LIVE_KEEP_DB=1       keep the bench database (its name is printed).
 *   BENCH_LIVE_NODE_FLAGS      the server's Node flags instead of `npm start`'s (package.json), e.g. "" for none.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type postgres from 'postgres';
import { connectPostgres } from '../../db/postgres-connection.ts';
import { openDatabase } from '../../db/client.ts';
import { migrateDatabase } from '../../db/migrate.ts';
import type { TicketEvent } from '../../db/schema/index.ts';
import { readEventsAfter, readFinalEventsAfter, readHorizon, toLiveEvent } from '../../server/live/event-reader.ts';
import { mayReceive, type Subscriber } from '../../server/live/visibility.ts';
import { experimentsFromEnv, type SchemaExperiment } from './live-experimental-schema.ts';
import type { LoadCommand, LoadReply, LoadSpec, PostRunResult, SocketReceipts } from './live-shared.ts';
import { benchDatabaseName, createBenchDatabase, type BenchDatabase } from './support/bench-database.ts';
import { cleanUpOnExit } from './support/cleanup.ts';
import { cpuBetween, cpuSnapshot, waitForQuiet, type Cpu } from './support/cpu-usage.ts';
import { intFromEnv, numberFromEnv } from './support/env.ts';
import { machineSummary } from './support/machine.ts';
import { benchServerEnv, logServerStderr, npmStartNodeFlags, startServerPrintingUrl, type ServerProcess } from './support/server-process.ts';
import { median, percentile, sampleLatencies, sortedCopy } from './support/stats.ts';
import { table } from './support/text-table.ts';
import { signUserToken } from './support/tokens.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = join(here, '..', '..');
const serverEntry = join(projectRoot, 'server', 'main.ts');
const loadEntry = join(here, 'live-load.ts');

const targets = { p50Ms: 10, p99Ms: 100, changesPerSecond: 300, throughputRatio: 0.9 };
const eventTriggers = [
  ['public.tickets', 'tickets_record_event'],
  ['public.ticket_messages', 'ticket_messages_record_event'],
  ['public.ticket_tag_relations', 'ticket_tag_relations_record_event'],
  ['public.ticket_metadata', 'ticket_metadata_record_event'],
] as const;

const log = (line = '') => console.log(line);
const fixed = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

// ---------------------------------------------------------------------------------------------
// CPU figures (support/cpu-usage.ts samples /proc; the machine is shared: what is not ours shows as "other").

function cpuText(c: Cpu): string {
  const other = Math.max(0, c.machine - c.server - c.postgres - c.load);
  const cores = (x: number) => fixed(x / c.wall, 2);
  return `CPU cores: server ${cores(c.server)}, postgres ${cores(c.postgres)}, load ${cores(c.load)}, other ${cores(other)}`;
}

/** CPU milliseconds per post (over the whole run, warm-up included, as the CPU window is). */
function cpuPerPost(c: Cpu, posts: number): string {
  return `server ${fixed((1000 * c.server) / posts, 2)}, postgres ${fixed((1000 * c.postgres) / posts, 2)}, load ${fixed((1000 * c.load) / posts, 2)}`;
}

// ---------------------------------------------------------------------------------------------
// The bench database.

interface Fixtures {
  customers: { id: string; email: string; name: string; tickets: string[] }[];
  agents: { id: string; email: string; name: string }[];
}

/** Set-based seed through the bypass connection: customers with a few open tickets, agents in team_members. */
async function seed(url: string, scale: { customers: number; tickets: number; agents: number }): Promise<Fixtures> {
  const handle = await openDatabase({ databaseUrl: url, maxConnections: 1 });
  try {
    await migrateDatabase(handle);
    const run = (text: string) => handle.systemDb.execute(sql.raw(text));
    await run(`create temp table seed_customer as select g as n, gen_random_uuid() as id from generate_series(1, ${scale.customers}) g`);
    await run(`create temp table seed_agent as select g as n, gen_random_uuid() as id from generate_series(1, ${scale.agents}) g`);
    await run(`insert into auth.users (id, email, name) select id, 'customer' || n || '@bench.example', 'Customer ' || n from seed_customer`);
    await run(`insert into auth.users (id, email, name) select id, 'agent' || n || '@support.example', 'Agent ' || n from seed_agent`);
    await run(`insert into public.team_members (id, display_name, role) select id, 'Agent ' || n, 'agent' from seed_agent`);
    // Open, already answered once: a customer's or an agent's reply then changes neither the
    // status nor first_response_at, so each post records exactly one event (message.created).
    await run(`insert into public.tickets (title, description, status, priority, customer_id, first_response_at, created_at)
               select 'Export fails (' || k || ')', 'Clicking export spins forever. Reference ' || md5(c.id::text || k) || '.',
                      'open', 'medium', c.id, now() - interval '1 day', now() - interval '2 days'
               from seed_customer c cross join generate_series(1, ${scale.tickets}) k`);
    await run(`insert into public.ticket_messages (ticket_id, sender_id, message)
               select t.id, t.customer_id, 'It started this morning; the export never finishes.' from public.tickets t`);
    await run(`insert into public.ticket_messages (ticket_id, sender_id, message)
               select t.id, a.id, 'Thanks, we are looking into it.' from public.tickets t
               join seed_agent a on a.n = 1 + (abs(hashtext(t.id::text)) % ${scale.agents})`);
    await run(`drop table seed_customer, seed_agent`);
    await run(`vacuum (analyze)`);
    const rows = (await handle.systemDb.execute(
      sql`select u.id, u.email, u.name, coalesce(array_agg(t.id order by t.created_at, t.id) filter (where t.id is not null), '{}') as tickets,
                 exists (select 1 from public.team_members m where m.id = u.id) as agent
          from auth.users u left join public.tickets t on t.customer_id = u.id
          group by u.id order by u.email`,
    )) as unknown as { id: string; email: string; name: string; tickets: string[]; agent: boolean }[];
    return {
      customers: rows.filter((r) => !r.agent).map((r) => ({ id: r.id, email: r.email, name: r.name, tickets: r.tickets })),
      agents: rows.filter((r) => r.agent).map((r) => ({ id: r.id, email: r.email, name: r.name })),
    };
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The server and the load process.

interface LoadChild {
  child: ChildProcess;
  send<T extends LoadReply['type']>(command: LoadCommand, expect: T): Promise<Extract<LoadReply, { type: T }>>;
  stop(): Promise<void>;
}

async function startLoad(specPath: string): Promise<LoadChild> {
  const child = fork(loadEntry, [specPath], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  let waiting: { resolve: (reply: LoadReply) => void; reject: (error: Error) => void } | undefined;
  let exited = false;
  child.on('message', (message: LoadReply) => {
    const w = waiting;
    waiting = undefined;
    w?.resolve(message);
  });
  child.on('exit', (code) => {
    exited = true;
    waiting?.reject(new Error(`The load process exited (${code})`));
  });
  await new Promise<void>((resolve, reject) => {
    waiting = { resolve: () => resolve(), reject };
  });
  return {
    child,
    send(command, expect) {
      return new Promise((resolve, reject) => {
        waiting = {
          resolve: (reply) => {
            if (reply.type === expect) resolve(reply as never);
            else reject(new Error(`The load process answered ${reply.type === 'failed' ? `with a failure:\n${reply.error}` : reply.type} to ${command.type}`));
          },
          reject,
        };
        child.send(command);
      });
    },
    async stop() {
      if (exited) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'exit' } satisfies LoadCommand);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Delivery accounting: what each socket was owed (read back from ticket_events) against what it got.

interface Accounting {
  events: number;
  byKind: Record<string, number>;
  expected: { customer: number; agent: number };
  delivered: { customer: number; agent: number };
  missing: { customer: number; agent: number };
  duplicate: { customer: number; agent: number };
  unexpected: { customer: number; agent: number };
  outOfOrder: number;
  examples: string[];
  /** Error frames and closes the load process saw (slow-consumer drops would show here). */
  socketNotes: string[];
}

async function collectAndAccount(stats: postgres.Sql, load: LoadChild, hi: number, settleMs: number): Promise<Accounting> {
  const collected = await load.send({ type: 'collect', untilPosition: hi, timeoutMs: 10_000, settleMs }, 'collected');
  const accounting = await account(stats, collected.sockets, hi);
  accounting.socketNotes = collected.unexpectedFrames;
  return accounting;
}

async function account(stats: postgres.Sql, receipts: SocketReceipts[], hi: number): Promise<Accounting> {
  const lo = Math.min(...receipts.map((r) => r.readyPosition));
  const events = await stats<{ position: string; customer_id: string; is_internal: boolean; kind: string }[]>`
    select position, customer_id, is_internal, kind from public.ticket_events where position > ${lo} and position <= ${hi} order by position`;
  const byKind: Record<string, number> = {};
  const byCustomer = new Map<string, number[]>();
  const all: number[] = [];
  for (const e of events) {
    const position = Number(e.position);
    byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
    all.push(position);
    if (!e.is_internal) {
      let list = byCustomer.get(e.customer_id);
      if (!list) byCustomer.set(e.customer_id, (list = []));
      list.push(position);
    }
  }
  const zero = () => ({ customer: 0, agent: 0 });
  const result: Accounting = { events: events.length, byKind, expected: zero(), delivered: zero(), missing: zero(), duplicate: zero(), unexpected: zero(), outOfOrder: 0, examples: [], socketNotes: [] };
  for (const socket of receipts) {
    const owed = (socket.role === 'agent' ? all : (byCustomer.get(socket.userId) ?? [])).filter((p) => p > socket.readyPosition);
    const owedSet = new Set(owed);
    const got = new Set<number>();
    let last = -1;
    for (const p of socket.positions) {
      if (p <= last) result.outOfOrder++;
      last = Math.max(last, p);
      if (got.has(p)) {
        result.duplicate[socket.role]++;
        if (result.examples.length < 5) result.examples.push(`${socket.role} ${socket.userId}: event ${p} twice`);
        continue;
      }
      got.add(p);
      if (!owedSet.has(p)) {
        result.unexpected[socket.role]++;
        if (result.examples.length < 5) result.examples.push(`${socket.role} ${socket.userId}: event ${p} not owed to it`);
      }
    }
    result.expected[socket.role] += owed.length;
    for (const p of owed) {
      if (got.has(p)) result.delivered[socket.role]++;
      else {
        result.missing[socket.role]++;
        if (result.examples.length < 5) result.examples.push(`${socket.role} ${socket.userId}: event ${p} missing`);
      }
    }
  }
  return result;
}

function accountingLine(a: Accounting): string {
  const total = (x: { customer: number; agent: number }) => x.customer + x.agent;
  return (
    `expected ${total(a.expected)} (customer ${a.expected.customer} + agent ${a.expected.agent}), delivered ${total(a.delivered)}, ` +
    `missing ${total(a.missing)}, duplicate ${total(a.duplicate)}, unexpected ${total(a.unexpected)}, out of order ${a.outOfOrder}, socket errors/closes ${a.socketNotes.length}`
  );
}

const accountingClean = (a: Accounting) =>
  a.missing.customer + a.missing.agent + a.duplicate.customer + a.duplicate.agent + a.unexpected.customer + a.unexpected.agent + a.outOfOrder + a.socketNotes.length === 0;

// ---------------------------------------------------------------------------------------------

interface LatencyStats {
  n: number;
  p50: number;
  p99: number;
  max: number;
  min: number;
}
function latencyStats(values: number[]): LatencyStats {
  const sorted = sortedCopy(values);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN, min: sorted[0] ?? Number.NaN };
}

async function maxPosition(stats: postgres.Sql): Promise<number> {
  const [row] = await stats<{ position: string | null }[]>`select max(position) as position from public.ticket_events`;
  return Number(row?.position ?? 0);
}
async function countMessages(stats: postgres.Sql): Promise<number> {
  const [row] = await stats<{ n: number }[]>`select count(*)::int as n from public.ticket_messages`;
  return row!.n;
}

async function setEventTriggers(stats: postgres.Sql, enabled: boolean): Promise<void> {
  for (const [tableName, trigger] of eventTriggers) await stats.unsafe(`alter table ${tableName} ${enabled ? 'enable' : 'disable'} trigger ${trigger}`);
  const rows = await stats<{ tgname: string; tgenabled: string }[]>`select tgname, tgenabled from pg_trigger where tgname in ${stats(eventTriggers.map(([, t]) => t))}`;
  const want = enabled ? 'O' : 'D';
  if (rows.length !== eventTriggers.length || rows.some((r) => r.tgenabled !== want)) throw new Error(`event triggers are not ${enabled ? 'enabled' : 'disabled'}: ${JSON.stringify(rows)}`);
}

/**
 * Every throughput phase starts from the same storage state: the dead rows the last phase left
 * (every reply updates its ticket) vacuumed, statistics fresh, and dirty pages flushed, so neither
 * bloat nor a checkpoint lands on whichever phase comes later. Not timed.
 */
async function resetStorage(stats: postgres.Sql): Promise<void> {
  await stats.unsafe('vacuum (analyze) public.tickets, public.ticket_messages, public.ticket_events');
  await stats.unsafe('checkpoint').catch(() => {}); // needs pg_checkpoint (or superuser); skipped without it
}

async function setNotifyControl(stats: postgres.Sql, on: boolean): Promise<void> {
  if (on) {
    await stats.unsafe(`create function public.bench_live_notify() returns trigger language plpgsql as $$ begin perform pg_notify('bench_live_control', ''); return null; end $$`);
    await stats.unsafe(`create trigger bench_live_notify after insert on public.ticket_messages for each row execute function public.bench_live_notify()`);
  } else {
    await stats.unsafe(`drop trigger if exists bench_live_notify on public.ticket_messages`);
    await stats.unsafe(`drop function if exists public.bench_live_notify()`);
  }
}

/**
 * The EXPERIMENTAL schema changes (live-experimental-schema.ts): checked against the migrated
 * database, applied for an "exp" phase, and put back to what the migrations made (read from the
 * catalog before anything is applied).
 */
async function prepareExperiments(stats: postgres.Sql, experiments: SchemaExperiment[]) {
  const restore: string[] = [];
  for (const experiment of experiments) {
    for (const column of experiment.needsTicketColumns ?? []) {
      const [found] = await stats`select 1 as found from information_schema.columns where table_schema = 'public' and table_name = 'tickets' and column_name = ${column}`;
      if (!found) throw new Error(`BENCH_LIVE_EXPERIMENTAL_SQL: ${experiment.name} is written for tickets.${column}, which the migrated schema does not have`);
    }
    for (const fn of experiment.replaces.functions) {
      const [row] = await stats<{ definition: string }[]>`select pg_get_functiondef(${fn}::regprocedure) as definition`;
      restore.push(row!.definition);
    }
    for (const index of experiment.replaces.indexes) {
      const [row] = await stats<{ definition: string | null }[]>`select pg_get_indexdef(to_regclass(${index})) as definition`;
      if (!row?.definition) throw new Error(`BENCH_LIVE_EXPERIMENTAL_SQL: ${experiment.name} drops ${index}, which the migrated schema does not have`);
      restore.push(`${row.definition.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS ')};`);
    }
  }
  return {
    async apply() {
      for (const experiment of experiments) await stats.unsafe(experiment.sql);
    },
    async restore() {
      for (const definition of restore) await stats.unsafe(definition);
    },
  };
}

/**
 * Samples what the bench database's backends are doing every `everyMs` (pg_stat_activity, on its
 * own connection): where time goes inside PostgreSQL during a run. Returns the share of samples
 * per state / wait event, of the backends that were not idle.
 */
function sampleActivity(url: string, everyMs = 50) {
  const client = connectPostgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'ticket-widget-bench-live-sampler' } });
  const counts = new Map<string, number>();
  let samples = 0;
  let openPositions = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const rows = await client<{ what: string; n: number }[]>`
        select case when state = 'active' then coalesce(wait_event_type || ':' || wait_event, 'running') else state end
                 || ' | ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 70) as what, count(*)::int as n
        from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and state in ('active', 'idle in transaction')
          and application_name not like 'ticket-widget-bench-live%'
        group by 1`;
      // Writers between their first event and their commit: each holds the horizon back.
      const [open] = await client<{ n: number }[]>`
        select count(*)::int as n from pg_locks
        where locktype = 'advisory' and objsubid = 1 and granted and database = (select oid from pg_database where datname = current_database())`;
      openPositions += open!.n;
      samples++;
      for (const row of rows) counts.set(row.what, (counts.get(row.what) ?? 0) + row.n);
      await new Promise((r) => setTimeout(r, everyMs));
    }
    // Its errors end the sampling quietly (as stop() always treated them): also when the bench is
    // interrupted mid-run and the forced drop of the database cuts this connection.
  })().catch(() => {});
  return async () => {
    stopped = true;
    await loop;
    await client.end({ timeout: 5 });
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    return { samples, openPositions: openPositions / Math.max(1, samples), top: top.map(([what, n]) => ({ what, average: n / samples })) };
  };
}

/** pg_stat_user_functions of the event-log functions (the bench database has track_functions = 'pl'). */
type FunctionStats = Map<string, { calls: number; total: number; self: number }>;

async function functionStats(stats: postgres.Sql): Promise<FunctionStats> {
  const rows = await stats<{ funcname: string; calls: string; total_time: number; self_time: number }[]>`
    select funcname, calls, total_time, self_time from pg_stat_user_functions where schemaname = 'private'`;
  return new Map(rows.map((r) => [r.funcname, { calls: Number(r.calls), total: r.total_time, self: r.self_time }]));
}

interface WalStats { records: number; fpi: number; bytes: number }

/** The cluster's WAL counters (pg_stat_wal, PostgreSQL 14+): other databases' writes count too, so read them while only the bench writes. */
async function walStats(stats: postgres.Sql): Promise<WalStats> {
  const [row] = await stats<{ wal_records: string; wal_fpi: string; wal_bytes: string }[]>`select wal_records, wal_fpi, wal_bytes from pg_stat_wal`;
  return { records: Number(row?.wal_records ?? 0), fpi: Number(row?.wal_fpi ?? 0), bytes: Number(row?.wal_bytes ?? 0) };
}

function walLine(before: WalStats, after: WalStats, posts: number): string {
  const per = (x: number) => fixed(x / Math.max(1, posts), 1);
  return `WAL per post: ${per(after.records - before.records)} records, ${per(after.fpi - before.fpi)} full pages, ${per(after.bytes - before.bytes)} bytes`;
}

function functionDelta(a: FunctionStats, b: FunctionStats): FunctionStats {
  const out: FunctionStats = new Map();
  for (const [name, after] of b) {
    const before = a.get(name) ?? { calls: 0, total: 0, self: 0 };
    out.set(name, { calls: after.calls - before.calls, total: after.total - before.total, self: after.self - before.self });
  }
  return out;
}

function functionLine(delta: FunctionStats, seconds: number, posts: number): string {
  const f = (name: string) => delta.get(name) ?? { calls: 0, total: 0, self: 0 };
  const horizon = f('event_horizon');
  const message = f('record_message_event');
  const position = f('next_event_position');
  const mean = (x: { calls: number; total: number }) => (x.calls ? fixed(x.total / x.calls, 3) : 'n/a');
  return (
    `event_horizon ${horizon.calls} calls (${fixed(horizon.calls / seconds, 0)}/s, ${fixed(horizon.calls / Math.max(1, posts), 2)} per post), mean ${mean(horizon)} ms; ` +
    `record_message_event mean ${mean(message)} ms (next_event_position ${mean(position)} ms)`
  );
}

/**
 * In-process profile of the hub's parts, on the bench database after the load: one pump (the
 * horizon and the events after a position in one round trip), and the same as the two round trips
 * it used to take (horizon, then the events), on an otherwise idle connection; and three
 * ways to pick and serialize each event's recipients over real message.created events and the
 * bench's 1,010 subscribers, without the sockets' send: every subscriber scanned with mayReceive
 * and one JSON.stringify per recipient (the hub before), the scan with one serialization per
 * event, and as live-hub.ts does it now (the team's subscribers, then the customer's found by id,
 * one UTF-8 frame per event).
 */
async function profileHub(url: string, fixtures: Fixtures, fromPosition: number) {
  const handle = await openDatabase({ databaseUrl: url, maxConnections: 1 });
  try {
    const time = async (n: number, work: (i: number) => Promise<unknown> | unknown) => latencyStats(await sampleLatencies(n, work));
    const horizonNow = await readHorizon(handle.systemDb);
    const horizon = await time(300, () => readHorizon(handle.systemDb));
    const read = await time(300, (i) => readEventsAfter(handle.systemDb, fromPosition + (i % 100) * 3, fromPosition + (i % 100) * 3 + 4, 500));
    const pump = await time(300, (i) => readFinalEventsAfter(handle.systemDb, fromPosition + (i % 100) * 3, 3));
    const events: TicketEvent[] = (await readEventsAfter(handle.systemDb, fromPosition, horizonNow, 500)).filter((e) => e.kind === 'message.created');
    const subscribers: Subscriber[] = [...fixtures.customers.map((c) => ({ userId: c.id, teamRole: null })), ...fixtures.agents.map((a) => ({ userId: a.id, teamRole: 'agent' as const }))];
    let deliveries = 0;
    let bytes = 0;
    const perRecipient = () => {
      for (const event of events) {
        for (const subscriber of subscribers) {
          if (!mayReceive(subscriber, event)) continue;
          const frame = JSON.stringify(toLiveEvent(event));
          deliveries++;
          bytes += frame.length;
        }
      }
    };
    const oncePerEvent = () => {
      for (const event of events) {
        let frame: string | undefined;
        for (const subscriber of subscribers) {
          if (!mayReceive(subscriber, event)) continue;
          frame ??= JSON.stringify(toLiveEvent(event));
          deliveries++;
          bytes += frame.length;
        }
      }
    };
    const team = subscribers.filter((subscriber) => subscriber.teamRole);
    const byUser = new Map(subscribers.map((subscriber) => [subscriber.userId, [subscriber]]));
    const indexed = () => {
      for (const event of events) {
        let frame: Buffer | undefined;
        const send = (subscriber: Subscriber) => {
          if (!mayReceive(subscriber, event)) return;
          frame ??= Buffer.from(JSON.stringify(toLiveEvent(event)));
          deliveries++;
          bytes += frame.length;
        };
        for (const subscriber of team) send(subscriber);
        for (const subscriber of byUser.get(event.customerId) ?? []) if (!subscriber.teamRole) send(subscriber);
      }
    };
    const filterOnly = () => {
      for (const event of events) for (const subscriber of subscribers) if (mayReceive(subscriber, event)) deliveries++;
    };
    const perEvent = (loop: () => void) => {
      for (let r = 0; r < 3; r++) loop(); // warm up
      const runs: number[] = [];
      for (let r = 0; r < 15; r++) {
        const started = performance.now();
        loop();
        runs.push(((performance.now() - started) * 1000) / Math.max(1, events.length));
      }
      return median(runs);
    };
    deliveries = 0;
    bytes = 0;
    perRecipient();
    const deliveriesPerEvent = deliveries / Math.max(1, events.length);
    const frameBytes = bytes / Math.max(1, deliveries);
    return {
      horizon,
      pump,
      read,
      events: events.length,
      subscribers: subscribers.length,
      deliveriesPerEvent,
      frameBytes,
      fanOutUs: perEvent(perRecipient),
      fanOutOnceUs: perEvent(oncePerEvent),
      fanOutIndexedUs: perEvent(indexed),
      filterUs: perEvent(filterOnly),
    };
  } finally {
    await handle.close();
  }
}

type Mode = 'on' | 'off' | 'control' | 'exp';

interface Phase {
  mode: Mode;
  result: PostRunResult;
  reqPerSecond: number;
  inserted: number;
  cpu: Cpu;
  accounting?: Accounting;
}

async function main(): Promise<number> {
  const adminUrl = process.env.DATABASE_URL?.trim();
  if (!adminUrl) {
    console.error(
      'bench:live needs a PostgreSQL server: set DATABASE_URL (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:live).\n' +
        'It creates its own database there (tw_bench_live_<random>), seeds it, runs the server on it and drops it at the end;\n' +
        "DATABASE_URL's own database is never written.",
    );
    return 2;
  }
  const scale = { customers: intFromEnv('BENCH_LIVE_CUSTOMERS', 1000), tickets: intFromEnv('BENCH_LIVE_TICKETS', 2), agents: intFromEnv('BENCH_LIVE_AGENTS', 10) };
  const rate = intFromEnv('BENCH_LIVE_RATE', 310);
  const seconds = intFromEnv('BENCH_LIVE_SECONDS', 15);
  const warmupSeconds = intFromEnv('BENCH_LIVE_WARMUP', 2);
  const writers = intFromEnv('BENCH_LIVE_WRITERS', 32);
  const phaseSeconds = intFromEnv('BENCH_LIVE_PHASE_SECONDS', 10);
  const poolSize = intFromEnv('BENCH_LIVE_POOL_SIZE', 20);
  const agentShare = numberFromEnv('BENCH_LIVE_AGENT_SHARE', 0.1);
  const control = process.env.BENCH_LIVE_CONTROL !== '0';
  const keep = process.env.BENCH_LIVE_KEEP_DB === '1';
  const orderText = process.env.BENCH_LIVE_ORDER?.trim();
  const orderFromEnv = orderText === undefined || orderText === '' ? undefined : orderText === '-' ? [] : orderText.split(',').map((m) => m.trim() as Mode);
  if (orderFromEnv?.some((m) => !['on', 'off', 'control', 'exp'].includes(m))) throw new Error(`BENCH_LIVE_ORDER: a comma-separated list of on, off, control, exp (or - for none), got ${orderText}`);
  const experiments = experimentsFromEnv(process.env.BENCH_LIVE_EXPERIMENTAL_SQL);
  if (orderFromEnv?.includes('exp') && !experiments.length) throw new Error('BENCH_LIVE_ORDER names "exp": set BENCH_LIVE_EXPERIMENTAL_SQL (all, or names from tests/bench/live-experimental-schema.ts)');

  log(`bench:live on ${machineSummary()}`);
  log(`  NOTE: PostgreSQL, the server (one Node process) and the load process (sockets + writers) all share these ${cpus().length} cores.`);

  let bench: BenchDatabase | undefined;
  let server: ServerProcess | undefined;
  let load: LoadChild | undefined;
  let stats: postgres.Sql | undefined;
  let workDir: string | undefined;
  const cleanUp = cleanUpOnExit(async () => {
    await load?.stop().catch(() => {});
    await server?.stop().catch(() => {});
    await stats?.end({ timeout: 5 }).catch(() => {});
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    await bench?.dispose().catch((error: unknown) => console.error(`Could not drop ${bench!.name}: ${String(error)}`));
  });

  try {
    bench = await createBenchDatabase({
      adminUrl,
      name: benchDatabaseName('tw_bench_live_'),
      applicationName: 'ticket-widget-bench-live',
      // Per-function timings of the event-log functions (plpgsql), for the diagnosis below.
      settings: { track_functions: 'pl' },
      log,
      keep: keep && (({ name }) => `BENCH_LIVE_KEEP_DB=1: kept ${name}; drop it with: drop database ${name} with (force);`),
    });
    const { name, url: benchUrl } = bench;
    const seedStarted = performance.now();
    const fixtures = await seed(benchUrl, scale);
    log(
      `Migrated and seeded in ${fixed((performance.now() - seedStarted) / 1000)} s: ${fixtures.customers.length} customers with ${scale.tickets} open tickets each, ` +
        `${fixtures.agents.length} agents in team_members`,
    );
    stats = connectPostgres(benchUrl, { max: 1, onnotice: () => {}, connection: { application_name: 'ticket-widget-bench-live-stats' } });
    const [pg] = await stats<{ version: string; max_connections: string; synchronous_commit: string; fsync: string; shared_buffers: string }[]>`
      select current_setting('server_version') as version, current_setting('max_connections') as max_connections,
             current_setting('synchronous_commit') as synchronous_commit, current_setting('fsync') as fsync, current_setting('shared_buffers') as shared_buffers`;
    log(`PostgreSQL ${pg!.version}: max_connections=${pg!.max_connections}, synchronous_commit=${pg!.synchronous_commit}, fsync=${pg!.fsync}, shared_buffers=${pg!.shared_buffers}`);

    const secret = randomBytes(36).toString('base64url');
    const spec: LoadSpec = {
      baseUrl: '',
      liveUrl: '',
      customers: await Promise.all(fixtures.customers.map(async (c) => ({ id: c.id, token: await signUserToken(secret, c), tickets: c.tickets }))),
      agents: await Promise.all(fixtures.agents.map(async (a) => ({ id: a.id, token: await signUserToken(secret, a) }))),
      agentPostShare: agentShare,
      seed: 0x11e5,
    };

    // The runtime `npm start` gives it (its Node flags), unless BENCH_LIVE_NODE_FLAGS says otherwise.
    const flagsText = process.env.BENCH_LIVE_NODE_FLAGS;
    const nodeFlags = flagsText === undefined ? npmStartNodeFlags(projectRoot) : flagsText.split(/\s+/).filter(Boolean);
    server = await startServerPrintingUrl({
      entry: serverEntry,
      nodeFlags,
      cwd: projectRoot,
      env: benchServerEnv({ databaseUrl: benchUrl, port: 0, secret, poolSize }),
      readyWithinMs: 60_000,
      killAfterMs: 10_000,
    });
    const serverPid = server.child.pid;
    log(`Server: node ${[...nodeFlags, 'server/main.ts'].join(' ')} (pid ${serverPid}) on ${server.baseUrl}, DATABASE_POOL_SIZE=${poolSize}, LOG_LEVEL=warn, DEMO_MODE=false, rate limits out of reach`);
    spec.baseUrl = server.baseUrl;
    spec.liveUrl = `${server.baseUrl.replace(/^http/, 'ws')}/api/v1/live`;
    workDir = mkdtempSync(join(tmpdir(), 'tw-bench-live-'));
    const specPath = join(workDir, 'spec.json');
    writeFileSync(specPath, JSON.stringify(spec));
    load = await startLoad(specPath);
    const loadPid = load.child.pid;
    log(`Load: node tests/bench/live-load.ts (pid ${loadPid}): the sockets (ws) and the writers (node:http, keep-alive); ${fixed(agentShare * 100, 0)}% of posts by a random agent, the rest by the ticket's customer`);

    // Other work on the machine competes for the same 2 cores: before each measured run, wait
    // (30 s at most, within a budget) for it to stop, and say how much of it there was.
    let quietBudget = intFromEnv('BENCH_LIVE_QUIET_WAIT', 240);
    const settle = async (what: string) => {
      const quiet = await waitForQuiet(Math.min(15, Math.max(1, quietBudget)));
      quietBudget -= quiet.waited;
      if (quiet.waited > 1.5) log(`  (waited ${fixed(quiet.waited, 0)} s for other load to stop before ${what}; ${fixed(quiet.busy, 2)} cores busy at the end of the wait)`);
    };
    const noisy: string[] = [];
    const noteNoise = (what: string, cpu: Cpu) => {
      const other = Math.max(0, cpu.machine - cpu.server - cpu.postgres - cpu.load) / cpu.wall;
      if (other > 0.25) noisy.push(`${what} (${fixed(other, 2)} cores)`);
    };

    const connect = async () => {
      const connected = await load!.send({ type: 'connect', concurrency: 50 }, 'connected');
      if (connected.failures.length) throw new Error(`Sockets failed to connect:\n${connected.failures.join('\n')}`);
      log(
        `  connected ${connected.sockets} sockets (${connected.customers} customers, ${connected.agents} agents): authenticated, subscribed, all ready in ${fixed(connected.ms / 1000, 2)} s ` +
          `(ready positions ${connected.readyPositions.min}..${connected.readyPositions.max})`,
      );
      return connected;
    };

    // ---- 1. Delivery under a paced write rate ------------------------------------------------
    log();
    log(`1. Delivery: ${scale.customers} customer + ${scale.agents} agent sockets, writers paced at ${rate} posts/s for ${warmupSeconds} s warm-up + ${seconds} s measured (open loop)`);
    await connect();
    await settle('the delivery run');
    const messagesBefore = await countMessages(stats);
    const startPosition = await maxPosition(stats);
    const stopSampling = sampleActivity(benchUrl);
    const functionsBefore = await functionStats(stats);
    const cpuBefore = cpuSnapshot(serverPid, loadPid, name);
    const paced = (await load.send({ type: 'paced', rate, warmupSeconds, seconds, maxInFlight: 512, drainTimeoutMs: 10_000 }, 'posted')).result;
    const pacedCpu = cpuBetween(cpuBefore, cpuSnapshot(serverPid, loadPid, name));
    noteNoise('the delivery run', pacedCpu);
    const pacedActivity = await stopSampling();
    const pacedFunctions = functionDelta(functionsBefore, await functionStats(stats));
    const endPosition = await maxPosition(stats);
    const pacedAccounting = await collectAndAccount(stats, load, endPosition, 500);
    const pacedInserted = (await countMessages(stats)) - messagesBefore;
    const runSeconds = warmupSeconds + seconds;
    const [window] = await stats<{ n: number; first: Date | null; last: Date | null }[]>`
      select count(*)::int as n, min(created_at) as first, max(created_at) as last from public.ticket_events where position > ${startPosition} and position <= ${endPosition}`;
    const eventsWritten = window!.n;
    const changesPerSecond = eventsWritten / runSeconds;
    const deliveries = pacedAccounting.delivered.customer + pacedAccounting.delivered.agent;
    const deliveriesPerSecond = deliveries / runSeconds;
    const customerLatency = latencyStats(paced.customer.fromResponse);
    const agentLatency = latencyStats(paced.agent.fromResponse);
    const customerFromRequest = latencyStats(paced.customer.fromRequest);
    const agentFromRequest = latencyStats(paced.agent.fromRequest);
    const request = latencyStats(paced.requestLatency);
    log(
      `  posts: ${JSON.stringify(paced.statusCounts)} (status: count), errors ${paced.errors}; ${paced.createdTotal} answered 201, ${pacedInserted} messages inserted; ` +
        `sends >10 ms late ${paced.lateSends} (max lag ${fixed(paced.maxSendLagMs)} ms), skipped (512 in flight) ${paced.skippedSends}`,
    );
    for (const example of paced.errorExamples) log(`    ${example}`);
    log(
      `  events written: ${eventsWritten} in ${runSeconds} s = ${fixed(changesPerSecond)} changes/s (${Object.entries(pacedAccounting.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}); ` +
        `ticket_events.created_at spans ${window!.first && window!.last ? fixed((window!.last.getTime() - window!.first.getTime()) / 1000, 2) : 'n/a'} s`,
    );
    log(`  deliveries: ${accountingLine(pacedAccounting)}`);
    for (const example of [...pacedAccounting.examples, ...pacedAccounting.socketNotes.slice(0, 5)]) log(`    ${example}`);
    log(`  events delivered per second: ${deliveries} deliveries / ${runSeconds} s = ${fixed(deliveriesPerSecond, 0)}/s`);
    log(`  request latency (send → 201, measured window): p50 ${fixed(request.p50)} ms, p99 ${fixed(request.p99)} ms, max ${fixed(request.max)} ms`);
    const overloaded = paced.skippedSends > 0 || request.p50 > 250;
    if (overloaded) {
      log(
        `  WARNING: the server did not keep up with ${rate} posts/s (request p50 ${fixed(request.p50, 0)} ms${paced.skippedSends ? `, ${paced.skippedSends} sends skipped at 512 in flight` : ''}): ` +
          'requests queued, and the delivery latency below includes that overload.',
      );
    }
    log(`  last event reached its sockets ${fixed(paced.drainMs)} ms after the last 201; load process event-loop delay p50 ${fixed(paced.loopDelay.p50)} p99 ${fixed(paced.loopDelay.p99)} max ${fixed(paced.loopDelay.max)} ms`);
    log(`  ${cpuText(pacedCpu)}; CPU ms per post: ${cpuPerPost(pacedCpu, paced.createdTotal)}`);
    log(`  PostgreSQL functions (pg_stat_user_functions; backends report about once a second, so counts are approximate): ${functionLine(pacedFunctions, pacedCpu.wall, paced.createdTotal)}`);
    log(
      `  writers holding an event position (advisory lock) at a sample: ${fixed(pacedActivity.openPositions, 2)} on average; by Little's law each holds it ` +
        `${fixed((1000 * pacedActivity.openPositions) / (eventsWritten / runSeconds), 1)} ms on average (insert → commit), and the horizon waits for the oldest of them`,
    );
    log(`  PostgreSQL backends of the bench database, busy on average (${pacedActivity.samples} samples of pg_stat_activity; state or wait event | statement):`);
    for (const row of pacedActivity.top) log(`    ${fixed(row.average, 2).padStart(5)}  ${row.what}`);
    log();
    log(`  Delivery latency of the ${paced.created} messages of the measured ${seconds} s (ms; every sample, nothing clamped):`);
    log(
      table(
        ['socket', 'measured from', 'samples', 'p50', 'p99', 'max', 'min', 'event before 201', 'not received'],
        [
          ['customer (the ticket\'s)', '201 received', String(customerLatency.n), fixed(customerLatency.p50, 2), fixed(customerLatency.p99, 2), fixed(customerLatency.max, 2), fixed(customerLatency.min, 2), String(paced.customerBeforeResponse), String(paced.customerNotReceived)],
          ['agent (each of 10)', '201 received', String(agentLatency.n), fixed(agentLatency.p50, 2), fixed(agentLatency.p99, 2), fixed(agentLatency.max, 2), fixed(agentLatency.min, 2), String(paced.agentBeforeResponse), String(paced.agentNotReceived)],
          ['customer (the ticket\'s)', 'request sent', String(customerFromRequest.n), fixed(customerFromRequest.p50, 2), fixed(customerFromRequest.p99, 2), fixed(customerFromRequest.max, 2), fixed(customerFromRequest.min, 2), '', ''],
          ['agent (each of 10)', 'request sent', String(agentFromRequest.n), fixed(agentFromRequest.p50, 2), fixed(agentFromRequest.p99, 2), fixed(agentFromRequest.max, 2), fixed(agentFromRequest.min, 2), '', ''],
        ],
        [0, 1],
      ),
    );
    log('  "201 received": the change had committed before the server answered, so this is commit → socket plus at most the answer\'s trip.');
    log('  "request sent": an upper bound that includes the whole request. Both clocks are the load process\'s performance.now().');

    // ---- 2. Throughput, live machinery on vs off ---------------------------------------------
    log();
    // ABBA twice (drift and other load hit both sides alike), the control at both ends.
    const abba: Mode[] = experiments.length ? ['on', 'exp', 'off', 'off', 'exp', 'on', 'on', 'exp', 'off', 'off', 'exp', 'on'] : ['on', 'off', 'off', 'on', 'on', 'off', 'off', 'on'];
    const order: Mode[] = orderFromEnv ?? (control ? ['control', ...abba, 'control'] : abba);
    log(`2. Posting throughput: ${writers} concurrent writers (closed loop), ${warmupSeconds} s warm-up + ${phaseSeconds} s measured per phase, order ${order.join(', ')}`);
    log('   on: sockets connected, hub running, event triggers enabled. off: sockets disconnected, the four *_record_event triggers disabled');
    log('   (the hub still runs and is rung after each post, but reads an empty log and has nobody to send to).');
    log('   Before each phase: VACUUM (ANALYZE) of tickets, ticket_messages and ticket_events, and a CHECKPOINT (not timed), so every phase starts from the same storage state.');
    if (order.includes('control')) log('   control: "on" plus a NOTIFY inside every writing transaction (temporary AFTER INSERT trigger on ticket_messages calling pg_notify).');
    const experimentSql = await prepareExperiments(stats, experiments);
    if (order.includes('exp')) {
      log('   exp: "on" with EXPERIMENTAL schema changes applied (not in db/migrations; put back after each phase):');
      for (const experiment of experiments) log(`     ${experiment.name}: ${experiment.why}`);
    }
    let connected = true;
    let triggersOn = true;
    const phases: Phase[] = [];
    for (const mode of order) {
      const wantLive = mode !== 'off';
      // A probe that writes no event rows (recordsEvents: false) has nothing to wait for, deliver or account for.
      const expectsEvents = wantLive && (mode !== 'exp' || experiments.every((e) => e.recordsEvents !== false));
      if (!wantLive && connected) {
        await load.send({ type: 'disconnect' }, 'disconnected');
        connected = false;
      }
      if (wantLive !== triggersOn) {
        await setEventTriggers(stats, wantLive);
        triggersOn = wantLive;
      }
      if (wantLive && !connected) {
        await connect();
        connected = true;
      }
      if (mode === 'control') await setNotifyControl(stats, true);
      if (mode === 'exp') await experimentSql.apply();
      try {
        await resetStorage(stats);
        await settle(`phase ${phases.length + 1} (${mode})`);
        const before = await countMessages(stats);
        const position = await maxPosition(stats);
        const stopPhaseSampling = sampleActivity(benchUrl);
        const phaseFunctionsBefore = await functionStats(stats);
        const walBefore = await walStats(stats);
        const snap = cpuSnapshot(serverPid, loadPid, name);
        const result = (await load.send({ type: 'closed-loop', concurrency: writers, warmupSeconds, seconds: phaseSeconds, drainTimeoutMs: expectsEvents ? 10_000 : 0 }, 'posted')).result;
        const cpu = cpuBetween(snap, cpuSnapshot(serverPid, loadPid, name));
        noteNoise(`phase ${phases.length + 1} (${mode})`, cpu);
        const activity = await stopPhaseSampling();
        const phaseFunctions = functionDelta(phaseFunctionsBefore, await functionStats(stats));
        const walAfter = await walStats(stats);
        const inserted = (await countMessages(stats)) - before;
        let accounting: Accounting | undefined;
        if (expectsEvents) {
          const hi = await maxPosition(stats);
          accounting = await collectAndAccount(stats, load, hi, 300);
          if (hi === position) throw new Error(`${mode}: no event was written`);
        }
        const phase: Phase = { mode, result, reqPerSecond: result.created / result.seconds, inserted, cpu, ...(accounting ? { accounting } : {}) };
        phases.push(phase);
        const req = latencyStats(result.requestLatency);
        const statusOk = Object.keys(result.statusCounts).every((s) => s === '201') && result.errors === 0;
        log(
          `  ${mode.padEnd(7)} ${fixed(phase.reqPerSecond, 0).padStart(5)} req/s (201s in the window), request p50 ${fixed(req.p50)} p99 ${fixed(req.p99)} ms; ` +
            `statuses ${JSON.stringify(result.statusCounts)}${statusOk ? '' : ' (NOT ALL 201)'}; ${result.createdTotal} answered 201, ${inserted} inserted`,
        );
        for (const example of result.errorExamples) log(`          ${example}`);
        if (accounting) {
          const c = latencyStats(result.customer.fromResponse);
          const a = latencyStats(result.agent.fromResponse);
          log(
            `          deliveries: ${accountingLine(accounting)}; latency from 201 customer p50 ${fixed(c.p50)} p99 ${fixed(c.p99)}, ` +
              `agent p50 ${fixed(a.p50)} p99 ${fixed(a.p99)} ms (before 201: ${result.customerBeforeResponse + result.agentBeforeResponse})`,
          );
        }
        log(`          ${cpuText(cpu)}; CPU ms per post: ${cpuPerPost(cpu, result.createdTotal)}; load event-loop delay p99 ${fixed(result.loopDelay.p99)} ms`);
        log(`          functions (approx.): ${functionLine(phaseFunctions, cpu.wall, result.createdTotal)}`);
        log(`          ${walLine(walBefore, walAfter, inserted)}`);
        log(`          writers holding an event position: ${fixed(activity.openPositions, 2)} on average (≈ ${fixed((1000 * activity.openPositions) / Math.max(1e-9, result.createdTotal / cpu.wall), 1)} ms each, Little's law)`);
        log(`          backends busy on average: ${activity.top.slice(0, 4).map((r) => `${fixed(r.average, 2)} ${r.what.slice(0, 60)}`).join('; ')}`);
      } finally {
        if (mode === 'control') await setNotifyControl(stats, false);
        if (mode === 'exp') await experimentSql.restore();
      }
    }
    if (!triggersOn) await setEventTriggers(stats, true);
    const medianOf = (mode: Mode) => median(phases.filter((p) => p.mode === mode).map((p) => p.reqPerSecond));
    const on = medianOf('on');
    const off = medianOf('off');
    const controlRps = control ? medianOf('control') : Number.NaN;
    log();
    const modes: Mode[] = (['on', 'off', 'exp', 'control'] as Mode[]).filter((m) => phases.some((p) => p.mode === m));
    const label: Record<Mode, string> = {
      on: 'on  (live machinery)',
      off: 'off (no sockets, no event triggers)',
      exp: 'exp: on + EXPERIMENTAL schema SQL',
      control: 'control: on + NOTIFY in every transaction',
    };
    const cpuMs = (mode: Mode, part: 'server' | 'postgres' | 'load' | 'all') =>
      median(phases.filter((p) => p.mode === mode).map((p) => (1000 * (part === 'all' ? p.cpu.server + p.cpu.postgres + p.cpu.load : p.cpu[part])) / p.result.createdTotal));
    const otherCores = (mode: Mode) => median(phases.filter((p) => p.mode === mode).map((p) => Math.max(0, p.cpu.machine - p.cpu.server - p.cpu.postgres - p.cpu.load) / p.cpu.wall));
    log(
      table(
        ['phase', 'req/s by run', 'median req/s', '× off', 'CPU ms/post: server', 'postgres', 'load', 'total', 'total × off', 'other load (cores)'],
        modes.map((m) => [
          label[m],
          phases.filter((p) => p.mode === m).map((p) => fixed(p.reqPerSecond, 0)).join(' / '),
          fixed(medianOf(m), 0),
          fixed(medianOf(m) / off, 3),
          fixed(cpuMs(m, 'server'), 2),
          fixed(cpuMs(m, 'postgres'), 2),
          fixed(cpuMs(m, 'load'), 2),
          fixed(cpuMs(m, 'all'), 2),
          fixed(cpuMs(m, 'all') / cpuMs('off', 'all'), 3),
          fixed(otherCores(m), 2),
        ]),
        [0, 1],
      ),
    );
    const cpuPerPostOn = cpuMs('on', 'all');
    const cpuPerPostOff = cpuMs('off', 'all');
    log('  CPU ms/post: CPU time of the server, its PostgreSQL backends and the load process per 201, median over the runs of each phase. On a machine');
    log('  where those three share the cores and nothing else runs, throughput on/off tends to (total ms/post off) ÷ (total ms/post on).');

    // ---- Diagnosis: the hub's parts in-process -----------------------------------------------
    const hub = await profileHub(benchUrl, fixtures, startPosition);
    log();
    log('3. The hub\'s parts, measured in this process on the bench database after the load (no other load from this bench):');
    log(`  one pump (live-hub.ts: private.final_events_after, the horizon and the read in one round trip) p50 ${fixed(hub.pump.p50, 3)} p99 ${fixed(hub.pump.p99, 3)} ms; as two round trips it was private.event_horizon() p50 ${fixed(hub.horizon.p50, 3)} p99 ${fixed(hub.horizon.p99, 3)} ms + events after a position p50 ${fixed(hub.read.p50, 3)} p99 ${fixed(hub.read.p99, 3)} ms (on an idle pooled connection)`);
    log(
      `  fan-out of one message.created event to ${hub.subscribers} subscribers (${fixed(hub.deliveriesPerEvent, 1)} recipients, ${fixed(hub.frameBytes, 0)}-byte frames), median of 15 passes over ${hub.events} real events, sockets excluded:`,
    );
    log(
      `    every socket scanned, JSON.stringify per recipient (the hub before) ${fixed(hub.fanOutUs, 1)} µs; scanned, serialized once per event ${fixed(hub.fanOutOnceUs, 1)} µs; ` +
        `the mayReceive scan alone ${fixed(hub.filterUs, 1)} µs; as live-hub.ts does it (team + the customer's sockets by id, one frame per event) ${fixed(hub.fanOutIndexedUs, 1)} µs`,
    );

    // ---- Verdict -------------------------------------------------------------------------------
    const allPhaseAccountingClean = phases.every((p) => !p.accounting || accountingClean(p.accounting));
    const allStatusesOk = [paced, ...phases.map((p) => p.result)].every((r) => r.errors === 0 && Object.keys(r.statusCounts).every((s) => s === '201'));
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
    log();
    log(`Targets (from the issue; delivery figures from run 1, measured from the 201; machine: ${cpus().length} cores shared by PostgreSQL, the server and the load process):`);
    log(
      table(
        ['target', 'measured', 'result'],
        [
          [`delivery p50 <= ${targets.p50Ms} ms, customer sockets`, `${fixed(customerLatency.p50, 2)} ms`, verdict(customerLatency.p50 <= targets.p50Ms)],
          [`delivery p50 <= ${targets.p50Ms} ms, agent sockets`, `${fixed(agentLatency.p50, 2)} ms`, verdict(agentLatency.p50 <= targets.p50Ms)],
          [`delivery p99 <= ${targets.p99Ms} ms, customer sockets`, `${fixed(customerLatency.p99, 2)} ms`, verdict(customerLatency.p99 <= targets.p99Ms)],
          [`delivery p99 <= ${targets.p99Ms} ms, agent sockets`, `${fixed(agentLatency.p99, 2)} ms`, verdict(agentLatency.p99 <= targets.p99Ms)],
          [`... at >= ${targets.changesPerSecond} changes/s written`, `${fixed(changesPerSecond)} changes/s`, verdict(changesPerSecond >= targets.changesPerSecond)],
          ['every expected delivery, exactly once (all live phases)', `${accountingLine(pacedAccounting).replace(/^expected \d+ \(.*?\), /, '')}`, verdict(accountingClean(pacedAccounting) && allPhaseAccountingClean && paced.customerNotReceived + paced.agentNotReceived === 0)],
          [`posting throughput on >= ${targets.throughputRatio} × off (${writers} writers)`, `${fixed(on, 0)} / ${fixed(off, 0)} = ${fixed(on / off, 3)}`, verdict(on / off >= targets.throughputRatio)],
          [`(supporting) CPU per post, off ÷ on`, `${fixed(cpuPerPostOff, 2)} / ${fixed(cpuPerPostOn, 2)} ms = ${fixed(cpuPerPostOff / cpuPerPostOn, 3)}`, verdict(cpuPerPostOff / cpuPerPostOn >= targets.throughputRatio)],
          ...(phases.some((p) => p.mode === 'exp')
            ? [[`(EXPERIMENTAL schema, not shipped) exp × off`, `${fixed(medianOf('exp'), 0)} / ${fixed(off, 0)} = ${fixed(medianOf('exp') / off, 3)} (${experiments.map((e) => e.name).join(', ')})`, verdict(medianOf('exp') / off >= targets.throughputRatio)]]
            : []),
          ...(phases.some((p) => p.mode === 'control') ? [['(control, not a target) NOTIFY in every transaction × off', `${fixed(controlRps, 0)} / ${fixed(off, 0)} = ${fixed(controlRps / off, 3)}`, '—']] : []),
        ],
        [0, 1],
      ),
    );
    log(`  events delivered per second (run 1): ${fixed(deliveriesPerSecond, 0)}; every post answered 201: ${allStatusesOk ? 'yes' : 'NO'}`);
    log(
      noisy.length
        ? `  NOTE: other work on the machine used more than 0.25 cores during: ${noisy.join(', ')}; those figures competed for the CPU.`
        : '  No other work on the machine above 0.25 cores during any measured run.',
    );
    logServerStderr(server, log);
    return allStatusesOk && allPhaseAccountingClean && accountingClean(pacedAccounting) ? 0 : 1;
  } catch (error) {
    console.error('\nbench:live FAILED:', error instanceof Error ? (error.stack ?? error.message) : error);
    return 1;
  } finally {
    await cleanUp();
  }
}

process.exitCode = await main();
