/**
 * Reading tickets the way lists and detail views need them, in one query each: the ticket, its
 * customer and assignee, tags, the newest public message and the public message count (all three
 * kept on the ticket row by triggers, migrations 0013 and 0018). Always run inside withClaims or
 * readWithClaims, so row-level security has the last word on every row and sub-select.
 */
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../../db/query-rows.ts';
import type { Tx } from '../../db/rls.ts';
import { tickets, ticketSearch, type TicketLastMessage, type TicketTagRef } from '../../db/schema/index.ts';
import type { AuthUser } from '../auth/user-directory.ts';
import type { JsonValue } from '../schemas/common.ts';
import type { ListTicketsQuery } from '../schemas/tickets.ts';
import { isoTimestamp, isoTimestampOrNull } from './iso-timestamp.ts';
import { decodeCursor, encodeCursor } from './keyset-cursor.ts';

type LastMessageRow = TicketLastMessage;

const sortKeys = {
  created_at: { expression: sql`${tickets.createdAt}`, type: 'timestamptz' },
  updated_at: { expression: sql`${tickets.updatedAt}`, type: 'timestamptz' },
  priority: { expression: sql`${tickets.priority}`, type: 'public.ticket_priority' },
  // Tickets with no due date sort after every dated one.
  due_date: { expression: sql`coalesce(${tickets.dueDate}, 'infinity'::timestamptz)`, type: 'timestamptz' },
} as const;

/**
 * The summary's columns over tickets, its customer (auth.users) and its assignee (team_members),
 * as SQL rather than through the query builder (rebuilt on every request, it cost more than
 * mapping the rows). Conditions made from the schema's columns (`${tickets.status}`) name the
 * same tables.
 */
const summaryColumns = sql`"tickets"."id", "tickets"."title", "tickets"."status", "tickets"."priority",
  "tickets"."created_at", "tickets"."updated_at", "tickets"."resolved_at", "tickets"."first_response_at", "tickets"."due_date",
  "tickets"."customer_id", "users"."name" as customer_name, "users"."email" as customer_email,
  "tickets"."assigned_to", "team_members"."display_name" as assignee_name,
  "tickets"."tags", "tickets"."last_message", "tickets"."message_count"`;
// Public messages only, whoever reads (last_message, message_count): the ticket row is the customer's to read.
const summarySource = sql`public.tickets
  left join auth.users on "users"."id" = "tickets"."customer_id"
  left join public.team_members on "team_members"."id" = "tickets"."assigned_to"`;

/** A summary row as PostgreSQL sends it; timestamps as text (or Dates, on a driver that parses them). */
interface SummaryRow extends Record<string, unknown> {
  id: string;
  title: string;
  status: (typeof tickets.status.enumValues)[number];
  priority: (typeof tickets.priority.enumValues)[number];
  created_at: string | Date;
  updated_at: string | Date;
  resolved_at: string | Date | null;
  first_response_at: string | Date | null;
  due_date: string | Date | null;
  customer_id: string;
  customer_name: string | null;
  customer_email: string | null;
  assigned_to: string | null;
  assignee_name: string | null;
  tags: TicketTagRef[];
  last_message: LastMessageRow | null;
  message_count: number;
}

function toSummary(row: SummaryRow) {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    priority: row.priority,
    customer: { id: row.customer_id, name: row.customer_name, email: row.customer_email },
    assignee: row.assigned_to ? { id: row.assigned_to, name: row.assignee_name } : null,
    tags: row.tags,
    lastMessage: row.last_message ? { ...row.last_message, createdAt: isoTimestamp(row.last_message.createdAt) } : null,
    messageCount: row.message_count,
    createdAt: isoTimestamp(row.created_at),
    updatedAt: isoTimestamp(row.updated_at),
    resolvedAt: isoTimestampOrNull(row.resolved_at),
    firstResponseAt: isoTimestampOrNull(row.first_response_at),
    dueDate: isoTimestampOrNull(row.due_date),
  };
}
export type TicketSummary = ReturnType<typeof toSummary>;

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
  if (query.q) conditions.push(sql`exists (select 1 from ${ticketSearch} s where s.ticket_id = ${tickets.id} and s.document @@ websearch_to_tsquery('simple', ${query.q}))`);
  const direction = sql.raw(query.order);
  if (query.cursor) {
    const position = decodeCursor(query.cursor, { sort: query.sort, order: query.order });
    const comparison = sql.raw(query.order === 'desc' ? '<' : '>');
    conditions.push(sql`(${key.expression}, ${tickets.id}) ${comparison} (${position.value}::${sql.raw(key.type)}, ${position.id}::uuid)`);
  }
  const where = conditions.length ? sql` where ${and(...conditions)}` : sql``;
  const rows = await queryRows<SummaryRow & { sort_value: string }>(
    tx,
    sql`select ${summaryColumns}, (${key.expression})::text as sort_value from ${summarySource}${where}
      order by ${key.expression} ${direction}, ${tickets.id} ${direction} limit ${query.limit + 1}`,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor({ sort: query.sort, order: query.order, value: last.sort_value, id: last.id }) : null;
  return { items: page.map(toSummary), nextCursor };
}

/** One ticket with its description and metadata; undefined when it does not exist for this user. */
export async function readTicket(tx: Tx, user: AuthUser, ticketId: string) {
  const [row] = await queryRows<SummaryRow & { description: string; metadata: Record<string, JsonValue>; internal_note_count: number }>(
    tx,
    sql`select ${summaryColumns}, "tickets"."description",
      coalesce((select json_object_agg(md.key, md.value order by md.key) from public.ticket_metadata md where md.ticket_id = "tickets"."id"), '{}'::json) as metadata,
      (select count(*)::int from public.ticket_messages m where m.ticket_id = "tickets"."id" and m.is_internal) as internal_note_count
      from ${summarySource} where "tickets"."id" = ${ticketId}::uuid`,
  );
  if (!row) return undefined;
  const detail = { ...toSummary(row), description: row.description, metadata: row.metadata };
  return user.teamRole ? { ...detail, internalNoteCount: row.internal_note_count } : detail;
}
export type TicketDetail = NonNullable<Awaited<ReturnType<typeof readTicket>>>;
