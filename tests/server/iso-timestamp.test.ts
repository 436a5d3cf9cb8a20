/** isoTimestamp: PostgreSQL's timestamptz text rewritten as the API's ISO 8601, exactly as Date would write it. */
import { describe, expect, it } from 'vitest';
import { isoTimestamp, isoTimestampOrNull } from '../../server/tickets/iso-timestamp.ts';

describe('isoTimestamp', () => {
  it('rewrites UTC text as ISO 8601 with milliseconds, cutting finer fractions as Date does', () => {
    expect(isoTimestamp('2026-11-24 20:46:28.466907+00')).toBe('2026-11-24T20:46:28.466Z');
    expect(isoTimestamp('2026-11-24 20:46:28.4+00')).toBe('2026-11-24T20:46:28.400Z');
    expect(isoTimestamp('2026-11-24 20:46:28+00')).toBe('2026-11-24T20:46:28.000Z');
    expect(isoTimestamp('2026-11-24T20:46:28.466907+00:00')).toBe('2026-11-24T20:46:28.466Z');
    expect(isoTimestamp('2026-11-24T20:46:28.466Z')).toBe('2026-11-24T20:46:28.466Z');
  });

  it('converts any other offset to UTC through Date', () => {
    expect(isoTimestamp('2026-11-24 20:46:28.5+05:30')).toBe('2026-11-24T15:16:28.500Z');
    expect(isoTimestamp('2026-01-01 00:30:00-01')).toBe('2026-01-01T01:30:00.000Z');
  });

  it('agrees with Date on every fraction length and many instants', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let i = 0; i < 2000; i++) {
      const ms = Date.UTC(2000, 0, 1) + (next() % 1_000_000) * 1_000_000 + (next() % 1000);
      const [date, time] = new Date(ms).toISOString().slice(0, 19).split('T');
      const fraction = String(next() % 1_000_000).padStart(6, '0').slice(0, 1 + (i % 6)).replace(/0+$/, '');
      const text = `${date} ${time}${fraction ? `.${fraction}` : ''}+00`;
      expect(isoTimestamp(text), text).toBe(new Date(text).toISOString());
    }
  });

  it('takes Dates (drivers that parse timestamps themselves) and null', () => {
    expect(isoTimestamp(new Date('2026-11-24T20:46:28.466Z'))).toBe('2026-11-24T20:46:28.466Z');
    expect(isoTimestampOrNull(null)).toBeNull();
  });
});
