import { z } from '@hono/zod-openapi';

export const uuidSchema = z.uuid({ message: 'must be a UUID' });
export const idParams = z.object({ id: uuidSchema.openapi({ param: { name: 'id', in: 'path' } }) });
export const isoDateTime = z.string().openapi({ format: 'date-time', example: '2026-11-24T12:00:00.000Z' });
/** Free text a person typed: trimmed, not empty, bounded. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
/** Any JSON value (metadata values are JSON). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
// A JSON body can only hold JSON values. (z.json() is recursive, which the OpenAPI generator cannot describe.)
export const jsonValue = z.custom<JsonValue>((value) => value !== undefined, 'a JSON value is required').openapi({
  description: 'any JSON value',
  type: ['string', 'number', 'boolean', 'object', 'array', 'null'],
});
export const limitParam = (max: number, fallback: number) =>
  z.coerce.number().int('must be a whole number').min(1).max(max).default(fallback).openapi({ param: { name: 'limit', in: 'query' }, example: fallback });
