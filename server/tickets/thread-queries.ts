/** A ticket's thread, oldest first, keyset-paginated; always inside withClaims (RLS hides internal notes from customers). */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/rls.ts';
import { teamMembers, ticketMessages, users } from '../../db/schema/index.ts';
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

const messageColumns = {
  id: ticketMessages.id,
  ticketId: ticketMessages.ticketId,
  senderId: ticketMessages.senderId,
  message: ticketMessages.message,
  isInternal: ticketMessages.isInternal,
  // PostgreSQL's text, not a Date: isoTimestamp rewrites it (see iso-timestamp.ts).
  createdAt: sql<string>`${ticketMessages.createdAt}`,
  attachments: ticketMessages.attachments,
  // A customer cannot read the team's user rows, but everyone signed in sees display names.
  teamName: teamMembers.displayName,
  userName: users.name,
  sortValue: sql<string>`${ticketMessages.createdAt}::text`,
};

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

const selectMessages = (tx: Tx) =>
  tx.select(messageColumns).from(ticketMessages).leftJoin(teamMembers, eq(teamMembers.id, ticketMessages.senderId)).leftJoin(users, eq(users.id, ticketMessages.senderId));

export async function listThread(tx: Tx, ticketId: string, options: { limit: number; after?: string | undefined }) {
  const conditions: SQL[] = [eq(ticketMessages.ticketId, ticketId)];
  if (options.after) {
    const position = decodeCursor(options.after, { sort: 'thread', order: 'asc' });
    conditions.push(sql`(${ticketMessages.createdAt}, ${ticketMessages.id}) > (${position.value}::timestamptz, ${position.id}::uuid)`);
  }
  const rows = await selectMessages(tx).where(and(...conditions)).orderBy(asc(ticketMessages.createdAt), asc(ticketMessages.id)).limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  // The cursor of the last row, even on the last page: a client polls or resumes from it.
  const last = page.at(-1);
  const nextCursor = last ? encodeCursor({ sort: 'thread', order: 'asc', value: last.sortValue, id: last.id }) : options.after ?? null;
  return { items: page.map(toMessage), nextCursor, hasMore: rows.length > options.limit };
}
