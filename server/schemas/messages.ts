import { z } from '@hono/zod-openapi';
import { isoDateTime, limitParam, text, uuidSchema } from './common.ts';

export const attachmentDescriptorSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    type: z.string(),
    size: z.number().int(),
    width: z.number().int().optional(),
    height: z.number().int().optional(),
  })
  .openapi('AttachmentDescriptor');

export const messageSchema = z
  .object({
    id: uuidSchema,
    ticketId: uuidSchema,
    sender: z.object({ id: uuidSchema, name: z.string().nullable(), fromTeam: z.boolean() }),
    message: z.string(),
    isInternal: z.boolean(),
    createdAt: isoDateTime,
    attachments: z.array(attachmentDescriptorSchema),
  })
  .openapi('Message');

export const messagePageSchema = z
  .object({
    items: z.array(messageSchema),
    /** Where this page ends: pass it as `after` for the next page, or later for what is new. */
    nextCursor: z.string().nullable(),
    hasMore: z.boolean(),
  })
  .openapi('MessagePage');

export const listMessagesQuery = z.strictObject({
  limit: limitParam(200, 50),
  after: z.string().max(512).optional().openapi({ param: { name: 'after', in: 'query' }, description: 'nextCursor of the previous page' }),
});

export const createMessageBody = z
  .strictObject({
    /**
     * The new message's id, chosen by the client (optional): a view that shows a reply before the
     * server has answered recognises it by this id when it arrives live, before the 201 does.
     */
    id: uuidSchema.optional().openapi({ description: "The new message's id, when the client chooses it (a UUID it made); one already taken is refused with 409." }),
    message: text(20_000),
    /** Team only: a note the customer never sees. */
    isInternal: z.boolean().optional(),
  })
  .openapi('CreateMessage');
export type CreateMessageBody = z.infer<typeof createMessageBody>;
