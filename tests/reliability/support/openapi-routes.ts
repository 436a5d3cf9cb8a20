/**
 * The routes to fuzz, read from the live OpenAPI document (`/api/v1/openapi.json`) so a route
 * added tomorrow is fuzzed without touching the fuzzer: each operation's method, path template,
 * parameters and request body schemas (with `$ref`s resolved against the document).
 */

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  default?: unknown;
  $ref?: string;
};

export interface RouteParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonSchema;
}

export interface FuzzRoute {
  method: string;
  /** With `{name}` placeholders, relative to /api/v1. */
  template: string;
  parameters: RouteParameter[];
  /** Request body schemas by content type (application/json, multipart/form-data). */
  bodies: Record<string, JsonSchema>;
  /** Whether the operation declares no security (public). */
  public: boolean;
}

type OpenApiDocument = {
  paths: Record<string, Record<string, { parameters?: RouteParameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> }; security?: unknown[] }>>;
  components?: { schemas?: Record<string, JsonSchema> };
};

/** Replaces `$ref`s by what they point at (the document's schemas are not recursive). */
function resolve(schema: JsonSchema | undefined, document: OpenApiDocument, depth = 0): JsonSchema {
  if (!schema || depth > 20) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(document.components?.schemas?.[name], document, depth + 1);
  }
  const out: JsonSchema = { ...schema };
  if (schema.items) out.items = resolve(schema.items, document, depth + 1);
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, document, depth + 1)]));
  if (typeof schema.additionalProperties === 'object') out.additionalProperties = resolve(schema.additionalProperties, document, depth + 1);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (schema[key]) out[key] = schema[key]!.map((s) => resolve(s, document, depth + 1));
  return out;
}

export function routesFromOpenApi(document: unknown): FuzzRoute[] {
  const doc = document as OpenApiDocument;
  const routes: FuzzRoute[] = [];
  for (const [template, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const bodies: Record<string, JsonSchema> = {};
      for (const [type, content] of Object.entries(operation.requestBody?.content ?? {})) bodies[type] = resolve(content.schema, doc);
      routes.push({
        method: method.toUpperCase(),
        template,
        parameters: (operation.parameters ?? []).map((p) => ({ ...p, required: Boolean(p.required), schema: resolve(p.schema, doc) })),
        bodies,
        public: !operation.security || operation.security.length === 0,
      });
    }
  }
  return routes;
}

/** The path parameters' names, in order: `/tickets/{id}/tags/{tagId}` → ['id', 'tagId']. */
export function pathParameterNames(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}
