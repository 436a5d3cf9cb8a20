/**
 * A multipart request's non-file fields, as the JSON body they stand for, so the same zod schema
 * validates both: each field once, as text; fields whose JSON value is not a string (objects,
 * arrays, booleans) are sent as JSON text; array fields may instead repeat.
 */
import { z } from '@hono/zod-openapi';
import { ApiError, issuesFromZod } from '../errors.ts';
import type { ErrorIssue } from '../errors.ts';
import { nestsDeeperThan, tooDeep } from '../http/json-depth.ts';

export interface FormShape {
  /** Fields whose value is JSON text (objects, arrays, booleans). */
  json?: readonly string[];
  /** Array fields that may also be sent as one field per element. */
  repeatable?: readonly string[];
}

export function formToBody(fields: Map<string, string[]>, shape: FormShape): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const issues: ErrorIssue[] = [];
  for (const [name, values] of fields) {
    const isJson = shape.json?.includes(name) ?? false;
    const repeatable = shape.repeatable?.includes(name) ?? false;
    if (repeatable && (values.length > 1 || !values[0]!.trimStart().startsWith('['))) {
      body[name] = values;
      continue;
    }
    if (values.length > 1) {
      issues.push({ path: name, message: 'sent more than once' });
      continue;
    }
    if (!isJson) {
      body[name] = values[0];
      continue;
    }
    if (nestsDeeperThan(values[0]!)) {
      issues.push(tooDeep(name).issues![0]!);
      continue;
    }
    try {
      body[name] = JSON.parse(values[0]!);
    } catch {
      issues.push({ path: name, message: 'must be JSON text in a multipart form' });
    }
  }
  if (issues.length) throw new ApiError('validation_failed', 'The request is not valid.', { issues });
  return body;
}

/** Parses the form's fields with the route's JSON body schema. */
export function parseFormBody<T extends z.ZodType>(schema: T, fields: Map<string, string[]>, shape: FormShape): z.infer<T> {
  const result = schema.safeParse(formToBody(fields, shape));
  if (!result.success) throw new ApiError('validation_failed', 'The request is not valid.', { issues: issuesFromZod(result.error as z.ZodError, 'form') });
  return result.data;
}
