/** What every route can reach: the request's user and id, and the server's dependencies. */
import type { DatabaseHandle } from '../db/client.ts';
import type { AuthUser, UserDirectory } from './auth/user-directory.ts';
import type { TokenService } from './auth/tokens.ts';
import type { Config } from './config.ts';
import type { Logger } from './http/logger.ts';
import type { RateLimiter } from './http/rate-limit.ts';
import type { LiveHub } from './live/live-hub.ts';

export interface AppEnv {
  Variables: {
    user: AuthUser;
    requestId: string;
  };
}

export interface RateLimits {
  guestSessions: RateLimiter;
  agentSignIns: RateLimiter;
  ticketCreation: RateLimiter;
  messages: RateLimiter;
}

export interface AppDeps {
  database: DatabaseHandle;
  config: Config;
  tokens: TokenService;
  users: UserDirectory;
  limits: RateLimits;
  logger: Logger;
  /** Live updates: started by main.ts (and live tests); idle otherwise. */
  live: LiveHub;
}
