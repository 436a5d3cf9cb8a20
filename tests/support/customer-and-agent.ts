/**
 * Where the database tests of the ticket row (its summary, its tags) start: a fresh, migrated
 * database with one customer (Cleo) and one agent on the team (Aga), both with a user row,
 * inserted past row-level security.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../../db/client.ts';
import { teamMembers, users } from '../../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export interface CustomerAndAgent {
  testDb: TestDatabase;
  customer: string;
  agent: string;
}

export async function databaseWithCustomerAndAgent(engine: Engine): Promise<CustomerAndAgent> {
  const testDb = await createTestDatabase(engine);
  const [customer, agent] = [randomUUID(), randomUUID()];
  const db = testDb.handle.systemDb;
  await db.insert(users).values([{ id: customer, email: 'c@x.test', name: 'Cleo' }, { id: agent, email: 'a@x.test', name: 'Aga' }]);
  await db.insert(teamMembers).values({ id: agent, displayName: 'Aga' });
  return { testDb, customer, agent };
}
