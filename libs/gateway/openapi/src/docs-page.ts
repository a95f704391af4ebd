/**
 * A self-contained HTML reference page generated from the OpenAPI document: no scripts, no
 * external resources, plain CSS. Sections: overview, authentication, errors, one section per tag
 * with every operation (method, path, scope, parameters, request body fields, responses), and the
 * schemas.
 */
import {
  isReference,
  type HttpMethod,
  type JsonSchema,
  type JsonSchemaObject,
  type OpenApiDocument,
  type OperationObject,
  type ParameterObject,
  type PathItemObject,
  type ReferenceObject,
  type ResponseObject,
} from './types';
import { SCHEMA_REF_PREFIX } from './schemas';

const METHOD_ORDER: HttpMethod[] = ['get', 'head', 'post', 'put', 'delete', 'options', 'patch', 'trace'];

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Inline markdown subset: `code` and **bold**; everything else is escaped text. */
function inline(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => {
      if (part.length >= 2 && part.startsWith('`') && part.endsWith('`')) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      return escapeHtml(part).replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
    })
    .join('');
}

/** Block markdown subset: paragraphs separated by blank lines, `- ` bullet lists. */
function markdown(text: string | undefined): string {
  if (!text) return '';
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.split('\n').filter((l) => l.trim() !== '');
      if (lines.length > 0 && lines.every((l) => /^\s*- /.test(l))) {
        return `<ul>${lines.map((l) => `<li>${inline(l.replace(/^\s*- /, ''))}</li>`).join('')}</ul>`;
      }
      return `<p>${inline(lines.join(' '))}</p>`;
    })
    .join('\n');
}

function anchor(kind: 'op' | 'tag' | 'schema', name: string): string {
  return `${kind}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

class Renderer {
  constructor(private readonly doc: OpenApiDocument) {}

  private schemaName(ref: string): string | null {
    return ref.startsWith(SCHEMA_REF_PREFIX) ? ref.slice(SCHEMA_REF_PREFIX.length) : null;
  }

  private resolveSchema(schema: JsonSchema | undefined): JsonSchemaObject | null {
    if (schema === undefined || typeof schema === 'boolean') return null;
    if (schema.$ref) {
      const name = this.schemaName(schema.$ref);
      const target = name ? this.doc.components.schemas[name] : undefined;
      if (target === undefined || typeof target === 'boolean') return null;
      return target;
    }
    return schema;
  }

  private resolveParameter(p: ParameterObject | ReferenceObject): ParameterObject {
    if (!isReference(p)) return p;
    return this.doc.components.parameters[p.$ref.split('/').pop()!]!;
  }

  private resolveResponse(r: ResponseObject | ReferenceObject): { response: ResponseObject; description: string } {
    if (!isReference(r)) return { response: r, description: r.description };
    const response = this.doc.components.responses[r.$ref.split('/').pop()!]!;
    return { response, description: r.description ?? response.description };
  }

  /** A short human label for a schema's type, with links to named schemas. */
  typeLabel(schema: JsonSchema | undefined): string {
    if (schema === undefined || schema === true) return 'any';
    if (schema === false) return 'must be absent';
    if (schema.$ref) {
      const name = this.schemaName(schema.$ref);
      return name ? `<a href="#${anchor('schema', name)}">${escapeHtml(name)}</a>` : escapeHtml(schema.$ref);
    }
    if (schema.not !== undefined && typeof schema.not === 'object' && Object.keys(schema.not).length === 0) return 'must be absent';
    if (schema.const !== undefined) return `<code>${escapeHtml(JSON.stringify(schema.const))}</code>`;
    const variants = schema.anyOf ?? schema.oneOf;
    if (variants) return variants.map((v) => this.typeLabel(v)).join(' | ');
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
    if (types.length === 0) return schema.enum ? 'string' : 'any';
    return types.map((t) => (t === 'array' ? `array of ${this.typeLabel(schema.items)}` : escapeHtml(t))).join(' | ');
  }

  constraints(schema: JsonSchema | undefined): string {
    if (schema === undefined || typeof schema === 'boolean') return '';
    const parts: string[] = [];
    const range = (min: unknown, max: unknown, unit: string) => {
      if (typeof min === 'number' && typeof max === 'number') parts.push(`${min}–${max}${unit}`);
      else if (typeof min === 'number') parts.push(`≥ ${min}${unit}`);
      else if (typeof max === 'number') parts.push(`≤ ${max}${unit}`);
    };
    range(schema.minLength, schema.maxLength, ' characters');
    range(schema.minimum, schema.maximum, '');
    range(schema.minItems, schema.maxItems, ' items');
    if (schema.enum) parts.push(`one of ${schema.enum.map((v) => `<code>${escapeHtml(String(v))}</code>`).join(', ')}`);
    if (schema.type === 'array' && typeof schema.items === 'object' && schema.items.enum) {
      parts.push(`each one of ${schema.items.enum.map((v) => `<code>${escapeHtml(String(v))}</code>`).join(', ')}`);
    }
    if (schema.format) parts.push(`format <code>${escapeHtml(schema.format)}</code>`);
    if (schema.default !== undefined) parts.push(`default <code>${escapeHtml(JSON.stringify(schema.default))}</code>`);
    return parts.join('; ');
  }

  /** Rows for the properties of an object schema, descending into nested objects and arrays of objects. */
  fieldRows(schema: JsonSchema | undefined, prefix = '', depth = 0): string[] {
    const resolved = this.resolveSchema(schema);
    if (!resolved?.properties || depth > 3) return [];
    const required = new Set(resolved.required ?? []);
    const rows: string[] = [];
    for (const [name, property] of Object.entries(resolved.properties)) {
      const path = `${prefix}${name}`;
      const description = typeof property === 'object' ? (property.description ?? this.resolveSchema(property)?.description) : undefined;
      rows.push(
        `<tr><td><code>${escapeHtml(path)}</code></td><td>${this.typeLabel(property)}</td><td>${required.has(name) ? 'yes' : 'no'}</td><td>${this.constraints(
          property,
        )}</td><td>${markdown(description)}</td></tr>`,
      );
      if (typeof property !== 'object') continue;
      const items = property.type === 'array' ? property.items : undefined;
      if (items !== undefined && this.resolveSchema(items)?.properties) rows.push(...this.fieldRows(items, `${path}[].`, depth + 1));
      else if (!property.$ref && property.properties) rows.push(...this.fieldRows(property, `${path}.`, depth + 1));
    }
    return rows;
  }

  fieldTable(schema: JsonSchema | undefined): string {
    const rows = this.fieldRows(schema);
    if (rows.length === 0) return '<p class="muted">No fields.</p>';
    return `<table><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Constraints</th><th>Description</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  }

  private errorCodes(schema: JsonSchema | undefined): string[] {
    if (schema === undefined || typeof schema === 'boolean') return [];
    const error = schema.properties?.['error'];
    if (typeof error !== 'object') return [];
    const code = error.properties?.['code'];
    return typeof code === 'object' && Array.isArray(code.enum) ? code.enum.map(String) : [];
  }

  private scope(operation: OperationObject): string {
    const scope = operation['x-required-scope'];
    if (scope) return `<code>${escapeHtml(scope)}</code>`;
    if (operation.security && operation.security.length === 0) return 'none (no API key)';
    return 'none (any valid API key)';
  }

  operation(path: string, method: HttpMethod, item: PathItemObject, operation: OperationObject): string {
    const out: string[] = [];
    out.push(`<article class="operation" id="${anchor('op', operation.operationId)}">`);
    out.push(`<h3><span class="method ${method}">${method.toUpperCase()}</span> <code class="path">${escapeHtml(path)}</code></h3>`);
    out.push(`<p class="summary">${inline(operation.summary)} <span class="muted">(<code>${escapeHtml(operation.operationId)}</code>)</span></p>`);
    out.push(`<p><strong>Scope:</strong> ${this.scope(operation)}</p>`);
    out.push(markdown(operation.description.replace(/\n\n\*\*Scope:\*\*[^\n]*$/, '')));

    const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => this.resolveParameter(p));
    if (parameters.length > 0) {
      out.push('<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Required</th><th>Description</th></tr></thead><tbody>');
      for (const p of parameters) {
        const constraints = this.constraints(p.schema);
        out.push(
          `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${this.typeLabel(p.schema)}${constraints ? `<br><span class="muted">${constraints}</span>` : ''}</td><td>${
            p.required ? 'yes' : 'no'
          }</td><td>${markdown(p.description)}</td></tr>`,
        );
      }
      out.push('</tbody></table>');
    }

    if (operation.requestBody) {
      const media = operation.requestBody.content['application/json'];
      out.push(`<h4>Request body <span class="muted">(application/json, ${operation.requestBody.required ? 'required' : 'optional'})</span></h4>`);
      out.push(markdown(operation.requestBody.description));
      const resolved = this.resolveSchema(media?.schema);
      if (media?.schema && typeof media.schema === 'object' && media.schema.$ref) out.push(`<p>Schema: ${this.typeLabel(media.schema)}. ${inline(resolved?.description ?? '')}</p>`);
      if (resolved?.properties) out.push(this.fieldTable(media?.schema));
      const example = media?.examples ? Object.values(media.examples)[0] : undefined;
      if (example) out.push(`<details><summary>Example</summary><pre>${escapeHtml(JSON.stringify(example.value, null, 2))}</pre></details>`);
    }

    out.push('<h4>Responses</h4><table><thead><tr><th>Status</th><th>Description</th><th>Error codes</th><th>Body</th><th>Headers</th></tr></thead><tbody>');
    for (const [status, ref] of Object.entries(operation.responses)) {
      const { response, description } = this.resolveResponse(ref);
      const schema = response.content?.['application/json']?.schema;
      const codes = this.errorCodes(schema);
      const body = schema === undefined ? '<span class="muted">none</span>' : this.bodyLabel(schema);
      const headers = Object.keys(response.headers ?? {})
        .filter((h) => h !== 'Cache-Control')
        .map((h) => `<code>${escapeHtml(h)}</code>`)
        .join(' ');
      out.push(
        `<tr><td class="status s${status.charAt(0)}">${escapeHtml(status)}</td><td>${markdown(description)}</td><td>${codes
          .map((c) => `<code>${escapeHtml(c)}</code>`)
          .join(' ')}</td><td>${body}</td><td>${headers}</td></tr>`,
      );
    }
    out.push('</tbody></table></article>');
    return out.join('\n');
  }

  private bodyLabel(schema: JsonSchema): string {
    if (typeof schema === 'object' && schema.$ref) return this.typeLabel({ $ref: schema.$ref });
    return this.typeLabel(schema);
  }

  operationsByTag(): Map<string, Array<{ path: string; method: HttpMethod; item: PathItemObject; operation: OperationObject }>> {
    const byTag = new Map<string, Array<{ path: string; method: HttpMethod; item: PathItemObject; operation: OperationObject }>>();
    for (const tag of this.doc.tags) byTag.set(tag.name, []);
    for (const [path, item] of Object.entries(this.doc.paths)) {
      for (const method of METHOD_ORDER) {
        const operation = item[method];
        if (!operation) continue;
        const tag = operation.tags[0] ?? 'Other';
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag)!.push({ path, method, item, operation });
      }
    }
    return byTag;
  }

  render(): string {
    const doc = this.doc;
    const byTag = this.operationsByTag();
    const toc: string[] = [];
    toc.push('<li><a href="#overview">Overview</a></li><li><a href="#authentication">Authentication</a></li><li><a href="#errors">Errors</a></li>');
    for (const [tag, ops] of byTag) {
      if (ops.length === 0) continue;
      toc.push(`<li><a href="#${anchor('tag', tag)}">${escapeHtml(tag)}</a><ul>`);
      for (const { path, method, operation } of ops) {
        toc.push(
          `<li><a href="#${anchor('op', operation.operationId)}"><span class="method ${method}">${method.toUpperCase()}</span> ${escapeHtml(
            path.replace(/^\/api\/integrations\/v1\//, ''),
          )}</a></li>`,
        );
      }
      toc.push('</ul></li>');
    }
    toc.push('<li><a href="#schemas">Schemas</a></li>');

    const main: string[] = [];
    main.push(`<section id="overview"><h2>Overview</h2>${markdown(doc.info.description)}`);
    main.push('<h3>Servers</h3><ul>');
    for (const server of doc.servers) {
      const vars = Object.entries(server.variables ?? {})
        .map(([name, v]) => `<code>{${escapeHtml(name)}}</code>: ${inline(v.description ?? '')} (e.g. <code>${escapeHtml(v.default)}</code>)`)
        .join('; ');
      main.push(`<li><code>${escapeHtml(server.url)}</code> — ${escapeHtml(server.description ?? '')}${vars ? ` — ${vars}` : ''}</li>`);
    }
    main.push('</ul></section>');

    main.push('<section id="authentication"><h2>Authentication</h2>');
    for (const [name, scheme] of Object.entries(doc.components.securitySchemes)) {
      main.push(`<p><strong>${escapeHtml(name)}</strong>: header <code>${escapeHtml(scheme.name)}</code>.</p>${markdown(scheme.description)}`);
    }
    main.push('<h3>Required scope per operation</h3><table><thead><tr><th>Operation</th><th>Scope</th></tr></thead><tbody>');
    for (const ops of byTag.values()) {
      for (const { path, method, operation } of ops) {
        main.push(
          `<tr><td><a href="#${anchor('op', operation.operationId)}"><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></a></td><td>${this.scope(
            operation,
          )}</td></tr>`,
        );
      }
    }
    main.push('</tbody></table></section>');

    main.push('<section id="errors"><h2>Errors</h2>');
    main.push(
      `<p>Every failed request is answered with an error envelope (${this.typeLabel({ $ref: `${SCHEMA_REF_PREFIX}ErrorEnvelope` })}); failures of the authentication layer use ${this.typeLabel({
        $ref: `${SCHEMA_REF_PREFIX}AuthErrorEnvelope`,
      })}, which adds <code>detail</code>. <code>request_id</code> equals the <code>X-Request-ID</code> response header.</p>`,
    );
    main.push(
      `<pre>${escapeHtml(
        JSON.stringify(
          { success: false, error: { code: 'NOT_FOUND', message: "Order 'ERP-9999' not found." }, request_id: '9b2f6c1e-8d4a-4f3b-a7e5-1c0d2b3a4f5e' },
          null,
          2,
        ),
      )}</pre>`,
    );
    main.push('<table><thead><tr><th>HTTP</th><th>Code</th><th>Meaning</th><th>Retry unchanged?</th></tr></thead><tbody>');
    for (const entry of doc['x-error-catalogue']) {
      main.push(
        `<tr><td class="status s${String(entry.status).charAt(0)}">${entry.status}</td><td><code>${escapeHtml(entry.code)}</code></td><td>${inline(entry.meaning)}</td><td>${inline(
          entry.retry,
        )}</td></tr>`,
      );
    }
    main.push('</tbody></table>');
    main.push('<h3>Field errors</h3>');
    main.push(markdown((doc.components.schemas['FieldErrors'] as JsonSchemaObject | undefined)?.description));
    main.push('<h3>Unknown paths and unsupported methods</h3>');
    const unmatched = doc['x-unmatched-responses'];
    const statusList = (group: Record<string, ReferenceObject>) =>
      Object.keys(group)
        .map((s) => `<code>${s}</code>`)
        .join(', ');
    main.push(
      `<p>A path under the base path that matches no route answers <code>404 NOT_FOUND</code>; a known path called with a method it does not support answers <code>405 METHOD_NOT_ALLOWED</code> with an <code>Allow</code> header. Both checks happen after authentication. Possible statuses: unknown path ${statusList(
        unmatched.unknownPath,
      )}; unsupported method ${statusList(unmatched.unsupportedMethod)}.</p>`,
    );
    main.push('</section>');

    for (const tag of doc.tags) {
      const ops = byTag.get(tag.name) ?? [];
      if (ops.length === 0) continue;
      main.push(`<section id="${anchor('tag', tag.name)}"><h2>${escapeHtml(tag.name)}</h2>${markdown(tag.description)}`);
      for (const { path, method, item, operation } of ops) main.push(this.operation(path, method, item, operation));
      main.push('</section>');
    }

    main.push('<section id="schemas"><h2>Schemas</h2>');
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      const resolved = typeof schema === 'object' ? schema : null;
      main.push(`<article class="schema" id="${anchor('schema', name)}"><h3>${escapeHtml(name)}</h3>${markdown(resolved?.description)}`);
      if (resolved?.properties) {
        main.push(resolved.additionalProperties === false ? '<p class="muted">Exactly these keys.</p>' : '');
        main.push(this.fieldTable(schema));
      } else if (resolved) {
        const constraints = this.constraints(resolved);
        main.push(`<p>Type: ${this.typeLabel(resolved)}${constraints ? ` — ${constraints}` : ''}</p>`);
      }
      main.push('</article>');
    }
    main.push('</section>');

    const title = escapeHtml(doc.info.title);
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — reference</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${title}</h1><p>Version ${escapeHtml(doc.info.version)} · OpenAPI ${escapeHtml(doc.openapi)} · ${inline(
      doc.info.summary ?? '',
    )} · <a href="${escapeHtml(Object.keys(doc.paths).find((p) => p.endsWith('openapi.json')) ?? 'openapi.json')}">openapi.json</a></p></header>
<div class="layout">
<nav aria-label="Contents"><h2>Contents</h2><ul>${toc.join('\n')}</ul></nav>
<main>
${main.join('\n')}
</main>
</div>
</body>
</html>
`;
  }
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328;background:#fff}
header{padding:16px 24px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
header h1{margin:0 0 4px;font-size:24px}
header p{margin:0;color:#57606a}
.layout{display:flex;align-items:flex-start}
nav{position:sticky;top:0;width:300px;flex:none;max-height:100vh;overflow:auto;padding:16px;border-right:1px solid #d0d7de;font-size:13px}
nav h2{font-size:14px;margin:0 0 8px}
nav ul{list-style:none;margin:0;padding-left:0}
nav ul ul{padding-left:10px;margin-bottom:8px}
nav li{margin:2px 0}
nav a{text-decoration:none;color:#0969da}
main{flex:1;min-width:0;padding:8px 32px 64px;max-width:1200px}
section{border-bottom:1px solid #eaeef2;padding-bottom:16px}
h2{font-size:22px;margin-top:32px}
h3{font-size:17px;margin:24px 0 8px}
h4{font-size:14px;margin:16px 0 6px;text-transform:uppercase;letter-spacing:.03em;color:#57606a}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;border-radius:4px;padding:1px 4px}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:12px;overflow:auto;font-size:12.5px}
table{border-collapse:collapse;width:100%;margin:8px 0 12px;font-size:13.5px}
th,td{border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td p{margin:0 0 4px}
.operation{border:1px solid #d0d7de;border-radius:8px;padding:4px 16px 8px;margin:16px 0}
.operation h3 code.path{font-size:15px;background:none}
.summary{font-weight:600;margin:4px 0}
.muted{color:#6e7781;font-weight:normal}
.method{display:inline-block;min-width:62px;text-align:center;border-radius:4px;padding:1px 6px;font:600 11.5px/1.6 ui-monospace,Menlo,Consolas,monospace;color:#fff;background:#6e7781}
.method.get{background:#1a7f37}.method.head{background:#4b8b5b}.method.post{background:#0969da}.method.put{background:#9a6700}.method.delete{background:#cf222e}.method.options{background:#6e7781}
.status{font-weight:600;white-space:nowrap}.status.s2{color:#1a7f37}.status.s4{color:#9a6700}.status.s5{color:#cf222e}
details summary{cursor:pointer;color:#0969da}
@media (max-width:900px){.layout{display:block}nav{position:static;width:auto;max-height:none;border-right:none;border-bottom:1px solid #d0d7de}main{padding:8px 16px}}
`;

/** Renders the human-readable reference page of the document (a complete HTML document). */
export function renderDocsPage(doc: OpenApiDocument): string {
  return new Renderer(doc).render();
}
