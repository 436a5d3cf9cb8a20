/**
 * Opaque keyset cursors: base64url JSON of the sort it belongs to and the last row's sort value
 * and id. A cursor from another sort or order, or one that was tampered with, is refused.
 */
import { ApiError } from '../errors.ts';

export interface KeysetPosition {
  sort: string;
  order: 'asc' | 'desc';
  /** The sort key of the last row, as PostgreSQL's text (full precision); null sorts last. */
  value: string;
  id: string;
}

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.order, position.value, position.id])).toString('base64url');
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string, expected: { sort: string; order: 'asc' | 'desc' }): KeysetPosition {
  const invalid = () => new ApiError('validation_failed', 'The cursor is not one this list gave out.', { issues: [{ path: 'cursor', message: 'unknown cursor' }] });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || !parsed.every((part) => typeof part === 'string')) throw invalid();
  const [sort, order, value, id] = parsed as [string, string, string, string];
  if (!uuid.test(id) || value.length > 64) throw invalid();
  if (sort !== expected.sort || order !== expected.order) {
    throw new ApiError('validation_failed', 'The cursor belongs to another sort order; start again without it.', { issues: [{ path: 'cursor', message: 'sort or order changed' }] });
  }
  return { sort, order, value, id };
}
