/** Everything the app needs, built once from the configuration and an open, migrated database. */
import type { DatabaseHandle } from '../db/client.ts';
import { slaTargets, ticketPriorities } from '../db/schema/index.ts';
import { sql } from 'drizzle-orm';
import type { AppDeps } from './app-env.ts';
import { loadSessionKey } from './auth/server-secrets.ts';
import { createTokenService } from './auth/tokens.ts';
import { createUserDirectory } from './auth/user-directory.ts';
import type { Config } from './config.ts';
import { createLogger, type Logger } from './http/logger.ts';
import { createRateLimiter } from './http/rate-limit.ts';
import { createLiveHub } from './live/live-hub.ts';

const minute = 60_000;
const hour = 60 * minute;

/**
 * @param liveDatabase where the live hub reads the event log and listens for the doorbell; by
 *   default the same handle (tests), a small pool of its own in production (start-server.ts).
 */
export async function createServerDeps(config: Config, database: DatabaseHandle, logger: Logger = createLogger(config.LOG_LEVEL), liveDatabase: DatabaseHandle = database): Promise<AppDeps> {
  await writeSlaTargets(database, config);
  const tokens = await createTokenService({
    jwtSecret: config.AUTH_JWT_SECRET,
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_JWT_ISSUER,
    audience: config.AUTH_JWT_AUDIENCE,
    rememberedTokens: config.AUTH_TOKEN_CACHE_SIZE,
    sessionKey: await loadSessionKey(database.systemDb),
  });
  return {
    database,
    config,
    tokens,
    users: createUserDirectory(database.systemDb),
    logger,
    live: createLiveHub({ database: liveDatabase, logger, pollMs: config.LIVE_POLL_MS }),
    limits: {
      guestSessions: createRateLimiter({ limit: config.RATE_LIMIT_GUEST_SESSIONS_PER_HOUR, windowMs: hour, what: 'guest sessions from this address' }),
      agentSignIns: createRateLimiter({ limit: 10, windowMs: 15 * minute, what: 'sign-in attempts' }),
      ticketCreation: createRateLimiter({ limit: config.RATE_LIMIT_TICKETS_PER_HOUR, windowMs: hour, what: 'new tickets' }),
      messages: createRateLimiter({ limit: config.RATE_LIMIT_MESSAGES_PER_MINUTE, windowMs: minute, what: 'messages' }),
    },
  };
}

/** The configured SLA hours become the database's, where the due-date trigger reads them. */
async function writeSlaTargets(database: DatabaseHandle, config: Config): Promise<void> {
  await database.systemDb
    .insert(slaTargets)
    .values(ticketPriorities.map((priority) => ({ priority, resolutionHours: config.slaHours[priority] })))
    .onConflictDoUpdate({ target: slaTargets.priority, set: { resolutionHours: sql`excluded.resolution_hours` } });
}
