/**
 * The built widget and console (dist/widget, see widget/vite.config.ts), served to any site:
 * `/widget.js` and `/console.js` under stable names, so they are revalidated (`no-cache` + ETag),
 * and their hashed chunks under `/widget/assets/` and `/console/assets/`, cached for a year.
 * Module scripts are fetched in CORS mode, so every file says `Access-Control-Allow-Origin: *`
 * (public code, no credentials) and `Cross-Origin-Resource-Policy: cross-origin`. Gzip or brotli
 * as the browser accepts, compressed once per build and kept in memory.
 *
 * @example app.route('/', widgetAssets());
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { ApiError, respondWithError } from '../errors.ts';

export interface WidgetAssetsOptions {
  /** Where the build is (default: dist/widget at the repository root). */
  dir?: string;
}

interface Prepared {
  mtimeMs: number;
  size: number;
  etag: string;
  raw: Buffer;
  gzip: Buffer;
  br: Buffer;
}

const defaultDir = fileURLToPath(new URL('../../dist/widget/', import.meta.url));
/** Hashed chunk names as Vite writes them: letters, digits, `-`, `_`, one `.js`. */
const chunkName = /^[A-Za-z0-9_-]+\.js$/;
const revalidate = 'no-cache';
const immutable = 'public, max-age=31536000, immutable';

export function widgetAssets({ dir = defaultDir }: WidgetAssetsOptions = {}) {
  const cache = new Map<string, Prepared>();

  async function prepared(path: string): Promise<Prepared | undefined> {
    let info;
    try {
      info = await stat(path);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    const known = cache.get(path);
    if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known;
    const raw = await readFile(path);
    const entry: Prepared = {
      mtimeMs: info.mtimeMs,
      size: info.size,
      etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 22)}"`,
      raw,
      gzip: gzipSync(raw, { level: 9 }),
      br: brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
    };
    cache.set(path, entry);
    return entry;
  }

  async function serve(c: Context<AppEnv>, relativePath: string, cacheControl: string) {
    const file = await prepared(join(dir, relativePath));
    if (!file) {
      const hint = relativePath === 'widget.js' || relativePath === 'console.js' ? ' Build it with `npm run build`.' : '';
      return respondWithError(c, new ApiError('not_found', `No widget file at ${c.req.path}.${hint}`));
    }
    const headers: Record<string, string> = {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': cacheControl,
      ETag: file.etag,
      Vary: 'Accept-Encoding',
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'X-Content-Type-Options': 'nosniff',
    };
    const ifNoneMatch = c.req.header('if-none-match');
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === file.etag)) return c.body(null, 304, headers);
    const accepted = c.req.header('accept-encoding') ?? '';
    const [body, encoding] = /\bbr\b/.test(accepted) ? [file.br, 'br'] : /\bgzip\b/.test(accepted) ? [file.gzip, 'gzip'] : [file.raw, undefined];
    if (encoding) headers['Content-Encoding'] = encoding;
    headers['Content-Length'] = String(body.length);
    if (c.req.method === 'HEAD') return c.body(null, 200, headers);
    return c.body(new Uint8Array(body), 200, headers);
  }

  /** A hashed chunk of one bundle (`widget` or `console`); any other name is a 404, never a path. */
  const chunk = (bundle: 'widget' | 'console') => (c: Context<AppEnv>) => {
    const name = c.req.param('file') ?? '';
    if (!chunkName.test(name)) return respondWithError(c, new ApiError('not_found', `No ${bundle} file at ${c.req.path}.`));
    return serve(c, join(bundle, 'assets', name), immutable);
  };

  return new Hono<AppEnv>()
    .get('/widget.js', (c) => serve(c, 'widget.js', revalidate))
    .get('/widget/assets/:file', chunk('widget'))
    .get('/console.js', (c) => serve(c, 'console.js', revalidate))
    .get('/console/assets/:file', chunk('console'));
}
