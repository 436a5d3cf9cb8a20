import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgPolicy, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { authenticated, currentUserId } from './access.ts';
import { users } from './auth.ts';

/**
 * `Idempotency-Key` bookkeeping: the first request with a key claims it (the primary key makes
 * concurrent duplicates wait, then see the claim), and its response is stored for replays.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id').notNull().references(() => users.id),
    key: text('key').notNull(),
    /** Method, path and a hash of the body: the same key with another request is a conflict. */
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.key] }),
    index('idempotency_keys_created_idx').on(t.createdAt),
    pgPolicy('Users can view their own idempotency keys', { for: 'select', to: authenticated, using: sql`${t.userId} = ${currentUserId}` }),
    pgPolicy('Users can claim their own idempotency keys', { for: 'insert', to: authenticated, withCheck: sql`${t.userId} = ${currentUserId}` }),
    pgPolicy('Users can record responses for their own idempotency keys', {
      for: 'update',
      to: authenticated,
      using: sql`${t.userId} = ${currentUserId}`,
      withCheck: sql`${t.userId} = ${currentUserId}`,
    }),
  ],
);

export type IdempotencyKey = typeof idempotencyKeys.$inferSelect;
export type NewIdempotencyKey = typeof idempotencyKeys.$inferInsert;
