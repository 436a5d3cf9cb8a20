/**
 * An upload's dead chunks, freed as it streams instead of piling up. Used where a file's bytes
 * stream through the server: the request body (attachments/multipart.ts) and, for S3 storage, the
 * spooled file read back for the PUT (storage/s3.ts).
 *
 * Node's HTTP parser hands every chunk of a request body over in a fresh Buffer; once the chunk is
 * on its way to storage it is garbage, but its bytes live outside V8's heap and are freed only when
 * V8 collects the small Buffer object that owns them. V8 starts a full collection for such
 * memory only after about 64 MB of it has piled up, and with the large young generation a server
 * with a few GB of heap gets, a young-generation collection (a scavenge) is rare while an upload
 * is all that runs. So a few concurrent uploads grew the server's memory by the whole 64 MB
 * (`npm run bench:attachments`). A smaller young generation for the whole process
 * (--max-semi-space-size) fixes that but costs every API request 15-45% more CPU (measured with
 * bench:api), so instead the upload path asks V8 for a scavenge after every few MB streamed: it
 * costs about a millisecond, only while files are uploading, and frees the dead chunks.
 *
 * The scavenge comes from V8's gc() function, taken once from a fresh vm context created with
 * --expose-gc (and the flag put back), so no global `gc` appears and the process needs no flag.
 * If it cannot be had, uploads work as before.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'minor' | 'major'; execution: 'sync' | 'async' }) => unknown;

/** Streamed bytes between two scavenges: a small fraction of the 64 MB V8 would otherwise let pile up. */
export const scavengeEveryBytes = 8 * 1024 * 1024;

let streamed = 0;
let collect: Collect | null | undefined;

function collector(): Collect | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString('--expose-gc');
    const found: unknown = runInNewContext('gc');
    collect = typeof found === 'function' ? (found as Collect) : null;
  } catch {
    collect = null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return collect;
}

/** Counts `bytes` of a file streamed through and passed on; every scavengeEveryBytes, a scavenge. */
export function noteStreamedBytes(bytes: number): void {
  streamed += bytes;
  if (streamed < scavengeEveryBytes) return;
  streamed = 0;
  collector()?.({ type: 'minor', execution: 'sync' });
}

/** Whether scavenges can be asked for here (for tests and the bench). */
export function canScavenge(): boolean {
  return collector() !== null;
}
