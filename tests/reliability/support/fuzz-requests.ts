/**
 * Whole HTTP requests for one route, as a fast-check arbitrary: who sends it (each kind of
 * person, nobody, or a broken token), the method (now and then the wrong one), path parameters
 * (real ids, random ones, and segments that are not ids), the query, headers
 * (Content-Type, Idempotency-Key, If-Match, Range, If-None-Match), and the body: valid-shaped
 * from the route's schema, the same with one thing wrong, polluted with `__proto__`, garbage
 * JSON, or a multipart form (proper, or broken in one of the ways clients break them).
 */
import fc from 'fast-check';
import { png, rawMultipart, type RawPart } from '../../support/attachment-files.ts';
import { actors, type Actor, type FuzzWorld } from './fuzz-world.ts';
import { contentTypeHeader, deeplyNestedJson, entityTagHeader, garbageAuthorization, garbageJson, hostileQueryValue, hostileSegment, idempotencyKeyHeader, pollutingKeys, rangeHeader, wrongValue } from './hostile-values.ts';
import { pathParameterNames, type FuzzRoute, type JsonSchema } from './openapi-routes.ts';
import { arbitraryFor } from './schema-arbitrary.ts';

export interface FuzzRequest {
  method: string;
  /** Path and query, as sent (after /api/v1 for API routes). */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
  /** Who sent it and what kind of body, for reports. */
  summary: string;
}

/** Percent-encodes what can be encoded; leaves the rest (a lone surrogate) to the URL parser. */
function encode(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

function authorizationFor(world: FuzzWorld) {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...actors).map((actor) => ({ actor: actor as string, header: actor === 'anonymous' ? undefined : `Bearer ${world.tokens[actor]}` })) },
    { weight: 1, arbitrary: fc.constantFrom({ actor: 'expired', header: `Bearer ${world.expiredToken}` }, { actor: 'forged', header: `Bearer ${world.forgedToken}` }) },
    { weight: 1, arbitrary: garbageAuthorization.map((header) => ({ actor: 'garbage', header: header as string | undefined })) },
  );
}

function pathValue(name: string, route: FuzzRoute, world: FuzzWorld): fc.Arbitrary<string> {
  const schema = route.parameters.find((p) => p.in === 'path' && p.name === name)?.schema ?? {};
  const real = name === 'key' ? fc.constantFrom(world.metadataKey, 'new_key') : fc.constantFrom(...world.knownIds());
  return fc.oneof(
    { weight: 4, arbitrary: real.map(encode) },
    { weight: 1, arbitrary: arbitraryFor(schema, { knownIds: world.knownIds }).map(encode) },
    { weight: 3, arbitrary: hostileSegment },
  );
}

function queryFor(route: FuzzRoute, world: FuzzWorld): fc.Arbitrary<string> {
  const params = route.parameters.filter((p) => p.in === 'query');
  const pairs = params.map((p) =>
    fc.option(
      fc.oneof(
        { weight: 3, arbitrary: arbitraryFor(p.schema, { knownIds: world.knownIds }).map((v) => `${p.name}=${encode(v)}`) },
        { weight: 2, arbitrary: hostileQueryValue.map((v) => `${p.name}=${v}`) },
      ),
      { nil: undefined, freq: 2 },
    ),
  );
  const extras = fc.array(
    fc.oneof(
      fc.tuple(fc.constantFrom(...pollutingKeys, 'x', 'limit[]', 'status[0]', '', '%zz', 'q'), hostileQueryValue).map(([k, v]) => `${k}=${v}`),
      fc.constantFrom('limit=1&limit=2', 'cursor', '&&&', '=', 'a=%', 'q=%E0%A4%A'),
    ),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...pairs), extras).map(([chosen, more]) => {
    const parts = [...chosen.filter((p): p is string => p !== undefined), ...more];
    return parts.length ? `?${parts.join('&')}` : '';
  });
}

/** One thing wrong with an otherwise valid body. */
function mutated(valid: unknown, schema: JsonSchema): fc.Arbitrary<unknown> {
  const keys = Object.keys(schema.properties ?? {});
  if (!valid || typeof valid !== 'object' || Array.isArray(valid)) return wrongValue;
  return fc.oneof(
    keys.length ? fc.tuple(fc.constantFrom(...keys), wrongValue).map(([key, value]) => ({ ...valid, [key]: value })) : wrongValue,
    fc.constantFrom(...(keys.length ? keys : ['x'])).map((key) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key))),
    fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), wrongValue).map(([key, value]) => ({ ...valid, [key]: value })),
    fc.constant([valid]),
  );
}

/** An otherwise valid body with one field's value nested very deeply (written as text: no recursion here). */
function deepened(valid: unknown, schema: JsonSchema): fc.Arbitrary<string> {
  const keys = Object.keys(schema.properties ?? {});
  const base = valid && typeof valid === 'object' && !Array.isArray(valid) ? valid : {};
  return fc.tuple(fc.constantFrom(...(keys.length ? keys : ['value'])), deeplyNestedJson).map(([key, deep]) => JSON.stringify({ ...base, [key]: '\u0000deep' }).replace('"\\u0000deep"', deep));
}

/** Valid JSON text with `__proto__`/`constructor` keys a careless merge would follow. */
function polluted(valid: unknown): fc.Arbitrary<string> {
  return fc.constantFrom(...pollutingKeys).map((key) => {
    const poison = `"${key}":{"teamRole":"admin","isInternal":true,"polluted":true,"prototype":{"polluted":true}}`;
    const text = JSON.stringify(valid);
    return valid && typeof valid === 'object' && !Array.isArray(valid) && text !== '{}' ? `{${poison},${text.slice(1)}` : `{${poison}}`;
  });
}

const oddFilenames = fc.constantFrom('photo.png', '', '../../etc/passwd', 'a"b.png', 'x'.repeat(2000) + '.png', '\u202egnp.exe', 'CON', 'nul.txt', '.', 'f\u0000.png', 'ünïcödé 🎫.txt', 'a\\b.png', 'a/b.png');
const fileBytes = fc.oneof(fc.constant(png(2, 2)), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), fc.constant(Buffer.from('plain text\n')), fc.constant(Buffer.from('<html><script>alert(1)</script>')));

function multipartFor(schema: JsonSchema, world: FuzzWorld, breakable: boolean): fc.Arbitrary<Body> {
  const valid = arbitraryFor(schema, { knownIds: world.knownIds, sparse: !breakable });
  type FilePart = { name: string; filename: string; type: string | undefined; data: Buffer };
  const file: fc.Arbitrary<FilePart> = breakable
    ? fc.record<FilePart>({
        name: fc.constantFrom('files', 'files', 'file', 'files[]', 'title'),
        filename: oddFilenames,
        type: fc.option(fc.constantFrom('image/png', 'text/plain', 'text/html', 'application/octet-stream', 'image/svg+xml', 'garbage'), { nil: undefined }),
        data: fileBytes,
      })
    : fc.constantFrom<FilePart>(
        { name: 'files', filename: 'photo.png', type: 'image/png', data: png(3, 2) },
        { name: 'files', filename: 'notes.txt', type: 'text/plain', data: Buffer.from('line one\nline two\n') },
      );
  const breakage = breakable ? fc.constantFrom('none', 'no-boundary', 'wrong-boundary', 'truncated', 'duplicate-field', 'wrong-field', 'deep-field', 'empty') : fc.constant('none');
  return fc.tuple(valid, fc.array(file, { maxLength: 3 }), breakage, fc.nat()).map(([fields, files, broken, cut]) => {
    const parts: RawPart[] = Object.entries((fields as Record<string, unknown>) ?? {}).map(([name, value]) => ({ name, data: typeof value === 'string' ? value : JSON.stringify(value) ?? '' }));
    if (broken === 'duplicate-field' && parts[0]) parts.push({ ...parts[0] });
    if (broken === 'wrong-field') parts.push({ name: '__proto__', data: '{"polluted":true}' }, { name: 'unknown', data: 'x' });
    if (broken === 'deep-field') for (const name of ['metadata', 'fields', 'tagIds', 'isInternal']) parts.push({ name, data: '['.repeat(6_000) + ']'.repeat(6_000) });
    for (const f of files) parts.push({ name: f.name, filename: f.filename, ...(f.type ? { type: f.type } : {}), data: f.data });
    const { body, contentType } = rawMultipart(broken === 'empty' ? [] : parts, 'fuzzboundary');
    if (broken === 'no-boundary') return { body, contentType: 'multipart/form-data', kind: `multipart:${broken}` };
    if (broken === 'wrong-boundary') return { body, contentType: 'multipart/form-data; boundary=another', kind: `multipart:${broken}` };
    if (broken === 'truncated') return { body: body.subarray(0, cut % Math.max(1, body.length)), contentType, kind: `multipart:${broken}` };
    return { body, contentType, kind: `multipart:${broken}` };
  });
}

type Body = { kind: string; body?: Uint8Array | string; contentType?: string };

/**
 * Two kinds of request, mixed: well-formed ones (a real person, real ids, a valid-shaped body
 * with its own Content-Type, a fresh Idempotency-Key now and then) that reach the routes' work,
 * and hostile ones, where anything may be wrong at once.
 */
export function requestsFor(route: FuzzRoute, world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  return fc.oneof({ weight: 2, arbitrary: wellFormedRequest(route, world) }, { weight: 3, arbitrary: hostileRequest(route, world) });
}

function fillPath(route: FuzzRoute, values: string[]): string {
  return pathParameterNames(route.template).reduce((p, name, i) => p.replace(`{${name}}`, values[i]!), route.template);
}

function wellFormedRequest(route: FuzzRoute, world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const names = pathParameterNames(route.template);
  const wellFormedValue = (name: string): fc.Arbitrary<string> => {
    const schema = route.parameters.find((p) => p.in === 'path' && p.name === name)?.schema ?? {};
    if (name === 'key') return fc.constantFrom(world.metadataKey, 'new_key');
    if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...world.knownIds()), fc.uuid());
    return arbitraryFor(schema, { knownIds: world.knownIds }).map(encode);
  };
  const path = fc.tuple(...names.map(wellFormedValue)).map((values) => fillPath(route, values));
  const query = fc
    .tuple(...route.parameters.filter((p) => p.in === 'query').map((p) => fc.option(arbitraryFor(p.schema, { knownIds: world.knownIds, sparse: true }).map((v) => `${p.name}=${encode(v)}`), { nil: undefined, freq: 2 })))
    .map((pairs) => (pairs.some(Boolean) ? `?${pairs.filter(Boolean).join('&')}` : ''));
  const jsonSchema = route.bodies['application/json'];
  const formSchema = route.bodies['multipart/form-data'];
  const bodies: fc.Arbitrary<Body>[] = [];
  if (jsonSchema) bodies.push(arbitraryFor(jsonSchema, { knownIds: world.knownIds, sparse: true }).map((v) => ({ kind: 'valid', body: JSON.stringify(v), contentType: 'application/json' })));
  if (formSchema) bodies.push(multipartFor(formSchema, world, false));
  const body = bodies.length ? fc.oneof(...bodies) : fc.constant<Body>({ kind: 'none' });
  const wantsKey = route.parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key');
  // Reads sometimes ask for part of the answer, or only a changed one.
  const conditional = route.method === 'GET' ? fc.record({ range: fc.option(rangeHeader, { nil: undefined, freq: 3 }), ifNoneMatch: fc.option(entityTagHeader, { nil: undefined, freq: 5 }) }) : fc.constant({ range: undefined, ifNoneMatch: undefined });
  return fc.tuple(fc.constantFrom('customer', 'otherCustomer', 'agent', 'admin') as fc.Arbitrary<Actor>, path, query, body, fc.option(fc.uuid(), { nil: undefined }), conditional).map(([actor, pathname, search, chosen, key, asked]) => ({
    method: route.method,
    path: `${pathname}${search}`,
    headers: {
      ...(actor === 'anonymous' ? {} : { authorization: `Bearer ${world.tokens[actor]}` }),
      ...(chosen.contentType ? { 'content-type': chosen.contentType } : {}),
      ...(wantsKey && key ? { 'idempotency-key': key } : {}),
      ...(asked.range ? { range: asked.range } : {}),
      ...(asked.ifNoneMatch ? { 'if-none-match': asked.ifNoneMatch } : {}),
    },
    ...(chosen.body !== undefined ? { body: chosen.body } : {}),
    summary: `${route.method} ${pathname}${search.slice(0, 80)} as ${actor}, well-formed, body ${chosen.kind}`,
  }));
}

function hostileRequest(route: FuzzRoute, world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const names = pathParameterNames(route.template);
  const path = fc.tuple(...names.map((name) => pathValue(name, route, world))).map((values) => fillPath(route, values));
  const method = fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') });
  const jsonSchema = route.bodies['application/json'];
  const formSchema = route.bodies['multipart/form-data'];

  const bodies: { weight: number; arbitrary: fc.Arbitrary<Body> }[] = [
    { weight: jsonSchema ? 1 : 4, arbitrary: fc.constant({ kind: 'none' }) },
    { weight: 1, arbitrary: garbageJson.map((body) => ({ kind: 'garbage', body, contentType: 'application/json' })) },
  ];
  if (jsonSchema) {
    const valid = arbitraryFor(jsonSchema, { knownIds: world.knownIds });
    bodies.push(
      { weight: 2, arbitrary: valid.map((v) => ({ kind: 'valid', body: JSON.stringify(v), contentType: 'application/json' })) },
      { weight: 3, arbitrary: valid.chain((v) => mutated(v, jsonSchema)).map((v) => ({ kind: 'mutated', body: JSON.stringify(v) ?? '', contentType: 'application/json' })) },
      { weight: 1, arbitrary: valid.chain(polluted).map((body) => ({ kind: 'polluted', body, contentType: 'application/json' })) },
      { weight: 1, arbitrary: valid.chain((v) => deepened(v, jsonSchema)).map((body) => ({ kind: 'deeply nested', body, contentType: 'application/json' })) },
    );
  }
  if (formSchema) bodies.push({ weight: 3, arbitrary: multipartFor(formSchema, world, true) });

  const option = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 3 });
  const headers = fc.record({
    contentType: option(contentTypeHeader),
    idempotencyKey: option(idempotencyKeyHeader),
    ifMatch: option(entityTagHeader),
    ifNoneMatch: option(entityTagHeader),
    range: option(rangeHeader),
    ifRange: option(entityTagHeader),
  });

  return fc.tuple(authorizationFor(world), method, path, queryFor(route, world), fc.oneof(...bodies), headers).map(([auth, verb, pathname, query, body, extra]) => {
    const sent: Record<string, string> = {};
    if (auth.header !== undefined) sent.authorization = auth.header;
    // The Content-Type that fits the body, unless a wrong one was drawn.
    const contentType = extra.contentType ?? body.contentType;
    if (contentType) sent['content-type'] = contentType;
    if (extra.idempotencyKey !== undefined) sent['idempotency-key'] = extra.idempotencyKey;
    if (extra.ifMatch !== undefined) sent['if-match'] = extra.ifMatch;
    if (extra.ifNoneMatch !== undefined) sent['if-none-match'] = extra.ifNoneMatch;
    if (extra.range !== undefined) sent.range = extra.range;
    if (extra.ifRange !== undefined) sent['if-range'] = extra.ifRange;
    const canHaveBody = verb !== 'GET' && verb !== 'HEAD';
    return {
      method: verb,
      path: `${pathname}${query}`,
      headers: sent,
      ...(canHaveBody && body.body !== undefined ? { body: body.body } : {}),
      summary: `${verb} ${pathname.slice(0, 120)}${query.slice(0, 80)} as ${auth.actor}, body ${body.kind}`,
    };
  });
}
