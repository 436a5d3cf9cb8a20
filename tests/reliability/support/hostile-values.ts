/**
 * The other half of the fuzz: what a careless or hostile client sends. Strings that break
 * naive code (NUL, lone surrogates, bidi overrides, SQL, very long), values of the wrong type,
 * numbers past every limit, JSON that is not JSON, objects carrying `__proto__`/`constructor`,
 * path segments that are not ids (encoded slashes, broken escapes), and header values of every
 * odd kind a proxy or a bug could produce.
 */
import fc from 'fast-check';

export const hostileString = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202egnp.exe',
  '\ufeff',
  '🎫🧵👩🏽‍💻',
  'ﷺ'.repeat(50),
  "'; drop table tickets; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '%',
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  'null',
  'NaN',
  '1e999',
  '-1',
  '0x10',
  'x'.repeat(70_000),
  '\r\nSet-Cookie: a=b',
);

export const hugeNumber = fc.constantFrom(1e308, -1e308, 2 ** 53 + 2, -(2 ** 63), 2 ** 64, 1e21, -0, 0.1, 1.5, 4294967296, -2147483649);

/** Any JSON value of a type a field probably does not expect. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hugeNumber,
  fc.boolean(),
  fc.constant(null),
  fc.integer(),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

/** Keys that pollute a prototype when code merges objects carelessly. */
export const pollutingKeys = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString'] as const;

/** JSON text nested far deeper than any field needs (code that recurses over values runs out of stack). */
export const deeplyNestedJson = fc.constantFrom(
  '['.repeat(100) + ']'.repeat(100),
  '['.repeat(6_000) + ']'.repeat(6_000),
  '{"a":'.repeat(20_000) + 'null' + '}'.repeat(20_000),
  '[{"a":'.repeat(3_000) + '1' + '}]'.repeat(3_000),
);

/** JSON text that is broken, or valid but of the wrong shape. */
export const garbageJson = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '{"a":',
    '[]',
    'null',
    '"a string"',
    '123',
    'true',
    '\ufeff{}',
    '{"title":"x","title":1}',
    'undefined',
    "{'single':'quotes'}",
    '{"a":1}garbage',
    '[' .repeat(20_000) + ']'.repeat(20_000),
    '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
    '{"__proto__":{"isAdmin":true,"teamRole":"admin"}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    `{"n":${'9'.repeat(400)}}`,
    '{"n":1e400}',
    '\u0000',
  ),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

/** A path segment that is not a plain id. */
export const hostileSegment = fc.oneof(
  fc.constantFrom(
    'not-a-uuid',
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    '6b1f5f3e-5c1a-4f8e-9a51-3f3f1f0e9d1',
    '6b1f5f3e-5c1a-4f8e-9a51-3f3f1f0e9d11x',
    '%2F',
    'a%2Fb',
    '..%2F..%2Fopenapi.json',
    '%2e%2e',
    '%00',
    '%',
    '%zz',
    '%E0%A4%A',
    '%C0%AF',
    '%F0%9F%8E%AB',
    '%20',
    '%0d%0a',
    'x'.repeat(5_000),
    '%ff'.repeat(300),
    '__proto__',
    'constructor',
    '0',
    '-1',
    '1e99',
    'null',
  ),
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.uuid().map((id) => id.toUpperCase()),
);

/** A query string value, raw (already encoded, or deliberately not). */
export const hostileQueryValue = fc.oneof(
  hostileSegment,
  fc.constantFrom('', '0', '-5', '1.5', '101', '99999999999999999999', 'true', '[]', '{}', 'open,,closed', 'open,nope', 'ASC', 'me,unassigned'),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
);

export const contentTypeHeader = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary="unterminated',
  'multipart/mixed; boundary=x',
  'application/octet-stream',
  '*/*',
  'garbage',
  ';;;',
  'application/json, text/plain',
);

export const idempotencyKeyHeader = fc.oneof(
  fc.uuid(),
  fc.constantFrom('', ' ', 'same-key-for-everything', 'x'.repeat(255), 'x'.repeat(256), 'ä', 'key with spaces', '\t', 'a,b', '"quoted"'),
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
);

export const rangeHeader = fc.constantFrom('bytes=0-0', 'bytes=0-', 'bytes=-1', 'bytes=5-2', 'bytes=0-999999999999', 'bytes=a-b', 'items=0-1', 'bytes=0-1,2-3', 'bytes=99999999999999999999-', 'bytes=', 'bytes=-0', 'garbage');

export const entityTagHeader = fc.constantFrom('*', '"abc"', 'W/"abc"', '"', 'garbage', '"' + 'a'.repeat(1000) + '"', '2026-01-01T00:00:00.000Z', '"2026-01-01T00:00:00.000Z"', '"not a date"', '', 'W/', '"a", "b"');

/** What stands in the Authorization header when it is not a valid token. */
export const garbageAuthorization = fc.constantFrom('Bearer', 'Bearer ', 'Bearer garbage', 'Bearer a.b.c', 'Basic dXNlcjpwYXNz', 'bearer', 'Bearer ' + 'x'.repeat(10_000), 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'Token abc', 'Bearer \u00ff');
