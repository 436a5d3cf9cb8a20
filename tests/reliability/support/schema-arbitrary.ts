/**
 * Values shaped like an OpenAPI (JSON Schema) schema says, as fast-check arbitraries: the
 * "valid-shaped" half of the fuzz, which gets past validation into the routes' real work. UUIDs
 * are drawn from ids that exist (so a request can reach a real row) as often as from random ones.
 */
import fc from 'fast-check';
import type { JsonSchema } from './openapi-routes.ts';
import { hostileString } from './hostile-values.ts';

export interface SchemaContext {
  /** Ids of rows that exist, mixed into every uuid. */
  knownIds: () => string[];
  /** Objects carry their required keys and at most one optional one (more often valid as a whole). */
  sparse?: boolean;
}

const anyJson = fc.jsonValue({ maxDepth: 2 });

function stringFor(schema: JsonSchema, context: SchemaContext): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.oneof(fc.uuid(), fc.constant(null).map(() => context.knownIds()).chain((ids) => (ids.length ? fc.constantFrom(...ids) : fc.uuid())));
  if (schema.format === 'date-time') return fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === 'email') return fc.emailAddress();
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      // a pattern JavaScript cannot read: fall through to plain strings
    }
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, 40));
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ minLength, maxLength, unit: 'grapheme' }) },
    { weight: 1, arbitrary: hostileString.filter((s) => s.length >= minLength && (schema.maxLength === undefined || s.length <= schema.maxLength)) },
  );
}

export function arbitraryFor(schema: JsonSchema, context: SchemaContext, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 4) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants?.length) return fc.oneof(...variants.map((s) => arbitraryFor(s, context, depth + 1)));
  if (schema.allOf?.length) return arbitraryFor(Object.assign({}, ...schema.allOf) as JsonSchema, context, depth + 1);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => arbitraryFor({ ...schema, type }, context, depth + 1)));
  const nullable = schema.nullable ? (a: fc.Arbitrary<unknown>) => fc.option(a, { nil: null }) : (a: fc.Arbitrary<unknown>) => a;
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'string':
      return nullable(stringFor(schema, context));
    case 'integer':
      return nullable(fc.integer({ min: Math.max(schema.minimum ?? -1_000_000, -2_147_483_648), max: Math.min(schema.maximum ?? 1_000_000, 2_147_483_647) }));
    case 'number':
      return nullable(fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true }));
    case 'boolean':
      return nullable(fc.boolean());
    case 'array':
      return nullable(fc.array(arbitraryFor(schema.items ?? {}, context, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)) }));
    case 'object': {
      const properties = schema.properties ?? {};
      const required = (schema.required ?? []).filter((key) => key in properties);
      const model = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, arbitraryFor(value, context, depth + 1)]));
      const optional = Object.keys(properties).filter((key) => !required.includes(key));
      const known = context.sparse
        ? fc.subarray(optional, { maxLength: Math.min(1, optional.length) }).chain((chosen) => fc.record(Object.fromEntries([...required, ...chosen].map((key) => [key, model[key]!]))))
        : fc.record(model, { requiredKeys: required });
      if (schema.additionalProperties && Object.keys(properties).length === 0) {
        const values = typeof schema.additionalProperties === 'object' && Object.keys(schema.additionalProperties).length ? arbitraryFor(schema.additionalProperties, context, depth + 1) : anyJson;
        return nullable(fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), values, { maxKeys: 4 }));
      }
      return nullable(known.map((value) => ({ ...(value as object) })));
    }
    default:
      return anyJson;
  }
}
