/**
 * A reply without files, in one statement: the message is inserted only if the ticket is there
 * for this user (row-level security on the read of the ticket) and, for a customer, not closed.
 * One round trip instead of a read of the ticket and then the insert; the reasons for a refusal
 * (404 or 409) are read only when it is refused. Always inside withClaims.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/query-rows.ts';
import type { Tx } from '../../db/rls.ts';
import type { AuthUser } from '../auth/user-directory.ts';
import { ApiError, notFound } from '../errors.ts';
import type { CreateMessageBody } from '../schemas/messages.ts';
import { toMessage, type AttachmentDescriptor } from './thread-queries.ts';

interface InsertedRow extends Record<string, unknown> {
  id: string;
  ticket_id: string;
  sender_id: string;
  message: string;
  is_internal: boolean;
  created_at: string | Date;
  attachments: AttachmentDescriptor[] | null;
}

export async function postReply(tx: Tx, user: AuthUser, ticketId: string, body: CreateMessageBody) {
  const fromTeam = user.teamRole !== null;
  // The sender is the transaction's own identity: a statement that somehow ran without it
  // would name no sender and fail, never post as anyone.
  const [row] = await queryRows<InsertedRow>(
    tx,
    sql`insert into public.ticket_messages (id, ticket_id, sender_id, message, is_internal)
        select ${randomUUID()}::uuid, t.id, (select auth.uid()), ${body.message}, ${body.isInternal ?? false}
        from public.tickets t
        where t.id = ${ticketId}::uuid and (t.status <> 'closed' or ${fromTeam})
        returning id, ticket_id, sender_id, message, is_internal, created_at, attachments`,
  );
  if (!row) {
    const [ticket] = await queryRows<{ status: string }>(tx, sql`select status from public.tickets where id = ${ticketId}::uuid`);
    if (!ticket) throw notFound('That ticket');
    throw new ApiError('conflict', 'This ticket is closed; open a new ticket instead.');
  }
  if (row.sender_id !== user.id) throw new Error('postReply: the message was not posted as the request\'s user');
  return toMessage({
    id: row.id,
    ticketId: row.ticket_id,
    senderId: row.sender_id,
    message: row.message,
    isInternal: row.is_internal,
    createdAt: new Date(row.created_at),
    attachments: row.attachments,
    teamName: fromTeam ? (user.displayName ?? user.name) : null,
    userName: user.name,
  });
}
