/**
 * The demo's HTTP surface, mounted only in demo mode (server/app.ts): the product page (`/demo/`,
 * and `/` leads there), the console page (`/demo/console`), their scripts and styles
 * (`/demo/assets/…`; the scripts are TypeScript, compiled for the browser on first request),
 * and the demo token endpoint that stands in for the site owner's backend. None of it is under
 * /api/v1 or in the OpenAPI document.
 *
 * Both pages carry the Content-Security-Policy a careful site owner would set: scripts and styles
 * from this origin only, no inline anything, Trusted Types required, connections to this server.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AppDeps, AppEnv } from '../server/app-env.ts';
import { ApiError, respondWithError } from '../server/errors.ts';
import { mintDemoToken } from './demo-tokens.ts';
import { demoIdentities, demoIdentity, demoIdentityKeys } from './identities.ts';

const pagesDir = fileURLToPath(new URL('./pages/', import.meta.url));
/** Files a page may load: lower-case names, one extension we know how to serve. */
const assetName = /^[a-z][a-z0-9-]*\.(ts|css|svg)$/;
const contentTypes = { ts: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' } as const;

const tokenRequest = z.strictObject({ user: z.enum(demoIdentityKeys, { message: `must be one of: ${demoIdentityKeys.join(', ')}` }) });

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The policy of both pages; `server` is this server's public origin. */
export function demoPagePolicy(server: string): string {
  const socket = server.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    `connect-src 'self' ${socket}`,
    "font-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
  ].join('; ');
}

const smallBody = bodyLimit({ maxSize: 1024, onError: (c) => respondWithError(c, new ApiError('payload_too_large', 'A demo token request is a few bytes of JSON.')) });

export function demoRoutes(deps: AppDeps) {
  const { config } = deps;
  const server = new URL(config.publicUrl).origin;
  const compiled = new Map<string, { mtimeMs: number; code: string }>();

  /**
   * Pages live at the public URL (PUBLIC_URL): one opened at another host name (127.0.0.1 for
   * localhost) is sent there, or its widget would be cross-origin to the server it names.
   */
  const elsewhere = (c: Context<AppEnv>) => new URL(c.req.url).host !== new URL(server).host;

  async function page(c: Context<AppEnv>, file: string) {
    if (elsewhere(c)) {
      const { pathname, search } = new URL(c.req.url);
      return c.redirect(`${server}${pathname}${search}`, 302);
    }
    const template = await readFile(join(pagesDir, file), 'utf8');
    const html = template.replaceAll('{{server}}', escapeHtml(server));
    c.header('Content-Security-Policy', demoPagePolicy(server));
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Cache-Control', 'no-cache');
    return c.html(html);
  }

  async function asset(c: Context<AppEnv>) {
    const name = c.req.param('file') ?? '';
    const match = assetName.exec(name);
    const path = join(pagesDir, name);
    const info = match ? await stat(path).catch(() => undefined) : undefined;
    if (!match || !info?.isFile()) return respondWithError(c, new ApiError('not_found', `No demo file at ${c.req.path}.`));
    const kind = match[1] as keyof typeof contentTypes;
    let body: string;
    if (kind === 'ts') {
      let entry = compiled.get(path);
      if (!entry || entry.mtimeMs !== info.mtimeMs) {
        // Loaded on first use: servers that never serve a demo script never load esbuild.
        const { transform } = await import('esbuild');
        const { code } = await transform(await readFile(path, 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022', sourcefile: name });
        entry = { mtimeMs: info.mtimeMs, code };
        compiled.set(path, entry);
      }
      body = entry.code;
    } else body = await readFile(path, 'utf8');
    return c.body(body, 200, { 'Content-Type': contentTypes[kind], 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
  }

  return new Hono<AppEnv>()
    .get('/', (c) => c.redirect('/demo/', 302))
    .get('/demo', (c) => c.redirect('/demo/', 302))
    .get('/demo/', (c) => page(c, 'product.html'))
    .get('/demo/console', (c) => page(c, 'console.html'))
    .get('/demo/assets/:file', asset)
    .get('/demo/identities', (c) =>
      c.json({ items: demoIdentities.map((identity) => ({ key: identity.key, role: identity.role, name: identity.name, email: identity.email, ...(identity.role === 'customer' ? { company: identity.company } : {}) })) }),
    )
    .post('/demo/token', smallBody, async (c) => {
      let input: unknown;
      try {
        input = await c.req.json();
      } catch {
        throw new ApiError('validation_failed', 'Send JSON like {"user": "customer-1"}.', { issues: [{ path: '', message: 'is not JSON' }] });
      }
      const parsed = tokenRequest.safeParse(input);
      if (!parsed.success) {
        throw new ApiError('validation_failed', 'Name a demo identity.', { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) });
      }
      const secret = config.AUTH_JWT_SECRET;
      if (!secret) throw new ApiError('unavailable', 'Demo tokens are signed with AUTH_JWT_SECRET; this server verifies tokens with AUTH_JWKS_URL instead.');
      const identity = demoIdentity(parsed.data.user);
      const { token, expiresAt } = await mintDemoToken(identity, { secret, issuer: config.AUTH_JWT_ISSUER, audience: config.AUTH_JWT_AUDIENCE });
      c.header('Cache-Control', 'no-store');
      return c.json({ token, expiresAt, user: { key: identity.key, role: identity.role, name: identity.name, email: identity.email } }, 200);
    });
}
