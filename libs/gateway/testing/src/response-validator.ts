/**
 * Checks real responses against the OpenAPI document: finds the operation for a concrete request
 * (raw path, trailing-slash equivalence, `{identifier}` = one raw segment), then validates the
 * status, the JSON body (ajv, JSON Schema 2020-12, formats) and the documented headers.
 *
 * Test-only: the e2e tier checks every response with it (tools/jest/e2e-setup.ts). It lives in this
 * type:testing library so that the production gateway never loads it (nor ajv); ajv is still
 * loaded lazily, the first time a validator is created.
 */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { INTEGRATIONS_PREFIX, splitRawUrl } from '@datamingle/gateway-domain';
import {
  HTTP_METHODS,
  SCHEMA_REF_PREFIX,
  documentedMethods,
  isReference,
  type HeaderObject,
  type HttpMethod,
  type JsonSchema,
  type OpenApiDocument,
  type OperationObject,
  type PathItemObject,
  type ReferenceObject,
  type ResponseObject,
} from '@datamingle/gateway-openapi';

export interface ResponseToValidate {
  /** The request method (`GET`, `head`, …). */
  method: string;
  /** The request target as sent: raw path, possibly without the trailing slash, possibly with `?query`. */
  path: string;
  status: number;
  /**
   * The response body: its raw text (`string`, `Buffer`/`Uint8Array`), or an already parsed JSON
   * value. `undefined`, `null`, `''` and an empty buffer mean "no body".
   */
  body?: unknown;
  /** Response headers (any case). When given, documented headers are checked too. */
  headers?: Record<string, string | string[] | number | undefined>;
  /**
   * The response was produced for a partner key: records (`Order`, `OrderLine`, `Product`,
   * `Location`, `InventoryRecord`) use the partner's field names, so only their being objects is
   * checked; envelopes, pagination, summaries and errors are still checked strictly.
   */
  partnerMapped?: boolean;
}

export type ResponseValidationResult = { ok: true; skipped?: string } | { ok: false; errors: string[] };

export interface ResponseValidator {
  validate(response: ResponseToValidate): ResponseValidationResult;
}

/** Record schemas whose field names a partner mapping renames. */
const PARTNER_MAPPED_SCHEMAS = ['Order', 'OrderLine', 'Product', 'Location', 'InventoryRecord'];

const ROOT_ID = 'urn:datamingle:integration-api:schemas';

type AjvModule = typeof import('ajv/dist/2020');
type FormatsModule = typeof import('ajv-formats');
type AjvInstance = InstanceType<AjvModule['default']>;

function loadAjv(): AjvInstance {
  // Lazy on purpose (see the module comment).
  const Ajv2020 = (require('ajv/dist/2020') as AjvModule).default;
  const addFormats = (require('ajv-formats') as FormatsModule).default;
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

/** Deep copy with every `#/components/schemas/X` turned into an absolute ref into the `$defs` root. */
function rewriteRefs<T>(value: T, rootId: string): T {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) =>
      key === '$ref' && typeof v === 'string' && v.startsWith(SCHEMA_REF_PREFIX) ? `${rootId}#/$defs/${v.slice(SCHEMA_REF_PREFIX.length)}` : v,
    ),
  ) as T;
}

class SchemaSet {
  private readonly ajv: AjvInstance;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly rootId: string;

  constructor(doc: OpenApiDocument, partnerMapped: boolean) {
    this.ajv = loadAjv();
    this.rootId = partnerMapped ? `${ROOT_ID}:partner` : ROOT_ID;
    const defs: Record<string, JsonSchema> = { ...doc.components.schemas };
    if (partnerMapped) {
      for (const name of PARTNER_MAPPED_SCHEMAS) {
        if (name in defs) defs[name] = { type: 'object', description: 'Partner field names: not checked.' };
      }
    }
    this.ajv.addSchema(rewriteRefs({ $id: this.rootId, $defs: defs }, this.rootId));
  }

  compile(schema: JsonSchema): ValidateFunction {
    const key = JSON.stringify(schema);
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.ajv.compile(rewriteRefs(typeof schema === 'boolean' ? schema : { ...schema }, this.rootId));
      this.cache.set(key, fn);
    }
    return fn;
  }
}

function describeError(error: ErrorObject): string {
  const at = error.instancePath === '' ? '(root)' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  let extra = '';
  if (typeof params['additionalProperty'] === 'string') extra = `: '${params['additionalProperty']}'`;
  else if (Array.isArray(params['allowedValues'])) extra = `: ${JSON.stringify(params['allowedValues'])}`;
  else if ('allowedValue' in params) extra = `: ${JSON.stringify(params['allowedValue'])}`;
  return `${at} ${error.message ?? 'is invalid'}${extra}`;
}

interface PathTemplate {
  template: string;
  item: PathItemObject;
  pattern: RegExp;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `/a/{identifier}/` → `^/a/[^/]+/?$` (a single trailing slash is optional). */
function templatePattern(template: string): RegExp {
  const withoutSlash = template.endsWith('/') ? template.slice(0, -1) : template;
  const parts = withoutSlash.split(/(\{[^}]+\})/).map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : escapeRegExp(part)));
  return new RegExp(`^${parts.join('')}/?$`);
}

function headerLookup(headers: NonNullable<ResponseToValidate['headers']>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }
  return undefined;
}

type BodyReading = { present: false } | { present: true; json: true; value: unknown } | { present: true; json: false; text: string };

function readBody(body: unknown): BodyReading {
  if (body === undefined || body === null) return { present: false };
  let text: string | null = null;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = Buffer.from(body).toString('utf8');
  if (text === null) return { present: true, json: true, value: body };
  if (text.length === 0) return { present: false };
  try {
    return { present: true, json: true, value: JSON.parse(text) as unknown };
  } catch {
    return { present: true, json: false, text };
  }
}

/** Creates a validator for responses of the API the document describes. Schemas are compiled once. */
export function createResponseValidator(doc: OpenApiDocument): ResponseValidator {
  const templates: PathTemplate[] = Object.entries(doc.paths).map(([template, item]) => ({ template, item, pattern: templatePattern(template) }));
  const schemaSets = new Map<boolean, SchemaSet>();
  const schemaSet = (partner: boolean): SchemaSet => {
    let set = schemaSets.get(partner);
    if (!set) {
      set = new SchemaSet(doc, partner);
      schemaSets.set(partner, set);
    }
    return set;
  };

  const resolveResponse = (response: ResponseObject | ReferenceObject): ResponseObject => {
    if (!isReference(response)) return response;
    const name = response.$ref.replace('#/components/responses/', '');
    const resolved = doc.components.responses[name];
    if (!resolved) throw new Error(`Unresolvable response reference ${response.$ref}`);
    return resolved;
  };
  const resolveHeader = (header: HeaderObject | ReferenceObject): HeaderObject => {
    if (!isReference(header)) return header;
    const resolved = doc.components.headers[header.$ref.replace('#/components/headers/', '')];
    if (!resolved) throw new Error(`Unresolvable header reference ${header.$ref}`);
    return resolved;
  };

  const compileResponse = (set: SchemaSet, response: ResponseObject): void => {
    const schema = response.content?.['application/json']?.schema;
    if (schema !== undefined) set.compile(schema);
    for (const header of Object.values(response.headers ?? {})) set.compile(resolveHeader(header).schema);
  };

  // Compile everything up front: a broken schema fails here, not in the middle of a test run.
  const strict = schemaSet(false);
  for (const { item } of templates) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation) for (const response of Object.values(operation.responses)) compileResponse(strict, resolveResponse(response));
    }
  }
  for (const group of Object.values(doc['x-unmatched-responses'])) {
    for (const response of Object.values(group)) compileResponse(strict, resolveResponse(response));
  }

  function validate(input: ResponseToValidate): ResponseValidationResult {
    const { path } = splitRawUrl(input.path);
    if (path !== INTEGRATIONS_PREFIX && !path.startsWith(`${INTEGRATIONS_PREFIX}/`)) {
      return { ok: true, skipped: `${path} is outside the integration API` };
    }
    const method = input.method.toUpperCase();
    const errors: string[] = [];
    const matched = templates.find((t) => t.pattern.test(path));

    let label: string;
    let responses: Record<string, ResponseObject | ReferenceObject>;
    let bodiless = method === 'HEAD';
    if (!matched) {
      label = `${method} ${path} (unknown path)`;
      responses = doc['x-unmatched-responses'].unknownPath;
    } else {
      const lower = method.toLowerCase() as HttpMethod;
      let operation: OperationObject | undefined = HTTP_METHODS.includes(lower) ? matched.item[lower] : undefined;
      if (!operation && method === 'HEAD' && matched.item.get) operation = matched.item.get;
      label = `${method} ${matched.template}`;
      if (operation) {
        responses = operation.responses;
      } else {
        label += ' (unsupported method)';
        responses = doc['x-unmatched-responses'].unsupportedMethod;
      }
    }

    const documented = responses[String(input.status)] ?? responses['default'];
    if (!documented) {
      return { ok: false, errors: [`${label}: status ${input.status} is not documented (documented: ${Object.keys(responses).join(', ')})`] };
    }
    const response = resolveResponse(documented);
    const set = schemaSet(input.partnerMapped === true);
    const schema = response.content?.['application/json']?.schema;
    if (schema === undefined) bodiless = true;
    if (input.status === 204) bodiless = true;

    const body = readBody(input.body);
    if (bodiless) {
      if (body.present) errors.push(`${label} → ${input.status}: expected no body, got ${JSON.stringify(body.json ? body.value : body.text).slice(0, 200)}`);
    } else if (!body.present) {
      errors.push(`${label} → ${input.status}: expected a JSON body, got none`);
    } else if (!body.json) {
      errors.push(`${label} → ${input.status}: body is not JSON: ${body.text.slice(0, 200)}`);
    } else {
      const check = set.compile(schema!);
      if (!check(body.value)) {
        for (const error of check.errors ?? []) errors.push(`${label} → ${input.status}: body ${describeError(error)}`);
      }
    }

    if (input.headers) {
      const headers = input.headers;
      for (const [name, ref] of Object.entries(response.headers ?? {})) {
        const header = resolveHeader(ref);
        const value = headerLookup(headers, name);
        if (value === undefined) {
          if (header.required) errors.push(`${label} → ${input.status}: missing header ${name}`);
          continue;
        }
        const headerSchema = header.schema;
        const isInteger = typeof headerSchema === 'object' && headerSchema.type === 'integer';
        let headerValue: unknown = value;
        if (isInteger) headerValue = /^[0-9]+$/.test(value.trim()) ? Number(value.trim()) : value;
        const check = set.compile(headerSchema);
        if (!check(headerValue)) errors.push(`${label} → ${input.status}: header ${name}: ${JSON.stringify(value)} ${check.errors?.map((e) => e.message).join('; ') ?? 'is invalid'}`);
      }
      if (!bodiless && body.present) {
        const contentType = headerLookup(headers, 'content-type');
        if (contentType === undefined || !/^application\/json\s*(;|$)/i.test(contentType)) {
          errors.push(`${label} → ${input.status}: Content-Type ${JSON.stringify(contentType ?? null)} is not application/json`);
        }
      }
      // Error bodies repeat the X-Request-ID header (errors.md §1).
      const requestIdHeader = headerLookup(headers, 'x-request-id');
      if (body.present && body.json && typeof body.value === 'object' && body.value !== null && 'request_id' in body.value) {
        const requestId = (body.value as { request_id: unknown }).request_id;
        if (requestIdHeader !== undefined && requestId !== requestIdHeader) {
          errors.push(`${label} → ${input.status}: request_id ${JSON.stringify(requestId)} differs from X-Request-ID ${JSON.stringify(requestIdHeader)}`);
        }
      }
      // `Allow` names exactly the route's methods (405 and OPTIONS).
      const allow = headerLookup(headers, 'allow');
      if (matched && allow !== undefined && (input.status === 405 || input.status === 204)) {
        const expected = documentedMethods(matched.item).sort();
        const actual = allow
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean)
          .sort();
        if (expected.join(',') !== actual.join(',')) errors.push(`${label} → ${input.status}: Allow ${JSON.stringify(allow)} should list ${expected.join(', ')}`);
      }
    }

    return errors.length === 0 ? { ok: true } : { ok: false, errors };
  }

  return { validate };
}
