/**
 * The API's timestamps (ISO 8601 in UTC with milliseconds, as Date#toISOString writes them) from
 * what PostgreSQL sends: a timestamptz as text ('2026-11-24 20:46:28.466907+00') or inside jsonb
 * ('2026-11-24T20:46:28.466907+00:00'). In UTC, the common case, the text is rewritten as it is,
 * with no Date parsed and none formatted (per listed ticket that was five of each, and the
 * parsing the costliest part of reading the list); any other offset goes through Date. Fractions
 * beyond milliseconds are cut, as Date does.
 */
const utcText = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(?:\+00(?::00)?|Z)$/;

export function isoTimestamp(value: string | Date): string {
  if (typeof value !== 'string') return value.toISOString();
  const utc = utcText.exec(value);
  if (!utc) return new Date(value).toISOString();
  const fraction = utc[3] ?? '';
  return `${utc[1]}T${utc[2]}.${fraction.length >= 3 ? fraction.slice(0, 3) : fraction.padEnd(3, '0')}Z`;
}

export function isoTimestampOrNull(value: string | Date | null): string | null {
  return value === null ? null : isoTimestamp(value);
}
