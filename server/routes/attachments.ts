/**
 * /api/v1/attachments/{id}: a file, to whoever may read the message it belongs to (row-level
 * security decides; anything else is 404), served so that it can never run as a page: its
 * sniffed type with nosniff, a sandboxing CSP, inline only for safe raster images and a download
 * otherwise, with its name in an RFC 6266 Content-Disposition. Streamed from storage; Range,
 * If-Range and If-None-Match (the ETag is the SHA-256) are honoured.
 */
import { Readable } from 'node:stream';
import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { ticketAttachments } from '../../db/schema/index.ts';
import type { AppDeps } from '../app-env.ts';
import { contentDisposition } from '../attachments/names.ts';
import { servedContentType, servedInline } from '../attachments/types.ts';
import { ApiError, notFound } from '../errors.ts';
import { attachmentParams } from '../schemas/attachments.ts';
import { storageFor, StorageNotFoundError, type ByteRange } from '../storage/index.ts';
import { bearerSecurity, createRouteApp, errorResponses, readAsUser } from './openapi-app.ts';

const binary = { schema: z.string().openapi({ type: 'string', format: 'binary' }) };

const downloadRoute = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'A file attached to a message you may read',
  description:
    'Served with its sniffed type, `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy; inline only for PNG, JPEG, GIF and WebP images, as a download otherwise. ' +
    'Supports `Range` (one range; 206, or 416 outside the file), `If-Range`, and `If-None-Match` against the ETag (the SHA-256 of the bytes).',
  security: bearerSecurity,
  request: {
    params: attachmentParams,
    headers: z.object({
      range: z.string().optional().openapi({ description: 'bytes=start-end, bytes=start- or bytes=-suffix' }),
      'if-none-match': z.string().optional(),
      'if-range': z.string().optional(),
    }),
  },
  responses: {
    200: { description: 'The file', content: { 'application/octet-stream': binary } },
    206: { description: 'One range of the file', content: { 'application/octet-stream': binary } },
    304: { description: 'Not modified (If-None-Match matched)' },
    416: { description: 'The range is outside the file' },
    ...errorResponses('validation_failed', 'unauthorized', 'not_found', 'unavailable'),
  },
});

/** The sandbox an attachment is served in, should a browser ever render it as a document. */
export const attachmentContentSecurityPolicy = "default-src 'none'; sandbox; frame-ancestors 'none'";

export function attachmentRoutes(deps: AppDeps) {
  return createRouteApp().openapi(downloadRoute, async (c) => {
    const { id } = c.req.valid('param');
    const [file] = await readAsUser(c, deps, (tx) =>
      tx
        .select({ storageKey: ticketAttachments.storageKey, name: ticketAttachments.name, type: ticketAttachments.contentType, size: ticketAttachments.size, sha256: ticketAttachments.sha256, createdAt: ticketAttachments.createdAt })
        .from(ticketAttachments)
        .where(eq(ticketAttachments.id, id)),
    );
    if (!file) throw notFound('That attachment');

    const etag = `"${file.sha256}"`;
    const headers = new Headers({
      'Content-Type': servedContentType(file.type),
      'Content-Disposition': contentDisposition(servedInline(file.type) ? 'inline' : 'attachment', file.name),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': attachmentContentSecurityPolicy,
      'Cache-Control': 'private, no-cache',
      ETag: etag,
      'Last-Modified': file.createdAt.toUTCString(),
      'Accept-Ranges': 'bytes',
    });
    for (const [name, value] of headers) c.header(name, value);

    if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304);

    const ifRange = c.req.header('if-range');
    const rangeHeader = ifRange === undefined || ifRange === etag ? c.req.header('range') : undefined;
    const range = rangeHeader === undefined ? undefined : parseRange(rangeHeader, file.size);
    if (range === 'unsatisfiable') {
      c.header('Content-Range', `bytes */${file.size}`);
      return c.body(null, 416);
    }
    const length = range ? range.end - range.start + 1 : file.size;
    c.header('Content-Length', String(length));
    if (range) c.header('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
    const status = range ? 206 : 200;
    if (c.req.method === 'HEAD') return c.body(null, status);

    let stream: Readable;
    try {
      stream = await storageFor(deps.config).get(file.storageKey, range);
    } catch (error) {
      if (error instanceof StorageNotFoundError) {
        deps.logger.warn('attachment missing from storage', { requestId: c.get('requestId'), attachmentId: id });
        throw notFound('That attachment');
      }
      throw new ApiError('unavailable', 'File storage is unavailable; try again shortly.', { headers: { 'Retry-After': '5' } });
    }
    return c.body(webStreamOf(stream), status);
  });
}

/**
 * A Node stream as a web stream, with backpressure and without the copy of every chunk that
 * Readable.toWeb makes; cancelling it (the client went away) destroys the source.
 */
function webStreamOf(stream: Readable): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        stream.pause();
        stream.on('data', (chunk: Buffer) => {
          try {
            controller.enqueue(chunk);
          } catch {
            stream.destroy(); // cancelled meanwhile
            return;
          }
          if ((controller.desiredSize ?? 0) <= 0) stream.pause();
        });
        stream.once('end', () => controller.close());
        stream.once('error', (error) => controller.error(error));
        stream.once('close', () => {
          if (!stream.readableEnded) controller.error(new Error('the stored file ended early'));
        });
      },
      pull() {
        stream.resume();
      },
      cancel() {
        stream.destroy();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
  );
}

/** If-None-Match against a strong ETag (weak comparison, as RFC 9110 says for this header). */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * One byte range of a file of `size` bytes (RFC 9110 §14.1.2). Several ranges, or a header that
 * does not parse, are ignored (the whole file is sent), as the RFC allows.
 */
export function parseRange(header: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
