import { z } from '@hono/zod-openapi';
import { isoDateTime, jsonValue, uuidSchema } from './common.ts';

/** The most a metadata value may take once written as JSON. */
export const maxMetadataValueChars = 16_384;

export const metadataKey = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may only contain letters, digits, _ . and -');

/** `/tickets/{id}/metadata/{key}` */
export const metadataKeyParams = z.object({
  id: uuidSchema.openapi({ param: { name: 'id', in: 'path' } }),
  key: metadataKey.openapi({ param: { name: 'key', in: 'path' }, example: 'order_number' }),
});

export const metadataEntrySchema = z
  .object({
    key: z.string(),
    value: jsonValue,
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .openapi('MetadataEntry');

export const metadataListSchema = z.object({ items: z.array(metadataEntrySchema) }).openapi('MetadataList');

export const putMetadataBody = z
  .strictObject({
    value: jsonValue.refine((value) => (JSON.stringify(value) ?? '').length <= maxMetadataValueChars, {
      message: `must be at most ${maxMetadataValueChars} characters as JSON`,
    }),
  })
  .openapi('PutMetadata');
export type PutMetadataBody = z.infer<typeof putMetadataBody>;
