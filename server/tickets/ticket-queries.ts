/**
 * Reading tickets the way lists and detail views need them, in one query each: the ticket, its
 * customer and assignee, tags, the newest public message and the public message count (both kept
 * on the ticket row by triggers, migration 0013). Always run inside withClaims or
 * readWithClaims, so row-level security has the last word on every row and sub-select.
 */
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/rls.ts';
import type { SelectedFields } from 'drizzle-orm/pg-core';
import { teamMembers, tickets, ticketSearchDocument, users, type TicketLastMessage } from '../../db/schema/index.ts';
import type { AuthUser } from '../auth/user-directory.ts';
import type { JsonValue } from '../schemas/common.ts';
import type { ListTicketsQuery } from '../schemas/tickets.ts';
import { isoTimestamp, isoTimestampOrNull } from './iso-timestamp.ts';
import { decodeCursor, encodeCursor } from './keyset-cursor.ts';

interface TagRef {
  id: string;
  name: string;
  color: string;
}
type LastMessageRow = TicketLastMessage;

const sortKeys = {
  created_at: { expression: sql`${tickets.createdAt}`, type: 'timestamptz' },
  updated_at: { expression: sql`${tickets.updatedAt}`, type: 'timestamptz' },
  priority: { expression: sql`${tickets.priority}`, type: 'public.ticket_priority' },
  // Tickets with no due date sort after every dated one.
  due_date: { expression: sql`coalesce(${tickets.dueDate}, 'infinity'::timestamptz)`, type: 'timestamptz' },
} as const;

const summaryColumns = {
  id: tickets.id,
  title: tickets.title,
  status: tickets.status,
  priority: tickets.priority,
  // Timestamps as PostgreSQL's text, not Dates: isoTimestamp rewrites it (see iso-timestamp.ts).
  createdAt: sql<string>`${tickets.createdAt}`,
  updatedAt: sql<string>`${tickets.updatedAt}`,
  resolvedAt: sql<string | null>`${tickets.resolvedAt}`,
  firstResponseAt: sql<string | null>`${tickets.firstResponseAt}`,
  dueDate: sql<string | null>`${tickets.dueDate}`,
  customerId: tickets.customerId,
  customerName: users.name,
  customerEmail: users.email,
  assigneeId: tickets.assignedTo,
  assigneeName: teamMembers.displayName,
  tags: sql<TagRef[]>`coalesce((
    select json_agg(json_build_object('id', g.id, 'name', g.name, 'color', g.color) order by g.name)
    from public.ticket_tag_relations r join public.ticket_tags g on g.id = r.tag_id
    where r.ticket_id = ${tickets.id}), '[]'::json)`,
  // Public messages only, whoever reads: the ticket row is the customer's to read.
  lastMessage: tickets.lastMessage,
  messageCount: tickets.messageCount,
};

interface SummaryRow {
  id: string;
  title: string;
  status: (typeof tickets.status.enumValues)[number];
  priority: (typeof tickets.priority.enumValues)[number];
  createdAt: string | Date;
  updatedAt: string | Date;
  resolvedAt: string | Date | null;
  firstResponseAt: string | Date | null;
  dueDate: string | Date | null;
  customerId: string;
  customerName: string | null;
  customerEmail: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  tags: TagRef[];
  lastMessage: LastMessageRow | null;
  messageCount: number;
}

function toSummary(row: SummaryRow) {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    priority: row.priority,
    customer: { id: row.customerId, name: row.customerName, email: row.customerEmail },
    assignee: row.assigneeId ? { id: row.assigneeId, name: row.assigneeName } : null,
    tags: row.tags,
    lastMessage: row.lastMessage ? { ...row.lastMessage, createdAt: isoTimestamp(row.lastMessage.createdAt) } : null,
    messageCount: row.messageCount,
    createdAt: isoTimestamp(row.createdAt),
    updatedAt: isoTimestamp(row.updatedAt),
    resolvedAt: isoTimestampOrNull(row.resolvedAt),
    firstResponseAt: isoTimestampOrNull(row.firstResponseAt),
    dueDate: isoTimestampOrNull(row.dueDate),
  };
}
export type TicketSummary = ReturnType<typeof toSummary>;

function selectSummaries<T extends SelectedFields>(tx: Tx, extra: T) {
  return tx
    .select({ ...summaryColumns, ...extra })
    .from(tickets)
    .leftJoin(users, eq(users.id, tickets.customerId))
    .leftJoin(teamMembers, eq(teamMembers.id, tickets.assignedTo));
}

/** One page of the ticket list, filtered and sorted, with the cursor of the next page. */
export async function listTickets(tx: Tx, user: AuthUser, query: ListTicketsQuery): Promise<{ items: TicketSummary[]; nextCursor: string | null }> {
  const key = sortKeys[query.sort];
  const conditions: SQL[] = [];
  // RLS already limits a customer to their own tickets; saying so lets the planner use the index.
  if (!user.teamRole) conditions.push(eq(tickets.customerId, user.id));
  // Statuses as literals (zod has checked them against the enum): the planner can then match the
  // queues' partial indexes, which a bound parameter would hide from a generic plan.
  if (query.status) conditions.push(sql`${tickets.status} in (${sql.raw(query.status.map((status) => `'${status}'`).join(', '))})`);
  if (query.priority) conditions.push(inArray(tickets.priority, query.priority));
  if (query.assignee === 'me') conditions.push(eq(tickets.assignedTo, user.id));
  else if (query.assignee === 'unassigned') conditions.push(isNull(tickets.assignedTo));
  else if (query.assignee && query.assignee !== 'any') conditions.push(eq(tickets.assignedTo, query.assignee));
  if (query.customer) conditions.push(eq(tickets.customerId, query.customer));
  if (query.tag) {
    const isId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(query.tag);
    conditions.push(
      isId
        ? sql`exists (select 1 from public.ticket_tag_relations r where r.ticket_id = ${tickets.id} and r.tag_id = ${query.tag}::uuid)`
        : sql`exists (select 1 from public.ticket_tag_relations r join public.ticket_tags g on g.id = r.tag_id where r.ticket_id = ${tickets.id} and g.name = ${query.tag})`,
    );
  }
  if (query.q) conditions.push(sql`${ticketSearchDocument(tickets.title, tickets.description)} @@ websearch_to_tsquery('simple', ${query.q})`);
  const direction = sql.raw(query.order);
  if (query.cursor) {
    const position = decodeCursor(query.cursor, { sort: query.sort, order: query.order });
    const comparison = sql.raw(query.order === 'desc' ? '<' : '>');
    conditions.push(sql`(${key.expression}, ${tickets.id}) ${comparison} (${position.value}::${sql.raw(key.type)}, ${position.id}::uuid)`);
  }
  const rows = await selectSummaries(tx, { sortValue: sql<string>`(${key.expression})::text` })
    .where(and(...conditions))
    .orderBy(sql`${key.expression} ${direction}`, sql`${tickets.id} ${direction}`)
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor({ sort: query.sort, order: query.order, value: last.sortValue, id: last.id }) : null;
  return { items: page.map((row) => toSummary(row as unknown as SummaryRow)), nextCursor };
}

/** One ticket with its description and metadata; undefined when it does not exist for this user. */
export async function readTicket(tx: Tx, user: AuthUser, ticketId: string) {
  const [row] = await selectSummaries(tx, {
    description: tickets.description,
    metadata: sql<Record<string, JsonValue>>`coalesce((select json_object_agg(md.key, md.value order by md.key) from public.ticket_metadata md where md.ticket_id = ${tickets.id}), '{}'::json)`,
    internalNoteCount: sql<number>`(select count(*)::int from public.ticket_messages m where m.ticket_id = ${tickets.id} and m.is_internal)`,
  }).where(eq(tickets.id, ticketId));
  if (!row) return undefined;
  const detail = { ...toSummary(row as unknown as SummaryRow), description: row.description, metadata: row.metadata };
  return user.teamRole ? { ...detail, internalNoteCount: row.internalNoteCount } : detail;
}
export type TicketDetail = NonNullable<Awaited<ReturnType<typeof readTicket>>>;
