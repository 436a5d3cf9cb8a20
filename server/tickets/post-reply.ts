/**
 * A reply without files, in one statement: the message is inserted only if the ticket is there
 * for this user (row-level security on the read of the ticket) and, for a customer, not closed.
 * One statement instead of a read of the ticket and then the insert; the reasons for a refusal
 * (404 or 409) are read only when it is refused. Always as the user (withClaims or writeWithClaims).
 */
import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../../db/query-rows.ts';
import type { Tx } from '../../db/rls.ts';
import type { AuthUser } from '../auth/user-directory.ts';
import { ApiError, notFound } from '../errors.ts';
import type { CreateMessageBody } from '../schemas/messages.ts';
import { messageFromRow, type MessageRow } from './thread-queries.ts';

/** The insert, or no row when the ticket is not there for this user or is closed to them. */
function replyStatement(user: AuthUser, ticketId: string, body: CreateMessageBody) {
  const fromTeam = user.teamRole !== null;
  // The sender is the transaction's own identity: a statement that somehow ran without it
  // would name no sender and fail, never post as anyone.
  return sql`insert into public.ticket_messages (id, ticket_id, sender_id, message, is_internal)
        select ${body.id ?? randomUUID()}::uuid, t.id, (select auth.uid()), ${body.message}, ${body.isInternal ?? false}
        from public.tickets t
        where t.id = ${ticketId}::uuid and (t.status <> 'closed' or ${fromTeam})
        returning id, ticket_id, sender_id, message, is_internal, created_at, attachments`;
}

/** Inside a transaction the caller holds (with an Idempotency-Key, the key's bookkeeping shares it). */
export async function postReply(tx: Tx, user: AuthUser, ticketId: string, body: CreateMessageBody) {
  const [row] = await queryRows<MessageRow>(tx, replyStatement(user, ticketId, body));
  if (!row) throw await refusal(tx, ticketId);
  return posted(row, user);
}

/**
 * In a transaction of its own, in one round trip on PostgreSQL (db/write-with-claims.ts): the
 * transaction holds its connection and its place in the event log only while PostgreSQL works.
 * The reason for a refusal is read afterwards, in a read of its own.
 */
export async function postReplyAlone(
  run: { write: <R extends Record<string, unknown>>(statement: SQL) => Promise<R[]>; read: <R>(work: (tx: Tx) => Promise<R>) => Promise<R> },
  user: AuthUser,
  ticketId: string,
  body: CreateMessageBody,
) {
  const [row] = await run.write<MessageRow>(replyStatement(user, ticketId, body));
  if (!row) throw await run.read((tx) => refusal(tx, ticketId));
  return posted(row, user);
}

/** Why nothing was inserted: the ticket is not there for this user (404), or it is closed (409). */
async function refusal(tx: Tx, ticketId: string): Promise<ApiError> {
  const [ticket] = await queryRows<{ status: string }>(tx, sql`select status from public.tickets where id = ${ticketId}::uuid`);
  if (!ticket) return notFound('That ticket');
  return new ApiError('conflict', 'This ticket is closed; open a new ticket instead.');
}

function posted(row: MessageRow, user: AuthUser) {
  if (row.sender_id !== user.id) throw new Error('postReply: the message was not posted as the request\'s user');
  return messageFromRow(row, namesOfPoster(user));
}

/** The names the request's user goes by on a message they just posted: a team member's display name, else their own. */
export function namesOfPoster(user: AuthUser): { teamName: string | null; userName: string | null } {
  return { teamName: user.teamRole ? (user.displayName ?? user.name) : null, userName: user.name };
}
