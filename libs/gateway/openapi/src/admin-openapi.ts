/**
 * The OpenAPI 3.1 document of the admin API (admin.md), built from its route table
 * (`ADMIN_ROUTES` of gateway-domain) and the schemas below. Served at
 * `GET /api/admin/v1/openapi.json` (no session) and listed on the API reference page.
 */
import {
  ADMIN_BASE_PATH,
  ADMIN_MAX_BODY_BYTES,
  ADMIN_MESSAGES,
  ADMIN_ROUTES,
  allowedMethods,
  IDENTIFIER_FIELD_MAX_LENGTH,
  LOG_ACTIONS,
  LOG_RESOURCES,
  LOG_STATUSES,
  MAPPING_RESOURCE_NAMES,
  PARTNER_TEMPLATE_SLUGS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  SESSION_COOKIE,
  type AdminOperation,
} from '@datamingle/gateway-domain';
import { DATETIME_PATTERN, REQUEST_ID_SCHEMA_PATTERN, UUID_PATTERN } from './schemas';
import type { JsonSchemaObject } from './types';

type Schema = JsonSchemaObject;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const datetime: Schema = { type: 'string', pattern: DATETIME_PATTERN };
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const uuid: Schema = { type: 'string', pattern: UUID_PATTERN };
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({ type: 'object', properties, required, additionalProperties: false });

const API_KEY_PROPERTIES: Record<string, Schema> = {
  id: uuid,
  name: { type: 'string', minLength: 1, maxLength: 255 },
  prefix: { type: 'string' },
  scopes: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 50 },
  partner: nullable(uuid),
  expires_at: nullable(datetime),
  is_active: { type: 'boolean' },
  rate_limit_per_second: nullable({ type: 'integer', minimum: 1, maximum: 10_000 }),
  created_at: datetime,
  last_used_at: nullable(datetime),
};
const { id: keyId, name: keyName, ...keyRest } = API_KEY_PROPERTIES;
const IDENTIFIER_FIELD: Schema = { type: 'string', minLength: 1, maxLength: IDENTIFIER_FIELD_MAX_LENGTH, pattern: '^[a-z][a-z0-9_]*$' };

/** A path of custom-integrations.md §3 (the `path` of the §2.3 schema). */
const MAPPING_PATH: Schema = { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^.\\[\\]]+(\\[(0|[1-9][0-9]{0,2})\\])*(\\.[^.\\[\\]]+(\\[(0|[1-9][0-9]{0,2})\\])*)*$' };
const FIELD_MAP: Schema = { type: 'object', maxProperties: 500, propertyNames: MAPPING_PATH, additionalProperties: MAPPING_PATH, description: 'source path (partner shape) → target path (internal shape)' };
const MAPPING_RULES: Record<string, Schema> = {
  identifier_field: nullable({ type: 'string', enum: ['order_number', 'external_order_id', 'sku', 'code'] }),
  field_map: FIELD_MAP,
  nested_mappings: { type: 'array', maxItems: 1, items: obj({ source: MAPPING_PATH, target: { type: 'string', enum: ['items', 'inventory'] }, field_map: FIELD_MAP }) },
  static_values: { type: 'object', maxProperties: 100, propertyNames: MAPPING_PATH, description: 'target path → constant JSON value (create bodies only)' },
};
const RESOURCE: Schema = { type: 'string', enum: [...MAPPING_RESOURCE_NAMES] };

/** integration-logs.md §2: an entry without the three payloads (the list) and the whole entry (the item). */
const INTEGRATION_LOG_SUMMARY: Record<string, Schema> = {
  id: uuid,
  created_at: datetime,
  request_id: { type: 'string' },
  partner: nullable(obj({ id: uuid, name: { type: 'string' } })),
  api_key: obj({ id: uuid, name: { type: 'string' } }),
  resource: nullable({ type: 'string', enum: [...LOG_RESOURCES] }),
  action: nullable({ type: 'string', enum: [...LOG_ACTIONS] }),
  identifier: nullable({ type: 'string' }),
  method: { type: 'string' },
  path: { type: 'string' },
  query_string: { type: 'string' },
  http_status: { type: 'integer', minimum: 100, maximum: 599 },
  status: { type: 'string', enum: [...LOG_STATUSES], description: 'integration-logs.md §3 (new values may be added within v1)' },
  error_code: nullable({ type: 'string' }),
  error_message: nullable({ type: 'string' }),
  internal_id: nullable(uuid),
  duration_ms: { type: 'integer', minimum: 0 },
  shortened_fields: { type: 'array', items: { type: 'string', enum: ['raw_payload', 'mapped_payload', 'response_body'] } },
};
const { http_status: logHttpStatus, status: logStatus, error_code: logErrorCode, error_message: logErrorMessage, internal_id: logInternalId, duration_ms: logDuration, shortened_fields: logShortened, ...logHead } =
  INTEGRATION_LOG_SUMMARY;
const INTEGRATION_LOG_ENTRY: Record<string, Schema> = {
  ...logHead,
  raw_payload: { description: 'The body as sent: its JSON value, or its text (a string) when it was not valid JSON; null without a body. A shortened value is a string.' },
  mapped_payload: { description: 'The internal body validation saw (JSON); null without a body, for a body that was not a JSON object, or when mapping failed.' },
  response_body: { description: 'The response body (JSON, in the caller\'s field names); null for HEAD and OPTIONS.' },
  http_status: logHttpStatus!,
  status: logStatus!,
  error_code: logErrorCode!,
  error_message: logErrorMessage!,
  internal_id: logInternalId!,
  duration_ms: logDuration!,
  shortened_fields: logShortened!,
};

const SCHEMAS: Record<string, Schema> = {
  User: obj({
    id: uuid,
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', enum: ['admin', 'viewer'] },
    is_active: { type: 'boolean' },
    created_at: datetime,
    last_sign_in_at: nullable(datetime),
  }),
  SessionInfo: obj({ user: ref('User'), csrf_token: { type: 'string', description: 'Send it as `X-CSRF-Token` with every POST, PUT, PATCH and DELETE.' } }),
  ApiKey: obj(API_KEY_PROPERTIES),
  ApiKeyWithSecret: {
    ...obj({ id: keyId!, name: keyName!, key: { type: 'string', pattern: '^sk_live_[0-9A-Za-z]{32,128}$' }, ...keyRest }),
    description: 'The creation (and rotation) response: the key object plus `key`, shown this once.',
  },
  Partner: obj({
    id: uuid,
    name: { type: 'string', minLength: 1, maxLength: 255 },
    template: { type: 'string', enum: [...PARTNER_TEMPLATE_SLUGS], description: 'Slug of the template the partner was created from (`custom`: from scratch); fixed at creation.' },
    default_identifier_field: nullable(IDENTIFIER_FIELD),
    created_at: datetime,
    updated_at: datetime,
  }),
  Mapping: {
    ...obj({
      id: uuid,
      partner: uuid,
      resource: RESOURCE,
      name: { type: 'string', minLength: 1, maxLength: 255 },
      is_active: { type: 'boolean' },
      ...MAPPING_RULES,
      created_at: datetime,
      updated_at: datetime,
    }),
    description: 'A field mapping (custom-integrations.md §2.1): at most one active per partner and resource.',
  },
  MappingInput: {
    type: 'object',
    description:
      'The mapping of custom-integrations.md §2.3, validated with the save-time rules of §2.4 (errors: 400 VALIDATION_ERROR with paths such as `field_map.BillToContact.Email`, `nested_mappings[0].field_map.InventoryID`, `static_values.metadata.source`). `id`, `partner`, `created_at` and `updated_at` are accepted and ignored.',
    properties: {
      id: uuid,
      partner: uuid,
      resource: RESOURCE,
      name: { type: 'string', minLength: 1, maxLength: 255 },
      is_active: { type: 'boolean' },
      ...MAPPING_RULES,
      created_at: datetime,
      updated_at: datetime,
    },
    required: ['resource'],
    additionalProperties: false,
  },
  Template: {
    ...obj({
      slug: { type: 'string', enum: [...PARTNER_TEMPLATE_SLUGS] },
      name: { type: 'string' },
      version: { type: 'integer', minimum: 1 },
      resources: { type: 'array', items: RESOURCE },
      default_identifier_field: nullable({ type: 'string' }),
      mappings: { type: 'object', propertyNames: RESOURCE, additionalProperties: obj(MAPPING_RULES) },
    }),
    description: 'A template (custom-integrations.md §10.1): read-only mappings for a well-known system, copied into a partner created from it.',
  },
  MappingPreview: obj({
    mapped_payload: { anyOf: [{ type: 'object' }, { type: 'null' }], description: 'The internal payload, or null when the mapping failed.' },
    errors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } }, description: 'The MAPPING_ERROR details (caller path → messages); `{}` on success.' },
  }),
  Settings: obj({ integration_enabled: { type: 'boolean' }, tenant: obj({ id: uuid, slug: { type: 'string' }, name: { type: 'string' } }) }),
  SecurityEvent: obj({
    id: { type: 'string' },
    occurred_at: datetime,
    request_id: { type: 'string' },
    reason: { type: 'string', enum: ['NOT_AUTHENTICATED', 'AUTHENTICATION_FAILED', 'KEY_EXPIRED', 'INTEGRATION_DISABLED', 'PERMISSION_DENIED'] },
    api_key: nullable(obj({ id: uuid, name: nullable({ type: 'string' }) })),
    method: { type: 'string' },
    path: { type: 'string' },
    client_ip: nullable({ type: 'string' }),
    count: { type: 'integer', minimum: 1, description: 'More than 1 for an aggregate of one source, reason and minute.' },
    first_at: nullable(datetime),
    last_at: nullable(datetime),
  }),
  AuditEvent: obj({
    id: uuid,
    occurred_at: datetime,
    action: { type: 'string', examples: ['api_key.revoked', 'partner.created', 'mapping.activated', 'user.created', 'session.failed'] },
    actor: {
      oneOf: [obj({ type: { const: 'cli' } }), obj({ type: { const: 'user' }, id: nullable(uuid), email: { type: 'string' } })],
    },
    target: obj({ type: { type: 'string', enum: ['api_key', 'partner', 'mapping', 'user', 'settings', 'session', 'tenant'] }, id: nullable({ type: 'string' }), name: nullable({ type: 'string' }) }),
    changes: { type: 'object', additionalProperties: { type: 'array', minItems: 2, maxItems: 2 }, description: '`{field: [before, after]}`' },
    request_id: nullable({ type: 'string' }),
    client_ip: nullable({ type: 'string' }),
  }),
  IntegrationLogSummary: obj(INTEGRATION_LOG_SUMMARY),
  IntegrationLogEntry: obj(INTEGRATION_LOG_ENTRY),
  Pagination: obj({ limit: { type: 'integer', minimum: 1, maximum: 200 }, next_cursor: nullable({ type: 'string' }) }),
  Error: {
    type: 'object',
    properties: {
      detail: { type: 'string', description: 'Only on 401 and 403 answers.' },
      success: { const: false },
      error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } }, required: ['code', 'message'] },
      request_id: { type: 'string', pattern: REQUEST_ID_SCHEMA_PATTERN },
    },
    required: ['success', 'error', 'request_id'],
  },
};

const single = (data: Schema): Schema => obj({ success: { const: true }, data });
const list = (item: string): Schema => obj({ success: { const: true }, data: { type: 'array', items: ref(item) }, pagination: ref('Pagination') });
/** A complete, unpaginated list (a small fixed catalogue). */
const all = (item: string): Schema => obj({ success: { const: true }, data: { type: 'array', items: ref(item) } });
const json = (schema: Schema) => ({ 'application/json': { schema } });

interface OperationDoc {
  summary: string;
  response: { status: number; schema?: Schema };
  body?: Schema;
  query?: Array<{ name: string; schema: Schema; description: string }>;
}

const PAGE_PARAMS = [
  { name: 'limit', schema: { type: 'string' }, description: 'Page size, clamped to 1–200 (default 50).' },
  { name: 'cursor', schema: { type: 'string' }, description: '`pagination.next_cursor` of the previous page.' },
];

const OPERATIONS: Record<AdminOperation, OperationDoc> = {
  signIn: { summary: 'Sign in (sets the session cookie; no CSRF token needed)', body: obj({ email: { type: 'string' }, password: { type: 'string' } }), response: { status: 200, schema: single(ref('SessionInfo')) } },
  signOut: { summary: 'Sign out (the session ends on the server)', response: { status: 204 } },
  me: { summary: 'The signed-in user and the CSRF token', response: { status: 200, schema: single(ref('SessionInfo')) } },
  changePassword: {
    summary: "Change one's own password (ends the user's other sessions)",
    body: obj({ current_password: { type: 'string' }, new_password: { type: 'string', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH } }),
    response: { status: 200, schema: single(ref('User')) },
  },
  listKeys: {
    summary: 'API keys, newest first',
    query: [
      { name: 'partner', schema: { type: 'string' }, description: 'a partner id (its keys), or `null` for keys without a partner' },
      { name: 'is_active', schema: { type: 'string', enum: ['true', 'false'] }, description: 'active or revoked keys only' },
      ...PAGE_PARAMS,
    ],
    response: { status: 200, schema: list('ApiKey') },
  },
  createKey: {
    summary: 'Create a key: the answer holds `key` once (Cache-Control: no-store); `partner` (a partner id of this tenant, fixed for the key’s life) makes it a partner key',
    body: {
      type: 'object',
      properties: { name: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } }, partner: nullable(uuid), expires_at: nullable(datetime), is_active: { type: 'boolean' }, rate_limit_per_second: nullable({ type: 'integer' }) },
      required: ['name'],
    },
    response: { status: 201, schema: single(ref('ApiKeyWithSecret')) },
  },
  getKey: { summary: 'One API key', response: { status: 200, schema: single(ref('ApiKey')) } },
  updateKey: {
    summary: 'Change name, scopes, expiry, is_active or rate limit (effective on the next integration request); `partner` is fixed: the key’s own is accepted, another is refused (400)',
    body: {
      type: 'object',
      properties: { name: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } }, partner: nullable(uuid), expires_at: nullable(datetime), is_active: { type: 'boolean' }, rate_limit_per_second: nullable({ type: 'integer' }) },
    },
    response: { status: 200, schema: single(ref('ApiKey')) },
  },
  deleteKey: { summary: 'Delete a key permanently', response: { status: 204 } },
  rotateKey: { summary: 'A new key with the same scopes, partner, expiry and rate limit; the old key stays active', response: { status: 201, schema: single(ref('ApiKeyWithSecret')) } },
  listPartners: { summary: 'Partners, newest first', query: PAGE_PARAMS, response: { status: 200, schema: list('Partner') } },
  createPartner: {
    summary:
      'Create a partner (custom-integrations.md §1). `template` (default `custom`) is stored, its `default_identifier_field` copied unless the body sets one, and, in the same transaction, one active mapping per resource the template covers is created, named `<template name> – <resource>` (§10.2; `custom`: none). One `partner.created` audit event; `changes.mappings` lists the created mappings’ ids',
    body: { type: 'object', properties: { name: { type: 'string' }, template: { type: 'string', enum: [...PARTNER_TEMPLATE_SLUGS] }, default_identifier_field: nullable(IDENTIFIER_FIELD) }, required: ['name'] },
    response: { status: 201, schema: single(ref('Partner')) },
  },
  getPartner: { summary: 'One partner', response: { status: 200, schema: single(ref('Partner')) } },
  updatePartner: {
    summary: 'Change name or default_identifier_field (`template` cannot change)',
    body: { type: 'object', properties: { name: { type: 'string' }, default_identifier_field: nullable(IDENTIFIER_FIELD) } },
    response: { status: 200, schema: single(ref('Partner')) },
  },
  deletePartner: { summary: 'Delete a partner and its mappings; refused (400, non_field_errors) while API keys are linked to it', response: { status: 204 } },
  listMappings: {
    summary: 'The partner’s field mappings, newest first (404 for an unknown partner)',
    query: [
      { name: 'resource', schema: RESOURCE, description: 'one resource only' },
      { name: 'is_active', schema: { type: 'string', enum: ['true', 'false'] }, description: 'active or inactive mappings only' },
      ...PAGE_PARAMS,
    ],
    response: { status: 200, schema: list('Mapping') },
  },
  createMapping: {
    summary:
      'Create a mapping of the partner. `is_active` defaults to true: an active mapping deactivates the partner’s active mapping of the same resource in the same transaction. `name` defaults to `<partner name> – <resource>`',
    body: ref('MappingInput'),
    response: { status: 201, schema: single(ref('Mapping')) },
  },
  getMapping: { summary: 'One mapping', response: { status: 200, schema: single(ref('Mapping')) } },
  replaceMapping: {
    summary:
      'Replace the mapping’s rules (`identifier_field`, `field_map`, `nested_mappings`, `static_values`; absent → their defaults). `resource` is required and cannot change; `name` and `is_active` keep their values when absent (`is_active: true` activates it like `activate/`). Effective on the next integration request',
    body: ref('MappingInput'),
    response: { status: 200, schema: single(ref('Mapping')) },
  },
  deleteMapping: { summary: 'Delete a mapping (when it was the active one, the resource’s payloads use internal names from the next request)', response: { status: 204 } },
  activateMapping: {
    summary: 'Activate the mapping; the previously active mapping of the same partner and resource is deactivated in the same transaction (one `mapping.activated` event, `changes.active_mapping` = [previous id, this id])',
    response: { status: 200, schema: single(ref('Mapping')) },
  },
  deactivateMapping: { summary: 'Deactivate the mapping (the resource’s payloads then use internal names)', response: { status: 200, schema: single(ref('Mapping')) } },
  previewMapping: {
    summary:
      'Run the forward mapping on `payload` without storing or sending anything: `mapping` (an inline mapping, validated like a save; errors under `mapping.`) or `mapping_id`; `method` POST (default; static values apply), PUT or DELETE. Allowed for viewers (it changes nothing; the CSRF token is still needed)',
    body: {
      type: 'object',
      properties: { mapping: ref('MappingInput'), mapping_id: uuid, method: { type: 'string', enum: ['POST', 'PUT', 'DELETE'], default: 'POST' }, payload: { type: 'object' } },
      required: ['payload'],
    },
    response: { status: 200, schema: single(ref('MappingPreview')) },
  },
  listTemplates: { summary: 'The templates (custom-integrations.md §10), all of them in one unpaginated list', response: { status: 200, schema: all('Template') } },
  getTemplate: { summary: 'One template by slug (404 for an unknown slug)', response: { status: 200, schema: single(ref('Template')) } },
  getSettings: { summary: 'The tenant integration switch', response: { status: 200, schema: single(ref('Settings')) } },
  updateSettings: { summary: 'Turn the integration API on or off', body: { type: 'object', properties: { integration_enabled: { type: 'boolean' } } }, response: { status: 200, schema: single(ref('Settings')) } },
  listUsers: { summary: 'Users, newest first', query: PAGE_PARAMS, response: { status: 200, schema: list('User') } },
  createUser: {
    summary: 'Create a user (role default viewer)',
    body: { type: 'object', properties: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', enum: ['admin', 'viewer'] }, password: { type: 'string', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH } }, required: ['email', 'password'] },
    response: { status: 201, schema: single(ref('User')) },
  },
  getUser: { summary: 'One user', response: { status: 200, schema: single(ref('User')) } },
  updateUser: {
    summary: 'Change name, role or is_active (a role change or disabling ends its sessions; the last active admin stays)',
    body: { type: 'object', properties: { name: { type: 'string' }, role: { type: 'string', enum: ['admin', 'viewer'] }, is_active: { type: 'boolean' } } },
    response: { status: 200, schema: single(ref('User')) },
  },
  deleteUser: { summary: 'Delete a user (not the last active admin)', response: { status: 204 } },
  listSecurityEvents: {
    summary: 'Security events of the integration API, newest first',
    query: [
      { name: 'reason', schema: { type: 'string' }, description: 'one reason code' },
      { name: 'api_key', schema: { type: 'string' }, description: 'an API key id' },
      { name: 'created_after', schema: { type: 'string' }, description: 'at or after this datetime' },
      { name: 'created_before', schema: { type: 'string' }, description: 'before this datetime' },
      ...PAGE_PARAMS,
    ],
    response: { status: 200, schema: list('SecurityEvent') },
  },
  listAuditEvents: { summary: 'Audit events, newest first', query: PAGE_PARAMS, response: { status: 200, schema: list('AuditEvent') } },
  listIntegrationLogs: {
    summary: 'Integration log entries, newest first, without the three payload fields (integration-logs.md §5)',
    query: [
      { name: 'partner', schema: { type: 'string' }, description: "a partner id (entries of that partner's keys), or `null` for entries of pass-through keys" },
      { name: 'api_key', schema: { type: 'string' }, description: 'an API key id' },
      { name: 'resource', schema: { type: 'string', enum: [...LOG_RESOURCES] }, description: 'one resource' },
      { name: 'action', schema: { type: 'string', enum: [...LOG_ACTIONS] }, description: 'one action' },
      { name: 'status', schema: { type: 'string', enum: [...LOG_STATUSES] }, description: 'one outcome category' },
      { name: 'http_status', schema: { type: 'string', pattern: '^[1-5][0-9]{2}$' }, description: 'one HTTP status code' },
      { name: 'request_id', schema: { type: 'string' }, description: "the request's X-Request-ID (exact)" },
      { name: 'identifier', schema: { type: 'string' }, description: 'the decoded {identifier} of the URL (exact)' },
      { name: 'internal_id', schema: { type: 'string' }, description: 'the id of the record the request created, read, updated or deleted' },
      { name: 'created_after', schema: { type: 'string' }, description: 'at or after this datetime' },
      { name: 'created_before', schema: { type: 'string' }, description: 'before this datetime' },
      ...PAGE_PARAMS,
    ],
    response: { status: 200, schema: list('IntegrationLogSummary') },
  },
  getIntegrationLog: { summary: 'One integration log entry, with its payloads (integration-logs.md §2)', response: { status: 200, schema: single(ref('IntegrationLogEntry')) } },
};

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'VALIDATION_ERROR',
  '401': `AUTHENTICATION_FAILED (sign-in only: "${ADMIN_MESSAGES.signInFailed}")`,
  '403': 'NOT_AUTHENTICATED (no valid session), PERMISSION_DENIED (CSRF, foreign Origin, or a viewer writing)',
  '404': 'NOT_FOUND',
  '405': 'METHOD_NOT_ALLOWED, with Allow',
  '409': 'DUPLICATE (user email, partner name)',
  '413': `PAYLOAD_TOO_LARGE (over ${ADMIN_MAX_BODY_BYTES} bytes)`,
  '415': 'UNSUPPORTED_MEDIA_TYPE',
  '429': 'RATE_LIMITED (sign-in throttle), with Retry-After',
};

export function buildAdminOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ADMIN_ROUTES) {
    const item: Record<string, unknown> = {};
    if (route.path.includes('{id}')) item['parameters'] = [{ name: 'id', in: 'path', required: true, schema: uuid }];
    if (route.path.includes('{slug}')) item['parameters'] = [{ name: 'slug', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,100}$' } }];
    for (const [method, op] of Object.entries(route.methods) as Array<[string, AdminOperation]>) {
      const doc = OPERATIONS[op];
      const responses: Record<string, unknown> = {
        [String(doc.response.status)]: doc.response.schema ? { description: 'Success', content: json(doc.response.schema) } : { description: 'No content' },
      };
      for (const [status, description] of Object.entries(ERROR_RESPONSES)) responses[status] = { description, content: json(ref('Error')) };
      item[method.toLowerCase()] = {
        operationId: op,
        summary: doc.summary,
        description: `Allowed methods on this path: ${allowedMethods(route).join(', ')}.`,
        tags: [route.path.split('/')[0]!],
        security: op === 'signIn' ? [] : [{ Session: [] }],
        ...(doc.query ? { parameters: doc.query.map((q) => ({ name: q.name, in: 'query', required: false, schema: q.schema, description: q.description })) } : {}),
        ...(doc.body ? { requestBody: { required: false, content: json(doc.body) } } : {}),
        responses,
      };
    }
    paths[`${ADMIN_BASE_PATH}/${route.path}`] = item;
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Datamingle admin API',
      version: '1.0.0',
      description:
        'The API behind the dashboard, on each tenant host. Sign in with `POST session/`; the session cookie ' +
        `(\`${SESSION_COOKIE}\`) authenticates every other request, and every POST, PUT, PATCH and DELETE ` +
        'also needs `X-CSRF-Token` (from the sign-in answer or `GET me/`). `X-API-Key` gives no access. Checks run in the ' +
        'order session (403 NOT_AUTHENTICATED), CSRF (403 PERMISSION_DENIED), role (403 PERMISSION_DENIED), validation (400). ' +
        'Envelopes, errors, `X-Request-ID` and cursor pagination follow the integration API.',
    },
    servers: [{ url: '/', description: 'the tenant host, e.g. http://acme.localhost:8080' }],
    security: [{ Session: [] }],
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: { Session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The session cookie set by `POST session/`.' } },
    },
  };
}
