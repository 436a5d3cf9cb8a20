import { sql } from 'drizzle-orm';
import { bigint, boolean, index, jsonb, pgPolicy, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { authenticated, currentUserId, isTeamMember } from './access.ts';

export const ticketEventKinds = ['ticket.created', 'ticket.updated', 'message.created', 'tag.added', 'tag.removed', 'metadata.changed'] as const;
export type TicketEventKind = (typeof ticketEventKinds)[number];

/**
 * The durable, ordered log of every change a client may need, written by triggers in the same
 * transaction as the change (migration 0006). Positions only grow, and a reader that stops below
 * `private.event_horizon()` never passes an event that commits later (see 0006 for how).
 */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    position: bigint('position', { mode: 'number' }).primaryKey(),
    ticketId: uuid('ticket_id').notNull(),
    /** The ticket's customer, copied so access checks need no join. */
    customerId: uuid('customer_id').notNull(),
    kind: text('kind').$type<TicketEventKind>().notNull(),
    /** Internal-note events: the team's only. */
    isInternal: boolean('is_internal').notNull().default(false),
    payload: jsonb('payload').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A customer's replay: their events after a position.
    index('ticket_events_customer_position_idx').on(t.customerId, t.position),
    pgPolicy('Customers can view events of their own tickets', {
      for: 'select',
      to: authenticated,
      using: sql`${t.customerId} = ${currentUserId} and not ${t.isInternal}`,
    }),
    pgPolicy('Team members can view all events', { for: 'select', to: authenticated, using: isTeamMember }),
  ],
);

export type TicketEvent = typeof ticketEvents.$inferSelect;
