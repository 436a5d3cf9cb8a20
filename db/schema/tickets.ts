import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgPolicy, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { authenticated, currentUserId, isTeamMember } from './access.ts';
import { users } from './auth.ts';
import { teamMembers } from './team.ts';

export const ticketStatuses = ['open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'] as const;
export const ticketPriorities = ['low', 'medium', 'high', 'urgent'] as const;
export const ticketStatus = pgEnum('ticket_status', ticketStatuses);
/** Statuses the team works from; each gets its own keyset indexes. */
const workingStatuses = ['open', 'in_progress', 'waiting_on_customer'] as const;
export const ticketPriority = pgEnum('ticket_priority', ticketPriorities);

/**
 * The newest public message of a ticket, as lists show it (what `tickets.last_message` holds).
 * Internal notes never appear here: this column is readable by the ticket's customer.
 */
export interface TicketLastMessage {
  id: string;
  /** The first 160 characters. */
  preview: string;
  senderId: string;
  /** Whether the sender was on the team when it was posted. */
  fromTeam: boolean;
  /** ISO 8601, as jsonb writes a timestamptz. */
  createdAt: string;
}

/** A tag as lists show it (what `tickets.tags` holds, ordered by name). */
export interface TicketTagRef {
  id: string;
  name: string;
  color: string;
}

export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    status: ticketStatus('status').notNull().default('open'),
    priority: ticketPriority('priority').notNull().default('medium'),
    customerId: uuid('customer_id').notNull().references(() => users.id),
    assignedTo: uuid('assigned_to').references(() => teamMembers.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    firstResponseAt: timestamp('first_response_at', { withTimezone: true }),
    dueDate: timestamp('due_date', { withTimezone: true }),
    // Public-thread summary for lists, kept by triggers in the transaction of each message's
    // insert, update or delete (migration 0013); never written by users (no column grant, reset
    // on insert). Public messages only: the ticket's customer can read this row.
    messageCount: integer('message_count').notNull().default(0),
    lastMessage: jsonb('last_message').$type<TicketLastMessage>(),
    // The ticket's tags, kept by triggers from ticket_tag_relations and ticket_tags in the
    // transaction of each change (migration 0018), so a list reads them with the ticket. Never
    // written by users (no column grant, reset on insert); changing it leaves updated_at alone.
    tags: jsonb('tags').$type<TicketTagRef[]>().notNull().default(sql`'[]'::jsonb`),
  },
  (t) => [
    index('tickets_customer_id_idx').on(t.customerId),
    index('tickets_assigned_to_idx').on(t.assignedTo),
    index('tickets_status_idx').on(t.status),
    // Keyset pagination in either direction: ascending indexes, which a backward scan serves for
    // `desc` (an index declared DESC NULLS LAST would not match `order by … desc`, which is NULLS FIRST).
    index('tickets_customer_created_idx').on(t.customerId, t.createdAt, t.id),
    index('tickets_created_idx').on(t.createdAt, t.id),
    index('tickets_customer_updated_idx').on(t.customerId, t.updatedAt, t.id),
    index('tickets_updated_idx').on(t.updatedAt, t.id),
    // The team's working queues. Under RLS a status comparison cannot narrow an index scan
    // (enum equality is not leakproof), but a partial index's predicate still applies.
    ...workingStatuses.flatMap((status) => [
      index(`tickets_${status}_created_idx`).on(t.createdAt, t.id).where(sql`${t.status} = ${sql.raw(`'${status}'`)}`),
      index(`tickets_${status}_updated_idx`).on(t.updatedAt, t.id).where(sql`${t.status} = ${sql.raw(`'${status}'`)}`),
    ]),
    // Text search over title and description: in ticket_search (search.ts), not on this row.

    pgPolicy('Customers can view their own tickets', {
      for: 'select',
      to: authenticated,
      using: sql`${t.customerId} = ${currentUserId}`,
    }),
    // The seed let a customer insert any status, assignee and SLA timestamps; a new ticket from
    // a customer is open, unassigned and untouched. (Timestamps and due date: migration 0002.)
    pgPolicy('Customers can create tickets', {
      for: 'insert',
      to: authenticated,
      withCheck: sql`${t.customerId} = ${currentUserId} and ${t.status} = 'open' and ${t.assignedTo} is null and ${t.resolvedAt} is null and ${t.firstResponseAt} is null`,
    }),
    // Closing is the one change a customer makes directly; a trigger (0002) refuses any other column.
    pgPolicy('Customers can close their own tickets', {
      for: 'update',
      to: authenticated,
      using: sql`${t.customerId} = ${currentUserId}`,
      withCheck: sql`${t.customerId} = ${currentUserId} and ${t.status} = 'closed'`,
    }),
    pgPolicy('Team members can view all tickets', { for: 'select', to: authenticated, using: isTeamMember }),
    pgPolicy('Team members can create tickets', { for: 'insert', to: authenticated, withCheck: isTeamMember }),
    pgPolicy('Team members can update tickets', { for: 'update', to: authenticated, using: isTeamMember, withCheck: isTeamMember }),
    pgPolicy('Team members can delete tickets', { for: 'delete', to: authenticated, using: isTeamMember }),
  ],
);

export type TicketStatus = (typeof ticketStatuses)[number];
export type TicketPriority = (typeof ticketPriorities)[number];
export type Ticket = typeof tickets.$inferSelect;
export type NewTicket = typeof tickets.$inferInsert;
