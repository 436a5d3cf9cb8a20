/**
 * The postinstall repairs of postgres.js (db/commands/patch-postgres-driver.ts) are in place in
 * what the server imports. The query repair: a query settles through methods of its class, not
 * through arrow functions made for every query in its constructor, with which V8 kept settled
 * queries and their rows alive through young-generation collections.
 */
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';

describe('postgres.js as installed', () => {
  // No connection is opened: a query is only built, never executed.
  const client = postgres('postgres://nobody@127.0.0.1:1/none', { max: 1 });
  afterAll(() => client.end({ timeout: 0 }));

  it('settles queries through methods, with no settling closure made per query', () => {
    const query = client.unsafe('select 1') as unknown as Record<string, unknown>;
    expect(Object.hasOwn(query, 'resolve')).toBe(false);
    expect(Object.hasOwn(query, 'reject')).toBe(false);
    expect(typeof query.resolve).toBe('function');
    expect(typeof query.reject).toBe('function');
  });

  it('still resolves and rejects a query through those methods', async () => {
    type Settleable = Promise<unknown> & { resolve(value: unknown): void; reject(error: unknown): void; active: boolean; executed: boolean };
    // Marked executed, so that awaiting it does not send it: the test settles it itself.
    const resolved = Object.assign(client.unsafe('select 1') as unknown as Settleable, { executed: true, active: true });
    resolved.resolve(['row']);
    expect(resolved.active).toBe(false);
    await expect(resolved).resolves.toEqual(['row']);

    const rejected = Object.assign(client.unsafe('select 1') as unknown as Settleable, { executed: true });
    const failure = new Error('refused');
    rejected.reject(failure);
    await expect(rejected).rejects.toBe(failure);
  });
});
