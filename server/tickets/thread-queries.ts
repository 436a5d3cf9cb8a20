/** A ticket's thread, oldest first, keyset-paginated; always inside withClaims or readWithClaims (RLS hides internal notes from customers). */
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/query-rows.ts';
import type { Tx } from '../../db/rls.ts';
import { isoTimestamp } from './iso-timestamp.ts';
import { decodeCursor, encodeCursor } from './keyset-cursor.ts';

export interface AttachmentDescriptor {
  id: string;
  name: string;
  type: string;
  size: number;
  width?: number;
  height?: number;
}

export function toMessage(row: { id: string; ticketId: string; senderId: string; message: string; isInternal: boolean; createdAt: string | Date; attachments: unknown; teamName: string | null; userName: string | null }) {
  return {
    id: row.id,
    ticketId: row.ticketId,
    sender: { id: row.senderId, name: row.teamName ?? row.userName, fromTeam: row.teamName !== null },
    message: row.message,
    isInternal: row.isInternal,
    createdAt: isoTimestamp(row.createdAt),
    attachments: (row.attachments as AttachmentDescriptor[] | null) ?? [],
  };
}
export type ThreadMessage = ReturnType<typeof toMessage>;

interface MessageColumns {
  id: string;
  ticket_id: string;
  sender_id: string;
  message: string;
  is_internal: boolean;
  created_at: string | Date;
  attachments: unknown;
}
/** A message row as PostgreSQL sends it. */
export interface MessageRow extends Record<string, unknown>, MessageColumns {}

/** toMessage for a row as PostgreSQL sends it, with the names its sender goes by. */
export function messageFromRow(row: MessageRow, sender: { teamName: string | null; userName: string | null }): ThreadMessage {
  return toMessage({
    id: row.id,
    ticketId: row.ticket_id,
    senderId: row.sender_id,
    message: row.message,
    isInternal: row.is_internal,
    createdAt: row.created_at,
    attachments: row.attachments,
    ...sender,
  });
}

/** A thread row; every column null on the one row of a visible ticket with no (more) messages. */
interface ThreadRow extends Record<string, unknown>, Omit<MessageColumns, 'id'> {
  id: string | null;
  team_name: string | null;
  user_name: string | null;
  sort_value: string;
}

export interface ThreadPage {
  items: ThreadMessage[];
  nextCursor: string | null;
  hasMore: boolean;
}

/**
 * One page of a ticket's thread, oldest first, or undefined when the ticket is not there for
 * this user: one statement, the ticket's row (what tells 404) joined to its page of messages,
 * with row-level security deciding both (a customer's page has no internal notes). A customer
 * cannot read the team's user rows, but everyone signed in sees display names.
 */
export async function readThreadPage(tx: Tx, ticketId: string, options: { limit: number; after?: string | undefined }): Promise<ThreadPage | undefined> {
  const after = options.after ? decodeCursor(options.after, { sort: 'thread', order: 'asc' }) : undefined;
  const rows = await queryRows<ThreadRow>(
    tx,
    sql`select p.* from public.tickets t
      left join lateral (
        select m.id, m.ticket_id, m.sender_id, m.message, m.is_internal, m.created_at, m.attachments,
               tm.display_name as team_name, u.name as user_name, m.created_at::text as sort_value
        from public.ticket_messages m
        left join public.team_members tm on tm.id = m.sender_id
        left join auth.users u on u.id = m.sender_id
        where m.ticket_id = t.id${after ? sql` and (m.created_at, m.id) > (${after.value}::timestamptz, ${after.id}::uuid)` : sql``}
        order by m.created_at, m.id
        limit ${options.limit + 1}
      ) p on true
      where t.id = ${ticketId}::uuid`,
  );
  if (rows.length === 0) return undefined;
  const found = rows[0]!.id === null ? [] : rows;
  const page = found.slice(0, options.limit);
  // The cursor of the last row, even on the last page: a client polls or resumes from it.
  const last = page.at(-1);
  return {
    // Every row of `page` is a message (the all-null row was left out above).
    items: page.map((row) => messageFromRow(row as unknown as MessageRow, { teamName: row.team_name, userName: row.user_name })),
    nextCursor: last ? encodeCursor({ sort: 'thread', order: 'asc', value: last.sort_value, id: last.id! }) : options.after ?? null,
    hasMore: found.length > options.limit,
  };
}
