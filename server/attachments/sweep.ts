/**
 * The orphan sweep: stored files that no attachment row points at, once they are old enough not
 * to belong to an upload still in progress, are deleted. A request that fails deletes its own
 * files; this catches what a crash in the middle of one leaves behind, and the files of messages
 * the team deleted (their rows go with the message). Runs on the server's own connection:
 * housekeeping, not a user's read.
 */
import { inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { ticketAttachments } from '../../db/schema/index.ts';
import { removeStalePartials } from '../storage/disk.ts';
import type { AttachmentStorage } from '../storage/types.ts';

/** Longer than any upload takes: files younger than this may belong to a request in flight. */
export const orphanGraceMs = 60 * 60_000;

export async function sweepOrphanedAttachments(
  systemDb: Database,
  storage: AttachmentStorage,
  options: { graceMs?: number; diskRoot?: string; now?: Date } = {},
): Promise<{ deleted: number }> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - (options.graceMs ?? orphanGraceMs));
  let deleted = 0;
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const known = new Set((await systemDb.select({ key: ticketAttachments.storageKey }).from(ticketAttachments).where(inArray(ticketAttachments.storageKey, batch))).map((row) => row.key));
    for (const key of batch) {
      if (known.has(key)) continue;
      await storage.delete(key);
      deleted++;
    }
    batch = [];
  };
  for await (const object of storage.list()) {
    if (object.modifiedAt >= cutoff) continue;
    batch.push(object.key);
    if (batch.length >= 500) await flush();
  }
  await flush();
  if (options.diskRoot) deleted += await removeStalePartials(options.diskRoot, cutoff);
  return { deleted };
}
