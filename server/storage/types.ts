/**
 * Where attachment bytes live, behind one interface: local disk (server/storage/disk.ts) or
 * S3-compatible object storage (server/storage/s3.ts). Keys are chosen by the driver (random
 * hex, never derived from a file's name); what a key means (ticket, name, type) is the
 * database's business.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  size: number;
}

export interface ObjectInfo {
  size: number;
  modifiedAt: Date;
}

/** An inclusive byte range, as in HTTP: `start` to `end`, both within the object. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface AttachmentStorage {
  readonly kind: 'disk' | 's3';
  /**
   * Stores everything `body` yields under a new key. If `body` fails (a limit, a refused type, a
   * client that went away) or storing fails, nothing is left behind and the promise rejects with
   * the body's error.
   */
  put(body: Readable): Promise<StoredObject>;
  /** The object's bytes, or one range of them; rejects with StorageNotFoundError when missing. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Size and time of an object, or undefined when it does not exist. */
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** Removes an object; removing one that does not exist is not an error. */
  delete(key: string): Promise<void>;
  /** Every stored object, for the orphan sweep. */
  list(): AsyncIterable<{ key: string } & ObjectInfo>;
}

export class StorageNotFoundError extends Error {
  override name = 'StorageNotFoundError';
  constructor(key: string) {
    super(`No stored object ${key}.`);
  }
}

/** A storage backend that failed (unreachable, refused, answered nonsense). */
export class StorageError extends Error {
  override name = 'StorageError';
}

const keyPattern = /^[0-9a-f]{32}$/;

/** A new key: 128 random bits as hex. */
export function newStorageKey(): string {
  return randomBytes(16).toString('hex');
}

/** Keys are only ever what newStorageKey made: anything else (a path, say) names nothing. */
export function isStorageKey(key: string): boolean {
  return keyPattern.test(key);
}
