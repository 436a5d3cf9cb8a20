/** A request that did not succeed, in the API's terms: a code to explain in words, and per-field issues. */
import type { ApiIssue } from './types.ts';

export type FailureCode =
  | 'network'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

const knownCodes = new Set<string>(['validation_failed', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'unavailable', 'internal']);

export class ApiFailure extends Error {
  readonly status: number;
  readonly code: FailureCode;
  readonly issues: ApiIssue[];
  /** From Retry-After, when the server sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, code: FailureCode, message: string, issues: ApiIssue[] = [], retryAfterSeconds?: number) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
    this.issues = issues;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * Worth sending again as it is, later: the request may never have arrived, the server was
   * busy, or the token expired (the host page gives a new one and the reply goes then).
   */
  get transient(): boolean {
    return this.code === 'network' || this.code === 'unauthorized' || this.code === 'unavailable' || this.code === 'internal' || this.code === 'rate_limited' || this.status === 408 || this.status >= 502 ||
      // A duplicate of a request still in flight: its first copy will answer.
      (this.code === 'conflict' && /still being processed/i.test(this.message));
  }
}

export const networkFailure = (cause?: unknown) => new ApiFailure(0, 'network', cause instanceof Error ? cause.message : 'The request got no answer.');

/** Reads a failed response (any body: a proxy's HTML page becomes `internal`/`unavailable`). */
export function failureFrom(status: number, bodyText: string, retryAfter: string | null): ApiFailure {
  let error: { code?: string; message?: string; issues?: ApiIssue[] } | undefined;
  try {
    error = (JSON.parse(bodyText) as { error?: typeof error }).error;
  } catch {
    error = undefined;
  }
  const fallback: FailureCode = status === 429 ? 'rate_limited' : status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : status >= 500 ? (status === 500 ? 'internal' : 'unavailable') : 'validation_failed';
  const code = error?.code && knownCodes.has(error.code) ? (error.code as FailureCode) : fallback;
  const seconds = retryAfter === null ? undefined : Number(retryAfter);
  return new ApiFailure(status, code, error?.message ?? `HTTP ${status}`, error?.issues ?? [], seconds !== undefined && Number.isFinite(seconds) ? seconds : undefined);
}
