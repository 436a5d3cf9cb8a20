import { sql } from 'drizzle-orm';
import { jsonb, pgPolicy, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { authenticated, isAdmin, isSignedIn } from './access.ts';
import { ticketPriority } from './tickets.ts';

export const templateFieldTypes = ['text', 'textarea', 'select', 'number', 'checkbox', 'email', 'url'] as const;
export type TemplateFieldType = (typeof templateFieldTypes)[number];

/** One field of a template; its value becomes ticket metadata under `key`. */
export interface TemplateField {
  key: string;
  label: string;
  type: TemplateFieldType;
  required: boolean;
  /** The choices of a `select` field. */
  options?: string[];
}

/** A kind of ticket: the fields a customer fills in, and the priority and tags it starts with. */
export const ticketTemplates = pgTable(
  'ticket_templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull().unique(),
    description: text('description'),
    fields: jsonb('fields').$type<TemplateField[]>().notNull().default(sql`'[]'::jsonb`),
    defaultPriority: ticketPriority('default_priority'),
    defaultTagIds: uuid('default_tag_ids').array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  () => [
    pgPolicy('Signed-in users can view templates', { for: 'select', to: authenticated, using: isSignedIn }),
    pgPolicy('Admins can create templates', { for: 'insert', to: authenticated, withCheck: isAdmin }),
    pgPolicy('Admins can update templates', { for: 'update', to: authenticated, using: isAdmin, withCheck: isAdmin }),
    pgPolicy('Admins can delete templates', { for: 'delete', to: authenticated, using: isAdmin }),
  ],
);

export type TicketTemplate = typeof ticketTemplates.$inferSelect;
export type NewTicketTemplate = typeof ticketTemplates.$inferInsert;
