/** Every protected route: a Bearer token, verified, resolved to a user with their team role. */
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.ts';
import { ApiError } from '../errors.ts';

/** The scheme is case-insensitive (RFC 7235 §2.1); exactly one compact JWT follows it. */
const bearer = /^Bearer[ ]+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/i;

export const requireUser = ({ tokens, users }: Pick<AppDeps, 'tokens' | 'users'>): MiddlewareHandler<AppEnv> => async (c, next) => {
  const header = c.req.header('authorization');
  if (!header) throw new ApiError('unauthorized', 'Sign in first: send Authorization: Bearer <token>.', { headers: { 'WWW-Authenticate': 'Bearer' } });
  const match = bearer.exec(header.trim());
  if (!match) throw new ApiError('unauthorized', 'The Authorization header must be "Bearer <JWT>".', { headers: { 'WWW-Authenticate': 'Bearer error="invalid_request"' } });
  const identity = await tokens.verify(match[1]!);
  c.set('user', await users.resolve(identity));
  await next();
};

/** For routes only the team may use. */
export const requireTeam = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (!c.get('user').teamRole) throw new ApiError('forbidden', 'Only team members may do that.');
  await next();
};
