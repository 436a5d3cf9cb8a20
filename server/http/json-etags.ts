/**
 * ETags of JSON reads taken from the text the route serializes, as it answers. Hono's etag
 * middleware (outside this one) then finds the ETag already set and only compares it with
 * If-None-Match. Without this it hashes every answer by cloning the response and reading the
 * clone's stream, and a cloned response can no longer leave through @hono/node-server's fast
 * path for string bodies: bench:api's profile showed that path costing more than the hash.
 * The tag is the same either way: the SHA-1 of the body's bytes, strong.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

type JsonArguments = [object: unknown, init?: number | ResponseInit, headers?: Record<string, string | string[]>];

/** The SHA-1 every ETag of the API is made of: of the JSON text here, of the body's bytes in Hono's etag. */
const sha1 = (data: string | Uint8Array): Buffer => createHash('sha1').update(data).digest();

/** Hono's etag middleware's `generateDigest` (for answers that are not JSON): the same digest, as WebCrypto's would give it. */
export function etagDigest(body: Uint8Array): ArrayBuffer {
  const digest = sha1(body);
  return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength) as ArrayBuffer;
}

export function jsonETags(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      c.json = ((...[object, init, headers]: JsonArguments) => {
        const text = JSON.stringify(object);
        const status = typeof init === 'number' ? init : (init?.status ?? 200);
        const tag = status >= 200 && status < 300 ? { ETag: `"${sha1(text).toString('hex')}"` } : {};
        return c.body(text, init as never, { 'Content-Type': 'application/json', ...tag, ...headers }) as Response;
      }) as unknown as typeof c.json;
    }
    await next();
  };
}
