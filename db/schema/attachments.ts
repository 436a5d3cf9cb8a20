import { sql } from 'drizzle-orm';
import { bigint, check, foreignKey, index, integer, pgPolicy, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { authenticated, currentUserId, isTeamMember, ownsTicket } from './access.ts';
import { users } from './auth.ts';
import { ticketMessages } from './messages.ts';
import { tickets } from './tickets.ts';

/**
 * Attachment bookkeeping: one row per stored file, carrying the access rules. A file belongs to
 * one message, and is recorded in the same transaction as that message, just before it (the
 * message's id is chosen first; the foreign key to it is checked at commit, migration 0008). The
 * message's `attachments` column is derived from these rows by a trigger (0008), so what the
 * thread and the event log show is exactly what was uploaded.
 *
 * `storage_key` is random and never derived from the name; `name` is sanitized for display;
 * `content_type` is decided from the bytes; `sha256` is of the bytes as stored.
 */
export const ticketAttachments = pgTable(
  'ticket_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id').notNull().references(() => tickets.id),
    messageId: uuid('message_id').notNull(),
    uploaderId: uuid('uploader_id').notNull().references(() => users.id),
    /** Order within the message, from 0. */
    position: smallint('position').notNull(),
    storageKey: text('storage_key').notNull(),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    width: integer('width'),
    height: integer('height'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Deleting a message (the team may) takes its files' rows with it; the storage sweep then
    // removes the files. Deferrable (0008): the rows are written just before their message.
    foreignKey({ name: 'ticket_attachments_message_id_fk', columns: [t.messageId], foreignColumns: [ticketMessages.id] }).onDelete('cascade'),
    index('ticket_attachments_message_id_idx').on(t.messageId),
    index('ticket_attachments_ticket_id_idx').on(t.ticketId),
    uniqueIndex('ticket_attachments_storage_key_idx').on(t.storageKey),
    check('ticket_attachments_storage_key_is_random_hex', sql`${t.storageKey} ~ '^[0-9a-f]{32}$'`),
    check('ticket_attachments_sha256_is_hex', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check('ticket_attachments_size_positive', sql`${t.size} > 0`),
    check('ticket_attachments_position_in_range', sql`${t.position} between 0 and 99`),
    check('ticket_attachments_name_length', sql`char_length(${t.name}) between 1 and 255`),
    check('ticket_attachments_content_type_shape', sql`${t.contentType} ~ '^[a-z]+/[a-z0-9.+-]+$'`),
    check('ticket_attachments_dimensions_positive', sql`(${t.width} is null or ${t.width} > 0) and (${t.height} is null or ${t.height} > 0)`),

    // Mirrors the message: a customer sees the files of the public messages on their own tickets.
    pgPolicy('Customers can view attachments of their own ticket messages', {
      for: 'select',
      to: authenticated,
      using: sql`${ownsTicket(t.ticketId)} and exists (select 1 from public.ticket_messages m where m.id = ${t.messageId} and m.ticket_id = ${t.ticketId} and not m.is_internal)`,
    }),
    // Uploads are recorded as themselves, on their own tickets; a trigger (0008) refuses rows for
    // a message that already exists, and the message's own trigger refuses files that are not
    // its sender's, or not on its ticket.
    pgPolicy('Customers can upload attachments to their own tickets', {
      for: 'insert',
      to: authenticated,
      withCheck: sql`${ownsTicket(t.ticketId)} and ${t.uploaderId} = ${currentUserId}`,
    }),
    pgPolicy('Team members can view all attachments', { for: 'select', to: authenticated, using: isTeamMember }),
    pgPolicy('Team members can upload attachments', {
      for: 'insert',
      to: authenticated,
      withCheck: sql`${isTeamMember} and ${t.uploaderId} = ${currentUserId}`,
    }),
  ],
);

export type TicketAttachment = typeof ticketAttachments.$inferSelect;
export type NewTicketAttachment = typeof ticketAttachments.$inferInsert;
