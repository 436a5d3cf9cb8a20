/** A request id on every request and response, and one structured log line per request. */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { Logger } from './logger.ts';

const acceptableRequestId = /^[A-Za-z0-9._:-]{8,128}$/;

export const requestContext = ({ logger }: { logger: Logger }): MiddlewareHandler<AppEnv> => async (c, next) => {
  const offered = c.req.header('x-request-id');
  const requestId = offered && acceptableRequestId.test(offered) ? offered : randomUUID();
  c.set('requestId', requestId);
  c.header('X-Request-Id', requestId);
  const startedAt = performance.now();
  await next();
  const fields: Record<string, unknown> = {
    requestId,
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ms: Math.round((performance.now() - startedAt) * 10) / 10,
  };
  const user = c.get('user');
  if (user) fields.userId = user.id;
  if (c.res.status >= 500) logger.warn('request', fields);
  else logger.info('request', fields);
};
