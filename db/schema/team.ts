import { pgEnum, pgPolicy, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { authenticated, isAdmin, isSignedIn } from './access.ts';
import { users } from './auth.ts';

export const teamRoles = ['agent', 'admin'] as const;
export const teamRole = pgEnum('team_role', teamRoles);

/** Team members are users: their id is their user id, so `assigned_to = auth.uid()` works. */
export const teamMembers = pgTable(
  'team_members',
  {
    id: uuid('id').primaryKey().references(() => users.id),
    displayName: text('display_name').notNull(),
    role: teamRole('role').notNull().default('agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  () => [
    // Display names appear beside team replies in every customer's thread.
    pgPolicy('Signed-in users can view the team', { for: 'select', to: authenticated, using: isSignedIn }),
    pgPolicy('Admins can add team members', { for: 'insert', to: authenticated, withCheck: isAdmin }),
    pgPolicy('Admins can update team members', { for: 'update', to: authenticated, using: isAdmin, withCheck: isAdmin }),
    pgPolicy('Admins can remove team members', { for: 'delete', to: authenticated, using: isAdmin }),
  ],
);

export type TeamRole = (typeof teamRoles)[number];
export type TeamMember = typeof teamMembers.$inferSelect;
export type NewTeamMember = typeof teamMembers.$inferInsert;
