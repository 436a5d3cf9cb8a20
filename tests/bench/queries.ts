/**
 * The four reads the issue names, each as the server will write it (Drizzle query builder, run
 * under withClaims) and as a hand-filtered twin on the bypass connection.
 */
import { and, asc, desc, eq, exists, not, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { withClaims } from '../../db/rls.ts';
import { ticketMessages, tickets } from '../../db/schema/index.ts';
import type { BenchCase, Row } from './measure.ts';
import { query } from './support/sql-rows.ts';

export const pageSize = 25;
export const threadPageSize = 50;
export const keysetDepth = 20_000;

export interface Cursor {
  /** created_at as PostgreSQL prints it: microseconds survive (a JS Date would drop them). */
  createdAt: string;
  id: string;
}

export interface Samples {
  customers: string[];
  /** Team members (agents and the admin). */
  agents: string[];
  /** Tickets whose thread has at least 50 public messages, with their customer. */
  threads: { ticketId: string; customerId: string }[];
  /** Cursors of rows keysetDepth, keysetDepth + 1, ... of the newest-first list. */
  deepCursors: Cursor[];
}

function pick<T>(list: T[], i: number): T {
  const item = list[i % list.length];
  if (item === undefined) throw new Error('empty sample list');
  return item;
}

/** Draws the users, tickets and cursors the iterations cycle through (outside any timing). */
export async function drawSamples(db: Database, size: number): Promise<Samples> {
  const customers = await query<{ id: string }>(
    db,
    sql`select u.id from auth.users u
        where not exists (select 1 from public.team_members m where m.id = u.id)
        order by random() limit ${size}`,
  );
  const agents = await query<{ id: string }>(db, sql`select id from public.team_members order by id`);
  const threads = await query<{ ticket_id: string; customer_id: string }>(
    db,
    sql`select s.ticket_id, t.customer_id
        from (select ticket_id from public.ticket_messages group by ticket_id
              having count(*) filter (where not is_internal) >= ${threadPageSize}) s
        join public.tickets t on t.id = s.ticket_id
        order by random() limit ${size}`,
  );
  const deepCursors = await query<{ created_at: string; id: string }>(
    db,
    sql`select created_at::text as created_at, id from public.tickets
        order by created_at desc, id desc offset ${keysetDepth - 1} limit ${Math.min(size, 500)}`,
  );
  const samples: Samples = {
    customers: customers.map((r) => r.id),
    agents: agents.map((r) => r.id),
    threads: threads.map((r) => ({ ticketId: r.ticket_id, customerId: r.customer_id })),
    deepCursors: deepCursors.map((r) => ({ createdAt: r.created_at, id: r.id })),
  };
  for (const [name, list] of Object.entries(samples)) {
    if ((list as unknown[]).length === 0) throw new Error(`No ${name} to sample: is the bench database seeded?`);
  }
  return samples;
}

function newestFirst() {
  return [desc(tickets.createdAt), desc(tickets.id)] as const;
}

function openStatus() {
  return sql`${tickets.status} in ('open')`;
}

function olderThan(cursor: Cursor) {
  return sql`(${tickets.createdAt}, ${tickets.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`;
}

function expectRows(key: string, rows: Row[], count: number) {
  if (rows.length !== count) throw new Error(`[${key}] expected ${count} rows, got ${rows.length}`);
}

/** Not one of the reads: what any statement costs through Drizzle and postgres.js. */
export function roundTripFloor(s: Samples): BenchCase<{ userId: string }> {
  return {
    key: '0',
    title: 'floor: select 1, no table (not a target)',
    handNote: 'same statement, bypass connection',
    params: (i) => ({ userId: pick(s.customers, i) }),
    user: (p) => p.userId,
    rls: (tx) => tx.select({ id: sql<string>`'floor'` }).from(sql`(select 1) as floor`),
    hand: (db) => db.select({ id: sql<string>`'floor'` }).from(sql`(select 1) as floor`),
  };
}

export function customerNewestTickets(s: Samples): BenchCase<{ customerId: string }> {
  return {
    key: '1',
    title: "customer's newest 25 tickets",
    handNote: 'same query (where customer_id = me), bypass connection',
    params: (i) => ({ customerId: pick(s.customers, i) }),
    user: (p) => p.customerId,
    rls: (tx, p) =>
      tx.select().from(tickets).where(eq(tickets.customerId, p.customerId)).orderBy(...newestFirst()).limit(pageSize),
    hand: (db, p) =>
      db.select().from(tickets).where(eq(tickets.customerId, p.customerId)).orderBy(...newestFirst()).limit(pageSize),
    check: (rows, p) => {
      if (rows.length === 0) throw new Error(`[1] customer ${p.customerId} has no tickets`);
      for (const row of rows as (typeof tickets.$inferSelect)[]) {
        if (row.customerId !== p.customerId) throw new Error(`[1] RLS returned another customer's ticket ${row.id}`);
      }
    },
  };
}

export function agentNewestOpenTickets(s: Samples): BenchCase<{ agentId: string }> {
  return {
    key: '2',
    title: "agent's newest 25 open tickets",
    handNote: "same query (where status in ('open'), a literal like the server's list), bypass connection",
    params: (i) => ({ agentId: pick(s.agents, i) }),
    user: (p) => p.agentId,
    // The status as a literal, the way the server's list writes it (server/tickets/ticket-queries.ts):
    // a bound status would hide the queue's partial index from a generic plan.
    rls: (tx) => tx.select().from(tickets).where(openStatus()).orderBy(...newestFirst()).limit(pageSize),
    hand: (db) => db.select().from(tickets).where(openStatus()).orderBy(...newestFirst()).limit(pageSize),
    check: (rows) => expectRows('2', rows, pageSize),
  };
}

export function customerThread(s: Samples): BenchCase<{ ticketId: string; customerId: string }> {
  const thread = [asc(ticketMessages.createdAt), asc(ticketMessages.id)] as const;
  return {
    key: '3',
    title: '50-message thread, read by its customer',
    handNote: "adds 'not is_internal' and exists(ticket.customer_id = me), bypass connection",
    params: (i) => pick(s.threads, i),
    user: (p) => p.customerId,
    rls: (tx, p) =>
      tx.select().from(ticketMessages).where(eq(ticketMessages.ticketId, p.ticketId)).orderBy(...thread).limit(threadPageSize),
    hand: (db, p) =>
      db
        .select()
        .from(ticketMessages)
        .where(
          and(
            eq(ticketMessages.ticketId, p.ticketId),
            not(ticketMessages.isInternal),
            exists(
              db
                .select({ one: sql`1` })
                .from(tickets)
                .where(and(eq(tickets.id, ticketMessages.ticketId), eq(tickets.customerId, p.customerId))),
            ),
          ),
        )
        .orderBy(...thread)
        .limit(threadPageSize),
    check: (rows, p) => {
      expectRows('3', rows, threadPageSize);
      for (const row of rows as (typeof ticketMessages.$inferSelect)[]) {
        if (row.isInternal) throw new Error(`[3] RLS showed internal message ${row.id} to customer ${p.customerId}`);
        if (row.ticketId !== p.ticketId) throw new Error(`[3] message ${row.id} is from another ticket`);
      }
    },
  };
}

export function agentListFirstPage(s: Samples): BenchCase<{ agentId: string }> {
  return {
    key: '4a',
    title: 'agent list, page 1 (depth 0)',
    handNote: 'same query, bypass connection',
    params: (i) => ({ agentId: pick(s.agents, i) }),
    user: (p) => p.agentId,
    rls: (tx) => tx.select().from(tickets).orderBy(...newestFirst()).limit(pageSize),
    hand: (db) => db.select().from(tickets).orderBy(...newestFirst()).limit(pageSize),
    check: (rows) => expectRows('4a', rows, pageSize),
  };
}

export function agentListDeepPage(s: Samples): BenchCase<{ agentId: string; cursor: Cursor }> {
  return {
    key: '4b',
    title: `agent list, keyset at depth ${keysetDepth.toLocaleString('en-US')}`,
    handNote: 'same query ((created_at, id) < cursor), bypass connection',
    params: (i) => ({ agentId: pick(s.agents, i), cursor: pick(s.deepCursors, i) }),
    user: (p) => p.agentId,
    rls: (tx, p) => tx.select().from(tickets).where(olderThan(p.cursor)).orderBy(...newestFirst()).limit(pageSize),
    hand: (db, p) => db.select().from(tickets).where(olderThan(p.cursor)).orderBy(...newestFirst()).limit(pageSize),
    check: (rows) => expectRows('4b', rows, pageSize),
  };
}

/**
 * Checks the keyset page really is rows depth+1..depth+25 (the cursor kept its microseconds) and
 * that RLS is switched on at all: a customer sees none of another customer's thread, an agent
 * sees internal notes.
 */
export async function sanityChecks(db: Database, s: Samples) {
  const first = s.deepCursors[0]!;
  const byOffset = await db.select({ id: tickets.id }).from(tickets).orderBy(...newestFirst()).offset(keysetDepth).limit(pageSize);
  const byKeyset = await db.select({ id: tickets.id }).from(tickets).where(olderThan(first)).orderBy(...newestFirst()).limit(pageSize);
  if (byOffset.map((r) => r.id).join() !== byKeyset.map((r) => r.id).join()) {
    throw new Error('The keyset page after row 20,000 differs from offset 20,000: cursor precision lost?');
  }

  const [a, b] = s.threads;
  if (a && b && a.customerId !== b.customerId) {
    const foreign = await withClaims(db, { sub: a.customerId }, (tx) =>
      tx.select({ id: ticketMessages.id }).from(ticketMessages).where(eq(ticketMessages.ticketId, b.ticketId)).limit(5),
    );
    if (foreign.length !== 0) throw new Error('RLS is not in force: a customer read another customer’s thread');
  }
  let internalSeen = 0;
  for (const t of s.threads.slice(0, 20)) {
    const rows = await withClaims(db, { sub: s.agents[0]! }, (tx) =>
      tx.select({ internal: ticketMessages.isInternal }).from(ticketMessages).where(eq(ticketMessages.ticketId, t.ticketId)),
    );
    internalSeen += rows.filter((r) => r.internal).length;
  }
  if (internalSeen === 0) throw new Error('Agents see no internal messages on long threads: seed or policies are off');
}
