import { sql } from 'drizzle-orm';
import { index, jsonb, pgPolicy, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { authenticated, currentUserId, isTeamMember, ownsTicket } from './access.ts';
import { tickets } from './tickets.ts';

export const ticketMetadata = pgTable(
  'ticket_metadata',
  {
    ticketId: uuid('ticket_id').notNull().references(() => tickets.id),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.key] }),
    index('ticket_metadata_ticket_id_idx').on(t.ticketId),

    pgPolicy('Customers can view ticket metadata', { for: 'select', to: authenticated, using: ownsTicket(t.ticketId) }),
    // A template's fields become metadata when the customer opens the ticket, and only then:
    // the ticket must be theirs and created in this very transaction (created_at = now()).
    pgPolicy('Customers can add metadata to the ticket they are opening', {
      for: 'insert',
      to: authenticated,
      withCheck: sql`exists (select 1 from public.tickets t where t.id = ${t.ticketId} and t.customer_id = ${currentUserId} and t.created_at = now())`,
    }),
    pgPolicy('Team members can view all ticket metadata', { for: 'select', to: authenticated, using: isTeamMember }),
    pgPolicy('Team members can add ticket metadata', { for: 'insert', to: authenticated, withCheck: isTeamMember }),
    pgPolicy('Team members can update ticket metadata', { for: 'update', to: authenticated, using: isTeamMember, withCheck: isTeamMember }),
    pgPolicy('Team members can delete ticket metadata', { for: 'delete', to: authenticated, using: isTeamMember }),
  ],
);

export type TicketMetadata = typeof ticketMetadata.$inferSelect;
export type NewTicketMetadata = typeof ticketMetadata.$inferInsert;
