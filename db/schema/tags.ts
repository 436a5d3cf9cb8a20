import { sql } from 'drizzle-orm';
import { check, index, pgPolicy, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { authenticated, isSignedIn, isTeamMember, ownsTicket } from './access.ts';
import { tickets } from './tickets.ts';

export const ticketTags = pgTable(
  'ticket_tags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull().unique(),
    description: text('description'),
    color: text('color').notNull().default('#000000'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Colors are rendered into styles by the widget and the console: only #rrggbb gets through.
    check('ticket_tags_color_is_hex', sql`${t.color} ~ '^#[0-9a-fA-F]{6}$'`),
    // The seed said `using (true)`; a transaction with no identity sees nothing anywhere.
    pgPolicy('Customers can view tags', { for: 'select', to: authenticated, using: isSignedIn }),
    pgPolicy('Team members can create tags', { for: 'insert', to: authenticated, withCheck: isTeamMember }),
    pgPolicy('Team members can update tags', { for: 'update', to: authenticated, using: isTeamMember, withCheck: isTeamMember }),
    pgPolicy('Team members can delete tags', { for: 'delete', to: authenticated, using: isTeamMember }),
  ],
);

export const ticketTagRelations = pgTable(
  'ticket_tag_relations',
  {
    ticketId: uuid('ticket_id').notNull().references(() => tickets.id),
    tagId: uuid('tag_id').notNull().references(() => ticketTags.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.tagId] }),
    index('ticket_tag_relations_ticket_id_idx').on(t.ticketId),
    index('ticket_tag_relations_tag_id_idx').on(t.tagId),

    pgPolicy('Customers can view tag relations', { for: 'select', to: authenticated, using: ownsTicket(t.ticketId) }),
    pgPolicy('Team members can view all tag relations', { for: 'select', to: authenticated, using: isTeamMember }),
    pgPolicy('Team members can tag tickets', { for: 'insert', to: authenticated, withCheck: isTeamMember }),
    pgPolicy('Team members can untag tickets', { for: 'delete', to: authenticated, using: isTeamMember }),
  ],
);

export type TicketTag = typeof ticketTags.$inferSelect;
export type NewTicketTag = typeof ticketTags.$inferInsert;
export type TicketTagRelation = typeof ticketTagRelations.$inferSelect;
export type NewTicketTagRelation = typeof ticketTagRelations.$inferInsert;
