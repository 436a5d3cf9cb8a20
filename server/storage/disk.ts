/**
 * Attachments on local disk: `<root>/<first two hex digits>/<key>`. A file is written under
 * `<root>/.incoming/` and renamed into place only once complete and flushed, so a key never
 * names a partial file; a failed write removes its partial file.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isStorageKey, newStorageKey, StorageNotFoundError, type AttachmentStorage, type ByteRange, type ObjectInfo, type StoredObject } from './types.ts';

export function createDiskStorage(root: string): AttachmentStorage {
  const incoming = join(root, '.incoming');
  const pathOf = (key: string) => join(root, key.slice(0, 2), key);

  return {
    kind: 'disk',

    async put(body: Readable): Promise<StoredObject> {
      const key = newStorageKey();
      const partial = join(incoming, `${key}.part`);
      const final = pathOf(key);
      try {
        await mkdir(incoming, { recursive: true });
        await mkdir(join(root, key.slice(0, 2)), { recursive: true });
        const file = createWriteStream(partial, { flags: 'wx', mode: 0o600, flush: true });
        await pipeline(body, file);
        await rename(partial, final);
        return { key, size: file.bytesWritten };
      } catch (error) {
        body.destroy();
        await rm(partial, { force: true });
        throw error;
      }
    },

    async get(key: string, range?: ByteRange): Promise<Readable> {
      if (!isStorageKey(key)) throw new StorageNotFoundError(key);
      const stream = createReadStream(pathOf(key), range ? { start: range.start, end: range.end } : {});
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new StorageNotFoundError(key) : error));
      });
      return stream;
    },

    async stat(key: string): Promise<ObjectInfo | undefined> {
      if (!isStorageKey(key)) return undefined;
      try {
        const info = await stat(pathOf(key));
        return { size: info.size, modifiedAt: info.mtime };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },

    async delete(key: string): Promise<void> {
      if (!isStorageKey(key)) return;
      await rm(pathOf(key), { force: true });
    },

    async *list() {
      let shards: string[];
      try {
        shards = await readdir(root);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const shard of shards.filter((name) => /^[0-9a-f]{2}$/.test(name)).sort()) {
        for (const name of (await readdir(join(root, shard))).sort()) {
          if (!isStorageKey(name) || !name.startsWith(shard)) continue;
          const info = await stat(join(root, shard, name)).catch(() => undefined);
          if (info) yield { key: name, size: info.size, modifiedAt: info.mtime };
        }
      }
    },
  };
}

/** Partial files older than `olderThan` (left by a process that died mid-upload), removed. */
export async function removeStalePartials(root: string, olderThan: Date): Promise<number> {
  const incoming = join(root, '.incoming');
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(incoming);
  } catch {
    return 0;
  }
  for (const name of names) {
    const info = await stat(join(incoming, name)).catch(() => undefined);
    if (info && info.mtime < olderThan) {
      await rm(join(incoming, name), { force: true });
      removed++;
    }
  }
  return removed;
}
