/**
 * The `auth` schema as Supabase has it: the user directory that tickets and messages point at.
 * drizzle-kit does not manage this schema (see drizzle.config.ts `schemaFilter`): migration
 * 0000 creates it only where it is missing, so the same migrations also run on Supabase.
 */
import { pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const authSchema = pgSchema('auth');

export const users = authSchema.table('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email'),
  name: text('name'),
  /** The identity provider's own subject when it is not a UUID (`issuer|sub`). */
  externalId: text('external_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
