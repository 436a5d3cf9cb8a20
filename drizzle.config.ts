import { defineConfig } from 'drizzle-kit';

// Generate only (`npm run db:generate`); never `push`, which drops policy expressions in 0.x.
export default defineConfig({
  dialect: 'postgresql',
  // Every public table's file; auth.ts is left out so the `auth` schema stays migration 0000's.
  schema: ['./db/schema/team.ts', './db/schema/tickets.ts', './db/schema/messages.ts', './db/schema/attachments.ts', './db/schema/tags.ts', './db/schema/metadata.ts',
    './db/schema/templates.ts', './db/schema/idempotency.ts', './db/schema/sla.ts',
    './db/schema/events.ts', './db/schema/search.ts'],
  out: './db/migrations',
  entities: { roles: true },
  breakpoints: true,
  strict: true,
});
