/**
 * Builds the OpenAPI 3.1 document of the integration API from code: paths come from the gateway's
 * route table (`ROUTES`), error codes from the contracts' `ERROR_STATUS`, schemas from
 * `./schemas`. Nothing here is hand-maintained JSON/YAML; the gateway serves the result at
 * `GET /api/integrations/v1/openapi.json`.
 */
import { ERROR_STATUS, ORDER_STATUSES, RESOURCE_NAMES, RESOURCE_REGISTRY, type ErrorCode } from '@datamingle/contracts';
import {
  AUTH_MESSAGES,
  BASE_PATH,
  CHANGES_METHODS,
  CHANGES_SEGMENT,
  MAX_BODY_BYTES,
  OPENAPI_METHODS,
  OPENAPI_SEGMENT,
  ROUTES,
  WWW_AUTHENTICATE,
  actionForMethod,
  requiredScope,
  type Resource,
  type RouteDefinition,
} from '@datamingle/gateway-domain';
import { AUTH_ERROR_CODES, REQUEST_ID_SCHEMA_PATTERN, buildSchemas, codesForStatus, schemaRef, type SchemaName } from './schemas';
import {
  isReference,
  type ErrorCatalogueEntry,
  type HeaderObject,
  type HttpMethod,
  type JsonSchemaObject,
  type OpenApiDocument,
  type OperationObject,
  type ParameterObject,
  type PathItemObject,
  type ReferenceObject,
  type RequestBodyObject,
  type ResponseObject,
} from './types';

export interface BuildOpenApiOptions {
  /** An extra server listed first, e.g. the deployment's own base URL (`https://acme.example.com`). */
  serverUrl?: string;
  /** `info.version`; default `1.0.0`. */
  version?: string;
}

export const OPENAPI_PATH = `${BASE_PATH}${OPENAPI_SEGMENT}`;
export const API_KEY_SCHEME = 'ApiKey';
const JSON_MEDIA = 'application/json';

// ---------------------------------------------------------------------------------------------
// Components: headers, parameters, responses
// ---------------------------------------------------------------------------------------------

type HeaderName = 'X-Request-ID' | 'Cache-Control' | 'Retry-After' | 'Allow' | 'WWW-Authenticate' | 'X-RateLimit-Limit' | 'X-RateLimit-Remaining' | 'Idempotent-Replayed';

const HEADERS: Record<HeaderName, HeaderObject> = {
  'X-Request-ID': {
    description:
      'Request correlation ID, on every response. A client `X-Request-ID` matching `^[A-Za-z0-9._:/+=-]{1,128}$` is echoed unchanged; otherwise a UUID v4 is generated. Error bodies repeat it in `request_id`.',
    required: true,
    schema: { type: 'string', pattern: REQUEST_ID_SCHEMA_PATTERN },
  },
  'Cache-Control': { description: 'Always `no-store`.', schema: { type: 'string', const: 'no-store' } },
  'Retry-After': { description: 'Whole seconds to wait before retrying (at least 1).', required: true, schema: { type: 'integer', minimum: 1 } },
  Allow: {
    description: 'The methods the route supports, e.g. `GET, HEAD, OPTIONS, POST`.',
    required: true,
    schema: { type: 'string', pattern: '^[A-Z]+(, [A-Z]+)*$' },
  },
  'WWW-Authenticate': { description: `Always \`${WWW_AUTHENTICATE}\`.`, required: true, schema: { type: 'string', const: WWW_AUTHENTICATE } },
  'X-RateLimit-Limit': {
    description: 'Only for keys with a rate limit, on responses produced at or after the rate-limit step: the limit in requests per second.',
    schema: { type: 'integer', minimum: 1 },
  },
  'X-RateLimit-Remaining': {
    description: 'Only for keys with a rate limit (same responses as `X-RateLimit-Limit`): whole tokens left after this request.',
    schema: { type: 'integer', minimum: 0 },
  },
  'Idempotent-Replayed': {
    description: 'Only on a response sent again for an `Idempotency-Key` already used for the same request (within 24 hours): nothing was processed again.',
    schema: { type: 'string', const: 'true' },
  },
};

function headerRef(name: HeaderName): ReferenceObject {
  return { $ref: `#/components/headers/${name}` };
}

function headers(...names: HeaderName[]): Record<string, ReferenceObject> {
  const out: Record<string, ReferenceObject> = {};
  for (const name of ['X-Request-ID', 'Cache-Control', ...names] as HeaderName[]) out[name] = headerRef(name);
  return out;
}

type ParameterName = 'Limit' | 'Cursor' | 'OrderStatus' | 'UpdatedSince' | 'InventoryBy' | 'IdempotencyKey' | 'FeedAfter' | 'FeedResources' | 'FeedLimit' | 'FeedWait';

const PARAMETERS: Record<ParameterName, ParameterObject> = {
  Limit: {
    name: 'limit',
    in: 'query',
    required: false,
    description:
      'Page size, default 50. A value matching `^-?[0-9]+$` is clamped to 1–200 (`0` → 1, `500` → 200); any other value (empty, `abc`, `10.5`, `+5`) means 50. Never an error.',
    schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  },
  Cursor: {
    name: 'cursor',
    in: 'query',
    required: false,
    description:
      'Opaque token from `pagination.next_cursor` of the previous page; absent or empty = first page. An unusable value → `400 VALIDATION_ERROR` with message exactly `Invalid cursor: \'<value>\'`. Send the same filters with every page.',
    schema: { type: 'string', maxLength: 512 },
  },
  OrderStatus: {
    name: 'status',
    in: 'query',
    required: false,
    description: `One status or a comma-separated list (\`pending,in_progress\`). Each value must be one of ${ORDER_STATUSES.map((s) => `\`${s}\``).join(', ')}; another value → \`400 VALIDATION_ERROR\`. Empty = no filter.`,
    style: 'form',
    explode: false,
    schema: { type: 'array', items: { type: 'string', enum: [...ORDER_STATUSES] } },
  },
  UpdatedSince: {
    name: 'updated_since',
    in: 'query',
    required: false,
    description:
      'Only orders with `updated_at` at or after this ISO 8601 datetime (encode `+` as `%2B`). Unparsable → `400 VALIDATION_ERROR`. Empty = no filter.',
    schema: { type: 'string' },
  },
  InventoryBy: {
    name: 'by',
    in: 'query',
    required: false,
    description: '`location` (default, also when empty): `{identifier}` is a location `code`; `sku`: it is a product `sku`. Any other value (including other case) → `400 VALIDATION_ERROR`.',
    schema: { type: 'string', enum: ['location', 'sku'], default: 'location' },
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Makes the request safe to retry (history-feed-idempotency.md §3). Scoped to the API key, kept 24 hours. The first request with a key is processed and its response stored; the same request again (same method, path and body after JSON canonicalisation) gets the stored response with `Idempotent-Replayed: true`, processing nothing; another request with the key gets `422 VALIDATION_ERROR` (`Idempotency-Key was already used for a different request`); while the first is in flight, `409 CONFLICT` with `Retry-After: 1`. Nothing is stored for a `5xx` or `429` answer. A value that is not 1–255 printable ASCII characters gets `400 VALIDATION_ERROR`.',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]{1,255}$' },
  },
  FeedAfter: {
    name: 'after',
    in: 'query',
    required: false,
    description:
      'A `next_cursor` (or an entry’s `cursor`) of this tenant’s feed: the page starts right after it. Absent = the tenant’s first event. Opaque, signed and bound to the tenant; valid for at least 30 days (in fact as long as the installation). A cursor that was altered or belongs to another tenant → `400 VALIDATION_ERROR` (`Invalid cursor: \'<value>\'`, `details.after`).',
    schema: { type: 'string', maxLength: 512 },
  },
  FeedResources: {
    name: 'resources',
    in: 'query',
    required: false,
    description: `Comma-separated resources to follow (${RESOURCE_NAMES.map((r) => `\`${r}\``).join(', ')}); default: every resource the key can read. A named resource the key cannot read → \`403 PERMISSION_DENIED\`; an unknown name → \`400 VALIDATION_ERROR\`. Send the same value with every page.`,
    style: 'form',
    explode: false,
    schema: { type: 'array', items: { type: 'string', enum: [...RESOURCE_NAMES] } },
  },
  FeedLimit: {
    name: 'limit',
    in: 'query',
    required: false,
    description: 'Page size, default 100. A value matching `^-?[0-9]+$` is clamped to 1–1000; any other value means 100. Never an error.',
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
  FeedWait: {
    name: 'wait',
    in: 'query',
    required: false,
    description:
      'Long polling: when nothing new is stored, hold the request up to this many seconds (0–30) until at least one change arrives, counted from when the request obtains its concurrency slot (it holds the slot while it waits). Woken by the store’s notification of new events. Not an integer 0–30 → `400 VALIDATION_ERROR` (`details.wait`).',
    schema: { type: 'integer', minimum: 0, maximum: 30, default: 0 },
  },
};

function parameterRef(name: ParameterName): ReferenceObject {
  return { $ref: `#/components/parameters/${name}` };
}

type ResponseName =
  | 'ValidationError'
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'Duplicate'
  | 'Conflict'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  | 'MappingError'
  | 'RateLimited'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'GatewayTimeout'
  | 'Options';

/** The error envelope narrowed to some codes: `{"$ref": ErrorEnvelope, error.code ∈ codes}`. */
function envelopeFor(envelope: 'ErrorEnvelope' | 'AuthErrorEnvelope', codes: readonly ErrorCode[]): JsonSchemaObject {
  return {
    ...schemaRef(envelope),
    type: 'object',
    properties: { error: { type: 'object', properties: { code: { enum: [...codes] } } } },
  };
}

function errorResponse(description: string, codes: readonly ErrorCode[], extraHeaders: HeaderName[] = []): ResponseObject {
  const auth = codes.every((c) => (AUTH_ERROR_CODES as readonly string[]).includes(c));
  return {
    description,
    headers: headers(...extraHeaders),
    content: { [JSON_MEDIA]: { schema: envelopeFor(auth ? 'AuthErrorEnvelope' : 'ErrorEnvelope', codes) } },
  };
}

const RESPONSES: Record<ResponseName, ResponseObject> = {
  ValidationError: errorResponse('`VALIDATION_ERROR`: malformed request (bad JSON, non-object body, invalid field or query parameter).', [
    'VALIDATION_ERROR',
  ]),
  BadRequest: errorResponse(
    '`VALIDATION_ERROR` (malformed request, invalid fields) or `SERVICE_ERROR` (a business rule refused a well-formed request).',
    codesForStatus(400),
  ),
  Unauthorized: errorResponse(
    `\`AUTHENTICATION_FAILED\` (detail \`${AUTH_MESSAGES.AUTHENTICATION_FAILED}\`: unknown, malformed, revoked, deleted or other-tenant key, or a host naming no tenant) or \`KEY_EXPIRED\` (detail \`${AUTH_MESSAGES.KEY_EXPIRED}\`).`,
    codesForStatus(401),
    ['WWW-Authenticate'],
  ),
  Forbidden: errorResponse(
    '`NOT_AUTHENTICATED` (no `X-API-Key`), `INTEGRATION_DISABLED` (the tenant switched the integration API off) or `PERMISSION_DENIED` (the key lacks the required scope; `details.required_scope` names it).',
    codesForStatus(403),
  ),
  NotFound: errorResponse(
    '`NOT_FOUND`: the identifier resolves to no record, or (for any method) the path matches no route (`The requested endpoint does not exist.`).',
    codesForStatus(404),
  ),
  MethodNotAllowed: errorResponse(
    '`METHOD_NOT_ALLOWED`: the route exists but does not support the method (e.g. `PATCH` anywhere, `PUT` on a collection, `DELETE` on inventory). The `Allow` header and `details.allowed_methods` list the supported methods.',
    codesForStatus(405),
    ['Allow'],
  ),
  Duplicate: errorResponse('`DUPLICATE`: a record with this natural key already exists (active or inactive).', ['DUPLICATE']),
  Conflict: errorResponse('`CONFLICT`: a concurrent modification could not be resolved; nothing was changed. Safe to retry unchanged.', ['CONFLICT']),
  PayloadTooLarge: errorResponse(`\`PAYLOAD_TOO_LARGE\`: the body exceeds ${MAX_BODY_BYTES} bytes (checked before authentication).`, [
    'PAYLOAD_TOO_LARGE',
  ]),
  UnsupportedMediaType: errorResponse(
    '`UNSUPPORTED_MEDIA_TYPE`: a body was sent without `Content-Type: application/json` (or with another charset than UTF-8), or compressed.',
    ['UNSUPPORTED_MEDIA_TYPE'],
  ),
  MappingError: errorResponse('`MAPPING_ERROR`: partner keys only: the partner’s field mapping could not be applied to the body.', ['MAPPING_ERROR']),
  RateLimited: errorResponse('`RATE_LIMITED`: the key’s request-rate limit was exceeded. Retry after `Retry-After` seconds.', ['RATE_LIMITED'], [
    'Retry-After',
    'X-RateLimit-Limit',
    'X-RateLimit-Remaining',
  ]),
  InternalError: errorResponse('`INTERNAL_ERROR`: unexpected platform failure; any write was rolled back. Retry with backoff.', ['INTERNAL_ERROR']),
  ServiceUnavailable: errorResponse(
    '`SERVICE_UNAVAILABLE`: a backend is unavailable, or the request waited 30 seconds in the key’s concurrency queue. Retry after `Retry-After` seconds.',
    ['SERVICE_UNAVAILABLE'],
    ['Retry-After'],
  ),
  GatewayTimeout: errorResponse(
    '`GATEWAY_TIMEOUT`: processing exceeded 60 seconds; the operation may still complete. Check the record before retrying.',
    ['GATEWAY_TIMEOUT'],
  ),
  Options: { description: 'No content; `Allow` lists the methods of the route.', headers: headers('Allow') },
};

// The required `X-RateLimit-*` headers of a 429 (they are always sent with it).
RESPONSES.RateLimited.headers = {
  ...RESPONSES.RateLimited.headers,
  'X-RateLimit-Limit': { ...HEADERS['X-RateLimit-Limit'], required: true },
  'X-RateLimit-Remaining': { ...HEADERS['X-RateLimit-Remaining'], required: true },
};

function responseRef(name: ResponseName, description?: string): ReferenceObject {
  return description === undefined ? { $ref: `#/components/responses/${name}` } : { $ref: `#/components/responses/${name}`, description };
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

type DataMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
type OperationKey = `${Resource}:${RouteDefinition['kind']}:${DataMethod}`;

interface ErrorSpec {
  status: number;
  response: ResponseName;
  /** When the operation answers it (overrides the component's description). */
  when?: string;
}

interface OperationSpec {
  operationId: string;
  summary: string;
  description: string;
  success: { status: 200 | 201; schema: SchemaName; description: string };
  query?: ParameterName[];
  /** `schema: null`: any JSON object, ignored by the platform. */
  body?: { schema: SchemaName | null; required: boolean; description: string; example?: unknown };
  /** Operation-specific errors; the authentication/infrastructure ones are added to every operation. */
  errors: ErrorSpec[];
}

const PAGINATION_NOTE = 'Cursor-paginated (`limit`, `cursor`); newest first by (`created_at`, `id`); `pagination` is always present.';
const CURSOR_400 = 'Invalid `cursor` (message exactly `Invalid cursor: \'<value>\'`).';

const NOT_FOUND_WHEN: Record<Exclude<Resource, 'inventory'>, string> = {
  orders: 'No order matches the identifier (`Order \'<identifier>\' not found.`).',
  products: 'No product has this `sku` (`Product \'<identifier>\' not found.`).',
  locations: 'No location has this `code` (`Location \'<identifier>\' not found.`).',
};

function crudSpecs(resource: 'products' | 'locations', label: string, key: string): Partial<Record<OperationKey, OperationSpec>> {
  const noun = label.toLowerCase();
  const schema = (suffix: string) => `${label}${suffix}` as SchemaName;
  return {
    [`${resource}:collection:GET`]: {
      operationId: `list${label}s`,
      summary: `List active ${noun}s`,
      description: `Returns **active** ${noun}s only (\`is_active = true\`). ${PAGINATION_NOTE}`,
      success: { status: 200, schema: schema('ListResponse'), description: `A page of active ${noun}s.` },
      query: ['Limit', 'Cursor'],
      errors: [{ status: 400, response: 'ValidationError', when: CURSOR_400 }],
    },
    [`${resource}:collection:POST`]: {
      operationId: `create${label}`,
      summary: `Create a ${noun}`,
      description: `Creates a ${noun}; \`${key}\` must be new in the tenant (inactive ${noun}s included). Of concurrent creates with the same \`${key}\` exactly one succeeds; the others get \`409 DUPLICATE\`. A record created with \`201\` is usable immediately.`,
      success: { status: 201, schema: schema('Response'), description: `The created ${noun}.` },
      body: {
        schema: schema('Create'),
        required: true,
        description: `The new ${noun}.`,
        example:
          resource === 'products'
            ? { sku: 'RUG-5X7-BLU', name: 'Wool rug 5x7, blue', quantity: 100, cost: '42.50', custom_fields: { color: 'blue', size: '5x7' } }
            : { code: 'A-103', name: 'Aisle A, Shelf 103', zone: 'A', aisle: '1' },
      },
      errors: [
        { status: 400, response: 'ValidationError', when: `Malformed JSON or non-object body; \`${key}\` missing, blank or too long; any field of the wrong type or out of limits.` },
        { status: 409, response: 'Duplicate', when: `A ${noun} with this \`${key}\` already exists (\`details: {"${key}": ["A ${noun} with this ${key} already exists."]}\`).` },
        { status: 415, response: 'UnsupportedMediaType' },
        { status: 422, response: 'MappingError' },
      ],
    },
    [`${resource}:item:GET`]: {
      operationId: `get${label}`,
      summary: `Retrieve a ${noun}`,
      description: `Returns the ${noun} with this \`${key}\`, also when it is inactive.`,
      success: { status: 200, schema: schema('Response'), description: `The ${noun}.` },
      errors: [{ status: 404, response: 'NotFound', when: NOT_FOUND_WHEN[resource] }],
    },
    [`${resource}:item:PUT`]: {
      operationId: `update${label}`,
      summary: `Update a ${noun}`,
      description: `Partial update: fields present are replaced, absent fields keep their values; \`${key}\` is immutable. \`${resource === 'products' ? 'custom_fields' : 'metadata'}\` replaces the whole object. If nothing changes, nothing is written and \`updated_at\` stays. \`is_active\` can reactivate or deactivate.`,
      success: { status: 200, schema: schema('Response'), description: `The ${noun} after the update.` },
      body: {
        schema: schema('Update'),
        required: false,
        description: 'The fields to change; an empty body counts as `{}`.',
        example: resource === 'products' ? { quantity: 120, custom_fields: { color: 'navy', size: '5x7' } } : { name: 'Aisle A, Shelf 101 (Renovated)', zone: 'A2' },
      },
      errors: [
        { status: 400, response: 'ValidationError', when: `Malformed JSON or non-object body; a field of the wrong type or out of limits; \`${key}\` different from the current value (\`This field cannot be changed.\`).` },
        { status: 404, response: 'NotFound', when: NOT_FOUND_WHEN[resource] },
        { status: 409, response: 'Conflict' },
        { status: 415, response: 'UnsupportedMediaType' },
        { status: 422, response: 'MappingError' },
      ],
    },
    [`${resource}:item:DELETE`]: {
      operationId: `deactivate${label}`,
      summary: `Deactivate a ${noun}`,
      description: `Sets \`is_active\` to \`false\` (soft delete): the ${noun} stays retrievable, keeps its \`${key}\` reserved, disappears from the list and can be reactivated with \`PUT {"is_active": true}\`. Repeating it returns \`200\` with the unchanged ${noun}.`,
      success: { status: 200, schema: schema('Response'), description: `The deactivated ${noun}.` },
      body: { schema: null, required: false, description: 'None required; a body, if sent, must be a JSON object and is ignored.' },
      errors: [
        { status: 400, response: 'ValidationError', when: 'A body was sent that is malformed JSON or not an object.' },
        { status: 404, response: 'NotFound', when: NOT_FOUND_WHEN[resource] },
        { status: 409, response: 'Conflict' },
        { status: 415, response: 'UnsupportedMediaType', when: 'A body was sent but not as `application/json`.' },
      ],
    },
  };
}

/** `GET <resource>/{identifier}/history/` (history-feed-idempotency.md §1) of a resource whose records keep a history. */
function historySpec(resource: Exclude<Resource, 'inventory'>, label: string, operationId: string): OperationSpec {
  return {
    operationId,
    summary: `History of ${label}`,
    description: `The ${label}’s events, oldest first (ascending \`version\`), read from its event stream — complete from its creation and impossible to edit: each with its type, time, the request and API key that made it, and \`changes\` as \`[before, after]\` per field. Identifier resolution and \`404\` as the record’s \`GET\`. Cursor pagination as the lists (\`limit\` 1–200, default 50; \`next_cursor\` \`null\` on the last page), ascending.`,
    success: { status: 200, schema: 'HistoryResponse', description: `A page of the ${label}’s history.` },
    query: ['Limit', 'Cursor'],
    errors: [
      { status: 400, response: 'ValidationError', when: CURSOR_400 },
      { status: 404, response: 'NotFound', when: NOT_FOUND_WHEN[resource] },
    ],
  };
}

const OPERATION_SPECS: Partial<Record<OperationKey, OperationSpec>> = {
  'orders:history:GET': historySpec('orders', 'an order', 'getOrderHistory'),
  'products:history:GET': historySpec('products', 'a product', 'getProductHistory'),
  'locations:history:GET': historySpec('locations', 'a location', 'getLocationHistory'),
  'orders:collection:GET': {
    operationId: 'listOrders',
    summary: 'List orders',
    description: `Orders of every status unless \`status\` filters them; \`updated_since\` keeps orders updated at or after a time. ${PAGINATION_NOTE} Filters never change the ordering.`,
    success: { status: 200, schema: 'OrderListResponse', description: 'A page of orders.' },
    query: ['Limit', 'Cursor', 'OrderStatus', 'UpdatedSince'],
    errors: [
      {
        status: 400,
        response: 'ValidationError',
        when: `${CURSOR_400} A \`status\` value not in the enumeration (\`details.status\`); unparsable \`updated_since\` (\`details.updated_since\`).`,
      },
    ],
  },
  'orders:collection:POST': {
    operationId: 'createOrder',
    summary: 'Create an order',
    description:
      'Creates an order with `status` `pending` and every line `verified_quantity: 0`, `verification_status: "pending"`. Field validation (including uniqueness of `order_number` and `external_order_id`) reports all field errors at once; only then are the SKUs checked. Concurrent creates with the same `order_number` or `external_order_id`: exactly one succeeds, the others get the duplicate `400` (never `409`). On a retry, a `400` containing `order_number already exists` means the earlier attempt succeeded.',
    success: { status: 201, schema: 'OrderResponse', description: 'The created order (full representation).' },
    body: {
      schema: 'OrderCreate',
      required: true,
      description: 'The new order with its lines.',
      example: {
        order_number: 'ORD-2026-001',
        external_order_id: 'ERP-5001',
        customer_name: 'Acme Corporation',
        customer_info: { address: '123 Main St, Springfield', phone: '+1-555-0100' },
        notes: 'Deliver to loading dock B',
        order_date: '2026-04-16T09:30:00Z',
        due_date: '2026-05-01',
        metadata: { channel: 'b2b' },
        items: [
          { sku_code: 'RUG-5X7-BLU', quantity: 10 },
          { sku_code: 'RUG-8X10-RED', quantity: 5, notes: 'Fragile' },
        ],
      },
    },
    errors: [
      {
        status: 400,
        response: 'BadRequest',
        when: '`VALIDATION_ERROR`: malformed JSON or non-object body; `order_number` or `items` missing; a field of the wrong type, too long, out of range or too large; `items` empty or longer than 1,000; `order_number` / `external_order_id` already used (`An order with this order_number already exists.`). `SERVICE_ERROR`: a line references a SKU that does not exist or is inactive (`Products not found or inactive: <SKUs>`, details per line).',
      },
      { status: 415, response: 'UnsupportedMediaType' },
      { status: 422, response: 'MappingError' },
    ],
  },
  'orders:item:GET': {
    operationId: 'getOrder',
    summary: 'Retrieve an order',
    description: 'Returns the full order; cancelled and shipped orders are returned like any other.',
    success: { status: 200, schema: 'OrderResponse', description: 'The order.' },
    errors: [{ status: 404, response: 'NotFound', when: NOT_FOUND_WHEN.orders }],
  },
  'orders:item:PUT': {
    operationId: 'updateOrder',
    summary: 'Update order header fields',
    description:
      'Partial update of header fields: fields present are replaced, absent fields keep their values. Order lines cannot be changed and `order_number` is immutable. Allowed while the status is `pending`, `in_progress` or `verified`. If nothing changes, nothing is written and `updated_at` stays.',
    success: { status: 200, schema: 'OrderResponse', description: 'The order after the update.' },
    body: {
      schema: 'OrderUpdate',
      required: false,
      description: 'The header fields to change; an empty body counts as `{}`.',
      example: { notes: 'Priority shipping', due_date: '2026-04-28T00:00:00Z' },
    },
    errors: [
      {
        status: 400,
        response: 'BadRequest',
        when: '`VALIDATION_ERROR`: malformed JSON or non-object body; a field of the wrong type or out of limits; `items` present; `order_number` different from the current value; `external_order_id` used by another order. `SERVICE_ERROR`: the body passed validation but the order is `cancelled` or `shipped`.',
      },
      { status: 404, response: 'NotFound', when: NOT_FOUND_WHEN.orders },
      { status: 409, response: 'Conflict' },
      { status: 415, response: 'UnsupportedMediaType' },
      { status: 422, response: 'MappingError' },
    ],
  },
  'orders:item:DELETE': {
    operationId: 'cancelOrder',
    summary: 'Cancel an order',
    description:
      'Soft cancel: `status` becomes `cancelled` and `cancellation_reason` is set from `reason`; the order stays readable. Cancelling a cancelled order returns `200` with the order unchanged. Does not change inventory or product quantities.',
    success: { status: 200, schema: 'OrderResponse', description: 'The cancelled order.' },
    body: { schema: 'OrderCancel', required: false, description: 'Optional; when present it must be JSON.', example: { reason: 'Customer cancelled' } },
    errors: [
      {
        status: 400,
        response: 'BadRequest',
        when: '`VALIDATION_ERROR`: malformed JSON or non-object body; `reason` not a string or longer than 500 characters. `SERVICE_ERROR`: the order is `shipped` (`Order has been shipped and cannot be cancelled.`).',
      },
      { status: 404, response: 'NotFound', when: NOT_FOUND_WHEN.orders },
      { status: 409, response: 'Conflict' },
      { status: 415, response: 'UnsupportedMediaType', when: 'A body was sent but not as `application/json`.' },
      { status: 422, response: 'MappingError' },
    ],
  },
  ...crudSpecs('products', 'Product', 'sku'),
  ...crudSpecs('locations', 'Location', 'code'),
  'inventory:collection:GET': {
    operationId: 'listInventory',
    summary: 'List inventory records',
    description: `Every inventory record of the tenant, including records of inactive locations or products and records with quantity 0. ${PAGINATION_NOTE}`,
    success: { status: 200, schema: 'InventoryRecordListResponse', description: 'A page of inventory records.' },
    query: ['Limit', 'Cursor'],
    errors: [{ status: 400, response: 'ValidationError', when: CURSOR_400 }],
  },
  'inventory:collection:POST': {
    operationId: 'bulkSetInventory',
    summary: 'Bulk set on-hand quantities',
    description:
      'Upserts up to 50,000 (location, product) quantities with **absolute** values. Rows are processed in order and validated one by one: invalid rows are reported in the summary and never prevent valid rows from being applied; all valid rows commit in one transaction. Answers `200` with a summary even when rows failed. Repeating a batch yields the same end state.',
    success: { status: 200, schema: 'InventoryBulkResponse', description: 'The summary (`total = created + updated + failed`).' },
    body: {
      schema: 'InventoryBulkRequest',
      required: true,
      description: 'The rows to apply.',
      example: {
        inventory: [
          { location_code: 'A-101', sku_code: 'RUG-5X7-BLU', quantity: 150 },
          { location_code: 'B-201', sku_code: 'RUG-5X7-BLU', quantity: 200 },
        ],
        source: 'erp_sync',
        notes: 'Daily inventory sync',
      },
    },
    errors: [
      {
        status: 400,
        response: 'ValidationError',
        when: 'Malformed JSON or non-object body; `inventory` missing, not a list, empty or longer than 50,000 rows; `source` not one of the four values; `notes` invalid. Nothing is applied. Row-level problems are never request errors.',
      },
      { status: 409, response: 'Conflict', when: 'Concurrent writes to the same records could not be resolved; no row was applied.' },
      { status: 415, response: 'UnsupportedMediaType' },
      { status: 422, response: 'MappingError' },
    ],
  },
  'inventory:item:GET': {
    operationId: 'listInventoryByIdentifier',
    summary: 'Inventory of one location or one SKU',
    description: `\`by=location\` (default): every record at the location with this \`code\`; \`by=sku\`: every record of the product with this \`sku\`, across locations. Inactive locations and products are found too; one without records gives an empty page. ${PAGINATION_NOTE}`,
    success: { status: 200, schema: 'InventoryRecordListResponse', description: 'A page of inventory records.' },
    query: ['InventoryBy', 'Limit', 'Cursor'],
    errors: [
      { status: 400, response: 'ValidationError', when: `\`by\` not \`location\`/\`sku\` (\`details.by\`); ${CURSOR_400}` },
      {
        status: 404,
        response: 'NotFound',
        when: '`by=location`: no location has this code (`Location \'<identifier>\' not found.`); `by=sku`: no product has this SKU (`Product \'<identifier>\' not found.`).',
      },
    ],
  },
};

const TAGS: Record<Resource, { name: string; description: string }> = {
  orders: {
    name: 'Orders',
    description: 'Customer orders to be picked, verified and shipped. Identifier: `external_order_id`, then `order_number` (orders.md).',
  },
  products: { name: 'Products', description: 'Products (SKUs) referenced by order lines and inventory records. Identifier: `sku` (products.md).' },
  locations: { name: 'Locations', description: 'Physical storage places in the warehouse. Identifier: `code` (locations.md).' },
  inventory: {
    name: 'Inventory',
    description: 'Per-location on-hand quantities: bulk upsert and reads by location or SKU (inventory.md). There is no delete action.',
  },
};
const DISCOVERY_TAG = { name: 'Discovery', description: 'The machine-readable description of this API.' };

const IDENTIFIER_ENCODING =
  'Exactly one path segment, percent-encoded by the caller (UTF-8): characters outside the URL unreserved set, in particular `/`, `?`, `#`, `%`, space and non-ASCII, must be escaped (`WH/SHELF-01` → `WH%2FSHELF-01`, `Çanta-01` → `%C3%87anta-01`). The platform splits the raw path on `/` first and decodes the segment exactly once, so `%2F` is part of the identifier; `+` is a literal plus. A segment that cannot be decoded (`%ZZ`, invalid UTF-8) or contains U+0000 resolves to no record (`404`). Matching is exact and case-sensitive.';

const IDENTIFIER_MEANING: Record<Resource, string> = {
  orders:
    'The order’s `external_order_id` or `order_number`: with a pass-through key an order whose `external_order_id` equals it wins, otherwise `order_number` is matched. Partner keys may configure the identifier field (identifiers.md §2).',
  products: 'The product’s `sku`.',
  locations: 'The location’s `code`.',
  inventory: 'A location `code` (default, `by=location`) or a product `sku` (`by=sku`).',
};

function identifierParameter(resource: Resource): ParameterObject {
  return {
    name: 'identifier',
    in: 'path',
    required: true,
    description: `${IDENTIFIER_MEANING[resource]} ${IDENTIFIER_ENCODING}`,
    schema: { type: 'string', minLength: 1 },
    examples: {
      plain: { summary: 'Plain identifier', value: RESOURCE_REGISTRY[resource].identifierExample },
      encoded: { summary: 'Identifier containing a slash', value: 'WH%2FSHELF-01' },
    },
  };
}

const COMMON_ERRORS: ErrorSpec[] = [
  { status: 401, response: 'Unauthorized' },
  { status: 403, response: 'Forbidden' },
  { status: 413, response: 'PayloadTooLarge' },
  { status: 429, response: 'RateLimited' },
  { status: 500, response: 'InternalError' },
  { status: 503, response: 'ServiceUnavailable' },
  { status: 504, response: 'GatewayTimeout' },
];

function scopeSentence(scope: string | null): string {
  return scope === null ? '**Scope:** none (no API key needed).' : `**Scope:** \`${scope}\` (or a wildcard granting it: \`integrations.${scope.split('.')[1]}.*\`, \`integrations.*\`).`;
}

function forbiddenWhen(scope: string | null): string {
  return scope === null
    ? '`NOT_AUTHENTICATED` or `INTEGRATION_DISABLED`.'
    : `\`NOT_AUTHENTICATED\` (no key), \`INTEGRATION_DISABLED\`, or \`PERMISSION_DENIED\` (key lacks \`${scope}\`; \`details: {"required_scope": "${scope}"}\`).`;
}

function buildResponses(
  success: { status: number; response: ResponseObject | ReferenceObject },
  errors: ErrorSpec[],
  scope: string | null,
): Record<string, ResponseObject | ReferenceObject> {
  const responses: Record<string, ResponseObject | ReferenceObject> = { [String(success.status)]: success.response };
  const all = [...errors, ...COMMON_ERRORS].sort((a, b) => a.status - b.status);
  for (const error of all) {
    const when = error.status === 403 ? forbiddenWhen(scope) : error.when;
    responses[String(error.status)] = responseRef(error.response, when);
  }
  return responses;
}

function dataOperation(resource: Resource, route: RouteDefinition, method: DataMethod): OperationObject {
  const spec = OPERATION_SPECS[`${resource}:${route.kind}:${method}`];
  if (!spec) throw new Error(`No OpenAPI description for ${method} ${resource} ${route.kind} route`);
  const scope = requiredScope(resource, actionForMethod(method)!);
  const operation: OperationObject = {
    operationId: spec.operationId,
    summary: spec.summary,
    description: `${spec.description}\n\n${scopeSentence(scope)}`,
    tags: [TAGS[resource].name],
    security: [{ [API_KEY_SCHEME]: [scope] }],
    'x-required-scope': scope,
    responses: buildResponses(
      {
        status: spec.success.status,
        response: {
          description: spec.success.description,
          headers: headers('X-RateLimit-Limit', 'X-RateLimit-Remaining'),
          content: { [JSON_MEDIA]: { schema: schemaRef(spec.success.schema) } },
        },
      },
      spec.errors,
      scope,
    ),
  };
  if (spec.query) operation.parameters = spec.query.map(parameterRef);
  if (method !== 'GET') withIdempotencyKey(operation, spec.success.status);
  if (spec.body) {
    const body: RequestBodyObject = {
      description: spec.body.description,
      required: spec.body.required,
      content: {
        [JSON_MEDIA]: {
          schema: spec.body.schema === null ? { type: 'object', description: 'Ignored.' } : schemaRef(spec.body.schema),
          ...(spec.body.example === undefined ? {} : { examples: { example: { summary: 'Example', value: spec.body.example } } }),
        },
      },
    };
    operation.requestBody = body;
  }
  return operation;
}

/**
 * `Idempotency-Key` on a POST, PUT or DELETE: the header parameter, `Idempotent-Replayed` on the
 * success response (a replay repeats whatever was stored, so also on the documented errors' statuses),
 * and the key's own answers joined to the 409 and 422 of the operation.
 */
function withIdempotencyKey(operation: OperationObject, successStatus: number): void {
  operation.parameters = [...(operation.parameters ?? []), parameterRef('IdempotencyKey')];
  const success = operation.responses[String(successStatus)] as ResponseObject;
  success.headers = { ...success.headers, 'Idempotent-Replayed': headerRef('Idempotent-Replayed') };
  const joined = (status: string, own: { codes: ErrorCode[]; when: string; headers?: HeaderName[] }) => {
    const existing = operation.responses[status];
    const existingRef = existing && isReference(existing) ? existing.$ref.split('/').pop() : undefined;
    const before = existingRef === 'Duplicate' ? (['DUPLICATE'] as ErrorCode[]) : existingRef === 'Conflict' ? (['CONFLICT'] as ErrorCode[]) : existingRef === 'MappingError' ? (['MAPPING_ERROR'] as ErrorCode[]) : [];
    const description = [existing && isReference(existing) ? existing.description ?? RESPONSES[existingRef as ResponseName]?.description : undefined, own.when].filter(Boolean).join(' ');
    operation.responses[status] = errorResponse(description, [...new Set([...before, ...own.codes])], own.headers ?? []);
  };
  // Retry-After is sent with this CONFLICT only, so it is not a required header of the joined 409.
  joined('409', { codes: ['CONFLICT'], when: '`CONFLICT` (`A request with this Idempotency-Key is in progress`, with a `Retry-After: 1` header): the key’s first request is still being processed.' });
  joined('422', { codes: ['VALIDATION_ERROR'], when: '`VALIDATION_ERROR` (`Idempotency-Key was already used for a different request`): the key was used for another method, path or body.' });
}

/** The bodiless twin of a GET: same statuses and headers, no content (conventions.md §3.4). */
function headOperation(get: OperationObject, components: Record<string, ResponseObject>): OperationObject {
  const responses: Record<string, ResponseObject> = {};
  for (const [status, response] of Object.entries(get.responses)) {
    const resolved = isReference(response) ? components[response.$ref.split('/').pop()!]! : response;
    const description = (isReference(response) && response.description) || resolved.description;
    responses[status] = { description: `${description} Headers only (no body).`, ...(resolved.headers ? { headers: resolved.headers } : {}) };
  }
  const head: OperationObject = {
    ...get,
    operationId: `head${get.operationId.charAt(0).toUpperCase()}${get.operationId.slice(1)}`,
    summary: `${get.summary} (headers only)`,
    description: `Behaves exactly like \`GET\` on the same URL (same authentication, scope, status code and headers) but the response has no body.\n\n${scopeSentence(get['x-required-scope'] ?? null)}`,
    responses,
  };
  delete head.requestBody;
  return head;
}

function optionsOperation(operationId: string, tag: string, scope: string | null, allow: readonly string[]): OperationObject {
  return {
    operationId,
    summary: 'Supported methods',
    description: `Answers \`204 No Content\` with \`Allow: ${allow.join(', ')}\` and performs no other work. Requires an API key${scope === null ? '' : ' with the read scope of the route'}.\n\n${
      scope === null ? '**Scope:** none (any valid key).' : scopeSentence(scope)
    }`,
    tags: [tag],
    security: [{ [API_KEY_SCHEME]: scope === null ? [] : [scope] }],
    'x-required-scope': scope,
    responses: buildResponses({ status: 204, response: responseRef('Options') }, [], scope),
  };
}

function resourcePathItem(resource: Resource, route: RouteDefinition): PathItemObject {
  const item: PathItemObject = {
    summary:
      route.kind === 'collection'
        ? `${TAGS[resource].name} collection`
        : `${route.kind === 'history' ? 'History of one' : 'One'} ${resource === 'inventory' ? 'location or SKU' : TAGS[resource].name.toLowerCase().replace(/s$/, '')}`,
    description: `Supported methods: ${route.methods.join(', ')}. Any other method → \`405 METHOD_NOT_ALLOWED\` with an \`Allow\` header (see \`components.responses.MethodNotAllowed\`). The path works with and without its trailing slash (never a redirect).`,
  };
  if (route.kind !== 'collection') item.parameters = [identifierParameter(resource)];
  for (const method of route.methods) {
    if (method === 'HEAD') continue; // added from GET below
    if (method === 'OPTIONS') {
      const scope = requiredScope(resource, 'read');
      const kind = route.kind === 'collection' ? 'Collection' : route.kind === 'history' ? 'History' : 'Item';
      item.options = optionsOperation(`options${TAGS[resource].name}${kind}`, TAGS[resource].name, scope, route.methods);
      continue;
    }
    item[method.toLowerCase() as HttpMethod] = dataOperation(resource, route, method as DataMethod);
  }
  if (route.methods.includes('HEAD')) {
    if (!item.get) throw new Error(`HEAD without GET on ${resource} ${route.kind}`);
    item.head = headOperation(item.get, RESPONSES);
  }
  return item;
}

const CHANGES_TAG = {
  name: 'Changes',
  description:
    'The change feed (history-feed-idempotency.md §2): every change of the tenant’s records in the order it was stored, exactly once to a client that stores `next_cursor` after each page, with long polling.',
};

/** `changes/`: GET, HEAD and OPTIONS; the scope is the read scope of every resource followed. */
function changesPathItem(): PathItemObject {
  const scopes = RESOURCE_NAMES.map((r) => requiredScope(r, 'read'));
  const scopeText = `**Scope:** the \`read\` scope of every resource in \`resources\` (${scopes.map((s) => `\`${s}\``).join(', ')}, or a wildcard granting it); without \`resources\`, the key follows every resource it can read (at least one).`;
  const get: OperationObject = {
    operationId: 'listChanges',
    summary: 'Follow the change feed',
    description: `The tenant’s events in the order they were stored — one global order per tenant, gap-free: a change committed later never appears before one already returned — oldest first, each with the record as its \`GET\` answers it now. Without \`after\` the feed starts at the tenant’s first event. \`next_cursor\` is always present; passing it back returns what was stored since, and an empty \`data\` with the same cursor means “nothing new yet”. With \`wait\`, an empty answer is held until a change arrives or the time is up. Independent of Kafka.\n\n${scopeText}`,
    tags: [CHANGES_TAG.name],
    security: [{ [API_KEY_SCHEME]: [] }],
    'x-required-scope': null,
    parameters: ['FeedAfter', 'FeedResources', 'FeedLimit', 'FeedWait'].map((p) => parameterRef(p as ParameterName)),
    responses: buildResponses(
      {
        status: 200,
        response: {
          description: 'A page of changes (possibly empty).',
          headers: headers('X-RateLimit-Limit', 'X-RateLimit-Remaining'),
          content: { [JSON_MEDIA]: { schema: schemaRef('ChangeFeedResponse') } },
        },
      },
      [{ status: 400, response: 'ValidationError', when: 'An `after` cursor that is not this tenant’s feed cursor (`details.after`), an unknown name in `resources`, a `wait` that is not an integer 0–30.' }],
      null,
    ),
  };
  get.responses['403'] = responseRef('Forbidden', '`NOT_AUTHENTICATED` (no key), `INTEGRATION_DISABLED`, or `PERMISSION_DENIED` (the key cannot read a resource named in `resources`, or none at all; `details.required_scope` names the missing scope).');
  return {
    summary: 'The change feed',
    description: `Supported methods: ${CHANGES_METHODS.join(', ')}. Any other method → \`405 METHOD_NOT_ALLOWED\` with an \`Allow\` header. The path works with and without its trailing slash.`,
    get,
    head: headOperation(get, RESPONSES),
    options: optionsOperation('optionsChanges', CHANGES_TAG.name, null, CHANGES_METHODS),
  };
}

function openApiPathItem(): PathItemObject {
  const get: OperationObject = {
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI document',
    description:
      'The machine-readable OpenAPI 3.1 description of the integration API. Needs neither an API key nor a tenant host, has no scope, is not rate-limited and is not logged.\n\n**Scope:** none (no API key needed).',
    tags: [DISCOVERY_TAG.name],
    security: [],
    'x-required-scope': null,
    responses: {
      '200': {
        description: 'The OpenAPI document.',
        headers: headers(),
        content: {
          [JSON_MEDIA]: {
            schema: {
              type: 'object',
              required: ['openapi', 'info', 'paths'],
              properties: { openapi: { type: 'string', const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' } },
            },
          },
        },
      },
      '413': responseRef('PayloadTooLarge'),
      '500': responseRef('InternalError'),
    },
  };
  const item: PathItemObject = {
    summary: 'OpenAPI document',
    description: `Supported methods: ${OPENAPI_METHODS.join(', ')}. \`GET\` and \`HEAD\` need no key; \`OPTIONS\` and unsupported methods go through authentication.`,
    get,
  };
  if (OPENAPI_METHODS.includes('HEAD')) item.head = headOperation(get, RESPONSES);
  if (OPENAPI_METHODS.includes('OPTIONS')) item.options = optionsOperation('optionsOpenApiDocument', DISCOVERY_TAG.name, null, OPENAPI_METHODS);
  return item;
}

// ---------------------------------------------------------------------------------------------
// Document
// ---------------------------------------------------------------------------------------------

const ERROR_MEANING: Record<ErrorCode, [string, string]> = {
  VALIDATION_ERROR: ['The request is malformed or a field is missing/invalid; also duplicate `order_number` / `external_order_id`, bad query parameters, malformed JSON.', 'no'],
  SERVICE_ERROR: ['Well-formed request that breaks a business rule (unknown or inactive SKU in an order, changing a cancelled/shipped order, cancelling a shipped order).', 'no'],
  AUTHENTICATION_FAILED: ['Key not accepted.', 'no'],
  KEY_EXPIRED: ['Key expired.', 'no'],
  NOT_AUTHENTICATED: ['No key sent.', 'no'],
  PERMISSION_DENIED: ['Scope missing.', 'no'],
  INTEGRATION_DISABLED: ['The tenant switched the integration API off.', 'no'],
  NOT_FOUND: ['The identifier does not resolve to a record, or the route does not exist.', 'no'],
  METHOD_NOT_ALLOWED: ['The route exists but does not support the method; `Allow` lists the supported ones.', 'no'],
  DUPLICATE: ['Create with a natural key that already exists (product `sku`, location `code`).', 'no — during a retry it means the earlier attempt succeeded'],
  CONFLICT: ['Concurrent modification of an existing record could not be resolved; nothing was changed.', 'yes'],
  PAYLOAD_TOO_LARGE: [`Body larger than ${MAX_BODY_BYTES} bytes.`, 'no'],
  UNSUPPORTED_MEDIA_TYPE: ['Body present but not declared as JSON, or compressed.', 'no'],
  MAPPING_ERROR: ['The partner’s field mapping could not be applied to the body.', 'no'],
  RATE_LIMITED: ['The key’s request-rate limit was exceeded.', 'yes, after `Retry-After`'],
  INTERNAL_ERROR: ['Unexpected platform failure.', 'yes, with backoff'],
  SERVICE_UNAVAILABLE: ['A backend is unavailable, or the per-key concurrency queue timed out.', 'yes, after `Retry-After`'],
  GATEWAY_TIMEOUT: ['Processing exceeded the time limit; the operation may still complete.', 'yes, after verifying the state'],
};

function errorCatalogue(): ErrorCatalogueEntry[] {
  return (Object.keys(ERROR_STATUS) as ErrorCode[]).map((code) => ({
    code,
    status: ERROR_STATUS[code],
    meaning: ERROR_MEANING[code][0],
    retry: ERROR_MEANING[code][1],
  }));
}

const API_DESCRIPTION = `The tenant-scoped HTTP/JSON API through which external systems (ERPs, e-commerce platforms, custom scripts) create and read orders, products, locations and inventory.

**Hosts.** Each tenant is served at \`<tenant>.<base-domain>\`, e.g. \`https://acme.datamingle.ai\` (production, HTTPS only) or \`http://acme.localhost:8080\` (local). All endpoints live under \`${BASE_PATH}\`. A path with and without its trailing slash is the same route (never a redirect); this document shows the form with the slash.

**Authentication.** Send the API key in the \`X-API-Key\` header (nothing else is accepted). Missing key → \`403 NOT_AUTHENTICATED\`; invalid key → \`401 AUTHENTICATION_FAILED\`; expired key → \`401 KEY_EXPIRED\`. Each operation names the scope it requires: \`GET\`, \`HEAD\`, \`OPTIONS\` need \`read\`, \`POST\`/\`PUT\` need \`write\`, \`DELETE\` needs \`delete\` of the route's resource.

**Requests.** Bodies are JSON objects sent as \`application/json\` (UTF-8), at most ${MAX_BODY_BYTES} bytes. Unknown fields are ignored; read-only fields are ignored. On \`PUT\`, absent fields are left unchanged and \`null\` clears optional fields.

**Responses.** Success: \`{"success": true, "data": ...}\` (lists add \`pagination\`). Errors: \`{"success": false, "error": {"code", "message", "details"?}, "request_id"}\`; authentication-layer failures add \`detail\`. Every datetime is RFC 3339 UTC ending in \`Z\`. Every response carries \`X-Request-ID\` and \`Cache-Control: no-store\`.

**Routing errors.** A path under the base path that matches no route → \`404 NOT_FOUND\`; a known path with an unsupported method → \`405 METHOD_NOT_ALLOWED\` with \`Allow\`. Both are checked after authentication.

**Partner keys.** With a key linked to a partner, request and response records and error field paths use the partner's field names (custom-integrations.md); the envelope keys never change. The schemas in this document use the internal field names.

**Limits.** Per key: 50 concurrent requests (a request waiting more than 30 seconds gets \`503\` with \`Retry-After\`), and an optional request-rate limit (\`429\` with \`Retry-After\`, \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\`). Processing time: 60 seconds (\`504\`).`;

const API_KEY_DESCRIPTION = `A tenant-bound API key \`sk_live_<secret>\` (${'`^sk_live_[0-9A-Za-z]{32,128}$`'}) in the \`X-API-Key\` header. Scopes: \`integrations.*\`, \`integrations.<resource>.*\` or \`integrations.<resource>.<action>\` with resource ${RESOURCE_NAMES.map((r) => `\`${r}\``).join(', ')} and action \`read\`, \`write\`, \`delete\` (no \`delete\` for inventory; the legacy \`integrations.inventorys.*\` spellings are honoured). Failures: missing → \`403 NOT_AUTHENTICATED\` (\`${AUTH_MESSAGES.NOT_AUTHENTICATED}\`); unknown/revoked/other tenant → \`401 AUTHENTICATION_FAILED\` (\`${AUTH_MESSAGES.AUTHENTICATION_FAILED}\`); expired → \`401 KEY_EXPIRED\` (\`${AUTH_MESSAGES.KEY_EXPIRED}\`); tenant switch off → \`403 INTEGRATION_DISABLED\`; scope missing → \`403 PERMISSION_DENIED\` (\`${AUTH_MESSAGES.PERMISSION_DENIED}\`).`;

/** Builds the OpenAPI 3.1 document of the integration API (a fresh object on every call). */
export function buildOpenApiDocument(options: BuildOpenApiOptions = {}): OpenApiDocument {
  const paths: Record<string, PathItemObject> = {};
  const resources = RESOURCE_NAMES;
  for (const resource of resources) {
    const routes = ROUTES[resource];
    paths[`${BASE_PATH}${resource}/`] = resourcePathItem(resource, routes.collection);
    paths[`${BASE_PATH}${resource}/{identifier}/`] = resourcePathItem(resource, routes.item);
    if (routes.history) paths[`${BASE_PATH}${resource}/{identifier}/history/`] = resourcePathItem(resource, routes.history);
  }
  paths[`${BASE_PATH}${CHANGES_SEGMENT}/`] = changesPathItem();
  paths[OPENAPI_PATH] = openApiPathItem();

  const tenantVariable = { default: 'acme', description: 'Your tenant (workspace) slug.' };
  const servers = [
    { url: 'https://{tenant}.datamingle.ai', description: 'Production', variables: { tenant: { ...tenantVariable } } },
    { url: 'http://{tenant}.localhost:8080', description: 'Local development', variables: { tenant: { ...tenantVariable } } },
  ];
  if (options.serverUrl) servers.unshift({ url: options.serverUrl.replace(/\/+$/, ''), description: 'This deployment' } as (typeof servers)[number]);

  const unmatchedCommon: Record<string, ReferenceObject> = {};
  for (const error of COMMON_ERRORS) unmatchedCommon[String(error.status)] = responseRef(error.response);

  const document: OpenApiDocument = {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Datamingle integration API',
      version: options.version ?? '1.0.0',
      summary: 'Orders, products, locations and inventory for ERP and e-commerce integrations.',
      description: API_DESCRIPTION,
    },
    servers,
    security: [{ [API_KEY_SCHEME]: [] }],
    tags: [...resources.map((r) => ({ ...TAGS[r] })), { ...CHANGES_TAG }, { ...DISCOVERY_TAG }],
    paths,
    components: {
      schemas: buildSchemas(),
      parameters: PARAMETERS,
      headers: HEADERS,
      responses: RESPONSES,
      securitySchemes: { [API_KEY_SCHEME]: { type: 'apiKey', name: 'X-API-Key', in: 'header', description: API_KEY_DESCRIPTION } },
    },
    'x-error-catalogue': errorCatalogue(),
    'x-unmatched-responses': {
      unknownPath: sortByStatus({ ...unmatchedCommon, '404': responseRef('NotFound') }),
      unsupportedMethod: sortByStatus({ ...unmatchedCommon, '405': responseRef('MethodNotAllowed') }),
    },
  };
  // A deep copy: callers may mutate their document without affecting later builds.
  return structuredClone(document);
}

function sortByStatus<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => Number(a) - Number(b)));
}

/** `GET`, `POST`, … of a path item, upper-case, in document order. */
export function documentedMethods(item: PathItemObject): string[] {
  return (['get', 'head', 'options', 'post', 'put', 'delete', 'patch', 'trace'] as HttpMethod[]).filter((m) => item[m] !== undefined).map((m) => m.toUpperCase());
}
