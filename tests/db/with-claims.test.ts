/** withClaims: who a transaction runs as, and that nothing of it outlives the transaction. */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClaims } from '../../db/rls.ts';
import { users } from '../../db/schema/index.ts';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../support/test-database.ts';

interface Identity extends Record<string, unknown> {
  uid: string | null;
  role: string;
  claims: string | null;
}
const whoAmI = sql`select auth.uid()::text as uid, current_user as role, nullif(current_setting('request.jwt.claims', true), '') as claims`;

describe.each(enginesUnderTest)('withClaims on %s', (engine) => {
  let testDb: TestDatabase;
  const userA = randomUUID();
  beforeAll(async () => {
    // One connection, so "the next use of the same connection" is exactly that.
    testDb = await createTestDatabase(engine, { maxConnections: 1 });
    await testDb.handle.systemDb.insert(users).values({ id: userA, email: "o'brien@example.test" });
  });
  afterAll(() => testDb?.drop());

  const identityNow = async () => {
    const result = await testDb.handle.systemDb.execute<Identity>(whoAmI);
    return (Array.isArray(result) ? result : (result as { rows: Identity[] }).rows)[0]!;
  };

  it('runs the work as the authenticated role with the user as auth.uid()', async () => {
    const inside = await withClaims(testDb.handle.systemDb, { sub: userA, email: "o'brien@example.test" }, async (tx) => {
      const result = await tx.execute<Identity>(whoAmI);
      return (Array.isArray(result) ? result : (result as { rows: Identity[] }).rows)[0]!;
    });
    expect(inside.uid).toBe(userA);
    expect(inside.role).toBe('authenticated');
    // Claims are bound parameters: a quote in a claim is data, not SQL.
    expect(JSON.parse(inside.claims!)).toEqual({ sub: userA, email: "o'brien@example.test" });
  });

  it('leaves no identity on the connection after the transaction commits', async () => {
    await withClaims(testDb.handle.systemDb, { sub: userA }, async (tx) => tx.select().from(users));
    const after = await identityNow();
    expect(after.uid).toBeNull();
    expect(after.claims).toBeNull();
    expect(after.role).not.toBe('authenticated');
  });

  it('leaves no identity on the connection after the transaction fails', async () => {
    await expect(
      withClaims(testDb.handle.systemDb, { sub: userA }, async (tx) => {
        await tx.execute(sql`select 1/0`);
      }),
    ).rejects.toThrow();
    const after = await identityNow();
    expect(after).toMatchObject({ uid: null, claims: null });
    expect(after.role).not.toBe('authenticated');
  });

  it('runs with no identity at all when given no claims', async () => {
    const inside = await withClaims(testDb.handle.systemDb, null, async (tx) => {
      const result = await tx.execute<Identity>(whoAmI);
      return (Array.isArray(result) ? result : (result as { rows: Identity[] }).rows)[0]!;
    });
    expect(inside).toMatchObject({ uid: null, role: 'authenticated', claims: null });
  });
});
