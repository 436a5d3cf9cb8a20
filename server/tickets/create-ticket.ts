/**
 * Opening a ticket, in the caller's transaction: the ticket, its opening message (the
 * description, carrying the uploaded files), template fields as metadata, the template's tags,
 * and for the team an assignee, tags and free metadata. Row-level security checks every row;
 * this checks what the API adds.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/rls.ts';
import { ticketMessages, ticketMetadata, tickets, ticketTagRelations, ticketTemplates, type TemplateField } from '../../db/schema/index.ts';
import type { StoredUpload } from '../attachments/multipart.ts';
import { recordUploads } from '../attachments/records.ts';
import type { AuthUser } from '../auth/user-directory.ts';
import { ApiError, forbidden } from '../errors.ts';
import type { CreateTicketBody } from '../schemas/tickets.ts';
import { metadataFromTemplateFields } from './template-fields.ts';

const teamOnly = ['customerId', 'assigneeId', 'tagIds', 'metadata'] as const;

export async function createTicket(tx: Tx, user: AuthUser, body: CreateTicketBody, files: readonly StoredUpload[] = []): Promise<string> {
  if (!user.teamRole) {
    const used = teamOnly.filter((field) => body[field] !== undefined);
    if (used.length) throw forbidden(`Only team members may set ${used.join(', ')}.`);
  }
  let metadata: Record<string, unknown> = { ...(body.metadata ?? {}) };
  let priority = body.priority;
  if (body.templateId) {
    const [template] = await tx.select().from(ticketTemplates).where(eq(ticketTemplates.id, body.templateId));
    if (!template) throw new ApiError('validation_failed', 'That template does not exist.', { issues: [{ path: 'templateId', message: 'unknown template' }] });
    metadata = { ...metadata, ...metadataFromTemplateFields(template.fields as TemplateField[], body.fields ?? {}) };
    priority ??= template.defaultPriority ?? undefined;
  } else if (body.fields && Object.keys(body.fields).length) {
    throw new ApiError('validation_failed', 'Fields need a template.', { issues: [{ path: 'fields', message: 'send templateId with fields' }] });
  }

  const [ticket] = await tx
    .insert(tickets)
    .values({
      title: body.title,
      description: body.description,
      customerId: body.customerId ?? user.id,
      ...(priority ? { priority } : {}),
      ...(body.assigneeId ? { assignedTo: body.assigneeId } : {}),
    })
    .returning({ id: tickets.id });
  const ticketId = ticket!.id;
  const messageId = randomUUID();
  await recordUploads(tx, { ticketId, messageId, uploaderId: user.id }, files);
  await tx.insert(ticketMessages).values({ id: messageId, ticketId, senderId: user.id, message: body.description });
  const entries = Object.entries(metadata);
  if (entries.length) {
    await tx.insert(ticketMetadata).values(entries.map(([key, value]) => ({ ticketId, key, value: sql`${JSON.stringify(value)}::jsonb` })));
  }
  if (body.templateId) await tx.execute(sql`select private.apply_template_tags(${ticketId}::uuid, ${body.templateId}::uuid)`);
  if (body.tagIds?.length) {
    await tx.insert(ticketTagRelations).values([...new Set(body.tagIds)].map((tagId) => ({ ticketId, tagId }))).onConflictDoNothing();
  }
  return ticketId;
}
