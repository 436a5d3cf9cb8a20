/** Reading the event log: the horizon, new events past a position, and a user's replay under RLS. */
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { queryRows } from '../../db/query-rows.ts';
import { withClaims } from '../../db/rls.ts';
import { ticketEvents, type TicketEvent } from '../../db/schema/index.ts';
import type { LiveEvent } from './protocol.ts';

/** The position below which every event is final (committed, or rolled back for good). */
export async function readHorizon(systemDb: Database): Promise<number> {
  const [row] = await queryRows<{ horizon: string | number }>(systemDb, sql`select private.event_horizon() as horizon`);
  return Number(row!.horizon);
}

/** The newest final position, where a fresh reader starts. */
export async function readLatestPosition(systemDb: Database): Promise<number> {
  const horizon = await readHorizon(systemDb);
  const [row] = await queryRows<{ position: string | number | null }>(systemDb, sql`select max(position) as position from public.ticket_events where position < ${horizon}`);
  return Number(row?.position ?? 0);
}

/** The newest position in the log, final or not: no event a client has ever received can be past it. */
export async function readNewestPosition(systemDb: Database): Promise<number> {
  const [row] = await queryRows<{ position: string | number | null }>(systemDb, sql`select max(position) as position from public.ticket_events`);
  return Number(row?.position ?? 0);
}

/**
 * Final events after `position`, oldest first, at most `limit`: the horizon and the read in one
 * round trip (private.final_events_after, migration 0016). The server's own connection: fan-out
 * decides who gets each.
 */
export async function readFinalEventsAfter(systemDb: Database, position: number, limit: number): Promise<TicketEvent[]> {
  const rows = await queryRows<EventRow>(systemDb, sql`select * from private.final_events_after(${position}, ${limit})`);
  return rows.map((row) => ({
    position: Number(row.position),
    ticketId: row.ticket_id,
    customerId: row.customer_id,
    kind: row.kind,
    isInternal: row.is_internal,
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as unknown) : row.payload,
    createdAt: new Date(row.created_at),
  }));
}

interface EventRow extends Record<string, unknown> {
  position: string | number;
  ticket_id: string;
  customer_id: string;
  kind: TicketEvent['kind'];
  is_internal: boolean;
  payload: unknown;
  created_at: string | Date;
}

/** Final events after `position` and below a horizon already read, oldest first. */
export async function readEventsAfter(systemDb: Database, position: number, horizon: number, limit: number): Promise<TicketEvent[]> {
  return systemDb.select().from(ticketEvents).where(and(gt(ticketEvents.position, position), lt(ticketEvents.position, horizon))).orderBy(asc(ticketEvents.position)).limit(limit);
}

/** A subscriber's missed events, read as that user: row-level security decides. */
export async function readReplay(systemDb: Database, user: { id: string; teamRole: string | null }, after: number, upTo: number, limit: number): Promise<TicketEvent[]> {
  return withClaims(systemDb, { sub: user.id, role: 'authenticated' }, (tx) =>
    tx
      .select()
      .from(ticketEvents)
      .where(and(user.teamRole ? undefined : eq(ticketEvents.customerId, user.id), gt(ticketEvents.position, after), sql`${ticketEvents.position} <= ${upTo}`))
      .orderBy(asc(ticketEvents.position))
      .limit(limit),
  );
}

export function toLiveEvent(event: TicketEvent): LiveEvent {
  return {
    type: 'event',
    id: event.position,
    kind: event.kind,
    ticketId: event.ticketId,
    at: event.createdAt.toISOString(),
    data: event.payload as Record<string, unknown>,
  };
}
