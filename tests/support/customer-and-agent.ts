/**
 * Where the database tests of the ticket row (its summary, its tags) start: a fresh, migrated
 * database with one customer (Cleo) and one agent on the team (Aga), both with a user row,
 * inserted past row-level security, and a way for the customer to open a ticket under it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { Engine } from '../../db/client.ts';
import { withClaims } from '../../db/rls.ts';
import { teamMembers, tickets, users } from '../../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export interface CustomerAndAgent {
  testDb: TestDatabase;
  customer: string;
  agent: string;
  /** A new ticket of the customer's, inserted as the customer (row-level security applies); its id. */
  openTicket(): Promise<string>;
}

export async function databaseWithCustomerAndAgent(engine: Engine): Promise<CustomerAndAgent> {
  const testDb = await createTestDatabase(engine);
  const [customer, agent] = [randomUUID(), randomUUID()];
  const db = testDb.handle.systemDb;
  await db.insert(users).values([{ id: customer, email: 'c@x.test', name: 'Cleo' }, { id: agent, email: 'a@x.test', name: 'Aga' }]);
  await db.insert(teamMembers).values({ id: agent, displayName: 'Aga' });
  const openTicket = async () => {
    const [row] = await withClaims(db, { sub: customer }, (tx) => tx.insert(tickets).values({ title: 't', description: 'd', customerId: customer }).returning({ id: tickets.id }));
    return row!.id;
  };
  return { testDb, customer, agent, openTicket };
}

/** The same, for one suite: made before its tests (beforeAll), dropped after them (afterAll); read its fields inside the tests. */
export function customerAndAgentSuite(engine: Engine): CustomerAndAgent {
  const suite = {} as CustomerAndAgent;
  beforeAll(async () => {
    Object.assign(suite, await databaseWithCustomerAndAgent(engine));
  });
  afterAll(() => suite.testDb?.drop());
  return suite;
}
