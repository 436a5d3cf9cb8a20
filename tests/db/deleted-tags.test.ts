/** Deleting a tag (something the team may do) also takes it out of templates (which only admins edit). */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClaims } from '../../db/rls.ts';
import { teamMembers, ticketTags, ticketTemplates, users } from '../../db/schema/index.ts';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../support/test-database.ts';

describe.each(enginesUnderTest)('deleting a tag on %s', (engine) => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
  });
  afterAll(() => testDb?.drop());

  it('removes it from every template that applied it by default', async () => {
    const db = testDb.handle.systemDb;
    const agent = randomUUID();
    await db.insert(users).values({ id: agent });
    await db.insert(teamMembers).values({ id: agent, displayName: 'Aga', role: 'agent' });
    const [gone, kept] = await db.insert(ticketTags).values([{ name: 'gone', color: '#111111' }, { name: 'kept', color: '#222222' }]).returning();
    const [template] = await db.insert(ticketTemplates).values({ name: 'Billing', defaultTagIds: [gone!.id, kept!.id] }).returning();
    await withClaims(db, { sub: agent }, (tx) => tx.delete(ticketTags).where(eq(ticketTags.id, gone!.id)));
    const [after] = await db.select().from(ticketTemplates).where(eq(ticketTemplates.id, template!.id));
    expect(after!.defaultTagIds).toEqual([kept!.id]);
  });
});
