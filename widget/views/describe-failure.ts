/** A failed request, said in the customer's language rather than as a status code. */
import type { FailureCode } from '../api/api-failure.ts';
import type { Strings } from '../i18n/strings.ts';

export function describeFailure(failure: { code: FailureCode; retryAfterSeconds?: number | undefined } | undefined, t: Strings): string {
  if (!failure) return t.errors.internal;
  if (failure.code === 'rate_limited') return t.errors.rate_limited(Math.max(1, Math.ceil((failure.retryAfterSeconds ?? 60) / 60)));
  return t.errors[failure.code];
}
