/**
 * The API's one error shape, `{"error": {"code", "message", "issues"?}}`, and the single place
 * that turns anything thrown into it. A client's mistake is never a 500; a 500 says nothing
 * about the code or the SQL behind it.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const errorStatus = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

export interface ErrorIssue {
  path: string;
  message: string;
}

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

export type ErrorBody = z.infer<typeof errorSchema>;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly issues: ErrorIssue[] | undefined;
  readonly headers: Record<string, string> | undefined;
  constructor(code: ErrorCode, message: string, options: { issues?: ErrorIssue[]; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = options.issues;
    this.headers = options.headers;
  }
  get status(): ContentfulStatusCode {
    return errorStatus[this.code];
  }
}

export const notFound = (what = 'That resource') => new ApiError('not_found', `${what} does not exist, or you may not see it.`);
export const forbidden = (message: string) => new ApiError('forbidden', message);
/** A reply's client-chosen id that another message has: from the insert's primary key, or found before files are recorded. */
export const messageIdTaken = () => new ApiError('conflict', 'A message with that id already exists.');

export function errorBody(code: ErrorCode, message: string, issues?: ErrorIssue[]): ErrorBody {
  return { error: issues?.length ? { code, message, issues } : { code, message } };
}

/**
 * Zod issues as the API's issues: `path` is the field's dotted path (`title`, `fields.email`,
 * `limit`), the same names the request used and the same as the issues routes raise themselves;
 * when the whole value is wrong, its source (`(body)`, `(query)`, ...).
 */
export function issuesFromZod(error: z.ZodError, source?: string): ErrorIssue[] {
  const whole = !source || source === 'json' || source === 'form' ? '(body)' : `(${source})`;
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    // An unknown field is named by its own path, one issue each.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'unknown field' }));
    return [{ path: path.join('.') || whole, message: issue.message }];
  });
}

const httpStatusCodes: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** The constraint a database error names (postgres.js: constraint_name; PGlite: constraint). */
function constraintOf(error: unknown): unknown {
  const fields = error as { constraint_name?: unknown; constraint?: unknown };
  return fields.constraint_name ?? fields.constraint;
}

/** What a database error means for the client, by SQLSTATE; undefined when it is our fault. */
function fromDatabaseError(error: unknown): ApiError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code === '42501') return new ApiError('forbidden', 'You may not make that change.');
      if (code === '23505') return constraintOf(current) === 'ticket_messages_pkey' ? messageIdTaken() : new ApiError('conflict', 'That already exists.');
      if (code === '23503') return new ApiError('validation_failed', 'That refers to something that does not exist.');
      if (code === '22P02' || code === '22007' || code === '22008' || code === '22023') return new ApiError('validation_failed', 'A value has the wrong format.');
      // Text PostgreSQL cannot store (a NUL character, say), and values out of a column's range.
      if (code === '22021' || code === '22P05') return new ApiError('validation_failed', 'A value contains characters that cannot be stored (such as NUL).');
      if (code === '22001' || code === '22003') return new ApiError('validation_failed', 'A value is out of range.');
      if (code === '57014' || code === '25P03') return new ApiError('unavailable', 'The database took too long; try again.', { headers: { 'Retry-After': '1' } });
      if (code === '40001' || code === '40P01') return new ApiError('conflict', 'That collided with a concurrent change; try again.');
      if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === 'CONNECTION_CLOSED' || code === 'CONNECTION_ENDED' || code === 'CONNECT_TIMEOUT' || code === 'ECONNREFUSED' || code === 'ECONNRESET') {
        return new ApiError('unavailable', 'The database is unavailable; try again shortly.', { headers: { 'Retry-After': '2' } });
      }
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Everything thrown, as an ApiError; unknown failures become `internal` (logged by the caller). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    const code = httpStatusCodes[error.status] ?? (error.status >= 500 ? 'internal' : 'validation_failed');
    const message = code === 'unsupported_media_type' ? 'Send the body as application/json (or multipart/form-data where files are accepted).' : error.message || code.replace('_', ' ');
    return new ApiError(code, message);
  }
  if (error instanceof SyntaxError) return new ApiError('validation_failed', 'The body is not valid JSON.');
  return fromDatabaseError(error) ?? new ApiError('internal', 'Something went wrong on our side. It has been logged.');
}

export function respondWithError(c: Context, error: ApiError): Response {
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  return c.json(errorBody(error.code, error.message, error.issues), error.status);
}
