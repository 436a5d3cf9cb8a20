/**
 * Recording stored files in the database, in the transaction that writes their message: the
 * rows come first, naming the message's id; inserting the message then derives its descriptors
 * from them (trigger ticket_messages_attach_uploads, migration 0008). Row-level security decides
 * whether the user may attach files to that ticket at all.
 */
import type { Tx } from '../../db/rls.ts';
import { ticketAttachments } from '../../db/schema/index.ts';
import type { Config } from '../config.ts';
import type { StoredUpload, UploadLimits } from './multipart.ts';

export async function recordUploads(tx: Tx, target: { ticketId: string; messageId: string; uploaderId: string }, files: readonly StoredUpload[]): Promise<void> {
  if (files.length === 0) return;
  await tx.insert(ticketAttachments).values(
    files.map((file, position) => ({
      ticketId: target.ticketId,
      messageId: target.messageId,
      uploaderId: target.uploaderId,
      position,
      storageKey: file.key,
      name: file.name,
      contentType: file.type,
      size: file.size,
      sha256: file.sha256,
      width: file.width ?? null,
      height: file.height ?? null,
    })),
  );
}

/** The configured limits for one request's uploads. */
export function uploadLimits(config: Config): UploadLimits {
  return {
    maxFileBytes: config.ATTACHMENT_MAX_FILE_BYTES,
    maxFiles: config.ATTACHMENT_MAX_FILES,
    maxRequestBytes: config.ATTACHMENT_MAX_REQUEST_BYTES,
    allowedTypes: config.attachmentTypes,
    maxFieldBytes: config.MAX_JSON_BODY_BYTES,
  };
}
