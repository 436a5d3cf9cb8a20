/**
 * Upgrading a database that already holds tagged tickets to the tags column (migrations 0017 and
 * 0018): the migrations fill the column from the relations, leave updated_at and the event log
 * as they were, and leave every trigger enabled, so tagging after the upgrade keeps it in step.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../db/migrate.ts';
import { queryRows } from '../../db/query-rows.ts';
import { historyBefore } from '../support/migration-history.ts';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../support/test-database.ts';

describe.each(enginesUnderTest)('upgrading to the tags column on %s', (engine) => {
  let testDb: TestDatabase;
  let oldHistory: string;
  const [customer, agent, tagged, untagged] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const [zebra, apple] = [randomUUID(), randomUUID()];
  let before: { id: string; updated_at: string }[];
  let eventsBefore: number;

  const db = () => testDb.handle.systemDb;
  const rows = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) => queryRows<T>(db(), query);

  beforeAll(async () => {
    oldHistory = historyBefore('0017_ticket_tags_column');
    testDb = await createTestDatabase(engine, { migrationsFolder: oldHistory });
    // The schema as it was: plain SQL, since today's Drizzle tables name a column it lacks.
    await db().execute(sql`insert into auth.users (id, name) values (${customer}, 'Cleo'), (${agent}, 'Aga')`);
    await db().execute(sql`insert into public.team_members (id, display_name) values (${agent}, 'Aga')`);
    await db().execute(sql`insert into public.tickets (id, title, description, customer_id) values (${tagged}, 't', 'd', ${customer}), (${untagged}, 'u', 'd', ${customer})`);
    await db().execute(sql`insert into public.ticket_tags (id, name, color) values (${zebra}, 'zebra', '#000000'), (${apple}, 'apple', '#ff0000')`);
    await db().execute(sql`insert into public.ticket_tag_relations (ticket_id, tag_id) values (${tagged}, ${zebra}), (${tagged}, ${apple})`);
    before = await rows(sql`select id, updated_at::text as updated_at from public.tickets order by id`);
    eventsBefore = (await rows<{ n: number }>(sql`select count(*)::int as n from public.ticket_events`))[0]!.n;

    await migrateDatabase(testDb.handle);
  });
  afterAll(async () => {
    await testDb?.drop();
    if (oldHistory) rmSync(oldHistory, { recursive: true, force: true });
  });

  it('fills in the tags of every ticket from its relations, ordered by name', async () => {
    const tags = await rows<{ id: string; tags: unknown }>(sql`select id, tags from public.tickets order by id`);
    const byId = new Map(tags.map((row) => [row.id, typeof row.tags === 'string' ? JSON.parse(row.tags) : row.tags]));
    expect(byId.get(tagged)).toEqual([
      { id: apple, name: 'apple', color: '#ff0000' },
      { id: zebra, name: 'zebra', color: '#000000' },
    ]);
    expect(byId.get(untagged)).toEqual([]);
  });

  it('leaves updated_at, the event log and the triggers as they were', async () => {
    expect(await rows(sql`select id, updated_at::text as updated_at from public.tickets order by id`)).toEqual(before);
    expect((await rows<{ n: number }>(sql`select count(*)::int as n from public.ticket_events`))[0]!.n).toBe(eventsBefore);
    expect(await rows(sql`select tgname from pg_trigger where tgrelid = 'public.tickets'::regclass and not tgisinternal and tgenabled = 'D'`)).toEqual([]);
  });

  it('keeps the column in step with tagging after the upgrade', async () => {
    await db().execute(sql`delete from public.ticket_tag_relations where ticket_id = ${tagged} and tag_id = ${apple}`);
    await db().execute(sql`insert into public.ticket_tag_relations (ticket_id, tag_id) values (${untagged}, ${apple})`);
    const tags = await rows<{ id: string; tags: unknown }>(sql`select id, tags from public.tickets order by id`);
    const byId = new Map(tags.map((row) => [row.id, typeof row.tags === 'string' ? JSON.parse(row.tags) : row.tags]));
    expect(byId.get(tagged)).toEqual([{ id: zebra, name: 'zebra', color: '#000000' }]);
    expect(byId.get(untagged)).toEqual([{ id: apple, name: 'apple', color: '#ff0000' }]);
  });
});
