/**
 * Zero-configuration demo: the demo token endpoint stands in for a site owner's backend, which
 * signs customer tokens with AUTH_JWT_SECRET. When none is set, demo mode makes one, once, and
 * keeps it in the database beside the session key, so tokens survive a restart and every
 * instance agrees. A configured AUTH_JWT_SECRET is always used as it is.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { queryRows } from '../db/query-rows.ts';
import type { Config } from '../server/config.ts';

const secretName = 'demo_jwt_secret';

export async function loadDemoJwtSecret(systemDb: Database): Promise<string> {
  const candidate = randomBytes(48).toString('base64url');
  await systemDb.execute(sql`insert into private.server_secrets (name, value) values (${secretName}, ${candidate}) on conflict (name) do nothing`);
  const [row] = await queryRows<{ value: string }>(systemDb, sql`select value from private.server_secrets where name = ${secretName}`);
  return row!.value;
}

/**
 * The configuration a demo-mode server runs with: AUTH_JWT_SECRET from the database when the
 * site owner set neither it nor AUTH_JWKS_URL. Outside demo mode, the configuration as given.
 */
export async function withDemoSecret(config: Config, systemDb: Database): Promise<Config> {
  if (!config.demoMode || config.AUTH_JWT_SECRET || config.AUTH_JWKS_URL) return config;
  return { ...config, AUTH_JWT_SECRET: await loadDemoJwtSecret(systemDb) };
}
