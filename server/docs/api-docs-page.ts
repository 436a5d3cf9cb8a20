/**
 * /api/v1/docs: the OpenAPI document rendered as one self-contained HTML page on the server (no
 * script, no CDN), so it works offline and under a strict Content-Security-Policy.
 */
import { randomBytes } from 'node:crypto';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Operation {
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Json }[];
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Json }> }>;
  security?: unknown[];
}
export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Json> };
}

const escape = (value: string) => value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const anchor = (name: string) => `schema-${name.replace(/[^A-Za-z0-9_-]/g, '')}`;

function schemaHtml(schema: Json | undefined): string {
  if (schema === undefined) return '';
  const text = JSON.stringify(schema, null, 2);
  // Turn $ref strings into links to the schema section below.
  return escape(text).replace(/&#34;#\/components\/schemas\/([A-Za-z0-9_-]+)&#34;/g, (_, name: string) => `<a href="#${anchor(name)}">${escape(name)}</a>`);
}

export function renderApiDocs(document: OpenApiDocument, openApiUrl: string): { html: string; nonce: string } {
  const nonce = randomBytes(16).toString('base64');
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const params = (op.parameters ?? [])
        .map((p) => `<li><code>${escape(p.name)}</code> <span class="in">${escape(p.in)}${p.required ? ', required' : ''}</span>${p.description ? ` — ${escape(p.description)}` : ''}</li>`)
        .join('');
      const body = Object.entries(op.requestBody?.content ?? {})
        .map(([type, media]) => `<h4>Body <code>${escape(type)}</code></h4><pre>${schemaHtml(media.schema)}</pre>`)
        .join('');
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => {
          const schema = Object.values(r.content ?? {})[0]?.schema;
          return `<li><b>${escape(status)}</b> ${escape(r.description ?? '')}${schema ? ` <pre>${schemaHtml(schema)}</pre>` : ''}</li>`;
        })
        .join('');
      return `<section class="op"><h3><span class="method ${escape(method)}">${escape(method.toUpperCase())}</span> <code>/api/v1${escape(path)}</code></h3>
<p>${escape(op.summary ?? '')}${op.security?.length ? ' <span class="auth">Bearer token</span>' : ' <span class="public">public</span>'}</p>
${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}${body}<h4>Responses</h4><ul>${responses}</ul></section>`;
    }),
  );
  const schemas = Object.entries(document.components?.schemas ?? {})
    .map(([name, schema]) => `<section id="${anchor(name)}"><h3>${escape(name)}</h3><pre>${schemaHtml(schema)}</pre></section>`)
    .join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(document.info.title)} — API</title><style nonce="${nonce}">
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 1.5rem;color:#1d2433}
code,pre{font:13px/1.45 ui-monospace,monospace}pre{background:#f5f7fa;padding:.6rem;border-radius:6px;overflow:auto;max-height:24rem}
.op{border-top:1px solid #e3e8ef;padding:.5rem 0}.method{display:inline-block;min-width:4.5rem;font-weight:700}
.get{color:#0a7a3e}.post{color:#1f5fbf}.patch{color:#9a5b00}.put{color:#6b3fb8}.delete{color:#b42318}
.auth,.public,.in{font-size:12px;color:#5b6577}h4{margin:.5rem 0 .2rem}</style></head><body>
<h1>${escape(document.info.title)} <small>v${escape(document.info.version)}</small></h1>
<p>${escape(document.info.description ?? '')}</p><p>Machine-readable: <a href="${escape(openApiUrl)}">${escape(openApiUrl)}</a>.
Errors always have the shape <code>{"error":{"code","message","issues"}}</code>.</p>
<h2>Operations</h2>${operations.join('')}<h2>Schemas</h2>${schemas}</body></html>`;
  return { html, nonce };
}
