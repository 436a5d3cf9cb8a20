/**
 * The whole HTTP surface, composed: health, the API v1 (typed for `hc<AppType>`), its OpenAPI
 * document and docs page. Built from its dependencies so tests and `main.ts` share it.
 */
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { etag, RETAINED_304_HEADERS } from 'hono/etag';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps, AppEnv } from './app-env.ts';
import { requireUser } from './auth/require-user.ts';
import { renderApiDocs, type OpenApiDocument } from './docs/api-docs-page.ts';
import { ApiError, respondWithError, toApiError } from './errors.ts';
import { cors } from './http/cors.ts';
import { jsonDepthLimit } from './http/json-depth.ts';
import { etagDigest, jsonETags } from './http/json-etags.ts';
import { requestContext } from './http/request-context.ts';
import { isOriginAllowed, liveSocket } from './live/live-socket.ts';
import { isUploadRequest } from './attachments/multipart.ts';
import { attachmentRoutes } from './routes/attachments.ts';
import { meRoutes } from './routes/me.ts';
import { messageRoutes } from './routes/messages.ts';
import { metadataRoutes } from './routes/metadata.ts';
import { createRouteApp } from './routes/openapi-app.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { tagRoutes } from './routes/tags.ts';
import { teamRoutes } from './routes/team.ts';
import { templateRoutes } from './routes/templates.ts';
import { ticketTagRoutes } from './routes/ticket-tags.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { widgetAssets } from './static/widget-assets.ts';
import { demoRoutes } from '../demo/routes.ts';

/** Paths under /api/v1 that need no token. */
const publicApiPaths = [/^\/api\/v1\/sessions\//, /^\/api\/v1\/openapi\.json$/, /^\/api\/v1\/docs\/?$/, /^\/api\/v1\/live$/];

/** Methods whose requests reach the routes with no body, whatever the client sent. */
const hasNoBody = (method: string) => method === 'GET' || method === 'HEAD';

/** The API v1 routes; its type is what the widget's `hc` client is typed by. */
export function createApi(deps: AppDeps) {
  return createRouteApp()
    .route('/sessions', sessionRoutes(deps))
    .route('/me', meRoutes(deps))
    .route('/tickets', ticketRoutes(deps))
    .route('/tickets', messageRoutes(deps))
    .route('/tickets', ticketTagRoutes(deps))
    .route('/tickets', metadataRoutes(deps))
    .route('/tags', tagRoutes(deps))
    .route('/templates', templateRoutes(deps))
    .route('/team', teamRoutes(deps))
    .route('/attachments', attachmentRoutes(deps));
}
export type ApiType = ReturnType<typeof createApi>;

export function createApp(deps: AppDeps) {
  const { config, logger } = deps;
  const ownOrigin = new URL(config.publicUrl).origin;
  const app = new Hono<AppEnv>();
  const jsonDepth = jsonDepthLimit();
  const jsonBodyLimit = bodyLimit({
    maxSize: config.MAX_JSON_BODY_BYTES,
    onError: (c) => respondWithError(c, new ApiError('payload_too_large', `The body is larger than ${config.MAX_JSON_BODY_BYTES} bytes.`)),
  });

  app.use('*', requestContext({ logger }));
  app.onError((error, c) => {
    const apiError = toApiError(error);
    if (apiError.code === 'internal') logger.error('unhandled error', { requestId: c.get('requestId'), error: error instanceof Error ? error.stack ?? error.message : String(error) });
    return respondWithError(c, apiError);
  });
  app.notFound((c) => respondWithError(c, new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}.`)));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await deps.database.systemDb.execute(sql`select 1`);
      return c.json({ status: 'ready', database: deps.database.engine });
    } catch {
      return respondWithError(c, new ApiError('unavailable', 'The database is not reachable.', { headers: { 'Retry-After': '2' } }));
    }
  });

  app.route('/', widgetAssets());
  // The demo pages and demo token endpoint exist only in demo mode (DEMO_MODE).
  if (config.demoMode) app.route('/', demoRoutes(deps));

  app.use(
    '/api/*',
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      crossOriginResourcePolicy: 'cross-origin',
      referrerPolicy: 'no-referrer',
      // A route that sets its own policy (the docs page's style nonce, attachments' sandbox) keeps it.
      overwrite: false,
    }),
    cors({
      // The same rule as the live socket's (an allowed origin or the server's own), with the
      // server's origin worked out once rather than on every request.
      origin: (origin) => (config.ALLOWED_ORIGINS.includes('*') ? '*' : origin && isOriginAllowed(origin, config.ALLOWED_ORIGINS, ownOrigin) ? origin : null),
      allowMethods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'If-None-Match', 'X-Request-Id'],
      exposeHeaders: ['ETag', 'Location', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed'],
      maxAge: 600,
    }),
    // Uploads (multipart on the routes that take files) have their own, streaming limits. GET and
    // HEAD have no body to limit (@hono/node-server gives them none), and asking Hono's bodyLimit
    // would build a whole undici Request, AbortController included, just to find that out.
    (c, next) => (hasNoBody(c.req.method) || isUploadRequest(c) ? next() : jsonBodyLimit(c, () => jsonDepth(c, next))),
    // A 304 keeps the CORS headers: without them a cross-origin page's cached answer is unreadable.
    // The digest is Node's own SHA-1, computed in place: WebCrypto's (Hono's default) runs each one as
    // a job on the thread pool, which bench:api's CPU profile showed costing more than the hash.
    etag({ retainedHeaders: [...RETAINED_304_HEADERS, 'access-control-allow-origin', 'access-control-expose-headers'], generateDigest: etagDigest }),
    // JSON answers bring their ETag with them (the same SHA-1), so the line above only compares.
    jsonETags(),
    async (c, next) => {
      c.header('Vary', 'Authorization', { append: true });
      if (c.req.method === 'OPTIONS' || publicApiPaths.some((path) => path.test(c.req.path))) return next();
      return requireUser(deps)(c, next);
    },
  );

  // Live updates: a change that committed rings this instance's doorbell (and, through
  // PostgreSQL, every other instance's) once its response is ready.
  app.use('/api/*', async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.method !== 'OPTIONS' && c.res.status < 400) deps.live.ring();
  });

  const api = createApi(deps);
  api.get('/live', liveSocket(deps, { authTimeoutMs: config.LIVE_AUTH_TIMEOUT_MS, heartbeatMs: config.LIVE_HEARTBEAT_MS, maxBufferedBytes: config.LIVE_MAX_BUFFERED_BYTES }));
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const openApiConfig = {
    openapi: '3.1.0',
    info: {
      title: 'ticket-widget',
      version: '1',
      description: 'Support tickets inside any product page. Every request runs as its user under PostgreSQL row-level security.',
    },
    servers: [{ url: `${config.publicUrl}/api/v1` }],
  };
  // The document is the same for every request: generated once, on first use (every route is
  // registered by then), not per request as doc31 would (about 10 ms of CPU each, on a public route).
  let openApiDocument: ReturnType<typeof api.getOpenAPI31Document> | undefined;
  const openApi = () => (openApiDocument ??= api.getOpenAPI31Document(openApiConfig));
  api.get('/openapi.json', (c) => c.json(openApi()));
  api.get('/docs', (c) => {
    const { html, nonce } = renderApiDocs(openApi() as unknown as OpenApiDocument, `${config.publicUrl}/api/v1/openapi.json`);
    c.header('Content-Security-Policy', `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'`);
    return c.html(html);
  });

  return app.route('/api/v1', api);
}
export type AppType = ReturnType<typeof createApp>;
