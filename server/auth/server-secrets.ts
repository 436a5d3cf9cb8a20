/** Secrets every instance shares, generated once in the database by whichever starts first. */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { queryRows } from '../../db/query-rows.ts';

export async function loadSessionKey(systemDb: Database): Promise<Uint8Array> {
  const candidate = randomBytes(32).toString('base64');
  await systemDb.execute(sql`insert into private.server_secrets (name, value) values ('session_signing_key', ${candidate}) on conflict (name) do nothing`);
  const [row] = await queryRows<{ value: string }>(systemDb, sql`select value from private.server_secrets where name = 'session_signing_key'`);
  return new Uint8Array(Buffer.from(row!.value, 'base64'));
}
