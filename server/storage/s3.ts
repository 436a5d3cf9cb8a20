/**
 * Attachments in S3-compatible object storage (AWS S3, MinIO, Ceph, R2, …), for several
 * instances sharing one store. A small client of our own over node:http(s) with SigV4
 * (./sigv4.ts) rather than the AWS SDK: five operations (put, get with Range, head, delete,
 * list) do not need the SDK's hundred-odd packages, and owning the request lets downloads
 * stream straight from the response with backpressure.
 *
 * An upload is spooled to a local file first (bounded by the per-file limit, since the body is
 * the limiter's output) and then sent in one PUT with its length and its SHA-256 signed, so the
 * store verifies the bytes it receives. That keeps memory flat whatever the file size or the
 * number of concurrent uploads; S3 cannot take a body of unknown length in one PUT.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { noteStreamedBytes } from '../http/streamed-garbage.ts';
import { canonicalQuery, emptyPayloadHash, encodePath, signRequest, type S3Credentials } from './sigv4.ts';
import { isStorageKey, newStorageKey, StorageError, StorageNotFoundError, type AttachmentStorage, type ByteRange, type ObjectInfo, type StoredObject } from './types.ts';

export interface S3StorageOptions {
  /** e.g. http://127.0.0.1:9000; default https://s3.<region>.amazonaws.com */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  credentials: S3Credentials;
  /** endpoint/bucket/key instead of bucket.endpoint/key. */
  forcePathStyle: boolean;
  /** Prepended to every key in the bucket. */
  prefix?: string;
  /** Where uploads are spooled before they are sent. */
  spoolDir: string;
  /** Idle time after which a request to the store is abandoned. */
  timeoutMs?: number;
}

interface SendOptions {
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  signedHeaders?: Record<string, string>;
  payloadHash?: string;
  body?: Readable;
}

export function createS3Storage(options: S3StorageOptions): AttachmentStorage & { close(): void } {
  const endpoint = new URL(options.endpoint ?? `https://s3.${options.region}.amazonaws.com`);
  const secure = endpoint.protocol === 'https:';
  const transport = secure ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 64 });
  const prefix = options.prefix ?? 'attachments/';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const basePath = endpoint.pathname.replace(/\/+$/, '');
  const host = options.forcePathStyle ? endpoint.host : `${options.bucket}.${endpoint.host}`;

  function pathFor(objectKey: string | undefined): string {
    const segments = [...(options.forcePathStyle ? [options.bucket] : []), ...(objectKey === undefined ? [] : objectKey.split('/'))];
    return basePath + (segments.length ? encodePath(segments) : '/');
  }

  function send(method: string, send: SendOptions): Promise<IncomingMessage> {
    const path = pathFor(send.key);
    const query = canonicalQuery(send.query ?? {});
    const signed = signRequest({
      method,
      host,
      path,
      query,
      headers: send.signedHeaders ?? {},
      payloadHash: send.payloadHash ?? emptyPayloadHash,
      region: options.region,
      credentials: options.credentials,
    });
    return new Promise((resolve, reject) => {
      const request = transport.request(
        {
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: endpoint.port || (secure ? 443 : 80),
          method,
          path: query ? `${path}?${query}` : path,
          headers: { ...send.headers, ...signed },
          agent,
          ...(options.forcePathStyle ? {} : { servername: host.split(':')[0] }),
        },
        resolve,
      );
      request.setTimeout(timeoutMs, () => request.destroy(new StorageError(`S3 ${method} timed out after ${timeoutMs} ms`)));
      request.once('error', (error) => reject(error instanceof StorageError ? error : new StorageError(`S3 ${method} failed: ${error.message}`, { cause: error })));
      if (send.body) {
        send.body.once('error', (error) => request.destroy(error));
        send.body.pipe(request);
      } else {
        request.end();
      }
    });
  }

  async function failure(method: string, response: IncomingMessage): Promise<StorageError> {
    const text = await readSmall(response);
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? `HTTP ${response.statusCode}`;
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '';
    return new StorageError(`S3 ${method} answered ${response.statusCode} ${code}${message ? `: ${unescapeXml(message)}` : ''}`);
  }

  return {
    kind: 's3',

    async put(body: Readable): Promise<StoredObject> {
      const key = newStorageKey();
      const spool = join(options.spoolDir, `${key}.part`);
      try {
        await mkdir(options.spoolDir, { recursive: true });
        const hash = createHash('sha256');
        let size = 0;
        const measure = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        });
        await pipeline(body, measure, createWriteStream(spool, { flags: 'wx', mode: 0o600 }));
        const response = await send('PUT', {
          key: prefix + key,
          headers: { 'content-length': String(size), 'content-type': 'application/octet-stream' },
          payloadHash: hash.digest('hex'),
          body: freedAsSent(createReadStream(spool)),
        });
        if (response.statusCode !== 200) throw await failure('PUT', response);
        response.resume();
        return { key, size };
      } catch (error) {
        body.destroy();
        throw error;
      } finally {
        await rm(spool, { force: true });
      }
    },

    async get(key: string, range?: ByteRange): Promise<Readable> {
      if (!isStorageKey(key)) throw new StorageNotFoundError(key);
      const rangeHeader: Record<string, string> = range ? { range: `bytes=${range.start}-${range.end}` } : {};
      const response = await send('GET', { key: prefix + key, signedHeaders: rangeHeader });
      if (response.statusCode === 404) {
        response.resume();
        throw new StorageNotFoundError(key);
      }
      if (response.statusCode !== (range ? 206 : 200)) throw await failure('GET', response);
      return response;
    },

    async stat(key: string): Promise<ObjectInfo | undefined> {
      if (!isStorageKey(key)) return undefined;
      const response = await send('HEAD', { key: prefix + key });
      response.resume();
      if (response.statusCode === 404) return undefined;
      if (response.statusCode !== 200) throw new StorageError(`S3 HEAD answered ${response.statusCode}`);
      return { size: Number(response.headers['content-length']), modifiedAt: new Date(response.headers['last-modified'] ?? 0) };
    },

    async delete(key: string): Promise<void> {
      if (!isStorageKey(key)) return;
      const response = await send('DELETE', { key: prefix + key });
      if (response.statusCode !== 204 && response.statusCode !== 200 && response.statusCode !== 404) throw await failure('DELETE', response);
      response.resume();
    },

    async *list() {
      let token: string | undefined;
      do {
        const response = await send('GET', { query: { 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) } });
        if (response.statusCode !== 200) throw await failure('LIST', response);
        const xml = await readSmall(response, 16 * 1024 * 1024);
        for (const [, entry] of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
          const key = unescapeXml(/<Key>([^<]*)<\/Key>/.exec(entry!)?.[1] ?? '').slice(prefix.length);
          if (!isStorageKey(key)) continue;
          yield {
            key,
            size: Number(/<Size>(\d+)<\/Size>/.exec(entry!)?.[1] ?? 0),
            modifiedAt: new Date(/<LastModified>([^<]*)<\/LastModified>/.exec(entry!)?.[1] ?? 0),
          };
        }
        const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
        const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1];
        token = truncated && next ? unescapeXml(next) : undefined;
      } while (token);
    },

    close() {
      agent.destroy();
    },
  };
}

async function readSmall(stream: Readable, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    if (length < limit) chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (entity[0] === '#') return String.fromCodePoint(entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
    return named[entity.toLowerCase()] ?? '';
  });
}

/** The spool read back for the PUT: each chunk read is garbage once sent (server/http/streamed-garbage.ts). */
function freedAsSent(spool: Readable): Readable {
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      noteStreamedBytes(chunk.length);
      callback(null, chunk);
    },
  });
  spool.on('error', (error) => counted.destroy(error));
  return spool.pipe(counted);
}
