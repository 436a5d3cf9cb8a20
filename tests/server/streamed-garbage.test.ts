/**
 * The upload path frees its dead chunks as it streams (server/http/streamed-garbage.ts): after
 * a few MB of request body, a scavenge releases the memory of chunks already passed on, which V8
 * would otherwise keep until some 64 MB had piled up. `npm run bench:attachments` measures the
 * effect on the real server; this pins the mechanism down.
 */
import { describe, expect, it } from 'vitest';
import { canScavenge, noteStreamedBytes, scavengeEveryBytes } from '../../server/http/streamed-garbage.ts';

const chunkBytes = 64 * 1024;
const externalBytes = () => process.memoryUsage().arrayBuffers;

/** What the HTTP parser does: a fresh Buffer per chunk, dropped once passed on. */
function streamChunks(count: number): number {
  let checksum = 0;
  for (let i = 0; i < count; i++) {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    chunk[0] = i & 0xff;
    checksum += chunk[0]!;
  }
  return checksum;
}

describe('an upload’s dead chunks', () => {
  it('can ask V8 for a scavenge without a flag, and puts no gc() on the global object', () => {
    expect(canScavenge()).toBe(true);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });

  it('are freed once a few MB have streamed, not left to pile up', async () => {
    const chunks = (scavengeEveryBytes * 2) / chunkBytes;
    // Without noting the bytes: the dead chunks stay allocated (no collection has run yet).
    noteStreamedBytes(scavengeEveryBytes); // a scavenge now, so both halves start from a clean young generation
    const before = externalBytes();
    streamChunks(chunks);
    const piledUp = externalBytes() - before;
    // Noting them as the upload path does: a scavenge frees them.
    noteStreamedBytes(scavengeEveryBytes);
    await new Promise((resolve) => setTimeout(resolve, 50)); // V8 may finish freeing off the main thread
    const afterScavenge = externalBytes() - before;
    console.info(`upload garbage: ${(piledUp / 1e6).toFixed(1)} MB of dead chunks piled up; ${(afterScavenge / 1e6).toFixed(1)} MB left after the scavenge`);
    expect(piledUp).toBeGreaterThan(scavengeEveryBytes);
    expect(afterScavenge).toBeLessThan(piledUp / 4);
  });
});
