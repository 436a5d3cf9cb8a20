/**
 * A template's fields as a validator: what the customer filled in becomes ticket metadata, each
 * value checked against its field's type, required fields present, unknown fields refused.
 */
import { z } from 'zod';
import type { TemplateField } from '../../db/schema/index.ts';
import { ApiError, type ErrorIssue } from '../errors.ts';

function schemaFor(field: TemplateField): z.ZodType<unknown> {
  switch (field.type) {
    case 'text':
      return z.string().trim().max(1_000);
    case 'textarea':
      return z.string().trim().max(10_000);
    case 'select':
      return z.enum((field.options?.length ? field.options : ['']) as [string, ...string[]]);
    case 'number':
      return z.number().finite();
    case 'checkbox':
      return z.boolean();
    case 'email':
      return z.email();
    case 'url':
      return z.url({ protocol: /^https?$/ });
  }
}

const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** The metadata entries for `values`, or a validation error listing every field that is wrong. */
export function metadataFromTemplateFields(fields: TemplateField[], values: Record<string, unknown>): Record<string, unknown> {
  const issues: ErrorIssue[] = [];
  const metadata: Record<string, unknown> = {};
  const known = new Set(fields.map((field) => field.key));
  for (const key of Object.keys(values)) if (!known.has(key)) issues.push({ path: `fields.${key}`, message: 'this template has no such field' });
  for (const field of fields) {
    const value = values[field.key];
    if (isBlank(value) && field.type !== 'checkbox') {
      if (field.required) issues.push({ path: `fields.${field.key}`, message: `${field.label} is required` });
      continue;
    }
    if (field.type === 'checkbox' && value === undefined) {
      if (field.required) issues.push({ path: `fields.${field.key}`, message: `${field.label} must be checked` });
      continue;
    }
    const parsed = schemaFor(field).safeParse(value);
    if (!parsed.success) {
      issues.push({ path: `fields.${field.key}`, message: parsed.error.issues[0]?.message ?? 'invalid value' });
      continue;
    }
    if (field.type === 'checkbox' && field.required && parsed.data !== true) {
      issues.push({ path: `fields.${field.key}`, message: `${field.label} must be checked` });
      continue;
    }
    metadata[field.key] = parsed.data;
  }
  if (issues.length) throw new ApiError('validation_failed', 'Some fields are not filled in correctly.', { issues });
  return metadata;
}
