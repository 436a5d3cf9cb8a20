/**
 * CORS as Hono's middleware does it, without touching the response before it exists. Hono's sets
 * its headers on `c.res` before the route runs, which makes a placeholder response that the
 * route's real one is then merged into (by wrapping its body), and appends Vary through
 * `c.header` afterwards, which wraps it once more: either way the answer loses
 * @hono/node-server's fast path for string bodies and is streamed out instead. Here the headers
 * go out with the route's own response (`c.header` before it exists) and Vary is appended to
 * it in place. Preflight requests are answered by Hono's middleware itself, unchanged.
 */
import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';

export interface CorsOptions {
  /** The Access-Control-Allow-Origin for a request's Origin, or null for none. */
  origin: (origin: string) => string | null;
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

export function cors(options: CorsOptions): MiddlewareHandler {
  const preflight = honoCors({ ...options, credentials: false });
  const exposeHeaders = options.exposeHeaders.join(',');
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    const allowOrigin = options.origin(c.req.header('origin') ?? '');
    if (allowOrigin) c.header('Access-Control-Allow-Origin', allowOrigin);
    if (exposeHeaders) c.header('Access-Control-Expose-Headers', exposeHeaders);
    await next();
    c.res.headers.append('Vary', 'Origin');
  };
}
