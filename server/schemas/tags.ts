import { z } from '@hono/zod-openapi';
import { isoDateTime, text, uuidSchema } from './common.ts';
import { tagRefSchema } from './tickets.ts';

/** Colors end up in styles: only `#rrggbb` gets through, stored lowercase. */
const hexColor = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a color like #6b7280')
  .transform((color) => color.toLowerCase())
  .openapi({ example: '#6b7280' });
/** An optional note; an empty one is stored as none. */
const tagDescription = z
  .string()
  .trim()
  .max(500, 'must be at most 500 characters')
  .nullable()
  .transform((value) => (value ? value : null));

export const defaultTagColor = '#6b7280';

export const tagSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    description: z.string().nullable(),
    color: z.string().openapi({ example: '#6b7280' }),
    createdAt: isoDateTime,
  })
  .openapi('Tag');

export const tagListSchema = z.object({ items: z.array(tagSchema) }).openapi('TagList');

export const createTagBody = z
  .strictObject({
    name: text(50),
    color: hexColor.default(defaultTagColor),
    description: tagDescription.optional(),
  })
  .openapi('CreateTag');
export type CreateTagBody = z.infer<typeof createTagBody>;

export const updateTagBody = z
  .strictObject({
    name: text(50).optional(),
    color: hexColor.optional(),
    description: tagDescription.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'send at least one field to change' })
  .openapi('UpdateTag');
export type UpdateTagBody = z.infer<typeof updateTagBody>;

/** `/tickets/{id}/tags/{tagId}` */
export const ticketTagParams = z.object({
  id: uuidSchema.openapi({ param: { name: 'id', in: 'path' } }),
  tagId: uuidSchema.openapi({ param: { name: 'tagId', in: 'path' } }),
});

/** A ticket's tags after tagging it, sorted by name (the same shape as a ticket's `tags`). */
export const ticketTagListSchema = z.object({ items: z.array(tagRefSchema) }).openapi('TicketTagList');
