import { z } from '@hono/zod-openapi';
import { templateFieldTypes } from '../../db/schema/index.ts';
import { isoDateTime, text, uuidSchema } from './common.ts';
import { prioritySchema } from './tickets.ts';

export const maxTemplateFields = 50;

/** A field's key becomes a ticket metadata key, so it is kept to one tame spelling. */
const fieldKey = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must start with a-z, then up to 63 of a-z, 0-9 and _');

export const templateFieldInput = z
  .strictObject({
    key: fieldKey,
    label: text(100),
    type: z.enum(templateFieldTypes),
    required: z.boolean().default(false),
    /** The choices of a `select` field; only select fields have them. */
    options: z.array(text(100)).max(100, 'at most 100 options').optional(),
  })
  .superRefine((field, ctx) => {
    if (field.type === 'select') {
      if (!field.options?.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'a select field needs at least one option' });
      else if (new Set(field.options).size !== field.options.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'options must be different from each other' });
    } else if (field.options !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `only select fields have options, not ${field.type} fields` });
    }
  })
  .openapi('TemplateFieldInput');

const templateFieldsInput = z
  .array(templateFieldInput)
  .max(maxTemplateFields, `at most ${maxTemplateFields} fields`)
  .superRefine((fields, ctx) => {
    const seen = new Set<string>();
    fields.forEach((field, index) => {
      if (seen.has(field.key)) ctx.addIssue({ code: 'custom', path: [index, 'key'], message: `the key "${field.key}" is used twice` });
      seen.add(field.key);
    });
  });

const templateDescription = z
  .string()
  .trim()
  .max(1_000, 'must be at most 1000 characters')
  .nullable()
  .transform((value) => (value ? value : null));
/** Tag ids, each once. Whether they exist is checked against the catalogue. */
const defaultTagIds = z
  .array(uuidSchema)
  .max(20, 'at most 20 tags')
  .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]);

export const templateFieldSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    type: z.enum(templateFieldTypes),
    required: z.boolean(),
    options: z.array(z.string()).optional(),
  })
  .openapi('TemplateField');

export const templateSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    description: z.string().nullable(),
    fields: z.array(templateFieldSchema),
    defaultPriority: prioritySchema.nullable(),
    defaultTagIds: z.array(uuidSchema),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .openapi('Template');

export const templateListSchema = z.object({ items: z.array(templateSchema) }).openapi('TemplateList');

export const createTemplateBody = z
  .strictObject({
    name: text(100),
    description: templateDescription.optional(),
    fields: templateFieldsInput.default([]),
    defaultPriority: prioritySchema.nullable().optional(),
    defaultTagIds: defaultTagIds.optional(),
  })
  .openapi('CreateTemplate');
export type CreateTemplateBody = z.infer<typeof createTemplateBody>;

export const updateTemplateBody = z
  .strictObject({
    name: text(100).optional(),
    description: templateDescription.optional(),
    fields: templateFieldsInput.optional(),
    defaultPriority: prioritySchema.nullable().optional(),
    defaultTagIds: defaultTagIds.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'send at least one field to change' })
  .openapi('UpdateTemplate');
export type UpdateTemplateBody = z.infer<typeof updateTemplateBody>;
