import { customType, index, pgPolicy, pgTable, uuid } from 'drizzle-orm/pg-core';
import { authenticated, isTeamMember, ownsTicket } from './access.ts';
import { tickets } from './tickets.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * Each ticket's text-search document (title and description), in a table of its own so that the
 * GIN index is written only when the title or description changes. On the ticket row it was
 * written on every reply: each message bumps the ticket (updated_at, the summary columns), that
 * update cannot be HOT (updated_at is indexed), so every index of the row, the GIN one included,
 * took new entries, and the description was tokenized again, at a cost that grew with its length.
 * Kept by the trigger tickets_index_search (migration 0020); never written by users.
 */
export const ticketSearch = pgTable(
  'ticket_search',
  {
    ticketId: uuid('ticket_id')
      .primaryKey()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    document: tsvector('document').notNull(),
  },
  (t) => [
    index('ticket_search_document_idx').using('gin', t.document),
    pgPolicy('Customers can search their own tickets', { for: 'select', to: authenticated, using: ownsTicket(t.ticketId) }),
    pgPolicy('Team members can search all tickets', { for: 'select', to: authenticated, using: isTeamMember }),
  ],
);
