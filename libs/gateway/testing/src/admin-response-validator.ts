/**
 * Checks responses of the admin API (`/api/admin/v1/…`) against its OpenAPI document
 * (`buildAdminOpenApiDocument`): the status is documented for the operation (or is one every
 * operation may answer: 500, 503), and the body matches the schema of that status (a 204 and
 * HEAD have none). Test-only, like the integration API's validator.
 */
import { ADMIN_BASE_PATH, ADMIN_OPENAPI_PATH, matchAdminRoute } from '@datamingle/gateway-domain';
import type { ResponseToValidate, ResponseValidationResult } from './response-validator';

type AjvModule = typeof import('ajv/dist/2020');
type FormatsModule = typeof import('ajv-formats');
type Validate = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params?: unknown }> | null };

const ROOT_ID = 'urn:datamingle:admin-api:schemas';
const REF_PREFIX = '#/components/schemas/';

interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> } | unknown>>;
  components: { schemas: Record<string, unknown> };
}

function rewriteRefs<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX) ? `${ROOT_ID}#/$defs/${v.slice(REF_PREFIX.length)}` : v))) as T;
}

export interface AdminResponseValidator {
  validate(input: ResponseToValidate): ResponseValidationResult;
}

export function createAdminResponseValidator(doc: Record<string, unknown>): AdminResponseValidator {
  const d = doc as unknown as Doc;
  const Ajv2020 = (require('ajv/dist/2020') as AjvModule).default;
  const addFormats = (require('ajv-formats') as FormatsModule).default;
  const ajv = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addSchema(rewriteRefs({ $id: ROOT_ID, $defs: d.components.schemas }));
  const cache = new Map<string, Validate>();
  const compile = (schema: unknown): Validate => {
    const key = JSON.stringify(schema);
    let fn = cache.get(key);
    if (!fn) {
      fn = ajv.compile(rewriteRefs(schema as object)) as Validate;
      cache.set(key, fn);
    }
    return fn;
  };
  const errorSchema = { $ref: `${REF_PREFIX}Error` };

  return {
    validate(input) {
      const path = input.path.split('?', 1)[0]!;
      if (path !== ADMIN_BASE_PATH && !path.startsWith(`${ADMIN_BASE_PATH}/`)) return { ok: true, skipped: 'not an admin API path' };
      if (path === ADMIN_OPENAPI_PATH) return { ok: true, skipped: 'the document itself' };
      const method = input.method.toUpperCase();
      const raw = input.body;
      const text = raw === undefined || raw === null ? '' : typeof raw === 'string' ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : JSON.stringify(raw);
      if (method === 'HEAD' || method === 'OPTIONS') return text === '' ? { ok: true } : { ok: false, errors: [`${method} answered with a body`] };
      const match = matchAdminRoute(path);
      let schema: unknown = undefined;
      if (input.status >= 400) schema = errorSchema;
      else if (match.type === 'route') {
        const operation = d.paths[`${ADMIN_BASE_PATH}/${match.route.path}`]?.[method.toLowerCase()] as
          | { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }
          | undefined;
        const response = operation?.responses[String(input.status)];
        if (!response) return { ok: false, errors: [`status ${input.status} is not documented for ${method} ${match.route.path}`] };
        if (!response.content) return text === '' ? { ok: true } : { ok: false, errors: [`${input.status} is documented without a body`] };
        schema = response.content['application/json']!.schema;
      } else {
        return { ok: false, errors: [`${input.status} for a path the document does not list`] };
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return { ok: false, errors: ['the body is not JSON'] };
      }
      const validate = compile(schema);
      if (validate(body)) return { ok: true };
      return { ok: false, errors: (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'}: ${e.message ?? 'invalid'} ${JSON.stringify(e.params ?? {})}`) };
    },
  };
}
