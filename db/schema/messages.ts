import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgPolicy, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { authenticated, currentUserId, isTeamMember, ownsTicket } from './access.ts';
import { users } from './auth.ts';
import { tickets } from './tickets.ts';

export const ticketMessages = pgTable(
  'ticket_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id').notNull().references(() => tickets.id),
    senderId: uuid('sender_id').notNull().references(() => users.id),
    message: text('message').notNull(),
    isInternal: boolean('is_internal').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    attachments: jsonb('attachments'),
  },
  (t) => [
    index('ticket_messages_ticket_id_idx').on(t.ticketId),
    // A thread, oldest first, with a stable order for keyset pagination.
    index('ticket_messages_thread_idx').on(t.ticketId, t.createdAt, t.id),

    pgPolicy('Customers can view their own ticket messages', {
      for: 'select',
      to: authenticated,
      using: sql`${ownsTicket(t.ticketId)} and not ${t.isInternal}`,
    }),
    // The seed let a customer post as anyone, write internal notes and invent attachment
    // descriptors; a customer writes public messages, as themselves, on their own tickets, and
    // a message's descriptors are exactly those of the files they uploaded for it (derived by
    // the ticket_messages_attach_uploads trigger, migration 0008; null without files).
    pgPolicy('Customers can create ticket messages', {
      for: 'insert',
      to: authenticated,
      withCheck: sql`${ownsTicket(t.ticketId)} and ${t.senderId} = ${currentUserId} and not ${t.isInternal} and ${t.attachments} is not distinct from private.uploaded_attachments(${t.id})`,
    }),
    pgPolicy('Team members can view all ticket messages', { for: 'select', to: authenticated, using: isTeamMember }),
    pgPolicy('Team members can create ticket messages', {
      for: 'insert',
      to: authenticated,
      withCheck: sql`${isTeamMember} and ${t.senderId} = ${currentUserId}`,
    }),
    pgPolicy('Team members can update ticket messages', { for: 'update', to: authenticated, using: isTeamMember, withCheck: isTeamMember }),
    pgPolicy('Team members can delete ticket messages', { for: 'delete', to: authenticated, using: isTeamMember }),
  ],
);

export type TicketMessage = typeof ticketMessages.$inferSelect;
export type NewTicketMessage = typeof ticketMessages.$inferInsert;
