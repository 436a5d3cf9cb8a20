import { check, integer, pgPolicy, pgTable } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { authenticated, isSignedIn } from './access.ts';
import { ticketPriority } from './tickets.ts';

/**
 * How long the team has to resolve a ticket of each priority. A new ticket's due date defaults
 * to its creation plus these hours (a trigger, so no client can pick its own). The server
 * writes this table from its configuration at start.
 */
export const slaTargets = pgTable(
  'sla_targets',
  {
    priority: ticketPriority('priority').primaryKey(),
    resolutionHours: integer('resolution_hours').notNull(),
  },
  (t) => [
    check('sla_targets_hours_positive', sql`${t.resolutionHours} > 0`),
    pgPolicy('Signed-in users can view SLA targets', { for: 'select', to: authenticated, using: isSignedIn }),
  ],
);

export type SlaTarget = typeof slaTargets.$inferSelect;
