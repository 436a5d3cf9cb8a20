/**
 * Receiving `multipart/form-data` as a stream: every file part named `files` flows through the
 * inspector (size limit, SHA-256, type) straight into storage, one at a time, as it arrives; the
 * other parts are the request's fields. The whole request is counted too. The first limit
 * crossed, refused type or broken part stops reading at once (the rest of the body is never
 * read: the response closes the connection), and every file already stored for the request is
 * deleted before the error is answered.
 */
import type { IncomingMessage } from 'node:http';
import { Readable, Transform } from 'node:stream';
import busboy from 'busboy';
import type { Context } from 'hono';
import { ApiError } from '../errors.ts';
import { StorageError, type AttachmentStorage } from '../storage/types.ts';
import { fileTooLarge, UploadInspector, type Inspection } from './inspect.ts';
import { sanitizeFileName } from './names.ts';
import type { AttachmentType } from './types.ts';
import { noteStreamedBytes } from '../http/streamed-garbage.ts';

/** The form field files are sent in. */
export const filesField = 'files';

export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxRequestBytes: number;
  allowedTypes: readonly AttachmentType[];
  /** Largest non-file field. */
  maxFieldBytes: number;
}

export interface StoredUpload extends Inspection {
  key: string;
  /** Sanitized display name. */
  name: string;
}

export interface ReceivedForm {
  fields: Map<string, string[]>;
  files: StoredUpload[];
  /** Deletes every stored file of this request (after a failure, or a replayed request). */
  discard(): Promise<void>;
}

export function isMultipart(contentType: string | undefined): boolean {
  return (contentType ?? '').trimStart().toLowerCase().startsWith('multipart/form-data');
}

/** Paths that take uploads; only these skip the JSON body limit (server/app.ts). */
const uploadPaths = [/^\/api\/v1\/tickets\/?$/, /^\/api\/v1\/tickets\/[^/]+\/messages\/?$/];

export function isUploadRequest(c: Context): boolean {
  return c.req.method === 'POST' && isMultipart(c.req.header('content-type')) && uploadPaths.some((path) => path.test(c.req.path));
}

const tooLarge = (message: string, path = '(body)') => new ApiError('payload_too_large', message, { issues: [{ path, message }], headers: { Connection: 'close' } });

/**
 * Reads the request's multipart body into storage and fields. Throws an ApiError (413, 415, 400)
 * after removing whatever it stored.
 */
export async function receiveMultipart(c: Context, storage: AttachmentStorage, limits: UploadLimits): Promise<ReceivedForm> {
  const request = c.req.raw;
  const contentType = request.headers.get('content-type') ?? '';
  const declaredLength = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declaredLength > limits.maxRequestBytes) throw tooLarge(`The request is larger than the limit of ${limits.maxRequestBytes} bytes.`);
  const source = nodeRequestOf(c) ?? request.body;
  if (!source) throw new ApiError('validation_failed', 'The multipart body is empty.');

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      preservePath: true, // names are sanitized here, not by the parser
      defParamCharset: 'utf8',
      limits: {
        files: limits.maxFiles,
        fileSize: limits.maxFileBytes + 1,
        fields: 50,
        fieldSize: limits.maxFieldBytes,
        parts: limits.maxFiles + 50,
        headerPairs: 20,
      },
    });
  } catch {
    throw new ApiError('validation_failed', 'The multipart body has no boundary.', { issues: [{ path: 'Content-Type', message: 'multipart/form-data needs a boundary' }] });
  }

  const fields = new Map<string, string[]>();
  const stored: (StoredUpload | undefined)[] = [];
  const pending: Promise<unknown>[] = [];
  let failure: unknown;
  let fileCount = 0;

  const body = countedBody(source, limits.maxRequestBytes);
  const fail = (error: unknown) => {
    failure ??= error;
    body.destroy();
    parser.destroy();
  };

  parser.on('file', (field, stream, info) => {
    const index = fileCount++;
    // A parser destroyed mid-file destroys the file's stream with an error: expected, not a crash.
    stream.on('error', () => {});
    if (field !== filesField) {
      stream.resume();
      fail(new ApiError('validation_failed', `Files are sent in the "${filesField}" field, not "${field}".`, { issues: [{ path: field, message: `send files as "${filesField}"` }] }));
      return;
    }
    const inspector = new UploadInspector({ index, maxBytes: limits.maxFileBytes, allowedTypes: limits.allowedTypes, declaredType: info.mimeType, name: info.filename ?? '' });
    // Storage attaches its own listeners a moment later (after an await); an error before then
    // (a small file refused at its end) must not go unhandled. Storage still sees it: the
    // inspector is destroyed with it.
    inspector.on('error', () => {});
    stream.on('error', (error) => inspector.destroy(error));
    stream.on('limit', () => inspector.destroy(fileTooLarge(index, limits.maxFileBytes)));
    stream.pipe(inspector);
    stored.push(undefined);
    pending.push(
      storage.put(inspector).then(
        (object) => {
          try {
            const inspection = inspector.result();
            stored[index] = { ...inspection, key: object.key, name: sanitizeFileName(info.filename, inspection.type) };
          } catch (error) {
            void storage.delete(object.key).catch(() => {});
            fail(error);
          }
        },
        (error: unknown) => {
          stream.resume();
          fail(error);
        },
      ),
    );
  });
  parser.on('field', (name, value, info) => {
    if (info.nameTruncated || info.valueTruncated) {
      fail(tooLarge(`The field "${name}" is larger than the limit of ${limits.maxFieldBytes} bytes.`, name));
      return;
    }
    if (name === filesField) {
      fail(new ApiError('validation_failed', `"${filesField}" must be file parts.`, { issues: [{ path: filesField, message: 'not a file' }] }));
      return;
    }
    const values = fields.get(name) ?? [];
    values.push(value);
    fields.set(name, values);
  });
  parser.on('filesLimit', () => fail(tooLarge(`At most ${limits.maxFiles} files can be attached to one message.`, filesField)));
  parser.on('fieldsLimit', () => fail(tooLarge('The request has too many fields.')));
  parser.on('partsLimit', () => fail(tooLarge('The request has too many parts.')));

  const discard = async () => {
    const keys = stored.filter((upload): upload is StoredUpload => upload !== undefined).map((upload) => upload.key);
    await Promise.allSettled(keys.map((key) => storage.delete(key)));
  };

  try {
    await new Promise<void>((resolve, reject) => {
      parser.once('close', resolve);
      // `on`, not `once`: a destroyed parser may report more (an unexpected end, say).
      parser.on('error', (error: Error) => reject(failure ?? new ApiError('validation_failed', `The multipart body is malformed: ${error.message}.`)));
      body.on('error', (error) => reject(failure ?? error));
      body.once('close', () => {
        // Destroyed (by a failure) before the parser finished.
        if (failure) reject(failure);
      });
      body.pipe(parser);
    });
    await Promise.allSettled(pending);
    if (failure) throw failure;
  } catch (error) {
    body.destroy();
    parser.destroy();
    await Promise.allSettled(pending);
    await discard();
    throw toUploadError(failure ?? error);
  }
  return { fields, files: stored as StoredUpload[], discard };
}

function toUploadError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof StorageError || code === 'ENOSPC' || code === 'EDQUOT') {
    return new ApiError('unavailable', 'File storage is unavailable; try again shortly.', { headers: { 'Retry-After': '5' } });
  }
  return error;
}

/**
 * Behind @hono/node-server the body is read from Node's request itself: the web stream the
 * framework would wrap it in copies every chunk (Readable.toWeb), doubling the garbage an upload
 * makes. Elsewhere (tests' `app.request`, other runtimes) the web stream it is.
 */
function nodeRequestOf(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  if (!(incoming instanceof Readable) || 'rawBody' in incoming || c.req.raw.bodyUsed) return undefined;
  return incoming as IncomingMessage;
}

const interrupted = () => new ApiError('validation_failed', 'The request body was interrupted before it ended.');

/** The request body as a Node stream that errors (and stops reading) past `max` bytes. */
function countedBody(body: IncomingMessage | ReadableStream<Uint8Array>, max: number): Readable {
  let total = 0;
  const over = () => tooLarge(`The request is larger than the limit of ${max} bytes.`);
  if (body instanceof Readable) {
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        total += chunk.length;
        noteStreamedBytes(chunk.length);
        callback(total > max ? over() : null, chunk);
      },
    });
    const onError = () => counter.destroy(interrupted());
    const onClose = () => {
      if (!body.readableEnded) counter.destroy(interrupted());
    };
    body.on('error', onError);
    body.on('close', onClose);
    counter.on('close', () => {
      // Stop reading, without destroying the socket: the response (with Connection: close) ends
      // the exchange, and the HTTP server discards or cuts off whatever the client still sends.
      body.off('error', onError);
      body.off('close', onClose);
      body.unpipe(counter);
      if (!body.readableEnded) body.pause();
    });
    body.pipe(counter);
    return counter;
  }
  const reader = body.getReader();
  return new Readable({
    highWaterMark: 64 * 1024,
    async read() {
      try {
        const { done, value } = await reader.read();
        if (done) {
          this.push(null);
          return;
        }
        total += value.byteLength;
        noteStreamedBytes(value.byteLength);
        if (total > max) {
          this.destroy(over());
          return;
        }
        this.push(value);
      } catch {
        this.destroy(interrupted());
      }
    },
    destroy(error, callback) {
      reader.releaseLock();
      callback(error);
    },
  });
}
