/**
 * The vocabulary policies are written in. Every fragment wraps its function call in a
 * scalar sub-select so PostgreSQL evaluates it once per statement (an InitPlan), not once per
 * row, and the remaining column comparison can use an index.
 */
import { sql, type SQL } from 'drizzle-orm';
import { pgRole, type AnyPgColumn } from 'drizzle-orm/pg-core';

/** The role every user request runs as (see db/rls.ts). Created by migration 0000 if missing. */
export const authenticated = pgRole('authenticated').existing();

/** The signed-in user's id, from `request.jwt.claims`; null when there are no claims. */
export const currentUserId = sql`(select auth.uid())`;

/** True when the transaction carries a user's identity at all. */
export const isSignedIn = sql`(select auth.uid()) is not null`;

/** True when the signed-in user is on the team (agent or admin). */
export const isTeamMember = sql`(select private.is_team_member())`;

/** True when the signed-in user is a team admin. */
export const isAdmin = sql`(select private.is_admin())`;

/** True when the ticket the row belongs to is the signed-in customer's own. */
export function ownsTicket(ticketId: AnyPgColumn): SQL {
  return sql`exists (select 1 from public.tickets t where t.id = ${ticketId} and t.customer_id = (select auth.uid()))`;
}
