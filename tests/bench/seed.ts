/**
 * Bulk seed for the database benchmark: set-based SQL (insert ... select from generate_series)
 * through the bypass connection, on the bench database only.
 *
 * To stay fast, the load drops the secondary indexes, primary keys and foreign keys of `tickets`
 * and `ticket_messages` (their definitions are read from the catalog first), disables the user
 * triggers of both tables, loads, then puts every index, key and trigger back and checks the
 * catalog matches what it was before. The rows are written the way the triggers would have left
 * them (resolved_at, first_response_at, updated_at), so nothing is lost by skipping them.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { messageTextCount, messageTextsSql, ticketTitleCount, ticketTitlesSql } from './support/seed-texts.ts';
import { query } from './support/sql-rows.ts';

export interface SeedScale {
  /** Tickets to create (the issue asks for at least 1,000,000). */
  tickets: number;
  /** Customers (auth.users rows that are not team members; at least 10,000). */
  customers: number;
  /** Agents; one admin is added on top. */
  agents: number;
  /** Every `longThreadEvery`-th ticket gets a long thread (60..120 messages). */
  longThreadEvery: number;
}

export const defaultScale: SeedScale = { tickets: 1_000_000, customers: 20_000, agents: 20, longThreadEvery: 50 };

/** Share of all messages that are internal notes. */
const internalShare = 0.1;

type Log = (line: string) => void;

function raw(text: string) {
  return sql.raw(text);
}

async function step(log: Log, label: string, work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  log(`  ${label.padEnd(72)} ${seconds.toFixed(1).padStart(6)} s`);
  return seconds;
}

interface SchemaObjects {
  foreignKeys: { table: string; name: string; def: string }[];
  primaryKeys: { table: string; name: string; def: string }[];
  indexes: { name: string; def: string }[];
}

const loadTables = `'public.tickets'::regclass, 'public.ticket_messages'::regclass`;

async function readSchemaObjects(db: Database): Promise<SchemaObjects> {
  const foreignKeys = await query<{ table: string; name: string; def: string }>(
    db,
    raw(`select conrelid::regclass::text as "table", conname as name, pg_get_constraintdef(oid) as def
         from pg_constraint
         where contype = 'f' and (conrelid in (${loadTables}) or confrelid in (${loadTables}))
         order by 1, 2`),
  );
  const primaryKeys = await query<{ table: string; name: string; def: string }>(
    db,
    raw(`select conrelid::regclass::text as "table", conname as name, pg_get_constraintdef(oid) as def
         from pg_constraint where contype = 'p' and conrelid in (${loadTables}) order by 1, 2`),
  );
  const indexes = await query<{ name: string; def: string }>(
    db,
    raw(`select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
         from pg_index i
         where i.indrelid in (${loadTables})
           and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
         order by 1`),
  );
  return { foreignKeys, primaryKeys, indexes };
}

/** Every index and constraint of the two tables, for the before/after comparison. */
async function catalogFingerprint(db: Database): Promise<string> {
  const rows = await query<{ line: string }>(
    db,
    raw(`select line from (
           select 'index ' || pg_get_indexdef(indexrelid) as line from pg_index
            where indrelid in (${loadTables}) or indrelid in (select conrelid from pg_constraint where confrelid in (${loadTables}))
           union all
           select 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' validated=' || convalidated::text
             from pg_constraint where conrelid in (${loadTables}) or confrelid in (${loadTables})
           union all
           select 'trigger ' || tgrelid::regclass::text || ' ' || tgname || ' enabled=' || tgenabled::text
             from pg_trigger where tgrelid in (${loadTables}) and not tgisinternal
         ) s order by line`),
  );
  return rows.map((r) => r.line).join('\n');
}

export interface SeedReport {
  seconds: number;
  tickets: number;
  customers: number;
  teamMembers: number;
  messages: number;
  internalMessages: number;
  longThreads: number;
}

/**
 * Seeds an empty, migrated database. `db` must hold a single connection (maxConnections: 1): the
 * load uses session settings and temporary tables.
 */
export async function seedDatabase(db: Database, scale: SeedScale, log: Log): Promise<SeedReport> {
  const started = performance.now();
  const T = scale.tickets;
  const C = scale.customers;
  const A = scale.agents;

  await db.execute(raw(`set maintenance_work_mem = '1GB'`));
  await db.execute(raw(`set work_mem = '256MB'`));
  await db.execute(raw(`set synchronous_commit = off`));
  await db.execute(raw(`set max_parallel_maintenance_workers = 2`));

  const before = await catalogFingerprint(db);
  const objects = await readSchemaObjects(db);

  await step(log, 'users: customers, agents and an admin (auth.users, team_members)', async () => {
    await db.execute(raw(`select setseed(0.4242)`));
    await db.execute(raw(`create temp table bench_customer (n int primary key, id uuid not null)`));
    await db.execute(raw(`insert into bench_customer select g, gen_random_uuid() from generate_series(1, ${C}) g`));
    await db.execute(raw(`create temp table bench_agent (n int primary key, id uuid not null)`));
    // n = 0 is the admin; agents are 1..A.
    await db.execute(raw(`insert into bench_agent select g, gen_random_uuid() from generate_series(0, ${A}) g`));
    await db.execute(
      raw(`insert into auth.users (id, email, name, created_at)
           select id, 'customer' || n || '@example.com', 'Customer ' || n,
                  now() - interval '760 days' + interval '1 second' * floor(random() * 86400 * 30)
           from bench_customer order by n`),
    );
    await db.execute(
      raw(`insert into auth.users (id, email, name, created_at)
           select id, case when n = 0 then 'admin@support.example' else 'agent' || n || '@support.example' end,
                  case when n = 0 then 'Admin' else 'Agent ' || n end, now() - interval '800 days'
           from bench_agent order by n`),
    );
    await db.execute(
      raw(`insert into team_members (id, display_name, role, created_at)
           select id, case when n = 0 then 'Admin' else 'Agent ' || n end,
                  case when n = 0 then 'admin' else 'agent' end::team_role, now() - interval '800 days'
           from bench_agent order by n`),
    );
  });

  await step(log, `plan: ${T.toLocaleString('en-US')} tickets (customer, time, status, thread shape)`, async () => {
    await db.execute(raw(`select setseed(0.1717)`));
    // Tickets arrive in created_at order over two years, growing (the rate doubles over the span);
    // customers are skewed (u^1.5: a long tail of heavy customers, every customer has some).
    await db.execute(
      raw(`create temp table bench_plan as
           with base as (
             select g as n,
                    gen_random_uuid() as id,
                    now() - interval '730 days' + interval '730 days' * sqrt(g::float8 / ${T}) as created_at,
                    1 + least(${C} - 1, floor(${C} * power(random(), 1.5)))::int as customer_n,
                    1 + floor(random() * ${A})::int as agent_n,
                    random() as r_status, random() as r_prio, random() as r_assign, random() as r_msgs, random() as r_span
             from generate_series(1, ${T}) g
           ), aged as (
             select b.*, extract(epoch from now() - b.created_at) / 86400 as age_days,
                    case when b.n % ${scale.longThreadEvery} = 0 then 60 + floor(b.r_msgs * 61)::int
                         else floor(b.r_msgs * 8)::int end as m
             from base b
           ), shaped as (
             select a.*,
                    case
                      when a.age_days < 14 then case when r_status < 0.35 then 'open' when r_status < 0.60 then 'in_progress'
                        when r_status < 0.80 then 'waiting_on_customer' when r_status < 0.95 then 'resolved' else 'closed' end
                      when a.age_days < 90 then case when r_status < 0.05 then 'open' when r_status < 0.10 then 'in_progress'
                        when r_status < 0.20 then 'waiting_on_customer' when r_status < 0.50 then 'resolved' else 'closed' end
                      else case when r_status < 0.005 then 'open' when r_status < 0.010 then 'in_progress'
                        when r_status < 0.020 then 'waiting_on_customer' when r_status < 0.10 then 'resolved' else 'closed' end
                    end as status,
                    case when r_prio < 0.30 then 'low' when r_prio < 0.75 then 'medium' when r_prio < 0.95 then 'high' else 'urgent' end as priority,
                    -- How long the thread runs: long threads weeks, short ones hours to days; never past now.
                    least(now() - a.created_at,
                          case when a.m >= 60 then interval '3 days' + interval '27 days' * a.r_span
                               else interval '10 minutes' + interval '5 days' * a.r_span end) as span
             from aged a
           )
           select s.n, s.id, c.id as customer_id, ag.id as agent_id, s.created_at, s.status, s.priority, s.m, s.span,
                  case when s.status = 'open' then s.r_assign < 0.30 else s.r_assign < 0.97 end as assigned
           from shaped s
           join bench_customer c on c.n = s.customer_n
           join bench_agent ag on ag.n = s.agent_n`),
    );
    await db.execute(raw(`create index on bench_plan (n)`));
    await db.execute(raw(`analyze bench_plan`));
  });

  await step(log, 'drop indexes, primary and foreign keys of tickets and ticket_messages', async () => {
    for (const fk of objects.foreignKeys) await db.execute(raw(`alter table ${fk.table} drop constraint "${fk.name}"`));
    for (const pk of objects.primaryKeys) await db.execute(raw(`alter table ${pk.table} drop constraint "${pk.name}"`));
    for (const index of objects.indexes) await db.execute(raw(`drop index ${index.name}`));
    await db.execute(raw(`alter table public.tickets disable trigger user`));
    await db.execute(raw(`alter table public.ticket_messages disable trigger user`));
  });
  log('  (user triggers on tickets and ticket_messages are DISABLED during the bulk load; the rows carry what they would set, but for ticket_search, which no query here reads: it stays empty)');

  await step(log, `tickets: insert ${T.toLocaleString('en-US')}`, async () => {
    await db.execute(
      raw(`insert into tickets (id, title, description, status, priority, customer_id, assigned_to,
                                created_at, updated_at, resolved_at, first_response_at, due_date)
           select p.id,
                  (${ticketTitlesSql})[1 + p.n % ${ticketTitleCount}]
                    || ' (#' || p.n || ')',
                  'Steps to reproduce: open the page, click the button, wait. Expected the usual result; got an error instead. '
                    || 'Browser and plan details attached below. Reference ' || md5(p.id::text) || '.',
                  p.status::ticket_status, p.priority::ticket_priority, p.customer_id,
                  case when p.assigned then p.agent_id end,
                  p.created_at,
                  case when p.status in ('resolved', 'closed') then p.created_at + p.span
                       when p.m > 0 then p.created_at + p.span * ((p.m - 1)::float8 / p.m)
                       else p.created_at end,
                  case when p.status in ('resolved', 'closed') then p.created_at + p.span end,
                  case when p.m >= 2 then p.created_at + p.span * (1.0 / p.m) end,
                  p.created_at + case p.priority when 'urgent' then interval '4 hours' when 'high' then interval '1 day'
                                                 when 'medium' then interval '3 days' else interval '7 days' end
           from bench_plan p order by p.n`),
    );
  });

  await step(log, 'ticket_messages: insert (ordered by created_at, like real traffic)', async () => {
    // Internal notes come from the third message on, so that share is raised to make a tenth
    // overall; which ones is a deterministic scatter over (ticket, position), not random(): a
    // volatile expression referenced three times could be evaluated three times.
    const [shape] = await query<{ per_mille: number }>(
      db,
      raw(`select round(1000 * ${internalShare} * sum(m) / nullif(sum(greatest(m - 2, 0)), 0))::int as per_mille from bench_plan`),
    );
    const perMille = Math.min(1000, shape?.per_mille ?? 0);
    await db.execute(raw(`set work_mem = '2GB'`));
    // Message 1 is the customer's, message 2 the first (public) team reply, then customer and
    // team alternate; from the third on some are internal notes, always from the team.
    await db.execute(
      raw(`insert into ticket_messages (id, ticket_id, sender_id, message, is_internal, created_at)
           select gen_random_uuid(), p.id,
                  case when s.internal or s.k % 2 = 0 then p.agent_id else p.customer_id end,
                  case when s.internal then 'Internal note: ' else '' end
                    || (${messageTextsSql})[1 + (p.n + s.k) % ${messageTextCount}]
                    || ' ' || left(md5(p.id::text || s.k), 8 + (s.k * 7 + p.n) % 24),
                  s.internal,
                  p.created_at + p.span * ((s.k - 1)::float8 / p.m)
           from bench_plan p
           cross join lateral (
             select k, (k >= 3 and (p.n::bigint * 7919 + k * 104729) % 1000 < ${perMille}) as internal
             from generate_series(1, p.m) k
           ) s
           order by 6`),
    );
    await db.execute(raw(`set work_mem = '256MB'`));
  });

  // The message triggers were off, and they keep each ticket's summary (public message count and
  // newest public message, migration 0013): count them from the threads once, before the
  // indexes are back (so the million updated rows do not also update every index).
  await step(log, 'tickets: summaries from the threads (private.refresh_all_ticket_summaries)', async () => {
    await db.execute(raw(`select private.refresh_all_ticket_summaries()`));
  });

  await step(log, 'restore primary keys, indexes, foreign keys; re-enable triggers', async () => {
    for (const pk of objects.primaryKeys) await db.execute(raw(`alter table ${pk.table} add constraint "${pk.name}" ${pk.def}`));
    for (const index of objects.indexes) await db.execute(raw(index.def));
    for (const fk of objects.foreignKeys) await db.execute(raw(`alter table ${fk.table} add constraint "${fk.name}" ${fk.def}`));
    await db.execute(raw(`alter table public.tickets enable trigger user`));
    await db.execute(raw(`alter table public.ticket_messages enable trigger user`));
  });
  const after = await catalogFingerprint(db);
  if (after !== before) {
    throw new Error(`Seeding did not restore the schema exactly.\n--- before\n${before}\n--- after\n${after}`);
  }
  log('  schema check: every index, key and trigger is back as migrated (triggers re-enabled)');

  await step(log, 'vacuum (analyze): hint bits, visibility map, statistics', async () => {
    await db.execute(raw(`drop table bench_plan, bench_customer, bench_agent`));
    await db.execute(raw(`vacuum (analyze) auth.users, public.team_members, public.tickets, public.ticket_messages`));
    try {
      await db.execute(raw(`checkpoint`));
    } catch {
      // Needs superuser or pg_checkpoint; only there to keep a checkpoint out of the measurements.
    }
  });

  const seconds = (performance.now() - started) / 1000;
  return { seconds, ...(await countRows(db)) };
}

export async function countRows(db: Database): Promise<Omit<SeedReport, 'seconds'>> {
  const [row] = await query<{
    tickets: string;
    customers: string;
    team: string;
    messages: string;
    internal: string;
    long_threads: string;
  }>(
    db,
    raw(`select (select count(*) from public.tickets) as tickets,
                (select count(*) from auth.users u where not exists (select 1 from public.team_members m where m.id = u.id)) as customers,
                (select count(*) from public.team_members) as team,
                (select count(*) from public.ticket_messages) as messages,
                (select count(*) from public.ticket_messages where is_internal) as internal,
                (select count(*) from (select 1 from public.ticket_messages group by ticket_id
                                       having count(*) filter (where not is_internal) >= 50) s) as long_threads`),
  );
  if (!row) throw new Error('count query returned nothing');
  return {
    tickets: Number(row.tickets),
    customers: Number(row.customers),
    teamMembers: Number(row.team),
    messages: Number(row.messages),
    internalMessages: Number(row.internal),
    longThreads: Number(row.long_threads),
  };
}
