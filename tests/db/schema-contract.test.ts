/** The database keeps the seed's contract: its policies by name, RLS on every table, its trigger. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../db/migrate.ts';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../support/test-database.ts';

/** Every policy of ../shared/seed/ticket-system-phase-1.md, by its seed name, table and command. */
const seedPolicies = [
  ['tickets', 'Customers can view their own tickets', 'SELECT'],
  ['tickets', 'Customers can create tickets', 'INSERT'],
  ['ticket_messages', 'Customers can view their own ticket messages', 'SELECT'],
  ['ticket_messages', 'Customers can create ticket messages', 'INSERT'],
  ['ticket_tags', 'Customers can view tags', 'SELECT'],
  ['ticket_tag_relations', 'Customers can view tag relations', 'SELECT'],
  ['ticket_metadata', 'Customers can view ticket metadata', 'SELECT'],
] as const;

async function rows<T>(testDb: TestDatabase, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = await testDb.handle.systemDb.execute(query);
  return (Array.isArray(result) ? result : (result as unknown as { rows: T[] }).rows) as T[];
}

describe.each(enginesUnderTest)('schema contract on %s', (engine) => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
  });
  afterAll(() => testDb?.drop());

  it('has row-level security enabled on every table in public', async () => {
    const tables = await rows<{ name: string; rls: boolean }>(
      testDb,
      sql`select c.relname as name, c.relrowsecurity as rls from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['team_members', 'ticket_messages', 'ticket_metadata', 'ticket_tag_relations', 'ticket_tags', 'tickets']));
    expect(tables.filter((t) => !t.rls)).toEqual([]);
  });

  it.each(seedPolicies)('keeps the seed policy on %s: "%s" (%s)', async (table, name, command) => {
    const found = await rows<{ cmd: string; roles: string }>(
      testDb,
      sql`select cmd, roles::text as roles from pg_policies where schemaname = 'public' and tablename = ${table} and policyname = ${name}`,
    );
    expect(found).toEqual([{ cmd: command, roles: '{authenticated}' }]);
  });

  it('keeps the seed indexes and the updated_at triggers', async () => {
    const indexes = await rows<{ indexname: string }>(testDb, sql`select indexname from pg_indexes where schemaname = 'public'`);
    expect(indexes.map((i) => i.indexname)).toEqual(
      expect.arrayContaining(['tickets_customer_id_idx', 'tickets_assigned_to_idx', 'tickets_status_idx', 'ticket_messages_ticket_id_idx', 'ticket_tag_relations_ticket_id_idx', 'ticket_metadata_ticket_id_idx']),
    );
    const triggers = await rows<{ tgname: string }>(testDb, sql`select tgname from pg_trigger where not tgisinternal`);
    expect(triggers.map((t) => t.tgname)).toEqual(expect.arrayContaining(['tickets_updated_at', 'ticket_metadata_updated_at']));
  });

  it('helpers policies call are security definer with an empty search_path, outside public', async () => {
    const helpers = await rows<{ name: string; definer: boolean; config: string | null }>(
      testDb,
      sql`select p.proname as name, p.prosecdef as definer, array_to_string(p.proconfig, ',') as config from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'private' and p.proname in ('is_team_member', 'is_admin') order by 1`,
    );
    expect(helpers).toEqual([
      { name: 'is_admin', definer: true, config: 'search_path=""' },
      { name: 'is_team_member', definer: true, config: 'search_path=""' },
    ]);
  });

  it('migrating again is a no-op', async () => {
    const count = async () => (await rows<{ n: number }>(testDb, sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]!.n;
    const before = await count();
    await migrateDatabase(testDb.handle);
    expect(await count()).toBe(before);
  });
});
